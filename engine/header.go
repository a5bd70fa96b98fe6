package engine

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/flowc-dev/flowc/ir"
)

// openData opens a source file, decompressing .gz files as duckDB does.
func openData(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(strings.ToLower(path), ".gz") {
		return f, nil
	}
	z, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{z, f}, nil
}

// csvReader reads records with the source's CSV options as far as
// encoding/csv can (it knows only the double quote).
func csvReader(rd io.Reader, o ir.CSVOptions) *csv.Reader {
	c := csv.NewReader(rd)
	if d, _ := utf8.DecodeRuneInString(o.Delimiter); d != utf8.RuneError {
		c.Comma = d
	}
	c.LazyQuotes = true
	c.FieldsPerRecord = -1
	c.ReuseRecord = true
	return c
}

// scanFiles checks every CSV file of a source (scanFile) on a few
// goroutines, and reports the first problem in file order. typed says
// whether to check if the files are typed. A file whose line ends duckDB's
// reader does not take (normalizeLineEnds) is copied with \n line ends into
// a folder of tmp, and read from there.
func scanFiles(files []inputFile, src *ir.Source, typed bool, filter lineFilter, tmp func() (string, error)) error {
	errs := make([]error, len(files))
	var keep *lineKeep
	if filter != nil {
		keep = &lineKeep{filter: filter, tmp: tmp}
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 1<<20)
			for i := range next {
				errs[i] = scanFile(&files[i], src, typed, keep, buf)
				if errs[i] == errLineEnds {
					errs[i] = normalizeLineEnds(&files[i], buf, tmp)
					if errs[i] == nil {
						errs[i] = scanFile(&files[i], src, typed, keep, buf)
					}
				}
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// scanFile checks what can be told from the start of a CSV file: that it
// is UTF-8 text, not another format, and that its header (or first line)
// has the source's columns in order. An empty file is fine (no rows). It
// also counts the file's rows (non-empty lines after the header) when the
// lines tell them exactly: no quote character after the header, no
// compression; and, with typed, it checks whether the file is typed
// (canon.go), which tells its rows too, quotes or not. It reads the file
// to its end, and returns errLineEnds when the file's line ends need
// normalizeLineEnds. buf is scratch space.
func scanFile(f *inputFile, src *ir.Source, typed bool, keep *lineKeep, buf []byte) error {
	file, err := openData(f.path)
	if err != nil {
		return &InputError{File: f.shown, Msg: fmt.Sprintf("cannot read: %v", err)}
	}
	defer func() { file.Close() }()
	var le lineEnds
	var rd io.Reader = &lineEndsReader{file, &le}
	n, err := io.ReadFull(rd, buf)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return &InputError{File: f.shown, Msg: fmt.Sprintf("cannot read: %v", err)}
	}
	data, more := buf[:n], n == len(buf)
	if n == 0 {
		f.rows, f.exact, f.typed = 0, true, true
		return nil
	}
	if what := notCSV(data[:min(n, 4096)]); what != "" {
		return &InputError{File: f.shown, Msg: fmt.Sprintf("not a CSV file: %s (source %s is format: csv)", what, src.Name)}
	}
	if le.irregular() {
		return errLineEnds
	}
	// Allow a multi-byte character cut at the end of the peeked bytes.
	if head := data[:min(n, 4096)]; !utf8.Valid(head) && !utf8.Valid(head[:max(0, len(head)-3)]) {
		return notUTF8(f.shown, src, head)
	}
	quote := byte('"')
	if src.CSV.Quote != "" {
		quote = src.CSV.Quote[0]
	}
	end := bytes.IndexByte(data, '\n') + 1
	if end == 0 {
		end = len(data)
	}
	first := data[:end]
	// A header with an open quote goes on past its line: read it whole.
	whole := bytes.Count(first, []byte{quote})%2 == 0
	var in io.Reader = bytes.NewReader(first)
	if !whole || (end == len(data) && more) {
		whole = false
		in = io.MultiReader(bytes.NewReader(data), rd)
	}
	rec, err := csvReader(in, src.CSV).Read()
	if err != nil {
		return &InputError{File: f.shown, Line: 1, Msg: fmt.Sprintf("cannot read the first line: %v", err)}
	}
	want := columnNames(src)
	if !src.CSV.Header {
		if len(rec) != len(want) {
			return &InputError{File: f.shown, Line: 1, Msg: fmt.Sprintf("the line has %d columns; source %s declares %d (%s)", len(rec), src.Name, len(want), strings.Join(want, ", "))}
		}
	} else {
		got := make([]string, len(rec))
		for i, h := range rec {
			got[i] = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		}
		if msg := headerMismatch(got, want, src.Name); msg != "" {
			return &InputError{File: f.shown, Line: 1, Msg: msg}
		}
	}
	if !whole || strings.HasSuffix(strings.ToLower(f.path), ".gz") {
		return le.rest(rd, buf)
	}
	if cc := newCanonChecker(src); cc != nil && typed {
		if keep != nil {
			cc.filter, cc.kept = keep.filter, &keptLines{tmp: keep.tmp}
		}
		if !src.CSV.Header {
			cc.add(first)
		} else if cc.filter != nil {
			cc.kept.add(first)
		}
		cc.add(data[end:])
		for more && cc.ok {
			k, err := io.ReadFull(rd, buf)
			cc.add(buf[:k])
			if err != nil {
				break
			}
		}
		ok := cc.done()
		if ok {
			f.rows, f.exact, f.typed = cc.rows, true, true
			err = le.rest(rd, buf)
		}
		// The copy of the lines the filter keeps (prefilter.go), when it
		// could be written; else duckDB reads the file.
		if ok && err == nil && cc.filter != nil {
			if path, err := cc.kept.finish(); err == nil {
				f.full, f.path, f.kept = f.path, path, cc.kept.rows
			}
		} else if cc.kept != nil {
			cc.kept.discard()
		}
		if ok {
			return err
		}
		// Not typed: count the lines, from the start again.
		file.Close()
		if file, err = openData(f.path); err != nil {
			return &InputError{File: f.shown, Msg: fmt.Sprintf("cannot read: %v", err)}
		}
		le = lineEnds{}
		rd = &lineEndsReader{file, &le}
		if n, err = io.ReadFull(rd, buf); err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			return &InputError{File: f.shown, Msg: fmt.Sprintf("cannot read: %v", err)}
		}
		data, more = buf[:n], n == len(buf)
	}
	var lc lineCounter
	if !lc.add(data[end:], quote) {
		return le.rest(rd, buf)
	}
	for more {
		k, err := io.ReadFull(rd, buf)
		if !lc.add(buf[:k], quote) {
			return le.rest(rd, buf)
		}
		if err != nil {
			break
		}
	}
	if err := le.rest(rd, buf); err != nil {
		return err
	}
	f.rows, f.exact = lc.total(), true
	if !src.CSV.Header {
		f.rows++
	}
	return nil
}

// errLineEnds is scanFile's answer for a file whose line ends need
// normalizeLineEnds.
var errLineEnds = errors.New("the file's line ends need normalizing")

// lineEnds tracks the line ends of a file read in chunks.
//
// Spark's CSV reader (Glue reads a source's files with it, one line per
// record) splits lines as Hadoop's LineReader does: at \n, at \r\n and at a
// \r alone, in any mix, and skips empty lines. duckDB's reader takes one
// kind of line end per file: a file that mixes \r\n and \n, or has a \r
// alone next to other line ends (\r\r\n), fails with "the CSV parser state
// machine reached an invalid state"; and the header check and line counts
// of scanFile know only \n and \r\n. Such a file (and a file with \r line
// ends only) is read from a copy with \n line ends (normalizeLineEnds),
// which has the lines Spark reads, at the same line numbers (a line end is
// one of \r\n, \r, \n).
type lineEnds struct {
	lf, crlf, cr bool // seen: \n alone, \r\n, \r alone
	pendingCR    bool // the last chunk ended in \r
}

func (le *lineEnds) add(b []byte) {
	if len(b) == 0 {
		return
	}
	if le.pendingCR {
		le.pendingCR = false
		if b[0] == '\n' {
			le.crlf = true
			b = b[1:]
		} else {
			le.cr = true
		}
	}
	if bytes.IndexByte(b, '\r') < 0 {
		le.lf = le.lf || bytes.IndexByte(b, '\n') >= 0
		return
	}
	nl, crlf, cr := bytes.Count(b, []byte{'\n'}), bytes.Count(b, []byte("\r\n")), bytes.Count(b, []byte{'\r'})
	if b[len(b)-1] == '\r' {
		le.pendingCR = true
		cr--
	}
	le.crlf = le.crlf || crlf > 0
	le.lf = le.lf || nl > crlf
	le.cr = le.cr || cr > crlf
}

// irregular reports whether the line ends seen so far need normalizing: a
// \r alone, or both \n and \r\n.
func (le *lineEnds) irregular() bool {
	return le.cr || le.pendingCR && le.lf || le.lf && le.crlf
}

// rest reads the rest of rd (the file's reader) and returns errLineEnds
// when the file's line ends need normalizing.
func (le *lineEnds) rest(rd io.Reader, buf []byte) error {
	for !le.irregular() {
		if _, err := rd.Read(buf); err != nil {
			break
		}
	}
	if le.pendingCR {
		le.pendingCR, le.cr = false, true
	}
	if le.irregular() {
		return errLineEnds
	}
	return nil
}

// lineEndsReader feeds what it reads to a lineEnds.
type lineEndsReader struct {
	r  io.Reader
	le *lineEnds
}

func (r *lineEndsReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.le.add(p[:n])
	return n, err
}

// normalizeLineEnds copies a file (decompressed) into a folder of tmp with
// every line end (\r\n, \r or \n) written \n, and points f.path at the
// copy; f.shown stays the file's name. See lineEnds.
func normalizeLineEnds(f *inputFile, buf []byte, tmp func() (string, error)) error {
	dir, err := tmp()
	if err != nil {
		return err
	}
	rd, err := openData(f.path)
	if err != nil {
		return &InputError{File: f.shown, Msg: fmt.Sprintf("cannot read: %v", err)}
	}
	defer rd.Close()
	if err := os.MkdirAll(filepath.Join(dir, "lines"), 0o755); err != nil {
		return err
	}
	out, err := os.CreateTemp(filepath.Join(dir, "lines"), "*.csv")
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(out, 64<<10)
	pendingCR := false
	for {
		n, rerr := rd.Read(buf)
		b := buf[:n]
		if pendingCR && len(b) > 0 && b[0] == '\n' {
			b = b[1:]
		}
		if n > 0 {
			pendingCR = false
		}
		for len(b) > 0 {
			i := bytes.IndexByte(b, '\r')
			if i < 0 {
				w.Write(b)
				break
			}
			w.Write(b[:i])
			w.WriteByte('\n')
			switch {
			case i+1 == len(b):
				pendingCR = true
				b = nil
			case b[i+1] == '\n':
				b = b[i+2:]
			default:
				b = b[i+1:]
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			out.Close()
			return &InputError{File: f.shown, Msg: fmt.Sprintf("cannot read: %v", rerr)}
		}
	}
	if err := w.Flush(); err != nil {
		out.Close()
		return fmt.Errorf("copying %s: %w", f.shown, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("copying %s: %w", f.shown, err)
	}
	f.path = out.Name()
	return nil
}

// notUTF8 is the error for a file whose head holds a byte sequence that is
// not UTF-8, at its line.
func notUTF8(shown string, src *ir.Source, head []byte) error {
	at := 0
	for at < len(head) {
		r, size := utf8.DecodeRune(head[at:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		at += size
	}
	return notUTF8Error(shown, lineAt(head, at), head[min(at, len(head)-1)], src)
}

func notUTF8Error(shown string, line int, b byte, src *ir.Source) error {
	return &InputError{File: shown, Line: line, Msg: fmt.Sprintf("not UTF-8 text: byte 0x%02x (source %s is format: %s; save the file as UTF-8)", b, src.Name, src.Format)}
}

// badUTF8 finds the first byte of a file that is not UTF-8: its line
// (counting \r\n, \r and \n as line ends) and value; line 0 when there is
// none.
func badUTF8(path string) (line int, b byte) {
	rd, err := openData(path)
	if err != nil {
		return 0, 0
	}
	defer rd.Close()
	br := bufio.NewReaderSize(rd, 64<<10)
	line = 1
	for {
		r, size, err := br.ReadRune()
		switch {
		case err != nil:
			return 0, 0
		case r == utf8.RuneError && size == 1:
			br.UnreadRune()
			c, _ := br.ReadByte()
			return line, c
		case r == '\n':
			line++
		case r == '\r':
			if next, err := br.Peek(1); err != nil || next[0] != '\n' {
				line++
			}
		}
	}
}

// lineAt is the line (from 1) of offset at in b, the start of a file,
// counting \r\n, \r and \n as line ends.
func lineAt(b []byte, at int) int {
	b = b[:at]
	return 1 + bytes.Count(b, []byte{'\n'}) + bytes.Count(b, []byte{'\r'}) - bytes.Count(b, []byte("\r\n"))
}

// countLines counts the non-empty lines of r (a line of \r alone is
// empty); exact is false (and the count unfinished) at the first quote
// character.
func countLines(r io.Reader, quote byte) (n int64, exact bool) {
	var lc lineCounter
	buf := make([]byte, 64<<10)
	for {
		k, err := r.Read(buf)
		if !lc.add(buf[:k], quote) {
			return lc.n, false
		}
		if err != nil {
			return lc.total(), true
		}
	}
}

// lineCounter counts non-empty lines over consecutive chunks.
type lineCounter struct {
	n    int64
	open bool // the current line has bytes other than \r
}

func (lc *lineCounter) total() int64 {
	if lc.open {
		return lc.n + 1
	}
	return lc.n
}

// add counts a chunk; false at a quote character.
func (lc *lineCounter) add(chunk []byte, quote byte) bool {
	if len(chunk) == 0 {
		return true
	}
	if bytes.IndexByte(chunk, quote) >= 0 {
		return false
	}
	if chunk[0] != '\n' && chunk[0] != '\r' && !bytes.Contains(chunk, []byte("\n\n")) &&
		(bytes.IndexByte(chunk, '\r') < 0 || !bytes.Contains(chunk, []byte("\n\r\n")) && !bytes.Contains(chunk, []byte("\r\r"))) {
		// Every line that ends in this chunk has content: count the
		// newlines (the fast path, for files without empty lines).
		if nl := bytes.Count(chunk, []byte{'\n'}); nl > 0 {
			lc.n += int64(nl)
			tail := chunk[bytes.LastIndexByte(chunk, '\n')+1:]
			lc.open = len(bytes.TrimRight(tail, "\r")) > 0
		} else {
			lc.open = true
		}
		return true
	}
	for len(chunk) > 0 {
		i := bytes.IndexByte(chunk, '\n')
		line := chunk
		if i >= 0 {
			line = chunk[:i]
		}
		if len(bytes.TrimRight(line, "\r")) > 0 {
			lc.open = true
		}
		if i < 0 {
			break
		}
		if lc.open {
			lc.n++
		}
		lc.open = false
		chunk = chunk[i+1:]
	}
	return true
}

// notCSV names the format of data that is clearly not CSV text, or "".
func notCSV(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("PAR1")):
		return "it is a Parquet file"
	case bytes.HasPrefix(head, []byte("\x1f\x8b")):
		return "it is gzip-compressed (name it .gz)"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "it is a zip archive"
	case bytes.IndexByte(head, 0) >= 0:
		return "it holds binary data"
	}
	trimmed := bytes.TrimLeft(head, " \t\r\n\ufeff")
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		return "it looks like JSON"
	}
	return ""
}

func columnNames(src *ir.Source) []string {
	out := make([]string, len(src.Columns))
	for i, c := range src.Columns {
		out[i] = c.Name
	}
	return out
}

// headerMismatch explains how a header differs from the declared columns,
// or returns "".
func headerMismatch(got, want []string, source string) string {
	if strings.Join(got, "\x00") == strings.Join(want, "\x00") {
		return ""
	}
	in := func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	}
	var missing, extra []string
	for _, w := range want {
		if !in(got, w) {
			missing = append(missing, w)
		}
	}
	for _, g := range got {
		if !in(want, g) {
			extra = append(extra, g)
		}
	}
	declared := fmt.Sprintf("source %s declares %s", source, strings.Join(want, ", "))
	// The header is the file's: quote little of it (a file whose lines
	// flowc cannot find is all one header).
	short := func(names []string) []string {
		out := make([]string, len(names))
		for i, n := range names {
			out[i] = n
			if strings.ContainsAny(n, "\r\n") || excerpt(n) != n {
				out[i] = quoteShort(n)
			}
		}
		return out
	}
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, "missing column "+strings.Join(missing, ", "))
	}
	if len(extra) > 0 {
		parts = append(parts, "unexpected column "+listShort(short(extra)))
	}
	if len(parts) == 0 {
		return fmt.Sprintf("the header has the columns in another order (%s); %s, in that order", strings.Join(short(got), ", "), declared)
	}
	return "the header does not match: " + strings.Join(parts, "; ") + " (" + declared + ")"
}

// recordLine finds, in a CSV file, the first data record for which bad
// reports a bad field, and returns its line and the field's index; 0 when
// none is found.
func recordLine(f inputFile, o ir.CSVOptions, bad func(rec []string) int) (line, field int) {
	rd, err := openData(f.path)
	if err != nil {
		return 0, 0
	}
	defer rd.Close()
	c := csvReader(bufio.NewReaderSize(rd, 64<<10), o)
	first := true
	for {
		rec, err := c.Read()
		if err == io.EOF {
			return 0, 0
		}
		if err != nil {
			continue
		}
		if first && o.Header {
			first = false
			continue
		}
		first = false
		if i := bad(rec); i >= 0 {
			l, _ := c.FieldPos(i)
			return l, i
		}
	}
}
