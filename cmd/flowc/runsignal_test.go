package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets a test run the real program in a process of its own, to
// signal it: the test binary re-executed with FLOWC_TEST_MAIN=1 runs main
// with the arguments after "--".
func TestMain(m *testing.M) {
	if os.Getenv("FLOWC_TEST_MAIN") == "1" {
		for i, a := range os.Args {
			if a == "--" {
				os.Args = append([]string{"flowc"}, os.Args[i+1:]...)
				break
			}
		}
		main()
	}
	// The tests' output must not depend on the CI they run in: inside
	// GitHub Actions, validate and test default to the github format (ci.go).
	os.Unsetenv("GITHUB_ACTIONS")
	os.Exit(m.Run())
}

// SIGINT and SIGTERM while `flowc run` loads roll the run back: a message,
// exit 130 or 143, and the warehouse byte for byte as it was.
func TestRunSignals(t *testing.T) {
	dir := t.TempDir()
	specFile := filepath.Join(dir, "legs.yaml")
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "engine", "testdata", "kill", "legs.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(specFile, b, 0o644)
	for day, n := range map[string]int{"01": 10, "02": 400000} {
		p := filepath.Join(dir, "data", "legs", "day="+day, "legs.csv")
		os.MkdirAll(filepath.Dir(p), 0o755)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		w := bufio.NewWriter(f)
		w.WriteString("leg_id,route,minutes,fare\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(w, "%d,R%d,%d,%d.5\n", i, i%50, i%600, i%997)
		}
		w.Flush()
		f.Close()
	}
	wh := filepath.Join(dir, "warehouse.duckdb")
	if _, errOut, code := runCLI(t, "run", "--partition", "day=01", "--warehouse", wh, specFile); code != 0 {
		t.Fatalf("first run: exit %d\n%s", code, errOut)
	}
	before, err := os.ReadFile(wh)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		sig  syscall.Signal
		code int
		name string
	}{{syscall.SIGTERM, 143, "SIGTERM"}, {syscall.SIGINT, 130, "SIGINT"}} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$", "--", "run", "--partition", "day=02", "--warehouse", wh, specFile)
			cmd.Env = append(os.Environ(), "FLOWC_TEST_MAIN=1")
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// The run has its signal handler once it opens the copy of the
			// warehouse it loads.
			deadline := time.Now().Add(20 * time.Second)
			for {
				if _, err := os.Stat(wh + ".flowc-run"); err == nil {
					break
				}
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					cmd.Wait()
					t.Fatalf("the run never opened its copy of the warehouse:\n%s", stderr.String())
				}
				time.Sleep(time.Millisecond)
			}
			cmd.Process.Signal(c.sig)
			cmd.Wait()
			code := cmd.ProcessState.ExitCode()
			want := "flowc: interrupted (" + c.name + "): the run was rolled back, nothing was loaded\n"
			if code != c.code || stderr.String() != want {
				t.Errorf("exit %d, stderr %q; want exit %d, %q", code, stderr.String(), c.code, want)
			}
			if now, _ := os.ReadFile(wh); string(now) != string(before) {
				t.Error("the warehouse changed")
			}
			for _, f := range []string{wh + ".wal", wh + ".flowc-run", wh + ".flowc-run.wal"} {
				if _, err := os.Stat(f); err == nil {
					t.Errorf("%s is left behind", f)
				}
			}
		})
	}
}
