package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestCompletionScripts(t *testing.T) {
	for shell, want := range map[string]string{"bash": bashCompletion, "zsh": zshCompletion} {
		out, errOut, code := runCLI(t, "completion", shell)
		if code != 0 || out != want {
			t.Errorf("completion %s: exit %d, stderr %q", shell, code, errOut)
		}
		if !strings.Contains(out, "--generate-bash-completion") {
			t.Errorf("the %s script does not ask flowc", shell)
		}
		if path, err := exec.LookPath(shell); err == nil { // syntax check where the shell exists
			cmd := exec.Command(path, "-n")
			cmd.Stdin = strings.NewReader(out)
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s -n: %v\n%s", shell, err, b)
			}
		}
	}
	for _, args := range [][]string{{"completion"}, {"completion", "fish"}, {"completion", "bash", "x"}} {
		if _, _, code := runCLI(t, args...); code != exitUsage {
			t.Errorf("flowc %s: exit %d, want 2", strings.Join(args, " "), code)
		}
	}
}

// TestCompletionAnswers checks what the scripts rely on: flowc lists its
// commands, and a command's flags when the last word starts with "-".
// urfave/cli reads that word from os.Args.
func TestCompletionAnswers(t *testing.T) {
	saved := os.Args
	t.Cleanup(func() { os.Args = saved })
	os.Args = []string{"flowc", "--generate-bash-completion"}
	out, _, code := runCLI(t, os.Args[1:]...)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, cmd := range []string{"validate", "build", "graph", "init", "completion"} {
		if !strings.Contains("\n"+out, "\n"+cmd+"\n") {
			t.Errorf("command %s not offered:\n%s", cmd, out)
		}
	}
	os.Args = []string{"flowc", "graph", "--f", "--generate-bash-completion"}
	out, _, _ = runCLI(t, os.Args[1:]...)
	if out != "--format\n" {
		t.Errorf("graph --f: got %q, want --format", out)
	}
	// Completing never runs the command: init writes nothing.
	dir := t.TempDir()
	os.Args = []string{"flowc", "init", dir, "--generate-bash-completion"}
	runCLI(t, os.Args[1:]...)
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Error("completing `flowc init DIR` wrote files")
	}
}
