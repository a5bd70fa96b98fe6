package main

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/flowc-dev/flowc/deploy"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec"
)

// runPoll is how often rerun and backfill ask about a run they wait for
// (tests shorten it).
var runPoll = 5 * time.Second

// heartbeat is how often a wait with nothing new says it is still waiting.
var heartbeat = time.Minute

// opened is a deployed environment the run commands work on: the spec's
// side (ir, sources) is read first, so arguments are checked against it
// before connect reaches AWS.
type opened struct {
	ir       *ir.IR
	specPath string
	sources  []deploy.SourceLayout
	p        *deploy.Pipeline // set by connect
}

// openEnv loads the spec (it need not compile: only the sources and the
// names are read) and lays out its triggered sources; connect then finds
// the deployed state machine.
func openEnv(e *env, specPath, envName string) (*opened, error) {
	s, err := loadSpec(e, specPath, loadOptions{env: envName, def: spec.NeedEnv})
	if err != nil {
		return nil, err
	}
	o := &opened{ir: s.ir, specPath: specPath}
	for _, src := range s.ir.Sources {
		if !src.Triggered() {
			continue
		}
		l := deploy.SourceLayout{Name: src.Name, Bucket: src.Bucket, Prefix: src.Prefix, Suffix: src.Suffix()}
		for _, c := range src.Partitions {
			l.Columns = append(l.Columns, c.Name)
		}
		o.sources = append(o.sources, l)
	}
	return o, nil
}

// connect connects to AWS in the environment's region and finds the
// deployed state machine.
func (o *opened) connect(e *env) error {
	pl := o.ir
	conn, err := deploy.Connect(e.ctx, pl.Region, e.stderr)
	if err != nil {
		return awsFailure(err)
	}
	p, err := deploy.OpenPipeline(e.ctx, conn, pl.Names.Stack(), again("deploy", pl.Env, o.specPath), o.sources)
	if err != nil {
		return awsFailure(err)
	}
	p.Poll = runPoll
	o.p = p
	return nil
}

// partitioned chooses the source whose partitions rerun and backfill
// work on: --source, or the only on-arrival source with partitions.
func (o *opened) partitioned(name string) (deploy.SourceLayout, error) {
	var names []string
	for _, s := range o.sources {
		if len(s.Columns) == 0 {
			continue
		}
		if s.Name == name {
			return s, nil
		}
		names = append(names, s.Name)
	}
	switch {
	case name != "":
		return deploy.SourceLayout{}, usageErr("--source %s: not a triggered source with partitions (have: %s)", name, strings.Join(names, ", "))
	case len(names) == 0:
		return deploy.SourceLayout{}, usageErr("the pipeline has no triggered source with partitions")
	case len(names) > 1:
		return deploy.SourceLayout{}, usageErr("the pipeline has several sources with partitions (%s): choose one with --source", strings.Join(names, ", "))
	}
	return o.partitioned(names[0])
}

func sourceFlag() *cli.StringFlag {
	return &cli.StringFlag{Name: "source", Usage: "the `SOURCE` whose partitions to run (needed when several sources have partitions)"}
}

// isDate reports whether the columns are [year, month, day].
func isDate(cols []string) bool {
	return len(cols) == 3 && cols[0] == "year" && cols[1] == "month" && cols[2] == "day"
}

// parseValues reads a partition as a user writes it, into its values in
// column order: "year=2001/month=01/day=17", the values in order
// "2001/01/17", or, for partitions [year, month, day], a date
// "2001-01-17".
func parseValues(cols []string, arg string) ([]string, error) {
	if isDate(cols) && !strings.Contains(arg, "/") {
		d, err := time.Parse("2006-01-02", arg)
		if err != nil {
			return nil, fmt.Errorf("partition %q: want a date YYYY-MM-DD, values in order (YYYY/MM/DD) or year=YYYY/month=MM/day=DD", arg)
		}
		return []string{d.Format("2006"), d.Format("01"), d.Format("02")}, nil
	}
	segs := strings.Split(arg, "/")
	if len(segs) != len(cols) {
		return nil, fmt.Errorf("partition %q: want %d values in order (%s), e.g. %s", arg, len(cols), strings.Join(cols, ", "), example(cols))
	}
	vals := make([]string, len(segs))
	for i, seg := range segs {
		if k, v, ok := strings.Cut(seg, "="); ok {
			if k != cols[i] {
				return nil, fmt.Errorf("partition %q: column %d is %s, not %s", arg, i+1, cols[i], k)
			}
			seg = v
		}
		if seg == "" {
			return nil, fmt.Errorf("partition %q: empty value of %s", arg, cols[i])
		}
		vals[i] = seg
	}
	return vals, nil
}

func example(cols []string) string {
	var parts []string
	for _, c := range cols {
		parts = append(parts, c+"=VALUE")
	}
	return strings.Join(parts, "/")
}

// partitionPath is the folder path of values: year=2001/month=01/day=17.
func partitionPath(cols, vals []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c + "=" + vals[i]
	}
	return strings.Join(parts, "/")
}

// valuesOf splits a partition path into its values.
func valuesOf(partition string) []string {
	segs := strings.Split(partition, "/")
	for i, s := range segs {
		_, segs[i], _ = strings.Cut(s, "=")
	}
	return segs
}

// compareValues orders partitions value by value: numerically where both
// values are integers (so month=1 and month=01 are the same month), else
// as strings.
func compareValues(a, b []string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, errx := strconv.ParseInt(a[i], 10, 64)
		y, erry := strconv.ParseInt(b[i], 10, 64)
		switch {
		case errx == nil && erry == nil && x < y:
			return -1
		case errx == nil && erry == nil && x > y:
			return 1
		case errx == nil && erry == nil:
		case a[i] < b[i]:
			return -1
		case a[i] > b[i]:
			return 1
		}
	}
	return len(a) - len(b)
}

// globOf turns --partition GLOB into a pattern over partition paths: the
// glob as given when it names the columns, else its values in order.
func globOf(cols []string, glob string) (string, error) {
	if strings.Contains(glob, "=") {
		_, err := path.Match(glob, "")
		return glob, err
	}
	segs := strings.Split(glob, "/")
	if len(segs) != len(cols) {
		return "", fmt.Errorf("--partition %q: want %d values in order (%s), or a pattern like %s", glob, len(cols), strings.Join(cols, ", "), example(cols))
	}
	g := partitionPath(cols, segs)
	_, err := path.Match(g, "")
	return g, err
}

// job is one run to start: a partition and, for a run of some tables
// only (rerun --from-failure), those tables.
type job struct {
	partition string
	tables    []string
}

// outcome is what became of a started run.
type outcome struct {
	job
	run deploy.Run
	err error
}

// startRuns starts a run per job, at most max at a time (0: all at once),
// each by hand (deploy.ManualInput: the source and the partition, and the
// job's tables when it has some), and unless noWait waits
// for each to finish, printing each start and end and, every heartbeat, how
// many are still running. It returns how many failed (or could not start).
func startRuns(e *env, p *deploy.Pipeline, src deploy.SourceLayout, jobs []job, max int, noWait bool) int {
	if max <= 0 || max > len(jobs) {
		max = len(jobs)
	}
	var mu sync.Mutex
	printf := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(e.stdout, format, args...)
	}
	var (
		wg        sync.WaitGroup
		failures  int
		succeeded int
		running   int
		sem       = make(chan struct{}, max)
		start     = time.Now()
		done      = make(chan struct{})
	)
	count := func(f func()) { mu.Lock(); f(); mu.Unlock() }
	if !noWait {
		go func() {
			t := time.NewTicker(heartbeat)
			defer t.Stop()
			for {
				select {
				case <-done:
					return
				case <-t.C:
					mu.Lock()
					n, left := running, len(jobs)-failures-succeeded-running
					mu.Unlock()
					printf("  ... %d running, %d waiting to start, %d succeeded, %d failed (%s)\n", n, left, succeeded, failures, time.Since(start).Round(time.Second))
				}
			}
		}()
	}
	for _, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		if e.ctx.Err() != nil {
			count(func() { failures++ })
			wg.Done()
			<-sem
			continue
		}
		go func() {
			defer func() { <-sem; wg.Done() }()
			arn, name, err := p.Start(e.ctx, src.Name, j.partition, deploy.ManualInput(src.Name, j.partition, j.tables))
			if err != nil {
				printf("%s: could not start: %v\n", j.partition, err)
				count(func() { failures++ })
				return
			}
			printf("%s: started %s\n", j.partition, name)
			if noWait {
				return
			}
			count(func() { running++ })
			r, err := p.Wait(e.ctx, arn)
			count(func() { running-- })
			switch {
			case err != nil:
				printf("%s: %s: lost track of the run: %v\n", j.partition, name, err)
				count(func() { failures++ })
			case r.Status == "succeeded":
				printf("%s: succeeded in %s\n", j.partition, duration(r))
				count(func() { succeeded++ })
			default:
				printf("%s: FAILED in %s: %s\n", j.partition, duration(r), clip(reason(r), maxReason))
				count(func() { failures++ })
			}
		}()
	}
	wg.Wait()
	close(done)
	if !noWait {
		printf("%d succeeded, %d failed.\n", succeeded, failures)
	}
	return failures
}

// runJobs is startRuns as a command's result: exit 1 when a run failed;
// a wait cut short (Ctrl-C) is exit 2 and says the runs go on.
func runJobs(e *env, p *deploy.Pipeline, src deploy.SourceLayout, jobs []job, max int, noWait bool, more int) error {
	n := startRuns(e, p, src, jobs, max, noWait)
	if e.ctx.Err() != nil {
		return &exitError{code: exitUsage, err: fmt.Errorf("cancelled; the runs already started go on in AWS: follow them with `flowc runs`")}
	}
	if n+more > 0 {
		return failed
	}
	return nil
}

// duration is how long a run took, or has been running.
func duration(r deploy.Run) time.Duration {
	end := r.Stopped
	if end.IsZero() {
		end = time.Now()
	}
	return end.Sub(r.Started).Round(time.Second)
}

// reason is a failed run's error and the first line of its cause.
func reason(r deploy.Run) string {
	cause, _, _ := strings.Cut(r.Cause, "\n")
	switch {
	case r.Error == "":
		return cause
	case cause == "":
		return r.Error
	}
	return r.Error + ": " + cause
}
