// Command flowc turns one declarative YAML file into a serverless data
// pipeline on AWS: validate, build, diff, deploy, destroy, run it locally,
// and draw it.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := notifySignals(context.Background())
	code := run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// signalCause is the cause of the context of a command stopped by SIGINT
// (Ctrl-C) or SIGTERM (timeout, docker stop, a cancelled CI job).
type signalCause struct{ sig syscall.Signal }

func (s signalCause) Error() string {
	return fmt.Sprintf("interrupted (%s)", signalName(s.sig))
}

// code is the shell's exit code for a process ended by the signal: 128 + its
// number, 130 for SIGINT, 143 for SIGTERM.
func (s signalCause) code() int { return 128 + int(s.sig) }

func signalName(sig syscall.Signal) string {
	switch sig {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return sig.String()
}

// notifySignals returns a context cancelled, with a signalCause, by the
// first SIGINT or SIGTERM; a second one ends the process at once.
func notifySignals(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-c:
			signal.Stop(c)
			sig, _ := s.(syscall.Signal)
			cancel(signalCause{sig})
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(c)
		close(done)
		cancel(nil)
	}
}
