package spec

import "github.com/flowc-dev/flowc/ir"

// The defaults of the language: what a key left out of the spec means.
// The checker applies them once, here and in the syntax accessors below,
// and the IR holds the result; nothing after the checker applies a default.
const (
	defaultFormat        = "csv"                 // a source's format:
	defaultLoad          = loadAppend            // a table's load:
	defaultOnDestructive = ir.OnDestructiveError // a table's on_destructive_change:
	defaultJoinKind      = "inner"               // a join step's kind:
	defaultTrigger       = triggerNone           // a source without trigger:
	defaultPartType      = "string"              // a partition's type:

	defaultCSVHeader    = true // csv: header:
	defaultCSVDelimiter = ","  // csv: delimiter:
	defaultCSVQuote     = `"`  // csv: quote:
	defaultCSVEscape    = `"`  // csv: escape:
	defaultCSVNull      = ""   // csv: null: (an empty field is NULL)

	defaultGlueVersion    = "4.0"  // glue: version:
	defaultGlueWorkerType = "G.1X" // glue: worker_type:
	defaultGlueWorkers    = 2      // glue: workers:
	defaultGlueTimeout    = 60     // glue: timeout_minutes:

	// trigger: {on_arrival: {...}} and runs: (docs/run-model.md).
	defaultSettleSeconds         = 60  // settle_seconds: without a marker
	defaultMarkerSettleSeconds   = 0   // settle_seconds: with a marker
	defaultMaxWaitSeconds        = 900 // max_wait_seconds:
	defaultMaxParallelPartitions = 4   // runs: max_parallel_partitions:
	minSettleSeconds             = 0
	maxSettleSeconds             = 900
	minMaxWaitSeconds            = 60
	maxMaxWaitSeconds            = 86400
	maxParallelPartitionsLimit   = 50
)

// arrival returns the source's on_arrival options with the defaults
// applied (settle 0 with a marker, 60 without; max wait 900).
func (s *Source) arrival() ir.Arrival {
	a := ir.Arrival{SettleSeconds: defaultSettleSeconds, MaxWaitSeconds: defaultMaxWaitSeconds}
	if s.Trigger == nil || s.Trigger.Arrival == nil {
		return a
	}
	o := s.Trigger.Arrival
	a.Marker = o.Marker.Raw
	if a.Marker != "" {
		a.SettleSeconds = defaultMarkerSettleSeconds
	}
	if o.SettleSeconds.Set {
		a.SettleSeconds = o.SettleSeconds.Value
	}
	if o.MaxWaitSeconds.Set {
		a.MaxWaitSeconds = o.MaxWaitSeconds.Value
	}
	return a
}

// maxParallelPartitions returns runs: max_parallel_partitions, default
// defaultMaxParallelPartitions.
func (f *File) maxParallelPartitions() int {
	if f.Runs == nil || !f.Runs.MaxParallelPartitions.Set {
		return defaultMaxParallelPartitions
	}
	return f.Runs.MaxParallelPartitions.Value
}

// formatName returns the source's format, defaultFormat when unset.
func (s *Source) formatName() string {
	if s.Format.Raw == "" {
		return defaultFormat
	}
	return s.Format.Raw
}

// onDestructive returns the table's on_destructive_change, error when unset.
func (t *Table) onDestructive() string {
	if t.OnDestructiveChange.Raw == "" {
		return defaultOnDestructive
	}
	return t.OnDestructiveChange.Raw
}

// loadMode returns the table's load mode, defaultLoad when unset.
func (t *Table) loadMode() string {
	if t.Load.Raw == "" {
		return defaultLoad
	}
	return t.Load.Raw
}

// alias returns the join alias: `as`, or the joined name.
func (s *Step) alias() string {
	if s.As.Raw != "" {
		return s.As.Raw
	}
	return s.Join.Raw
}

// kind returns the join kind, defaultJoinKind when unset.
func (s *Step) joinKind() string {
	if s.JoinKind.Raw == "" {
		return defaultJoinKind
	}
	return s.JoinKind.Raw
}

// triggerKind returns the source's trigger, defaultTrigger when unset.
func (s *Source) triggerKind() TriggerKind {
	if s.Trigger == nil {
		return defaultTrigger
	}
	return s.Trigger.Kind
}

// csv returns the source's CSV options with the defaults applied.
func (s *Source) csv() ir.CSVOptions {
	o := ir.CSVOptions{Header: defaultCSVHeader, Delimiter: defaultCSVDelimiter, Quote: defaultCSVQuote, Escape: defaultCSVEscape, Null: defaultCSVNull}
	c := s.CSV
	if c == nil {
		return o
	}
	if c.Header.Set {
		o.Header = c.Header.Value
	}
	if c.Delimiter.IsSet() {
		o.Delimiter = c.Delimiter.Raw
	}
	if c.Quote.IsSet() {
		o.Quote = c.Quote.Raw
	}
	if c.Escape.IsSet() {
		o.Escape = c.Escape.Raw
	}
	if c.Null.IsSet() {
		o.Null = c.Null.Raw
	}
	return o
}

// glue returns the Glue job settings with the defaults applied.
func (f *File) glue() ir.GlueSettings {
	o := ir.GlueSettings{Version: defaultGlueVersion, WorkerType: defaultGlueWorkerType, Workers: defaultGlueWorkers, TimeoutMinutes: defaultGlueTimeout}
	g := f.Glue
	if g == nil {
		return o
	}
	if g.Version.IsSet() {
		o.Version = g.Version.Raw
	}
	if g.WorkerType.IsSet() {
		o.WorkerType = g.WorkerType.Raw
	}
	if g.Workers.Set {
		o.Workers = g.Workers.Value
	}
	if g.TimeoutMinutes.Set {
		o.TimeoutMinutes = g.TimeoutMinutes.Value
	}
	return o
}
