package engine

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"strings"
	"unicode/utf8"

	"github.com/flowc-dev/flowc/ir"
)

// Checking that a CSV file is typed (canon.go), in the pass of scanFile
// that reads it whole. The checker takes the file in chunks, as scanFile
// reads it, and carries a line cut at the end of a chunk over to the next.

// canonChecker checks the lines of one CSV file, fed in chunks.
type canonChecker struct {
	cols   []canonCol
	delim  byte
	null   []byte // the CSV null string, when not ""
	escape byte   // an escape character other than the quote, or 0
	quote  byte   // the quote character (" when none is set)
	quotes bool   // quoted fields can be typed: a quote is set, and its escape is itself
	ok     bool
	carry  []byte // the start of a line that goes on in the next chunk
	rows   int64  // the lines checked: the file's rows, when it is typed

	// With a filter (prefilter.go): the lines it keeps, of seen bytes.
	filter lineFilter
	kept   *keptLines
	seen   int

	// The last day minutes found valid, its bytes 0-7 and 8-9.
	day0   uint64
	day8   uint16
	hasDay bool
}

// maxCanonLine bounds the lines of a typed file (far below duckDB's
// maximum line size, and what the checker carries over between chunks).
const maxCanonLine = 1 << 16

// newCanonChecker returns the checker of a source's files, or nil when its
// files cannot be typed (options or types the typed read does not cover).
func newCanonChecker(src *ir.Source) *canonChecker {
	o := src.CSV
	// The delimiter is none of the characters of a canonical value, so a
	// value's own check finds where it ends.
	if src.Format != "csv" || len(o.Delimiter) != 1 || !strings.ContainsRune(",;|\t^~!#$%&*/<=>?@\\`", rune(o.Delimiter[0])) ||
		len(o.Quote) > 1 || len(o.Escape) > 1 {
		return nil
	}
	c := &canonChecker{delim: o.Delimiter[0], quote: '"', quotes: o.Quote != "" && o.Escape == o.Quote, ok: true}
	if o.Quote != "" {
		c.quote = o.Quote[0]
	}
	if o.Escape != "" && o.Escape != o.Quote {
		c.escape = o.Escape[0]
	}
	if o.Null != "" {
		c.null = []byte(o.Null)
	}
	for _, col := range src.Columns {
		cc := canonColumn(col.Type)
		if cc.kind == canonNone {
			return nil
		}
		c.cols = append(c.cols, cc)
	}
	return c
}

// add checks a chunk of the file; the lines may go on in the next chunk.
// It returns false once the file is known not to be typed.
func (c *canonChecker) add(chunk []byte) bool {
	if c == nil || !c.ok || len(chunk) == 0 {
		return c != nil && c.ok
	}
	if bytes.IndexByte(chunk, 0) >= 0 || (c.escape != 0 && bytes.IndexByte(chunk, c.escape) >= 0) {
		c.ok = false
		return false
	}
	if len(c.carry) > 0 {
		i := bytes.IndexByte(chunk, '\n')
		if i < 0 {
			c.carry = append(c.carry, chunk...)
			c.ok = len(c.carry) <= maxCanonLine
			return c.ok
		}
		c.carry = append(c.carry, chunk[:i+1]...)
		if !utf8.Valid(c.carry) || !c.lines(c.carry) {
			c.ok = false
			return false
		}
		if c.filter != nil {
			c.keepLines(c.carry)
		}
		c.carry = c.carry[:0]
		chunk = chunk[i+1:]
	}
	last := bytes.LastIndexByte(chunk, '\n')
	if !utf8.Valid(chunk[:last+1]) || !c.lines(chunk[:last+1]) {
		c.ok = false
		return false
	}
	if c.filter != nil {
		c.keepLines(chunk[:last+1])
	}
	c.carry = append(c.carry, chunk[last+1:]...)
	c.ok = len(c.carry) <= maxCanonLine
	return c.ok
}

// done checks the last line (without a newline) and reports whether the
// file is typed.
func (c *canonChecker) done() bool {
	if c == nil {
		return false
	}
	if c.ok && len(c.carry) > 0 {
		c.carry = append(c.carry, '\n')
		c.ok = utf8.Valid(c.carry) && c.lines(c.carry)
		if c.ok && c.filter != nil {
			c.keepLines(c.carry)
		}
		c.carry = c.carry[:0]
	}
	return c.ok
}

// lines checks whole lines: b ends with a newline (\n or \r\n, as duckDB
// reads both; a \r elsewhere is a newline to duckDB: not typed). An empty
// line is not typed either: duckDB skips it, and the text path counts it.
// Lines with quotes are quotedLines'.
func (c *canonChecker) lines(b []byte) bool {
	if bytes.IndexByte(b, '\r') >= 0 && bytes.Count(b, []byte{'\r'}) != bytes.Count(b, []byte("\r\n")) {
		return false
	}
	if bytes.IndexByte(b, c.quote) >= 0 {
		c.stopKeeping() // a quoted delimiter would move the fields
		return c.quotedLines(b)
	}
	cols, delim := c.cols, c.delim
	dm := uint64(delim) * ones
	last := len(cols) - 1
	for p := 0; p < len(b); {
		if b[p] == '\n' || b[p] == '\r' {
			return false
		}
		start := p
		for i := range cols {
			col := &cols[i]
			// The common plain values, ended by what must end them (the
			// delimiter, or \n after the last column), are told at once;
			// what this does not take, the general check below does
			// (both accept the same fields: TestCanonFastPath).
			want := delim
			if i == last {
				want = '\n'
			}
			switch col.kind {
			case canonString:
				if e := fieldEnd(b, p, delim, dm); b[e] == want {
					p = e + 1
					continue
				}
			case canonInt, canonBigint:
				q := p
				if b[q] == '-' {
					q++
				}
				if q+8 <= len(b) {
					// The digits at q, 8 bytes at a time: n is where the
					// first byte that is not a digit is (8: none is).
					x := binary.LittleEndian.Uint64(b[q:]) ^ zeros
					n := bits.TrailingZeros64(((x&^highs)+0x7676767676767676|x)&highs) / 8
					if e := q + n; n > 0 && n < 8 && b[e] == want && (b[q] != '0' || n == 1 && q == p) {
						p = e + 1
						continue
					}
				}
			case canonTimestamp:
				if e := p + 16; e < len(b) && b[e] == want && c.minutes(b[p:e]) {
					p = e + 1
					continue
				}
			}
			if p = c.field(b, p, i, dm); p < 0 {
				return false
			}
		}
		if p-start > maxCanonLine {
			return false
		}
		c.rows++
	}
	return true
}

// field checks field i of a line of b, starting at p, by the general
// rules: it returns where the next field starts, or -1 when the field is
// not typed.
func (c *canonChecker) field(b []byte, p, i int, dm uint64) int {
	col, delim := &c.cols[i], c.delim
	// end is where the field ends (a delimiter or \n); ok says its
	// value is known to be canonical. The common plain values are
	// told on the way; the others by canonValue.
	end, ok := -1, false
	switch col.kind {
	case canonString:
		end, ok = fieldEnd(b, p, delim, dm), true
	case canonInt, canonBigint:
		q := p
		if b[q] == '-' {
			q++
		}
		e := q
		for b[e]-'0' <= 9 {
			e++
		}
		if t := b[e]; t == delim || t == '\n' || t == '\r' {
			end = e
			n := e - q
			ok = n > 0 && n <= 9 && (b[q] != '0' || n == 1 && q == p) // 1 to 9 digits, no leading 0, no -0
		}
	case canonTimestamp:
		if e := p + 16; e < len(b) {
			if t := b[e]; (t == delim || t == '\n' || t == '\r') && c.minutes(b[p:e]) {
				end, ok = e, true
			}
		}
	}
	if end >= 0 && b[end] == '\r' {
		end++ // \r\n (see above)
	}
	if end < 0 || b[end] != delim && b[end] != '\n' {
		end, ok = fieldEnd(b, p, delim, dm), false
	}
	if !ok {
		f := b[p:end]
		if b[end] == '\n' && len(f) > 0 && f[len(f)-1] == '\r' {
			f = f[:len(f)-1]
		}
		if len(f) > 0 && !canonValue(col, f) && (c.null == nil || !bytes.Equal(f, c.null)) {
			return -1
		}
	}
	if (i < len(c.cols)-1) != (b[end] == delim) {
		return -1
	}
	return end + 1
}

// quotedLines checks lines of which some have quote characters, as lines
// does. A quoted field goes from a quote to the next quote that is not
// doubled, which the delimiter or the newline follows; it does not hold a
// newline (then the file's rows are its lines). A typed column's value may
// be quoted when it is canonical; an unquoted field holds no quote.
func (c *canonChecker) quotedLines(b []byte) bool {
	if !c.quotes {
		return false
	}
	cols, delim, q := c.cols, c.delim, c.quote
	dm := uint64(delim) * ones
	for p := 0; p < len(b); {
		if b[p] == '\n' || b[p] == '\r' {
			return false
		}
		start := p
		for i := range cols {
			col := &cols[i]
			var end int
			if b[p] == q {
				j := p + 1
				for {
					k := bytes.IndexByte(b[j:], q)
					if k < 0 {
						return false
					}
					if j += k; b[j+1] != q {
						break
					}
					j += 2
				}
				f := b[p+1 : j]
				if bytes.IndexByte(f, '\n') >= 0 || bytes.IndexByte(f, '\r') >= 0 ||
					col.kind != canonString && (len(f) == 0 || !canonValue(col, f)) {
					return false
				}
				if end = j + 1; b[end] == '\r' {
					end++
				}
			} else {
				end = fieldEnd(b, p, delim, dm)
				f := b[p:end]
				if b[end] == '\n' && len(f) > 0 && f[len(f)-1] == '\r' {
					f = f[:len(f)-1]
				}
				if bytes.IndexByte(f, q) >= 0 ||
					len(f) > 0 && col.kind != canonString && !canonValue(col, f) && (c.null == nil || !bytes.Equal(f, c.null)) {
					return false
				}
			}
			if (i < len(cols)-1) != (b[end] == delim) || b[end] != delim && b[end] != '\n' {
				return false
			}
			p = end + 1
		}
		if p-start > maxCanonLine {
			return false
		}
		c.rows++
	}
	return true
}

// minutes checks a timestamp of 16 bytes, yyyy-mm-dd hh:mm, remembering the
// last day it found valid: the lines of a file are mostly of a few days.
func (c *canonChecker) minutes(f []byte) bool {
	_ = f[15]
	d0, d8 := binary.LittleEndian.Uint64(f), binary.LittleEndian.Uint16(f[8:])
	if d0 != c.day0 || d8 != c.day8 || !c.hasDay {
		if !canonDay(f[:10]) {
			return false
		}
		c.day0, c.day8, c.hasDay = d0, d8, true
	}
	if f[10] != ' ' && f[10] != 'T' || f[13] != ':' {
		return false
	}
	h, m := digits2(f[11], f[12]), digits2(f[14], f[15])
	return h >= 0 && h <= 23 && m >= 0 && m <= 59
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
	nls   = uint64('\n') * ones
	zeros = uint64('0') * ones
)

// fieldEnd returns the index of the delimiter or newline that ends the
// field starting at p; b ends with a newline. It looks at 8 bytes at a
// time: a byte of w^dm or w^nls is zero where w has the delimiter or a
// newline, and the lowest byte the zero-byte test flags is a true one.
func fieldEnd(b []byte, p int, delim byte, dm uint64) int {
	for p+8 <= len(b) {
		w := binary.LittleEndian.Uint64(b[p:])
		x, y := w^dm, w^nls
		if t := ((x-ones)&^x | (y-ones)&^y) & highs; t != 0 {
			return p + bits.TrailingZeros64(t)/8
		}
		p += 8
	}
	for b[p] != delim && b[p] != '\n' {
		p++
	}
	return p
}
