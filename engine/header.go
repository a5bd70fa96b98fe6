package engine

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/flowc-dev/flowc/compiler"
)

// openData opens a source file, decompressing .gz files as DuckDB does.
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
func csvReader(rd io.Reader, o compiler.CSVOptions) *csv.Reader {
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
// whether to check if the files are typed.
func scanFiles(files []inputFile, src *compiler.Source, typed bool) error {
	errs := make([]error, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 1<<20)
			for i := range next {
				errs[i] = scanFile(&files[i], src, typed, buf)
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
// is text, not another format, and that its header (or first line) has the
// source's columns in order. An empty file is fine (no rows). It also
// counts the file's rows (non-empty lines after the header) when the lines
// tell them exactly: no quote character after the header, no compression;
// and, with typed, it checks whether the file is typed (canon.go), which
// tells its rows too, quotes or not. buf is scratch space.
func scanFile(f *inputFile, src *compiler.Source, typed bool, buf []byte) error {
	rd, err := openData(f.path)
	if err != nil {
		return &InputError{File: f.shown, Msg: fmt.Sprintf("cannot read: %v", err)}
	}
	defer rd.Close()
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
		return nil
	}
	if cc := newCanonChecker(src); cc != nil && typed {
		if !src.CSV.Header {
			cc.add(first)
		}
		cc.add(data[end:])
		for more && cc.ok {
			k, err := io.ReadFull(rd, buf)
			cc.add(buf[:k])
			if err != nil {
				break
			}
		}
		if cc.done() {
			f.rows, f.exact, f.typed = cc.rows, true, true
			return nil
		}
		// Not typed: count the lines, from the start again.
		if rd, err = openData(f.path); err != nil {
			return &InputError{File: f.shown, Msg: fmt.Sprintf("cannot read: %v", err)}
		}
		defer rd.Close()
		if n, err = io.ReadFull(rd, buf); err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			return &InputError{File: f.shown, Msg: fmt.Sprintf("cannot read: %v", err)}
		}
		data, more = buf[:n], n == len(buf)
	}
	var lc lineCounter
	if !lc.add(data[end:], quote) {
		return nil
	}
	for more {
		k, err := io.ReadFull(rd, buf)
		if !lc.add(buf[:k], quote) {
			return nil
		}
		if err != nil {
			break
		}
	}
	f.rows, f.exact = lc.total(), true
	if !src.CSV.Header {
		f.rows++
	}
	return nil
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
	// Allow a multi-byte character cut at the end of the peeked bytes.
	if !utf8.Valid(head) && !utf8.Valid(head[:max(0, len(head)-3)]) {
		return "it is not UTF-8 text"
	}
	return ""
}

func columnNames(src *compiler.Source) []string {
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
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, "missing column "+strings.Join(missing, ", "))
	}
	if len(extra) > 0 {
		parts = append(parts, "unexpected column "+strings.Join(extra, ", "))
	}
	if len(parts) == 0 {
		return fmt.Sprintf("the header has the columns in another order (%s); %s, in that order", strings.Join(got, ", "), declared)
	}
	return "the header does not match: " + strings.Join(parts, "; ") + " (" + declared + ")"
}

// recordLine finds, in a CSV file, the first data record for which bad
// reports a bad field, and returns its line and the field's index; 0 when
// none is found.
func recordLine(f inputFile, o compiler.CSVOptions, bad func(rec []string) int) (line, field int) {
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
