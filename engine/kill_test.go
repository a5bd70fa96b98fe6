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
	"time"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec"
)

// TestMain lets a test run a pipeline in a process of its own, which it can
// kill: the test binary re-executed with FLOWC_TEST_RUN=SPECDIR|WAREHOUSE|
// PARTITION runs testdata/kill/legs.yaml, printing the progress on stdout.
func TestMain(m *testing.M) {
	if args := os.Getenv("FLOWC_TEST_RUN"); args != "" {
		os.Exit(helperRun(strings.Split(args, "|")))
	}
	if path := os.Getenv("FLOWC_TEST_DUCKDB"); path != "" {
		os.Exit(helperDuckDB(path))
	}
	os.Exit(m.Run())
}

func helperRun(args []string) int {
	pl, err := legsSpec()
	if err == nil {
		opts := Options{SpecDir: args[0], Warehouse: args[1], Partition: args[2],
			Progress: func(msg string) { fmt.Println(msg) }}
		_, err = Run(context.Background(), pl, opts)
	}
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	fmt.Println("ok")
	return 0
}

func legsSpec() (*ir.IR, error) {
	text, err := os.ReadFile("testdata/kill/legs.yaml")
	if err != nil {
		return nil, err
	}
	pl, ds := spec.Load("legs.yaml", text, "dev")
	if ds.HasErrors() {
		return nil, ds
	}
	return pl, nil
}

// writeLegs writes n rows of partition day of the legs source.
func writeLegs(t *testing.T, dir, day string, n, routes int) {
	t.Helper()
	p := filepath.Join(dir, "data", "legs", "day="+day, "legs.csv")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("leg_id,route,minutes,fare\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "%d,R%05d,%d,%d.%02d\n", i, i%routes, i%600, i%997, i%100)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// whState is every table of a warehouse with its row count and a checksum
// of its rows (order-independent).
func whState(t *testing.T, wh string) string {
	t.Helper()
	db, err := sql.Open("duckdb", wh+"?access_mode=READ_ONLY")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_catalog = current_database() ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, tb := range tables {
		var n int64
		var sum sql.NullString
		if err := db.QueryRow("SELECT count(*), CAST(sum(hash(t)) AS VARCHAR) FROM "+tb+" AS t").Scan(&n, &sum); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s: %d rows, checksum %s; ", tb, n, sum.String)
	}
	return b.String()
}

// helper starts a run of partition in a process of its own and returns it
// once it says it is committing, with the time it said so and a channel
// closed when it has exited.
// whileRunning runs partition of testdata/kill/legs.yaml into wh in a
// process of its own (TestMain), calls during once that run is reading
// (it holds the warehouse then), and waits for the run to succeed.
func whileRunning(t *testing.T, dir, wh, partition string, during func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "FLOWC_TEST_RUN="+dir+"|"+wh+"|"+partition)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(out)
	if l, _ := br.ReadString('\n'); !strings.HasPrefix(l, "reading") {
		cmd.Wait()
		t.Fatalf("the first run: %q", l)
	}
	during()
	rest, _ := io.ReadAll(br)
	cmd.Wait()
	if !strings.HasSuffix(string(rest), "ok\n") {
		t.Fatalf("the first run failed: %s", rest)
	}
}

func startHelper(t *testing.T, dir, wh, partition string) (*exec.Cmd, time.Time, <-chan struct{}, *strings.Builder) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "FLOWC_TEST_RUN="+dir+"|"+wh+"|"+partition)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(out)
	var said strings.Builder
	for {
		l, err := br.ReadString('\n')
		said.WriteString(l)
		if strings.HasPrefix(l, "committing") {
			break
		}
		if err != nil {
			cmd.Wait()
			t.Fatalf("the run ended before committing:\n%s%s", said.String(), stderr.String())
		}
	}
	at := time.Now()
	done := make(chan struct{})
	go func() {
		io.Copy(&said, br)
		cmd.Wait()
		close(done)
	}()
	return cmd, at, done, &said
}

func fileSize(name string) int64 {
	if st, err := os.Stat(name); err == nil {
		return st.Size()
	}
	return 0
}

// A run killed (SIGKILL) at any point of its commit leaves the warehouse
// exactly as it was before the run or exactly as the run leaves it: every
// table's rows (count and checksum) are the ones of one or the other.
func TestRunKilledWhileCommitting(t *testing.T) {
	if testing.Short() {
		t.Skip("kills runs of a few hundred thousand rows")
	}
	pl, err := legsSpec()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// Partitions large enough for the commit to take a while, with many
	// routes so that the merge of route_day writes a large log.
	writeLegs(t, dir, "01", 100000, 30000)
	writeLegs(t, dir, "02", 160000, 30000)
	wh := filepath.Join(dir, "wh", "warehouse.duckdb")
	if _, err := Run(context.Background(), pl, Options{SpecDir: dir, Warehouse: wh, Partition: "day=01"}); err != nil {
		t.Fatal(err)
	}
	before := whState(t, wh)
	saved, err := os.ReadFile(wh)
	if err != nil {
		t.Fatal(err)
	}
	restore := func() {
		t.Helper()
		os.Remove(wh + ".wal")
		if err := os.WriteFile(wh, saved, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// An unkilled run: the state after, how long the commit takes and how
	// large the log of the transaction grows.
	work := wh + workSuffix
	_, at, done, said := startHelper(t, dir, wh, "day=02")
	var maxWAL, maxWork int64
	for wait := true; wait; {
		select {
		case <-done:
			wait = false
		default:
			maxWAL = max(maxWAL, fileSize(work+".wal"), fileSize(wh+".wal"))
			maxWork = max(maxWork, fileSize(work))
			time.Sleep(50 * time.Microsecond)
		}
	}
	commitTime := time.Since(at)
	if !strings.HasSuffix(said.String(), "ok\n") {
		t.Fatalf("the run failed:\n%s", said)
	}
	after := whState(t, wh)
	if after == before {
		t.Fatal("the run changed nothing")
	}
	t.Logf("commit: %v, log up to %d bytes, work file up to %d bytes", commitTime, maxWAL, maxWork)

	type point struct {
		name    string
		wal     float64 // kill when the log reaches this part of maxWAL
		work    float64 // or the work file this part of its growth
		time    float64 // or this part of the commit's time
		renamed bool    // or as soon as the warehouse file is another one
	}
	points := []point{
		{name: "time 40%", time: 0.4}, {name: "time 80%", time: 0.8}, {name: "time 95%", time: 0.95},
		{name: "the warehouse replaced", renamed: true},
	}
	// The commit checkpoints the work file without writing a log (commit
	// in run.go); should it write one, the kills follow the log too.
	if maxWAL > 0 {
		points = append(points, point{name: "log at 50%", wal: 0.5}, point{name: "log at 70%", wal: 0.7}, point{name: "log at 90%", wal: 0.9})
	}
	if grown := maxWork - int64(len(saved)); grown > 0 {
		points = append(points, point{name: "work file at 50%", work: 0.5}, point{name: "work file at 90%", work: 0.9})
	}
	seen := map[string]int{}
	for _, p := range points {
		restore() // the work file the last kill left stays: the run must cope
		orig, err := os.Stat(wh)
		if err != nil {
			t.Fatal(err)
		}
		cmd, at, done, _ := startHelper(t, dir, wh, "day=02")
		for wait := true; wait; {
			select {
			case <-done:
				wait = false
			default:
				wal := max(fileSize(work+".wal"), fileSize(wh+".wal"))
				st, err := os.Stat(wh)
				renamed := err == nil && !os.SameFile(st, orig)
				grown := float64(fileSize(work) - int64(len(saved)))
				if p.renamed && renamed || p.wal > 0 && float64(wal) >= p.wal*float64(maxWAL) ||
					p.work > 0 && grown >= p.work*float64(maxWork-int64(len(saved))) ||
					p.time > 0 && time.Since(at) >= time.Duration(p.time*float64(commitTime)) {
					cmd.Process.Kill()
					<-done
					wait = false
				}
				time.Sleep(20 * time.Microsecond)
			}
		}
		switch got := whState(t, wh); got {
		case before:
			seen["before"]++
		case after:
			seen["after"]++
		default:
			t.Errorf("killed at %s: the warehouse is neither as before nor as after the run:\n%s\nbefore: %s\nafter:  %s", p.name, got, before, after)
		}
	}
	t.Logf("states after the kills: %v", seen)

	// A run after a killed one loads as usual.
	restore()
	if _, err := Run(context.Background(), pl, Options{SpecDir: dir, Warehouse: wh, Partition: "day=02"}); err != nil {
		t.Fatal(err)
	}
	if got := whState(t, wh); got != after {
		t.Errorf("a run after the kills left\n%s\nwant %s", got, after)
	}
	if _, err := os.Stat(work); err == nil {
		t.Errorf("the work file %s is left behind", work)
	}
}

// A failed run leaves the warehouse byte for byte as it was, and no work
// file; a second run while one is loading fails and leaves the first one's
// result.
func TestRunFailedAndConcurrent(t *testing.T) {
	pl, err := legsSpec()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeLegs(t, dir, "01", 1000, 10)
	writeLegs(t, dir, "02", 200000, 10)
	wh := filepath.Join(dir, "warehouse.duckdb")
	if _, err := Run(context.Background(), pl, Options{SpecDir: dir, Warehouse: wh, Partition: "day=01"}); err != nil {
		t.Fatal(err)
	}
	saved, _ := os.ReadFile(wh)
	bad := filepath.Join(dir, "data", "legs", "day=03", "legs.csv")
	os.MkdirAll(filepath.Dir(bad), 0o755)
	os.WriteFile(bad, []byte("leg_id,route,minutes,fare\n1,R1,abc,1.0\n"), 0o644)
	if _, err := Run(context.Background(), pl, Options{SpecDir: dir, Warehouse: wh, Partition: "day=03"}); err == nil {
		t.Fatal("the bad run did not fail")
	}
	if now, _ := os.ReadFile(wh); string(now) != string(saved) {
		t.Error("the failed run changed the warehouse file")
	}
	for _, f := range []string{wh + ".wal", wh + workSuffix, wh + workSuffix + ".wal"} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s is left behind", f)
		}
	}

	// The first run holds the warehouse from before it reads until it has
	// replaced it.
	whileRunning(t, dir, wh, "day=02", func() {
		_, err = Run(context.Background(), pl, Options{SpecDir: dir, Warehouse: wh, Partition: "day=01"})
		if err == nil || !strings.Contains(err.Error(), "lock") {
			t.Errorf("the second run: got %v, want a lock conflict", err)
		}
	})
	if got, want := whState(t, wh), "ops.legs_fact: 201000 rows"; !strings.Contains(got, want) {
		t.Errorf("warehouse: %s, want %s", got, want)
	}
}
