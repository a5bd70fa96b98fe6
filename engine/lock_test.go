//go:build unix

package engine

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// helperDuckDB opens a duckDB database in this process (the test binary
// re-executed with FLOWC_TEST_DUCKDB=PATH), says "open" or the error on
// stdout, and holds it open until stdin closes.
func helperDuckDB(path string) int {
	db, err := sql.Open("duckdb", path)
	if err == nil {
		_, err = db.Exec("SELECT 1")
	}
	if err != nil {
		fmt.Println("error:", strings.ReplaceAll(err.Error(), "\n", " "))
		return 1
	}
	fmt.Println("open")
	io.Copy(io.Discard, os.Stdin)
	db.Close()
	return 0
}

// openInDuckDB starts a process that opens path in duckDB; it returns the
// process's first line and a function that ends it.
func openInDuckDB(t *testing.T, path string) (string, func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "FLOWC_TEST_DUCKDB="+path)
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	return strings.TrimSpace(line), func() { in.Close(); cmd.Wait() }
}

// The lock lockWarehouse takes is the one duckDB takes: a duckDB process
// cannot open a warehouse a run holds, and a run cannot take one a duckDB
// process holds open, read-only or not.
func TestWarehouseLockedForDuckDB(t *testing.T) {
	dir := t.TempDir()
	wh := filepath.Join(dir, "w.duckdb")
	db, err := sql.Open("duckdb", wh)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE t AS SELECT 1 AS x"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	f, _, err := lockWarehouse(wh)
	if err != nil {
		t.Fatal(err)
	}
	line, stop := openInDuckDB(t, wh)
	stop()
	if !strings.Contains(line, "lock") {
		t.Errorf("duckDB opened a warehouse a run holds: %q", line)
	}
	f.Close()
	for _, dsn := range []string{wh, wh + "?access_mode=read_only"} {
		line, stop := openInDuckDB(t, dsn)
		if line != "open" {
			stop()
			t.Fatalf("duckDB opening %s after the run: %q", dsn, line)
		}
		_, _, err := lockWarehouse(wh)
		stop()
		if err == nil || !strings.Contains(err.Error(), "locked by process") {
			t.Errorf("lockWarehouse on a file duckDB holds (%s): %v", dsn, err)
		}
	}
}

// A run whose warehouse is missing, or an empty file (what a run killed
// before its first commit leaves), creates it; a failed first run leaves
// no file.
func TestRunNewWarehouse(t *testing.T) {
	pl, err := legsSpec()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeLegs(t, dir, "01", 100, 10)
	for _, empty := range []bool{false, true} {
		wh := filepath.Join(dir, fmt.Sprintf("w%v.duckdb", empty))
		if empty {
			os.WriteFile(wh, nil, 0o644)
		}
		if _, err := Run(context.Background(), pl, Options{SpecDir: dir, Warehouse: wh, Partition: "day=01"}); err != nil {
			t.Fatalf("empty file %v: %v", empty, err)
		}
		if got := whState(t, wh); !strings.Contains(got, "ops.legs_fact: 100 rows") {
			t.Errorf("empty file %v: %s", empty, got)
		}
	}
	bad := filepath.Join(dir, "data", "legs", "day=03", "legs.csv")
	os.MkdirAll(filepath.Dir(bad), 0o755)
	os.WriteFile(bad, []byte("leg_id,route,minutes,fare\n1,R1,abc,1.0\n"), 0o644)
	wh := filepath.Join(dir, "new.duckdb")
	if _, err := Run(context.Background(), pl, Options{SpecDir: dir, Warehouse: wh, Partition: "day=03"}); err == nil {
		t.Fatal("the bad run did not fail")
	}
	if _, err := os.Stat(wh); err == nil {
		t.Error("a failed first run left a warehouse file")
	}
}

// Two runs on a missing warehouse: the one that created it holds it; the
// other fails on the lock and leaves the file, and the first one's result
// stands. (Had both seen it missing, the second would still not remove it:
// only the run whose open created the file may, lockWarehouse's created.)
func TestSecondRunOnNewWarehouse(t *testing.T) {
	pl, err := legsSpec()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeLegs(t, dir, "01", 200000, 10)
	wh := filepath.Join(dir, "new", "warehouse.duckdb")
	whileRunning(t, dir, wh, "day=01", func() {
		_, err := Run(context.Background(), pl, Options{SpecDir: dir, Warehouse: wh, Partition: "day=01"})
		if err == nil || !strings.Contains(err.Error(), "locked by process") {
			t.Errorf("the second run: got %v, want a lock conflict", err)
		}
		if _, serr := os.Stat(wh); serr != nil {
			t.Errorf("the second run removed the warehouse the first one holds: %v", serr)
		}
	})
	if got, want := whState(t, wh), "ops.legs_fact: 200000 rows"; !strings.Contains(got, want) {
		t.Errorf("warehouse: %s, want %s", got, want)
	}
}

// A warehouse that is not a DuckDB file fails the run naming that file
// (not the work copy the run opens), and stays as it was.
func TestRunNotAWarehouse(t *testing.T) {
	pl, err := legsSpec()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeLegs(t, dir, "01", 10, 2)
	wh := filepath.Join(dir, "w.duckdb")
	if err := os.WriteFile(wh, []byte("not a database\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), pl, Options{SpecDir: dir, Warehouse: wh, Partition: "day=01"})
	if err == nil || !strings.Contains(err.Error(), "opening the warehouse "+wh+":") || strings.Contains(err.Error(), workSuffix) {
		t.Errorf("got %v, want an error about %s alone", err, wh)
	}
	if b, _ := os.ReadFile(wh); string(b) != "not a database\n" {
		t.Errorf("the file changed: %q", b)
	}
	if _, err := os.Stat(wh + workSuffix); err == nil {
		t.Error("the work file is left behind")
	}
}
