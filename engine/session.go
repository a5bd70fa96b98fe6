package engine

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// session is a connection to duckDB that creates the flowc_* macros
// (macros.go) the first time a statement names them, with the macros they
// call, in one statement. Creating all of them when a session opens cost
// 50 ms of a 0.9 s run (duckDB parses and binds each body), most runs use
// a few or none (the typed read needs none), and a statement's text is
// all it takes to know which it needs.
type session struct {
	*sql.Conn
	made  map[string]bool
	trace bool // FLOWC_ENGINE_TRACE: each statement and its time on stderr
}

func newSession(c *sql.Conn) *session {
	return &session{Conn: c, made: map[string]bool{}, trace: os.Getenv("FLOWC_ENGINE_TRACE") != ""}
}

// traced prints how long q took, for bench/run (FLOWC_ENGINE_TRACE=1): a
// query's time is until its first row.
func (s *session) traced(start time.Time, q string) {
	if s.trace {
		q = strings.Join(strings.Fields(q), " ")
		if len(q) > 160 {
			q = q[:160] + "..."
		}
		fmt.Fprintf(os.Stderr, "flowc engine: %6.3fs %s\n", time.Since(start).Seconds(), q)
	}
}

// ExecContext creates the macros q names, then runs q. After a ROLLBACK
// the session takes no macro for made: one created in the transaction is
// gone (CREATE OR REPLACE makes the others again, harmlessly).
func (s *session) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if err := s.macros(ctx, q); err != nil {
		return nil, err
	}
	if strings.EqualFold(strings.TrimSpace(q), "ROLLBACK") {
		clear(s.made)
	}
	defer s.traced(time.Now(), q)
	return s.Conn.ExecContext(ctx, q, args...)
}

// QueryContext creates the macros q names, then runs q.
func (s *session) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if err := s.macros(ctx, q); err != nil {
		return nil, err
	}
	defer s.traced(time.Now(), q)
	return s.Conn.QueryContext(ctx, q, args...)
}

// QueryRowContext creates the macros q names, then runs q. A *sql.Row
// cannot carry an error of its own: if creating a macro failed, q runs
// anyway and fails naming the macro it lacks.
func (s *session) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	s.macros(ctx, q)
	defer s.traced(time.Now(), q)
	return s.Conn.QueryRowContext(ctx, q, args...)
}

// macros creates the macros q names that the session lacks.
func (s *session) macros(ctx context.Context, q string) error {
	idx, _ := macroIndex()
	var need []int
	for _, i := range macroCalls(q, idx) {
		if !s.made[macros[i].name] {
			need = append(need, i)
		}
	}
	if len(need) == 0 {
		return nil
	}
	var todo []int
	var stmts []string
	for _, i := range macroClosure(need) {
		if !s.made[macros[i].name] {
			todo = append(todo, i)
			stmts = append(stmts, macroStatement(i))
		}
	}
	defer s.traced(time.Now(), fmt.Sprintf("(%d macros) %s", len(stmts), stmts[0]))
	if _, err := s.Conn.ExecContext(ctx, strings.Join(stmts, ";\n")); err != nil {
		return err
	}
	for _, i := range todo {
		s.made[macros[i].name] = true
	}
	return nil
}

// macroIndex maps each macro's name to its place in macros, and each
// macro to the macros its body calls.
var macroIndex = sync.OnceValues(func() (map[string]int, [][]int) {
	idx := make(map[string]int, len(macros))
	for i, m := range macros {
		idx[m.name] = i
	}
	deps := make([][]int, len(macros))
	for i, m := range macros {
		deps[i] = macroCalls(m.body, idx)
	}
	return idx, deps
})

// macroCalls returns the macros named in q, by their place in macros: each
// flowc_ word that is a macro's name (a word: not inside a longer
// identifier such as _flowc_src_x).
func macroCalls(q string, idx map[string]int) []int {
	var out []int
	seen := map[int]bool{}
	for off := 0; ; {
		i := strings.Index(q[off:], "flowc_")
		if i < 0 {
			return out
		}
		i += off
		j := i + len("flowc_")
		for j < len(q) && isWordByte(q[j]) {
			j++
		}
		off = j
		if i > 0 && isWordByte(q[i-1]) {
			continue
		}
		if k, ok := idx[q[i:j]]; ok && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
}

func isWordByte(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// macroClosure returns the given macros and every macro they call, in the
// order of macros (a macro calls only those above it).
func macroClosure(roots []int) []int {
	_, deps := macroIndex()
	in := make([]bool, len(macros))
	var visit func(int)
	visit = func(i int) {
		if in[i] {
			return
		}
		in[i] = true
		for _, d := range deps[i] {
			visit(d)
		}
	}
	for _, i := range roots {
		visit(i)
	}
	var out []int
	for i, ok := range in {
		if ok {
			out = append(out, i)
		}
	}
	return out
}
