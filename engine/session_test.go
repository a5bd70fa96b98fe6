package engine

import (
	"context"
	"database/sql"
	"reflect"
	"testing"
)

func TestMacroCalls(t *testing.T) {
	idx, _ := macroIndex()
	name := func(is []int) []string {
		var out []string
		for _, i := range is {
			out = append(out, macros[i].name)
		}
		return out
	}
	for _, c := range []struct {
		q    string
		want []string
	}{
		{`SELECT 1`, nil},
		// identifiers that contain a macro's name are not calls
		{`SELECT * FROM "_flowc_src_flowc_jtrim", x_flowc_jtrim(a), flowc_jtrimmed(a)`, nil},
		{`SELECT flowc_str_to_int(a), flowc_jtrim(b), flowc_str_to_int(c)`, []string{"flowc_str_to_int", "flowc_jtrim"}},
		{`flowc_jtrim(x)`, []string{"flowc_jtrim"}},
	} {
		if got := name(macroCalls(c.q, idx)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("macroCalls(%q) = %q, want %q", c.q, got, c.want)
		}
	}
	// Every macro's closure lists what it calls before it.
	_, deps := macroIndex()
	for i := range macros {
		cl := macroClosure([]int{i})
		if cl[len(cl)-1] != i {
			t.Errorf("closure of %s does not end with it: %q", macros[i].name, name(cl))
		}
		for _, d := range deps[i] {
			if d >= i {
				t.Errorf("%s calls %s, defined after it", macros[i].name, macros[d].name)
			}
		}
	}
}

// A session creates the macros a statement names, and those they call,
// and no other; after a ROLLBACK it creates them again.
func TestSessionCreatesMacrosOnUse(t *testing.T) {
	ctx := context.Background()
	conn := memConn(t)
	s := newSession(conn)
	count := func() (n int) {
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_functions() WHERE function_name LIKE 'flowc\_%' ESCAPE '\'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 0 {
		t.Fatalf("%d macros before any statement", n)
	}
	var v sql.NullInt64
	if err := s.QueryRowContext(ctx, `SELECT flowc_str_to_bigint(' 12.7 ')`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	if !v.Valid || v.Int64 != 12 {
		t.Errorf("flowc_str_to_bigint(' 12.7 ') = %v, want 12", v)
	}
	idx, _ := macroIndex()
	want := len(macroClosure([]int{idx["flowc_str_to_bigint"]}))
	if n := count(); n != want || want < 2 {
		t.Errorf("%d macros after one call, want %d (it and those it calls)", n, want)
	}
	if _, err := s.ExecContext(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ExecContext(ctx, `CREATE TEMP TABLE t AS SELECT flowc_initcap('ab cd') AS x`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	var x string
	if err := s.QueryRowContext(ctx, `SELECT flowc_initcap('ab cd')`).Scan(&x); err != nil {
		t.Fatalf("a macro created in a rolled back transaction: %v", err)
	}
	if x != "Ab Cd" {
		t.Errorf("flowc_initcap('ab cd') = %q", x)
	}
}

// memConn opens a connection to an in-memory duckDB, closed at the end of
// the test.
func memConn(t *testing.T) *sql.Conn {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}
