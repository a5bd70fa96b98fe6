package spec

import "github.com/flowc-dev/flowc/ir"

// The defaults of the language: what a key left out of the spec means.
// The checker applies them once, here and in the syntax accessors below,
// and the IR holds the result; nothing after the checker applies a default.
const (
	DefaultFormat   = "csv"       // a source's format:
	DefaultLoad     = LoadAppend  // a table's load:
	DefaultJoinKind = "inner"     // a join step's kind:
	DefaultTrigger  = TriggerNone // a source without trigger:
	DefaultPartType = "string"    // a partition's type:

	DefaultCSVHeader    = true // csv: header:
	DefaultCSVDelimiter = ","  // csv: delimiter:
	DefaultCSVQuote     = `"`  // csv: quote:
	DefaultCSVEscape    = `"`  // csv: escape:
	DefaultCSVNull      = ""   // csv: null: (an empty field is NULL)

	DefaultGlueVersion    = "4.0"  // glue: version:
	DefaultGlueWorkerType = "G.1X" // glue: worker_type:
	DefaultGlueWorkers    = 2      // glue: workers:
	DefaultGlueTimeout    = 60     // glue: timeout_minutes:

	// trigger: {on_arrival: {...}} and runs: (docs/run-model.md).
	DefaultSettleSeconds         = 60  // settle_seconds: without a marker
	DefaultMarkerSettleSeconds   = 0   // settle_seconds: with a marker
	DefaultMaxWaitSeconds        = 900 // max_wait_seconds:
	DefaultMaxParallelPartitions = 4   // runs: max_parallel_partitions:
	MinSettleSeconds             = 0
	MaxSettleSeconds             = 900
	MinMaxWaitSeconds            = 60
	MaxMaxWaitSeconds            = 86400
	MaxParallelPartitionsLimit   = 50
)

// arrival returns the source's on_arrival options with the defaults
// applied (settle 0 with a marker, 60 without; max wait 900).
func (s *Source) arrival() ir.Arrival {
	a := ir.Arrival{SettleSeconds: DefaultSettleSeconds, MaxWaitSeconds: DefaultMaxWaitSeconds}
	if s.Trigger == nil || s.Trigger.Arrival == nil {
		return a
	}
	o := s.Trigger.Arrival
	a.Marker = o.Marker.Raw
	if a.Marker != "" {
		a.SettleSeconds = DefaultMarkerSettleSeconds
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
// DefaultMaxParallelPartitions.
func (f *File) maxParallelPartitions() int {
	if f.Runs == nil || !f.Runs.MaxParallelPartitions.Set {
		return DefaultMaxParallelPartitions
	}
	return f.Runs.MaxParallelPartitions.Value
}

// FormatName returns the source's format, DefaultFormat when unset.
func (s *Source) FormatName() string {
	if s.Format.Raw == "" {
		return DefaultFormat
	}
	return s.Format.Raw
}

// LoadMode returns the table's load mode, DefaultLoad when unset.
func (t *Table) LoadMode() string {
	if t.Load.Raw == "" {
		return DefaultLoad
	}
	return t.Load.Raw
}

// Alias returns the join alias: `as`, or the joined name.
func (s *Step) Alias() string {
	if s.As.Raw != "" {
		return s.As.Raw
	}
	return s.Join.Raw
}

// kind returns the join kind, DefaultJoinKind when unset.
func (s *Step) joinKind() string {
	if s.JoinKind.Raw == "" {
		return DefaultJoinKind
	}
	return s.JoinKind.Raw
}

// triggerKind returns the source's trigger, DefaultTrigger when unset.
func (s *Source) triggerKind() TriggerKind {
	if s.Trigger == nil {
		return DefaultTrigger
	}
	return s.Trigger.Kind
}

// csv returns the source's CSV options with the defaults applied.
func (s *Source) csv() ir.CSVOptions {
	o := ir.CSVOptions{Header: DefaultCSVHeader, Delimiter: DefaultCSVDelimiter, Quote: DefaultCSVQuote, Escape: DefaultCSVEscape, Null: DefaultCSVNull}
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
	o := ir.GlueSettings{Version: DefaultGlueVersion, WorkerType: DefaultGlueWorkerType, Workers: DefaultGlueWorkers, TimeoutMinutes: DefaultGlueTimeout}
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
