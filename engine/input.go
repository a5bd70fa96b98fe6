package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec"
	"github.com/flowc-dev/flowc/spec/expr"
)

// S3Client is the part of the S3 API a run uses; *s3.Client satisfies it.
type S3Client interface {
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, optFns ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// input is where one source's files are, resolved and listed.
type input struct {
	src     *ir.Source
	display string // the location read, as the user would write it
	files   []inputFile
	runs    []run // the partitions (a triggered source) in sorted order
	// loaded are the partitions (labels) with files an append table
	// loaded before (ledger.go): new files without a row there are no
	// empty partition.
	loaded map[string]bool

	scanned chan struct{} // closed when the files are scanned (runner.scan)
	scanErr error         // what scanFiles found
}

// inputFile is one file of a source.
type inputFile struct {
	path  string   // local path, for duckDB
	shown string   // the name errors use: the path as given, or s3://bucket/key
	rel   string   // the path under the source's location, with / (the ledger's key)
	part  []string // partition values, in the order of Source.Partitions
	run   int      // index into input.runs
	rows  int64    // the file's rows, when exact (scanFile)
	exact bool
	typed bool // every value canonical: duckDB's typed reader reads it as Spark would (canon.go)

	// A typed file whose source's filter (prefilter.go) rejects lines is
	// read from a copy of the lines it keeps (path: kept lines); full is
	// then the file with every line.
	full string
	kept int64
}

// run is one partition of a triggered source: what one S3 arrival loads.
type run struct {
	values []string // in the order of Source.Partitions
	label  string   // year=2001/month=01/day=17, or the location for an unpartitioned source
}

// partFilter is a parsed --partition: name -> value.
type partFilter struct {
	source string // "" unless written SOURCE:...
	values map[string]string
	names  []string // the names, in the order written
	text   string
}

func parsePartition(s string) (*partFilter, error) {
	if s == "" {
		return nil, nil
	}
	pf := &partFilter{values: map[string]string{}, text: s}
	if src, rest, ok := strings.Cut(s, ":"); ok && !strings.Contains(src, "=") {
		pf.source, s = src, rest
	}
	for _, kv := range strings.Split(strings.Trim(s, "/"), "/") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("--partition %q: want NAME=VALUE parts separated by /, e.g. year=2001/month=01/day=17", pf.text)
		}
		if _, dup := pf.values[k]; dup {
			return nil, fmt.Errorf("--partition %q names %s twice", pf.text, k)
		}
		pf.values[k] = v
		pf.names = append(pf.names, k)
	}
	return pf, nil
}

// check checks that the filter names partition columns of src, and a
// leading part of them in order (year=2001, year=2001/month=01, ...): the
// Glue job takes no other (run_partition in templates/glue_runtime.py).
// found are the partition values of the source's files, when listed: the
// error's example takes its values from them.
func (pf *partFilter) check(src *ir.Source, found [][]string) error {
	parts := src.Partitions
	for _, k := range pf.names {
		if !hasPartition(parts, k) {
			return &InputError{Msg: fmt.Sprintf("--partition %q: source %s has no partition column %s (it has %s)", pf.text, src.Name, k, partitionNames(parts))}
		}
	}
	leading := true
	for i, k := range pf.names {
		leading = leading && parts[i].Name == k
	}
	if leading {
		return nil
	}
	// The example: the leading part down to the deepest column named, with
	// the values given and, for the others, those of a partition found
	// (one that has the values given, if any).
	deepest := 0
	for i, p := range parts {
		if _, ok := pf.values[p.Name]; ok {
			deepest = i
		}
	}
	var like []string
	for _, vals := range found {
		if like == nil || pf.match(parts, vals) && !pf.match(parts, like) || comparePart(vals, like) < 0 && pf.match(parts, vals) == pf.match(parts, like) {
			like = vals
		}
	}
	var forms, example []string
	for i, p := range parts[:deepest+1] {
		v, ok := pf.values[p.Name]
		switch {
		case ok:
		case like != nil:
			v = like[i]
		default:
			v = "VALUE"
		}
		example = append(example, p.Name+"="+v)
	}
	for i := range parts {
		forms = append(forms, partitionPattern(parts[:i+1]))
	}
	list := forms[0]
	if len(forms) > 1 {
		list = strings.Join(forms[:len(forms)-1], ", ") + " or " + forms[len(forms)-1]
	}
	return &InputError{Msg: fmt.Sprintf("--partition %q: name the partition columns of source %s from the first, in order: %s (as the Glue job takes them), e.g. %s",
		pf.text, src.Name, list, strings.Join(example, "/"))}
}

// locate decides where a source is read from: --input, else the local
// mirror <spec dir>/data/<source>/, else the source's location.
func (r *runner) locate(src *ir.Source) string {
	if p, ok := r.opts.Inputs[src.Name]; ok {
		return p
	}
	if r.opts.SpecDir != "" {
		dir := filepath.Join(r.opts.SpecDir, "data", src.Name)
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			return dir
		}
	}
	return src.Location
}

// list resolves a source's location and lists its files, keeping only the
// partitions pf selects (pf applies to a triggered source only).
func (r *runner) list(ctx context.Context, src *ir.Source, pf *partFilter) (*input, error) {
	loc := r.locate(src)
	in := &input{src: src, display: loc}
	switch {
	case strings.HasPrefix(loc, "s3://"):
		if pf.appliesTo(src) {
			if err := pf.check(src, nil); err != nil {
				return nil, err
			}
		}
		if err := r.download(ctx, in, loc, pf); err != nil {
			return nil, err
		}
	case strings.HasPrefix(loc, "file://"):
		u, err := url.Parse(loc)
		if err != nil || (u.Host != "" && u.Host != "localhost") {
			return nil, &InputError{Msg: fmt.Sprintf("source %s: %q is not a file:// URL of a local path (file:///abs/path)", src.Name, loc)}
		}
		if err := in.walk(u.Path, u.Path); err != nil {
			return nil, err
		}
	default:
		if err := in.walk(loc, loc); err != nil {
			return nil, err
		}
	}
	return in, in.partition(pf)
}

// hidden reports whether a file or folder name is skipped, as Spark and
// Hadoop skip them: names starting with . or _ (_SUCCESS, .crc files).
func hidden(name string) bool { return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") }

// walk lists the files under root (a folder or one file); shownRoot is how
// root is shown in messages.
func (in *input) walk(root, shownRoot string) error {
	st, err := os.Stat(root)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return &InputError{File: shownRoot, Msg: fmt.Sprintf("source %s: no such file or folder", in.src.Name)}
		}
		return fmt.Errorf("source %s: %w", in.src.Name, err)
	}
	if !st.IsDir() {
		in.files = append(in.files, inputFile{path: root, shown: shownRoot, rel: filepath.Base(root)})
		return nil
	}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != root && hidden(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() || (d.Type()&fs.ModeSymlink != 0 && !d.IsDir()) {
			rel, _ := filepath.Rel(root, p)
			in.files = append(in.files, inputFile{path: p, shown: filepath.Join(shownRoot, rel), rel: filepath.ToSlash(rel)})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("listing source %s under %s: %w", in.src.Name, shownRoot, err)
	}
	return nil
}

// partition reads each file's partition values from its name=value path
// segments, applies the filter and numbers the runs in sorted order.
func (in *input) partition(pf *partFilter) error {
	parts := in.src.Partitions
	for i := range in.files {
		f := &in.files[i]
		segs := strings.Split(filepath.ToSlash(f.path), "/")
		f.part = make([]string, len(parts))
		for i, p := range parts {
			found := false
			for _, s := range segs[:len(segs)-1] {
				if v, ok := strings.CutPrefix(s, p.Name+"="); ok {
					f.part[i], found = v, true
				}
			}
			if !found {
				return &InputError{File: f.shown, Msg: fmt.Sprintf("not in a %s folder: source %s is partitioned by %s", partitionPattern(parts), in.src.Name, partitionNames(parts))}
			}
		}
	}
	if pf.appliesTo(in.src) {
		found := make([][]string, len(in.files))
		for i, f := range in.files {
			found[i] = f.part
		}
		if err := pf.check(in.src, found); err != nil {
			return err
		}
	}
	var kept []inputFile
	for _, f := range in.files {
		if pf.appliesTo(in.src) && !pf.match(parts, f.part) {
			continue
		}
		kept = append(kept, f)
	}
	in.files = kept
	sort.Slice(in.files, func(i, j int) bool {
		if c := comparePart(in.files[i].part, in.files[j].part); c != 0 {
			return c < 0
		}
		return in.files[i].shown < in.files[j].shown
	})
	in.number()
	if len(in.files) == 0 {
		if pf.appliesTo(in.src) {
			return &InputError{File: in.display, Msg: fmt.Sprintf("source %s has no files in partition %s", in.src.Name, pf.label(parts))}
		}
		return &InputError{File: in.display, Msg: fmt.Sprintf("source %s has no files", in.src.Name)}
	}
	return nil
}

// number numbers the runs of the (sorted) files: one per partition.
func (in *input) number() {
	parts := in.src.Partitions
	in.runs = nil
	for i := range in.files {
		f := &in.files[i]
		if n := len(in.runs); n == 0 || comparePart(in.runs[n-1].values, f.part) != 0 {
			in.runs = append(in.runs, run{values: f.part, label: partLabel(parts, f.part)})
		}
		f.run = len(in.runs) - 1
	}
	if len(parts) == 0 && len(in.runs) > 0 {
		in.runs[0].label = in.display
	}
}

// appliesTo reports whether the filter selects partitions of src.
func (pf *partFilter) appliesTo(src *ir.Source) bool {
	return pf != nil && pf.source == src.Name
}

func (pf *partFilter) match(parts []expr.Column, values []string) bool {
	for i, p := range parts {
		if v, ok := pf.values[p.Name]; ok && v != values[i] {
			return false
		}
	}
	return true
}

// label renders the filter in partition order.
func (pf *partFilter) label(parts []expr.Column) string {
	var out []string
	for _, p := range parts {
		if v, ok := pf.values[p.Name]; ok {
			out = append(out, p.Name+"="+v)
		}
	}
	return strings.Join(out, "/")
}

func hasPartition(parts []expr.Column, name string) bool {
	for _, p := range parts {
		if p.Name == name {
			return true
		}
	}
	return false
}

func partitionNames(parts []expr.Column) string {
	var out []string
	for _, p := range parts {
		out = append(out, p.Name)
	}
	return strings.Join(out, ", ")
}

func partitionPattern(parts []expr.Column) string {
	var out []string
	for _, p := range parts {
		out = append(out, p.Name+"=...")
	}
	return strings.Join(out, "/")
}

func partLabel(parts []expr.Column, values []string) string {
	var out []string
	for i, p := range parts {
		out = append(out, p.Name+"="+values[i])
	}
	return strings.Join(out, "/")
}

// comparePart orders partition values: numerically when both are integers,
// else as strings.
func comparePart(a, b []string) int {
	for i := range a {
		x, errx := strconv.ParseInt(a[i], 10, 64)
		y, erry := strconv.ParseInt(b[i], 10, 64)
		switch {
		case errx == nil && erry == nil && x != y:
			if x < y {
				return -1
			}
			return 1
		case a[i] != b[i] && (errx != nil || erry != nil):
			return strings.Compare(a[i], b[i])
		}
	}
	return 0
}

// download copies the objects of an s3:// location (only the selected
// partition's, when there is a filter) to a temporary folder.
func (r *runner) download(ctx context.Context, in *input, loc string, pf *partFilter) error {
	bucket, prefix, ok := spec.SplitS3(loc)
	if !ok {
		return &InputError{Msg: fmt.Sprintf("source %s: %q is not an s3://bucket/prefix/ location", in.src.Name, loc)}
	}
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	list := prefix
	if pf.appliesTo(in.src) {
		// Narrow the listing to the leading partition columns the filter sets.
		for _, p := range in.src.Partitions {
			v, ok := pf.values[p.Name]
			if !ok {
				break
			}
			list += p.Name + "=" + v + "/"
		}
	}
	client, err := r.s3(ctx)
	if err != nil {
		return r.s3Failed(in.src, fmt.Sprintf("cannot read %s", loc), err)
	}
	tmp, err := r.tempDir()
	if err != nil {
		return err
	}
	root := filepath.Join(tmp, in.src.Name)
	r.progress("listing s3://%s/%s", bucket, list)
	p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(list)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return r.s3Failed(in.src, fmt.Sprintf("cannot list s3://%s/%s", bucket, list), err)
		}
		for _, o := range page.Contents {
			key := aws.ToString(o.Key)
			rel := strings.TrimPrefix(key, prefix)
			if strings.HasSuffix(key, "/") || rel == "" || hiddenPath(rel) {
				continue
			}
			dst := filepath.Join(root, filepath.FromSlash(rel))
			if err := getObject(ctx, client, bucket, key, dst); err != nil {
				return r.s3Failed(in.src, fmt.Sprintf("cannot read s3://%s/%s", bucket, key), err)
			}
			in.files = append(in.files, inputFile{path: dst, shown: "s3://" + bucket + "/" + key, rel: rel})
		}
	}
	return nil
}

func hiddenPath(rel string) bool {
	for _, s := range strings.Split(rel, "/") {
		if hidden(s) {
			return true
		}
	}
	return false
}

func getObject(ctx context.Context, client S3Client, bucket, key, dst string) error {
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return err
	}
	defer out.Body.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	f, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, out.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func (r *runner) s3(ctx context.Context) (S3Client, error) {
	if r.s3client != nil {
		return r.s3client, nil
	}
	if r.opts.S3 == nil {
		return nil, errNoS3
	}
	c, err := r.opts.S3(ctx)
	if err != nil {
		return nil, fmt.Errorf("configuring the AWS SDK: %w", err)
	}
	r.s3client = c
	return c, nil
}

// tempDir returns the run's temporary folder (removed when the run ends),
// making it on first use; the scan's goroutines call it too.
func (r *runner) tempDir() (string, error) {
	r.tmpMu.Lock()
	defer r.tmpMu.Unlock()
	if r.tmp == "" {
		dir, err := os.MkdirTemp(r.opts.TempDir, "flowc-run-")
		if err != nil {
			return "", fmt.Errorf("creating a temporary folder: %w", err)
		}
		r.tmp = dir
	}
	return r.tmp, nil
}

var errNoS3 = errors.New("sources on S3 need AWS credentials, and none are configured")

// s3Failed explains a failed S3 call on a source's location in a sentence,
// without the SDK's chain of wrapped errors. When the location is the
// spec's own (no --input, no local mirror), as in a spec just written by
// flowc init, it says how to run on local files instead.
func (r *runner) s3Failed(src *ir.Source, what string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	reason := err.Error()
	var api smithy.APIError
	var nerr net.Error
	var hinted interface {
		error
		Hint() string
	}
	switch {
	case errors.As(err, &hinted):
		// An error that knows its hint (no answer from the endpoint within
		// the deadline): its own words, and kept in the chain so the
		// command prints the hint.
		reason = hinted.Error()
	case errors.As(err, &api):
		reason = api.ErrorMessage()
		if reason == "" {
			reason = "request failed"
		}
		reason += " (" + api.ErrorCode() + ")"
	case errors.Is(err, errNoS3):
	case strings.Contains(reason, "get credentials") || strings.Contains(reason, "get identity"):
		// The SDK's credential chain found nothing usable; it has no typed
		// error for that (deploy/errors.go matches the same words).
		reason = "no usable AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID, ~/.aws/credentials or an instance role)"
	case errors.As(err, &nerr):
		reason = "cannot reach S3: " + shortLine(nerr.Error())
	default:
		reason = shortLine(reason)
	}
	msg := fmt.Sprintf("source %s: %s: %s", src.Name, what, reason)
	if _, given := r.opts.Inputs[src.Name]; !given {
		dir := filepath.Join(r.opts.SpecDir, "data", src.Name) + string(filepath.Separator)
		msg += fmt.Sprintf("\n  hint: to run on local files, pass --input %s=PATH (a folder or a file) or add them under %s", src.Name, dir)
		if len(src.Partitions) > 0 {
			msg += " in " + partitionPattern(src.Partitions) + " folders"
		}
	}
	if hinted != nil {
		return &causedError{msg: msg, cause: hinted}
	}
	return errors.New(msg)
}

// causedError is a message that keeps the error it explains in the chain.
type causedError struct {
	msg   string
	cause error
}

func (e *causedError) Error() string { return e.msg }
func (e *causedError) Unwrap() error { return e.cause }
