package spec

import "github.com/flowc-dev/flowc/ir"

// The defaults of the language: what a key left out of the spec means.
// The checker applies them once, here and in the syntax accessors below,
// and the IR holds the result; nothing after the checker applies a default.
const (
	DefaultFormat        = "csv"                 // a source's format:
	DefaultLoad          = LoadAppend            // a table's load:
	DefaultOnDestructive = ir.OnDestructiveError // a table's on_destructive_change:
	DefaultJoinKind      = "inner"               // a join step's kind:
	DefaultTrigger       = TriggerNone           // a source without trigger:
	DefaultPartType      = "string"              // a partition's type:

	DefaultCSVHeader    = true // csv: header:
	DefaultCSVDelimiter = ","  // csv: delimiter:
	DefaultCSVQuote     = `"`  // csv: quote:
	DefaultCSVEscape    = `"`  // csv: escape:
	DefaultCSVNull      = ""   // csv: null: (an empty field is NULL)

	DefaultGlueVersion    = "4.0"  // glue: version:
	DefaultGlueWorkerType = "G.1X" // glue: worker_type:
	DefaultGlueWorkers    = 2      // glue: workers:
	DefaultGlueTimeout    = 60     // glue: timeout_minutes:
)

// FormatName returns the source's format, DefaultFormat when unset.
func (s *Source) FormatName() string {
	if s.Format.Raw == "" {
		return DefaultFormat
	}
	return s.Format.Raw
}

// OnDestructive returns the table's on_destructive_change, error when unset.
func (t *Table) OnDestructive() string {
	if t.OnDestructiveChange.Raw == "" {
		return DefaultOnDestructive
	}
	return t.OnDestructiveChange.Raw
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
