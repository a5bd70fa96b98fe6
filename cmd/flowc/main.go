// Command flowc turns one declarative YAML file into a serverless data
// pipeline on AWS: validate, build, diff, deploy, destroy, run it locally,
// and draw it.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
