package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/flowc-dev/flowc/compiler"
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
	src     *compiler.Source
	display string // the location read, as the user would write it
	files   []inputFile
	runs    []run // the partitions (a triggered source) in sorted order

	scanned chan struct{} // closed when the files are scanned (runner.scan)
	scanErr error         // what scanFiles found
}

// inputFile is one file of a source.
type inputFile struct {
	path  string   // local path, for DuckDB
	shown string   // the name errors use: the path as given, or s3://bucket/key
	part  []string // partition values, in the order of Source.Partitions
	run   int      // index into input.runs
	rows  int64    // the file's rows, when exact (scanFile)
	exact bool
	typed bool // every value canonical: DuckDB's typed reader reads it as Spark would (canon.go)
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
	}
	return pf, nil
}

// locate decides where a source is read from: --input, else the local
// mirror <spec dir>/data/<source>/, else the source's location.
func (r *runner) locate(src *compiler.Source) string {
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
func (r *runner) list(ctx context.Context, src *compiler.Source, pf *partFilter) (*input, error) {
	loc := r.locate(src)
	in := &input{src: src, display: loc}
	switch {
	case strings.HasPrefix(loc, "s3://"):
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
		in.files = append(in.files, inputFile{path: root, shown: shownRoot})
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
			in.files = append(in.files, inputFile{path: p, shown: filepath.Join(shownRoot, rel)})
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
	if pf.appliesTo(in.src) {
		for k := range pf.values {
			if !hasPartition(parts, k) {
				return &InputError{Msg: fmt.Sprintf("--partition %q: source %s has no partition column %s (it has %s)", pf.text, in.src.Name, k, partitionNames(parts))}
			}
		}
	}
	var kept []inputFile
	for _, f := range in.files {
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
	for i := range in.files {
		f := &in.files[i]
		if n := len(in.runs); n == 0 || comparePart(in.runs[n-1].values, f.part) != 0 {
			in.runs = append(in.runs, run{values: f.part, label: partLabel(parts, f.part)})
		}
		f.run = len(in.runs) - 1
	}
	if len(in.files) == 0 {
		if pf.appliesTo(in.src) {
			return &InputError{File: in.display, Msg: fmt.Sprintf("source %s has no files in partition %s", in.src.Name, pf.label(parts))}
		}
		return &InputError{File: in.display, Msg: fmt.Sprintf("source %s has no files", in.src.Name)}
	}
	if len(parts) == 0 {
		in.runs[0].label = in.display
	}
	return nil
}

// appliesTo reports whether the filter selects partitions of src.
func (pf *partFilter) appliesTo(src *compiler.Source) bool {
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
		return err
	}
	if r.tmp == "" {
		if r.tmp, err = os.MkdirTemp(r.opts.TempDir, "flowc-run-"); err != nil {
			return fmt.Errorf("creating a temporary folder: %w", err)
		}
	}
	root := filepath.Join(r.tmp, in.src.Name)
	r.progress("listing s3://%s/%s", bucket, list)
	p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(list)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing s3://%s/%s: %w", bucket, list, err)
		}
		for _, o := range page.Contents {
			key := aws.ToString(o.Key)
			rel := strings.TrimPrefix(key, prefix)
			if strings.HasSuffix(key, "/") || rel == "" || hiddenPath(rel) {
				continue
			}
			dst := filepath.Join(root, filepath.FromSlash(rel))
			if err := getObject(ctx, client, bucket, key, dst); err != nil {
				return err
			}
			in.files = append(in.files, inputFile{path: dst, shown: "s3://" + bucket + "/" + key})
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
		return fmt.Errorf("reading s3://%s/%s: %w", bucket, key, err)
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
		return fmt.Errorf("reading s3://%s/%s: %w", bucket, key, err)
	}
	return f.Close()
}

func (r *runner) s3(ctx context.Context) (S3Client, error) {
	if r.s3client != nil {
		return r.s3client, nil
	}
	if r.opts.S3 == nil {
		return nil, errors.New("sources on S3 need AWS credentials, and none are configured")
	}
	c, err := r.opts.S3(ctx)
	if err != nil {
		return nil, fmt.Errorf("configuring the S3 client: %w", err)
	}
	r.s3client = c
	return c, nil
}
