// Package glue is the Glue backend: one PySpark script per table (glue/<table>.py), from
// templates/glue_job.py.tmpl, and the runtime the scripts share
// (glue/flowc_runtime.py: templates/glue_runtime.py as is, which each job
// loads with --extra-py-files). A script holds only the table's constants
// and calls the runtime, which reads the table's sources' files from S3 as
// text (the run's partition only, for the triggering source), runs the
// SQL of package sqlgen through spark.sql and, before any write, fails on source
// values that do not parse (as `flowc run` does) and runs the checks; then
// it loads Redshift through the pipeline's Glue connection (see the runtime
// for the run, step by step). It reads only the IR.
package glue

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"unicode/utf8"

	"github.com/flowc-dev/flowc/compiler/internal/redshift"
	"github.com/flowc-dev/flowc/compiler/sqlgen"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/templates"
)

// glueData is what the Glue job template reads. Every string is final:
// SQL is rendered, Redshift identifiers are quoted where needed.
type glueData struct {
	SpecPath, GlueVersion, JobName, Pipeline, Env string
	Table, Load, PartitionExample                 string

	Connection, RedshiftDatabase, IAMRole string

	Schema, Target, TargetRef, StagePrefix string
	Columns                                []string
	PartitionColumns                       map[string]string // partition column -> Redshift column
	MergeKey                               []string

	Trigger           *string
	TriggerPartitions []string

	Sources     []glueSource
	ValueChecks []glueValueCheck
	Views       []sqlgen.Query
	RowsView    string
	RowsSQL     string
	LoadSQL     string
	Checks      []glueCheck

	LengthColumns [][2]string // column, declared type
	LengthSQL     string

	DDL []string

	SchemaName                      string  // the schema as named (pg_namespace, pg_tables)
	Ledger, LedgerSource, LedgerDDL *string // append tables only
	OwnerColumn, OwnerDDL           *string // merge tables that check ownership only

	// Description is the table's description (ir.TableDescription) as
	// indented JSON, which is also a Python literal (strings, lists and
	// numbers only): what the runtime migrates the live table to.
	Description string
}

type glueSource struct {
	Name, RawView    string
	Location, Format string
	CSV              *ir.CSVOptions // csv sources only
	Columns          []string       // Source.Columns' names (the file's), in order
	Partitions       []string       // Source.Partitions' names, in order
}

// glueValueCheck finds the values of a source that do not parse (see
// BadValuesSQL).
type glueValueCheck struct {
	Source  string
	Columns [][2]string // column, declared type: sqlgen.BadValuesSQL's cols
	SQL     string
}

// glueFileName is the Spark SQL expression naming the file a row was
// read from.
const glueFileName = "input_file_name()"

type glueCheck struct {
	Name, Kind, SQL string
	Min, Max        *int
}

var (
	glueOnce sync.Once
	glueTmpl *template.Template
	glueErr  error
)

// glueTemplate parses the Glue job template once.
func glueTemplate() (*template.Template, error) {
	glueOnce.Do(func() {
		glueTmpl, glueErr = template.New(templates.GlueJob).
			Option("missingkey=error").
			Funcs(template.FuncMap{"py": pyLiteral, "sql": pySQL}).
			ParseFS(templates.FS, templates.GlueJob)
	})
	return glueTmpl, glueErr
}

// Runtime returns the Python module every Glue job script imports
// (flowc_runtime): the run, step by step, the same for every table.
func Runtime() ([]byte, error) {
	b, err := templates.FS.ReadFile(templates.GlueRuntime)
	if err != nil {
		return nil, fmt.Errorf("internal error: Glue runtime: %w", err)
	}
	return b, nil
}

// ScriptOptions change a script from what the spec alone gives.
type ScriptOptions struct {
	// AllowDestructive: the runtime may make destructive changes to the
	// table although the spec does not allow them (deploy
	// --allow-destructive).
	AllowDestructive bool
}

// Script renders the Glue job script of table t. For every table of a
// pipeline, use a Writer: it names the views once.
func Script(pl *ir.IR, t *ir.Table) ([]byte, error) { return NewWriter(pl).Script(t) }

// Writer renders the Glue job scripts of one pipeline.
type Writer struct {
	pl        *ir.IR
	rawPrefix string // of the raw views: no source or transform name starts with it
	rowsView  string // the rows view: no source or transform has this name
}

// NewWriter names the views the scripts of pl use: the sources' and
// transforms' own names; the raw views and the rows view get a prefix no
// source or transform name has.
func NewWriter(pl *ir.IR) *Writer {
	taken := map[string]bool{}
	for _, s := range pl.Sources {
		taken[s.Name] = true
	}
	for _, tr := range pl.Transforms {
		taken[tr.Name] = true
	}
	return &Writer{pl: pl, rawPrefix: freePrefix("flowc_raw_", pl, taken), rowsView: freePrefix("flowc_rows", nil, taken)}
}

// Script renders the Glue job script of table t.
func (w *Writer) Script(t *ir.Table) ([]byte, error) { return w.ScriptWith(t, ScriptOptions{}) }

// ScriptWith renders the Glue job script of table t with options.
func (w *Writer) ScriptWith(t *ir.Table, o ScriptOptions) ([]byte, error) {
	data, err := w.scriptData(t, o)
	if err != nil {
		return nil, err
	}
	tmpl, err := glueTemplate()
	if err != nil {
		return nil, fmt.Errorf("internal error: Glue template: %w", err)
	}
	var b bytes.Buffer
	if err := tmpl.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("internal error: Glue template: %w", err)
	}
	return b.Bytes(), nil
}

func (w *Writer) scriptData(t *ir.Table, o ScriptOptions) (*glueData, error) {
	pl := w.pl
	d := sqlgen.Spark
	rs := pl.Redshift
	data := &glueData{
		SpecPath:         pl.SpecName(),
		GlueVersion:      pl.Glue.Version,
		JobName:          pl.Names.GlueJob(t.Name),
		Pipeline:         pl.Pipeline,
		Env:              pl.Env,
		Table:            t.Name,
		Load:             t.Load,
		Connection:       rs.Connection,
		RedshiftDatabase: rs.Database,
		IAMRole:          rs.IAMRole,
		Schema:           redshift.Ident(rs.Schema),
		Target:           redshift.Table(pl, t),
		TargetRef:        redshift.Ident(t.Name),
		StagePrefix:      stagePrefix(t.Name),
		PartitionColumns: map[string]string{},
		PartitionExample: `""`,
		DDL:              []string{redshift.CreateTable(pl, t)},
		SchemaName:       rs.Schema,
	}
	if t.Appends != nil {
		ledger, src, ddl := redshift.Ledger(pl), t.Appends.Name, redshift.LedgerDDL(pl)
		data.Ledger, data.LedgerSource, data.LedgerDDL = &ledger, &src, &ddl
	}
	if t.OwnerCheck {
		col, ddl := ir.OwnerColumn, redshift.OwnerDDL(pl, t)
		data.OwnerColumn, data.OwnerDDL = &col, &ddl
	}
	td := t.Describe()
	if o.AllowDestructive {
		td.OnDestructiveChange = ir.OnDestructiveAllow
	}
	desc, err := json.MarshalIndent(td, "", "    ")
	if err != nil {
		return nil, err
	}
	data.Description = string(desc)
	for _, c := range t.Columns {
		data.Columns = append(data.Columns, redshift.Ident(c.Name))
	}
	if t.Load == ir.LoadMerge {
		for _, k := range t.Key {
			data.MergeKey = append(data.MergeKey, redshift.Ident(k))
		}
	}
	if src := t.Trigger; src != nil {
		name := src.Name
		data.Trigger = &name
		var ex []string
		for _, p := range src.Partitions {
			data.TriggerPartitions = append(data.TriggerPartitions, p.Name)
			ex = append(ex, p.Name+"=...")
		}
		if len(ex) > 0 {
			data.PartitionExample = strings.Join(ex, "/")
		}
		if t.Load == ir.LoadReplacePartition {
			for _, p := range t.PartitionColumns {
				if !tableHas(t, p) {
					return nil, fmt.Errorf("table %s loads with replace_partition but has no column %s", t.Name, p)
				}
				data.PartitionColumns[p] = redshift.Ident(p)
			}
		}
	}

	rawPrefix := w.rawPrefix
	data.RowsView = w.rowsView
	input := func(name string) string { return d.Ident(name) }
	for _, name := range t.Reads {
		if s := pl.Source(name); s != nil {
			gs := glueSource{Name: s.Name, RawView: rawPrefix + s.Name, Location: s.Location, Format: s.Format}
			if s.Format == "csv" {
				o := s.CSV
				gs.CSV = &o
			}
			for _, c := range s.Columns {
				gs.Columns = append(gs.Columns, c.Name)
			}
			for _, c := range s.Partitions {
				gs.Partitions = append(gs.Partitions, c.Name)
			}
			sql, err := sqlgen.SourceSQL(d, s, d.Ident(gs.RawView))
			if err != nil {
				return nil, err
			}
			bad, cols, err := sqlgen.BadValuesSQL(d, s, d.Ident(gs.RawView), glueFileName)
			if err != nil {
				return nil, err
			}
			if bad != "" {
				vc := glueValueCheck{Source: s.Name, SQL: bad}
				for _, c := range cols {
					vc.Columns = append(vc.Columns, [2]string{c.Name, c.Type.String()})
				}
				data.ValueChecks = append(data.ValueChecks, vc)
			}
			data.Sources = append(data.Sources, gs)
			data.Views = append(data.Views, sqlgen.Query{Name: s.Name, SQL: sql})
			continue
		}
		tr := pl.Transform(name)
		if tr == nil {
			return nil, fmt.Errorf("table %s reads %s, which is neither a source nor a transform", t.Name, name)
		}
		qs, err := sqlgen.TransformSQL(d, pl, tr, input)
		if err != nil {
			return nil, err
		}
		data.Views = append(data.Views, qs...)
	}

	if data.RowsSQL, err = sqlgen.TableRowsSQL(d, pl, t, input); err != nil {
		return nil, err
	}
	rows := func(string) string { return d.Ident(data.RowsView) }
	if data.LoadSQL, err = sqlgen.TableSQL(d, pl, t, rows); err != nil {
		return nil, err
	}
	for _, c := range sqlgen.LoadChecks(t) {
		sql, err := sqlgen.CheckSQL(d, t, c, d.Ident(data.RowsView))
		if err != nil {
			return nil, err
		}
		data.Checks = append(data.Checks, glueCheck{Name: c.Name, Kind: string(c.Kind), SQL: sql, Min: c.Min, Max: c.Max})
	}
	sql, cols, err := sqlgen.LengthCheckSQL(d, t, d.Ident(data.RowsView))
	if err != nil {
		return nil, err
	}
	data.LengthSQL = sql
	for _, c := range cols {
		data.LengthColumns = append(data.LengthColumns, [2]string{c.Name, c.Type.String()})
	}
	return data, nil
}

// freePrefix returns prefix, with underscores in front until no taken name
// starts with it (with ir) or equals it (without).
func freePrefix(prefix string, pl *ir.IR, taken map[string]bool) string {
	for {
		clash := false
		for name := range taken {
			if (pl != nil && strings.HasPrefix(name, prefix)) || name == prefix {
				clash = true
				break
			}
		}
		if !clash {
			return prefix
		}
		prefix = "_" + prefix
	}
}

// stagePrefix is the start of a run's staging table name: the table's name
// (cut so the name stays within Redshift's 127 bytes with the 16 hex
// digits the runtime adds: of the SHA-1 of the run's partition, so that a
// run finds the staging table a killed run of its partition left) and
// __flowc_stage_.
func stagePrefix(table string) string {
	const suffix = "__flowc_stage_"
	if max := ir.MaxRedshiftIdent - 16 - len(suffix); len(table) > max {
		table = table[:max]
	}
	return table + suffix
}

func tableHas(t *ir.Table, col string) bool {
	for _, c := range t.Columns {
		if c.Name == col {
			return true
		}
	}
	return false
}

// pyLiteral renders a Go value as a Python literal: bool, str, int, None, list
// (of str or pairs, as tuples) and dict (sorted keys).
func pyLiteral(v any) (string, error) {
	switch x := v.(type) {
	case bool:
		if x {
			return "True", nil
		}
		return "False", nil
	case string:
		return pyString(x), nil
	case *string:
		if x == nil {
			return "None", nil
		}
		return pyString(*x), nil
	case int:
		return strconv.Itoa(x), nil
	case *int:
		if x == nil {
			return "None", nil
		}
		return strconv.Itoa(*x), nil
	case []string:
		parts := make([]string, len(x))
		for i, s := range x {
			parts[i] = pyString(s)
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	case [][2]string:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = "(" + pyString(p[0]) + ", " + pyString(p[1]) + ")"
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	case map[string]string:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = pyString(k) + ": " + pyString(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}", nil
	}
	return "", fmt.Errorf("no Python literal for %T", v)
}

// pyString renders s as a one-line Python string literal in double quotes.
func pyString(s string) string {
	return `"` + pyEscape(s, true) + `"`
}

// pySQL renders multi-line SQL as a triple-quoted Python string whose text
// starts and ends with a newline (harmless to SQL, easier to read).
func pySQL(s string) string {
	return `"""` + "\n" + pyEscape(s, false) + "\n" + `"""`
}

// pyEscape escapes s for a Python string literal: backslash and double
// quote always, newlines unless multiline, other control characters as
// \xNN. Everything else is kept (the file is UTF-8).
func pyEscape(s string, oneLine bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\n' && !oneLine:
			b.WriteByte('\n')
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == utf8.RuneError:
			b.WriteString(`\ufffd`)
		case r < ' ' || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r == 0x2028 || r == 0x2029 || r == 0x85:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
