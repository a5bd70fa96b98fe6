package engine

import (
	"fmt"
	"strconv"
	"strings"
)

// InputError is bad input: a value that does not parse as its declared
// type, a missing or extra column, a file that is not CSV, an empty or
// missing partition. File and Line say where, when known (Line 0: the
// whole file or folder).
type InputError struct {
	File string
	Line int
	Msg  string
}

func (e *InputError) Error() string {
	switch {
	case e.File == "":
		return e.Msg
	case e.Line > 0:
		return e.File + ":" + strconv.Itoa(e.Line) + ": " + e.Msg
	}
	return e.File + ": " + e.Msg
}

// CheckError is a table check that failed, or values too long for their
// char(n)/varchar(n) column: nothing was loaded.
type CheckError struct {
	Table      string   // schema.table
	Check      string   // the check's name, e.g. not_null(flight_date,dep_time)
	Rows       int64    // rows that break it (for row_count: the count)
	Partitions []string // the partitions (runs) where it failed, when triggered
	Msg        string   // the whole message
}

func (e *CheckError) Error() string { return e.Msg }

// settledError is a tool error that does not depend on how the sources
// were read: Run does not run again on the text path for it.
type settledError struct{ error }

func (e settledError) Unwrap() error { return e.error }

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// plural renders "1 row", "2 rows".
func plural(n int64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.FormatInt(n, 10) + " " + word + "s"
}

// listShort renders up to 3 items and "and N more".
func listShort(items []string) string {
	if len(items) <= 3 {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:3], ", ") + fmt.Sprintf(" and %d more", len(items)-3)
}

// maxExcerpt bounds the text of an input that an error quotes: a file
// without the line ends flowc looks for must not come back whole.
const maxExcerpt = 40

// excerpt cuts s after maxExcerpt characters, marking the cut with "...".
func excerpt(s string) string {
	n := 0
	for i := range s {
		if n == maxExcerpt {
			return s[:i] + "..."
		}
		n++
	}
	return s
}

// quoteShort quotes a value from the input, cut as the Glue job's quote()
// cuts it: the first 40 characters in quotes, then "..." when longer.
func quoteShort(s string) string {
	if e := excerpt(s); e != s {
		return strconv.Quote(strings.TrimSuffix(e, "...")) + "..."
	}
	return strconv.Quote(s)
}
