package spec

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec/diag"
	"github.com/flowc-dev/flowc/spec/expr"
)

// Checks of specs that the other checks accept but that would fail later,
// at `flowc run` or at deploy (issue 9).

// csvOptions checks that a CSV source's delimiter, quote, escape and null
// can be read together. DuckDB (flowc run) refuses these combinations with
// Binder errors; they are its rules, seen in its messages:
//
//	QUOTE must not appear in the DELIMITER specification and vice versa
//	ESCAPE must not appear in the DELIMITER specification and vice versa
//	DELIMITER must not appear in the NULL specification and vice versa
//	QUOTE must not appear in the NULL specification and vice versa
//	ESCAPE must not appear in the NULL specification and vice versa
//
// and a CSV format cannot have a line break as its delimiter, quote or
// escape: records end at line breaks (flowc run reads the header with Go's
// encoding/csv, which also refuses `"` as the delimiter whatever the quote).
func (c *checker) csvOptions(s *Source) {
	o := s.CSV
	if o == nil || s.formatName() != "csv" {
		return
	}
	type opt struct {
		name string
		s    Str
		val  string
	}
	eff := s.csv()
	d, q, e := opt{"delimiter", o.Delimiter, eff.Delimiter}, opt{"quote", o.Quote, eff.Quote}, opt{"escape", o.Escape, eff.Escape}
	for _, x := range []opt{d, q, e} {
		if x.s.IsSet() && (x.val == "\n" || x.val == "\r") {
			c.errorf(x.s.Pos, diag.FC109, "csv %s of source %q is a line break", x.name, s.Name.Raw).Hint =
				"CSV records end at line breaks; pick another character"
			return
		}
		if x.s.IsSet() && len(x.val) != 1 {
			return // FC105, reported by the decoder
		}
	}
	// pos is where a conflict between a and b is reported: the one the
	// spec sets (the later of the two when both are set).
	pos := func(a, b opt) Pos {
		if b.s.IsSet() {
			return b.s.Pos
		}
		return a.s.Pos
	}
	conflict := func(a, b opt) {
		dg := c.errorf(pos(a, b), diag.FC109, "csv %s and %s of source %q are both %q", a.name, b.name, s.Name.Raw, a.val)
		dg.Hint = fmt.Sprintf("the CSV readers (DuckDB in flowc run) refuse a %s that is also the %s; the defaults are delimiter \",\", quote '\"', escape '\"'", b.name, a.name)
	}
	switch {
	case d.val == q.val:
		conflict(d, q)
		return
	case d.val == e.val:
		conflict(d, e)
		return
	case d.val == `"`:
		c.errorf(d.s.Pos, diag.FC109, `csv delimiter of source %q is '"'`, s.Name.Raw).Hint =
			`flowc run reads the header with a CSV reader that does not take '"' as the delimiter; pick another character`
		return
	}
	if o.Null.IsSet() && o.Null.Raw != "" {
		for _, x := range []opt{d, q, e} {
			if strings.Contains(o.Null.Raw, x.val) {
				c.errorf(o.Null.Pos, diag.FC109, "csv null %q of source %q contains the %s %q", o.Null.Raw, s.Name.Raw, x.name, x.val).Hint =
					fmt.Sprintf("the CSV readers (DuckDB in flowc run) cannot tell a null marker with the %s in it from data; pick a marker without it, e.g. \\N or NULL", x.name)
				return
			}
		}
	}
}

// glueWorkerTypes are the worker types a Spark ETL job (command glueetl,
// which every flowc table job is) accepts, for every Glue version flowc
// allows (3.0, 4.0, 5.0). The Glue API reference (Job and JobRun
// WorkerType, and the SDK's types.WorkerType docs) says: "Accepts a value of
// G.025X, G.1X, G.2X, G.4X, G.8X, G.12X, G.16X, R.1X, R.2X, R.4X, or R.8X for
// Spark jobs. Accepts the value Z.2X for Ray jobs", and of G.025X: "This
// worker type is only available for Glue version 3.0 or later streaming
// jobs"; G.4X and G.8X need Glue 3.0 or later. So of the worker types the
// spec lists, G.025X (streaming only) and Z.2X (Ray only) cannot run a
// flowc job. https://docs.aws.amazon.com/glue/latest/dg/add-job.html
var glueWorkerTypes = []string{"G.1X", "G.2X", "G.4X", "G.8X"}

// glueWorkerNot says why a worker type the decoder accepts is no use to a
// glueetl job.
var glueWorkerNot = map[string]string{
	"G.025X": "it is for Glue streaming jobs only",
	"Z.2X":   "it is for Ray jobs only",
}

func (c *checker) glueSettings() {
	g := c.f.Glue
	if g == nil || !g.WorkerType.IsSet() {
		return
	}
	why, bad := glueWorkerNot[g.WorkerType.Raw]
	if !bad {
		return
	}
	version := c.f.glue().Version
	c.errorf(g.WorkerType.Pos, diag.FC110, "worker_type %s cannot run a Glue %s Spark ETL job: %s", g.WorkerType.Raw, version, why).Hint =
		"flowc's table jobs are Spark ETL (glueetl) jobs; use one of " + strings.Join(glueWorkerTypes, ", ")
}

// reservedPrefix starts the names flowc run and the Glue scripts give their
// own columns, views and tables (_flowc_file, _flowc_run, _flowc_src_NAME,
// _flowc_rows_TABLE, _flowc_rejects, ...). A user's column of such a name
// collides with them (DuckDB: "a column with this name is also in the
// file"), so the prefix is reserved for every name in the spec.
const reservedPrefix = "_flowc"

// reservedNames reports names that start with reservedPrefix.
func (c *checker) reservedNames() {
	f := c.f
	check := func(s Str, what string) {
		if strings.HasPrefix(s.Raw, reservedPrefix) {
			c.errorf(s.Pos, diag.FC216, "%s name %q is reserved: names starting with %s are flowc's own (such as the column _flowc_file)", what, s.Raw, reservedPrefix).Hint =
				"rename it, e.g. " + fmt.Sprintf("%q", strings.TrimLeft(strings.TrimPrefix(s.Raw, reservedPrefix), "_")+"_value")
		}
	}
	for _, s := range f.Sources {
		check(s.Name, "source")
		for _, col := range s.Columns {
			check(col.Name, "column")
		}
		for _, p := range s.Partitions {
			check(p.Name, "partition")
		}
	}
	for _, t := range f.Transforms {
		check(t.Name, "transform")
		for _, st := range t.Steps {
			if st.Kind == StepJoin && st.As.IsSet() {
				check(st.As, "alias")
			}
			for _, ne := range st.Columns {
				check(ne.Name, "column")
			}
		}
	}
	for _, t := range f.Tables() {
		check(t.Name, "table")
		for _, col := range t.Columns {
			check(col.Name, "column")
		}
	}
}

// arrivalPrefixes reports, in an environment, a source whose location lies
// under the location of a source triggered on arrival, in the same bucket:
// the EventBridge rule of the triggered source matches every object created
// under its prefix that ends in its format's suffix (compiler: the rule's
// wildcard is PREFIX*.FORMAT), so the other source's uploads would start runs.
func (c *checker) arrivalPrefixes(ev *envValues) {
	f := c.f
	e := ev.env
	type loc struct {
		s              *Source
		bucket, prefix string
	}
	var locs []loc
	for i, s := range f.Sources {
		if !s.Location.IsSet() {
			continue
		}
		v := ev.locations[i]
		if strings.Contains(v, "${") {
			continue
		}
		if b, p, ok := SplitS3(v); ok {
			locs = append(locs, loc{s, b, p})
		}
	}
	for _, x := range locs {
		for _, t := range locs {
			if t.s == x.s || t.s.triggerKind() != TriggerOnArrival {
				continue
			}
			if x.bucket != t.bucket || !strings.HasPrefix(x.prefix, t.prefix) || x.s.formatName() != t.s.formatName() {
				continue
			}
			c.errorf(x.s.Location.Pos, diag.FC217, "source %q is located under s3://%s/%s, where every new .%s object starts a run of source %q (environment %q)",
				x.s.Name.Raw, t.bucket, t.prefix, t.s.formatName(), t.s.Name.Raw, e.Name.Raw).Hint =
				fmt.Sprintf("move source %q out of s3://%s/%s, e.g. to a sibling prefix", x.s.Name.Raw, t.bucket, t.prefix)
			break
		}
	}
}

// bucketModes reports, in an environment, a source whose bucket: (create
// or existing) differs from that of an earlier source in the same bucket
// (FC219): a bucket is either created by the stack or not.
func (c *checker) bucketModes(ev *envValues) {
	first := map[string]*Source{}
	for i, s := range c.f.Sources {
		v := ev.locations[i]
		if !s.Location.IsSet() || strings.Contains(v, "${") {
			continue
		}
		b, _, ok := SplitS3(v)
		if !ok {
			continue
		}
		f := first[b]
		if f == nil {
			first[b] = s
			continue
		}
		if f.bucketMode() == s.bucketMode() {
			continue
		}
		p := s.Bucket.Pos
		if !s.Bucket.IsSet() {
			p = s.Location.Pos
		}
		says := func(s *Source) string {
			if !s.Bucket.IsSet() {
				return fmt.Sprintf("is bucket: %s (the default)", s.bucketMode())
			}
			return fmt.Sprintf("says bucket: %s", s.bucketMode())
		}
		c.errorf(p, diag.FC219, "source %q %s, but source %q in the same bucket %s %s (environment %q)",
			s.Name.Raw, says(s), f.Name.Raw, b, says(f), ev.env.Name.Raw).Hint =
			fmt.Sprintf("write the same bucket: on every source located in s3://%s/", b)
	}
}

// region checks an environment's region: a known AWS region (regions_gen.go,
// from the SDK's partition metadata), else FC212 when it is not even shaped
// like one, else FC218.
func (c *checker) region(region Str, v string) {
	if knownRegion(v) {
		return
	}
	if !regionRe.MatchString(v) {
		c.errorf(region.Pos, diag.FC212, "region %q is not an AWS region name", v).Hint = "for example us-east-1"
		return
	}
	dg := c.errorf(region.Pos, diag.FC218, "region %q does not exist", v)
	if s := expr.Suggest(v, awsRegions[:]); s != "" {
		dg.Hint = fmt.Sprintf("did you mean %q?", s)
	} else {
		dg.Hint = "AWS regions are named like us-east-1, eu-west-2, ap-southeast-1"
	}
}

// knownRegion reports whether name is a region of an AWS partition, as the
// AWS SDK flowc is built with knows them.
func knownRegion(name string) bool {
	i := sort.SearchStrings(awsRegions[:], name)
	return i < len(awsRegions) && awsRegions[i] == name
}

// redshiftDatabaseRe: a Redshift database name. CreateCluster's DBName (and
// Redshift Serverless' dbName): "Must contain 1 to 64 alphanumeric
// characters. Must contain only lowercase letters. Cannot be a word that is
// reserved by the service"; databases made by CREATE DATABASE follow the
// standard identifiers of "Names and identifiers": begin with a letter or
// underscore, then letters, digits, underscores or dollar signs, no quotes
// or spaces. flowc puts the name in the JDBC URL of the Glue job, so it
// takes the intersection: lowercase standard identifiers of at most 64
// bytes. https://docs.aws.amazon.com/redshift/latest/dg/r_names.html
var redshiftDatabaseRe = regexp.MustCompile(`^[a-z_][a-z0-9_$]*$`)

// maxRedshiftDatabase is the longest Redshift database name, in bytes.
const maxRedshiftDatabase = 64

// redshiftDatabase checks the database name v (expanded in environment env,
// or "" when it has no ${...}).
func (c *checker) redshiftDatabase(s Str, v, env string) {
	in := ""
	if env != "" {
		in = fmt.Sprintf(" in environment %q", env)
	}
	switch {
	case len(v) > maxRedshiftDatabase:
		c.errorf(s.Pos, diag.FC206, "database name %q%s is %d bytes; Redshift database names are at most %d", v, in, len(v), maxRedshiftDatabase)
	case !redshiftDatabaseRe.MatchString(v):
		c.errorf(s.Pos, diag.FC200, "database name %q%s is not a valid Redshift database name", v, in).Hint =
			"use 1 to 64 lowercase letters, digits, underscores or $, starting with a letter or underscore (the default database is dev)"
	case ir.IsRedshiftReserved(v):
		c.errorf(s.Pos, diag.FC211, "database name %q%s is a Redshift reserved word", v, in)
	}
}

// arrivalOptions checks `trigger: {on_arrival: {...}}` as a whole
// (FC220); each value's range is checked where it is read (FC108).
func (c *checker) arrivalOptions(s *Source) {
	if s.Trigger == nil || s.Trigger.Arrival == nil {
		return
	}
	o, a := s.Trigger.Arrival, s.arrival()
	if a.SettleSeconds > a.MaxWaitSeconds {
		pos := o.SettleSeconds.Pos
		if !o.SettleSeconds.Set {
			pos = o.MaxWaitSeconds.Pos
		}
		c.errorf(pos, diag.FC220, "settle_seconds %d is more than max_wait_seconds %d: a partition would never wait for quiet", a.SettleSeconds, a.MaxWaitSeconds).Hint =
			"make max_wait_seconds at least settle_seconds"
	}
	if !o.Marker.IsSet() {
		return
	}
	m := o.Marker.Raw
	ext := "." + s.formatName()
	switch {
	case m == "" || strings.ContainsAny(m, "/*?") || m == "." || m == "..":
		c.errorf(o.Marker.Pos, diag.FC220, "marker %q is not a file name", m).Hint = "name the file the producer writes into a complete partition folder, e.g. _SUCCESS"
	case strings.HasSuffix(strings.ToLower(m), ext):
		c.errorf(o.Marker.Pos, diag.FC220, "marker %q ends in %s, so it would be read as a data file", m, ext).Hint = "use a name that does not end in " + ext + ", e.g. _SUCCESS"
	}
}

// laterChecks runs the checks above that need no environment.
func (c *checker) laterChecks() {
	for _, s := range c.f.Sources {
		c.csvOptions(s)
		c.arrivalOptions(s)
		c.freshness(s)
	}
	c.glueSettings()
	c.reservedNames()
	if w := c.f.Warehouse; w != nil && w.Redshift != nil && w.Redshift.Database.IsSet() && !strings.Contains(w.Redshift.Database.Raw, "${") {
		c.redshiftDatabase(w.Redshift.Database, w.Redshift.Database.Raw, "")
	}
}

// laterEnvChecks runs the checks above that depend on the environment.
func (c *checker) laterEnvChecks(v *envValues) {
	c.arrivalPrefixes(v)
	c.bucketModes(v)
	if w := c.f.Warehouse; w != nil && w.Redshift != nil && strings.Contains(w.Redshift.Database.Raw, "${") {
		if db := v.redshift.Database; !strings.Contains(db, "${") {
			c.redshiftDatabase(w.Redshift.Database, db, v.env.Name.Raw)
		}
	}
}
