// Package spec is flowc's front end: it reads a pipeline spec (YAML, version
// 1) into typed structures that keep the position of every node, validates
// it against the embedded JSON Schema, and runs the semantic checks of the
// language: parameters per environment, names and the AWS names derived from
// them, references, cycles, triggers, e-mail addresses, and the type-checked
// data flow from source columns through every transform step into each
// Redshift table.
//
// The contract: Parse builds the syntax tree; Check (CheckAll for every
// environment) checks it and returns the IR of an environment (package ir)
// when nothing is wrong: expressions typed, ${params} expanded, defaults
// applied. Neither stops at the first problem; every finding is a
// diag.Diagnostic with a stable code and a position in the user's YAML.
// The package knows nothing of AWS APIs, the compiler or the CLI, and does no
// I/O beyond what its callers hand it (bytes of a file).
package spec

import (
	"gopkg.in/yaml.v3"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec/diag"
	"github.com/flowc-dev/flowc/spec/expr"
)

// Pos is a position in the spec file.
type Pos = diag.Pos

// Str is a string scalar with its position. Raw is the text as written
// (with ${...} references unexpanded).
type Str struct {
	Raw string
	Pos Pos
	sm  *scalarMap
}

// PosAt returns the position of the byte at offset i of Raw, following the
// YAML scalar's quoting and line folding.
func (s Str) PosAt(i int) Pos { return s.sm.at(s.Pos, i) }

// IsSet reports whether the key was present in the spec.
func (s Str) IsSet() bool { return s.Pos.Line > 0 }

// Int is an integer scalar with its position.
type Int struct {
	Value int
	Pos   Pos
	Set   bool
}

// Bool is a boolean scalar with its position.
type Bool struct {
	Value bool
	Pos   Pos
	Set   bool
}

// File is one parsed spec.
type File struct {
	Name         string // path as given by the user
	Src          []byte
	Version      Int
	Pipeline     Str
	Description  Str
	Environments []*Environment
	Sources      []*Source
	Transforms   []*Transform
	Warehouse    *Warehouse
	Alerts       *Alerts
	Glue         *Glue
	Runs         *Runs

	root        *yaml.Node // for the JSON Schema pass
	refs        []*Str     // every string value, for ${...} checks
	parseErrors bool       // Parse reported an error: Check returns no IR
}

// Environment is one entry of `environments:`.
type Environment struct {
	Name    Str
	Region  Str
	Account Str // optional guard for deploy
	Stack   Str // optional stack name; default <pipeline>-<env>
	Params  []*Param
}

// Param is one `params:` entry of an environment.
type Param struct {
	Name  Str
	Value Str
}

// Param returns the value of the named parameter.
func (e *Environment) Param(name string) (string, bool) {
	for _, p := range e.Params {
		if p.Name.Raw == name {
			return p.Value.Raw, true
		}
	}
	return "", false
}

// Source is one entry of `sources:`.
type Source struct {
	Name       Str
	Location   Str
	Format     Str // csv (default) | json | parquet
	Bucket     Str // create (default) | existing: whether the stack creates the location's bucket
	CSV        *CSVOptions
	Partitions []*Partition
	Trigger    *Trigger
	Freshness  *Freshness
	Columns    []*Column
	Pos        Pos
}

// Freshness is a source's `freshness: {warn_after, error_after}`: how long
// after its last file arrived a source is late (durations such as 26h).
type Freshness struct {
	WarnAfter  Str
	ErrorAfter Str
	Pos        Pos
}

// CSVOptions are the `csv:` options of a source.
type CSVOptions struct {
	Header    Bool // default true
	Delimiter Str  // default ","
	Quote     Str  // default `"`
	Escape    Str  // default `"`
	Null      Str  // default "" (empty field is NULL)
}

// Partition is one Hive-style partition column.
type Partition struct {
	Name Str
	Type Str // default string
}

// TriggerKind says what starts a run (the IR's vocabulary).
type TriggerKind = ir.TriggerKind

// Triggers of a source.
const (
	triggerNone      = ir.TriggerNone
	TriggerOnArrival = ir.TriggerOnArrival
	TriggerSchedule  = ir.TriggerSchedule
)

// Trigger of a source.
type Trigger struct {
	Kind     TriggerKind
	Schedule Str // cron(...) or rate(...) when Kind is schedule
	Arrival  *Arrival
	Pos      Pos
}

// Arrival holds the options of `trigger: {on_arrival: {...}}` (nil for
// the shorthand `trigger: on_arrival`).
type Arrival struct {
	SettleSeconds  Int // quiet time before a partition loads
	MaxWaitSeconds Int // longest a partition waits for quiet
	Marker         Str // file name that alone announces a partition
	Pos            Pos
}

// Runs is the top-level `runs:` mapping.
type Runs struct {
	MaxParallelPartitions Int // partitions loading at once, per pipeline
	Pos                   Pos
}

// Column is a source column: name and declared type.
type Column struct {
	Name Str
	Type Str
}

// Transform is one entry of `transforms:`.
type Transform struct {
	Name  Str
	From  Str
	Steps []*Step
	Pos   Pos
}

// StepKind names a step (the IR's vocabulary).
type StepKind = ir.StepKind

// Steps of a transform.
const (
	StepFilter    = ir.StepFilter
	StepJoin      = ir.StepJoin
	StepDerive    = ir.StepDerive
	StepSelect    = ir.StepSelect
	StepDedupe    = ir.StepDedupe
	StepAggregate = ir.StepAggregate
	StepWindow    = ir.StepWindow
)

// Step is one transform step. Which fields are set depends on Kind.
type Step struct {
	Kind StepKind
	Pos  Pos

	Filter *Expr // filter

	Join     Str   // join: the source or transform joined
	As       Str   // join: alias (defaults to the joined name)
	On       *Expr // join
	JoinKind Str   // join: inner (default) | left

	Columns []*NamedExpr // derive, select (map form), aggregate and window measures
	Names   []Str        // select (list form)

	By      []Str        // dedupe, aggregate; window: partition_by
	OrderBy []*OrderItem // dedupe, window
	Frame   *Frame       // window
}

// Frame is a window step's `frame:`: `{rows: [START, END]}` or
// `{range: [START, END]}`, each bound `unbounded`, `current` or an integer
// (negative: rows before the current one, positive: after).
type Frame struct {
	Rows       bool // rows: (else range:)
	Start, End FrameBound
	Pos        Pos
}

// FrameBound is one bound of a frame. Unbounded is true for `unbounded`;
// otherwise Offset is the offset from the current row (0 for `current`).
type FrameBound struct {
	Unbounded bool
	Offset    int
	Pos       Pos
}

// Expr is an expression string with its parsed and type-checked AST.
type Expr struct {
	Text Str
	AST  expr.Expr // nil when the text does not parse
}

// PosOf returns the position in the YAML of a span of the expression.
func (e *Expr) PosOf(sp expr.Span) Pos { return e.Text.PosAt(sp.Start) }

// NamedExpr is `name: expression`.
type NamedExpr struct {
	Name Str
	Expr *Expr
}

// OrderItem is one `order_by:` entry: an expression, optionally DESC,
// optionally NULLS FIRST or NULLS LAST (Nulls "first", "last" or "").
type OrderItem struct {
	Expr  *Expr
	Desc  bool
	Nulls string
}

// NullsFirst reports where the item puts NULLs: as written, else first
// ascending and last descending (Spark's default, which flowc makes
// explicit for DuckDB, whose default is last either way).
func (o *OrderItem) NullsFirst() bool {
	if o.Nulls != "" {
		return o.Nulls == "first"
	}
	return !o.Desc
}

// Warehouse is the `warehouse:` section.
type Warehouse struct {
	Redshift *Redshift
	Tables   []*Table
	Pos      Pos
}

// Redshift says where tables are loaded.
type Redshift struct {
	Workgroup  Str
	Cluster    Str
	Database   Str
	Schema     Str
	Connection Str
	IAMRole    Str
	Pos        Pos
}

// Load modes of a table.
const (
	loadAppend           = ir.LoadAppend
	LoadReplacePartition = ir.LoadReplacePartition
	LoadMerge            = ir.LoadMerge
)

// Table is one `tables:` entry.
type Table struct {
	Name      Str
	From      Str
	Load      Str
	Key       []Str
	Distkey   Str
	Diststyle Str
	Sortkey   []Str
	// OnDestructiveChange is error (default) or allow: whether a deploy or
	// run may rebuild the table or drop its data to match the spec.
	OnDestructiveChange Str
	Columns             []*TableColumn
	Checks              []*TableCheck
	Pos                 Pos
}

// TableColumn is a Redshift column of a table.
type TableColumn struct {
	Name Str
	Type Str
	// RenamedFrom is the column's earlier name in the warehouse, when the
	// spec renames it (`name: {type: T, renamed_from: OLD}`).
	RenamedFrom Str
}

// CheckKind names a table check (the IR's vocabulary).
type CheckKind = ir.CheckKind

// Checks of a table.
const (
	checkNotNull  = ir.CheckNotNull
	CheckUnique   = ir.CheckUnique
	checkExpect   = ir.CheckExpect
	CheckRowCount = ir.CheckRowCount
)

// TableCheck is one `checks:` entry of a table, run before the load.
type TableCheck struct {
	Kind    CheckKind
	Pos     Pos
	Columns []Str // not_null, unique
	Expect  *Expr // expect
	Min     Int   // row_count
	Max     Int   // row_count
}

// Name returns a stable, human name for the check, used in messages.
func (c *TableCheck) Name() string {
	switch c.Kind {
	case checkNotNull, CheckUnique:
		s := string(c.Kind) + "("
		for i, n := range c.Columns {
			if i > 0 {
				s += ","
			}
			s += n.Raw
		}
		return s + ")"
	case checkExpect:
		if c.Expect != nil {
			return "expect(" + c.Expect.Text.Raw + ")"
		}
	case CheckRowCount:
		s := "row_count("
		if c.Min.Set {
			s += "min=" + itoa(c.Min.Value)
		}
		if c.Max.Set {
			if c.Min.Set {
				s += ","
			}
			s += "max=" + itoa(c.Max.Value)
		}
		return s + ")"
	}
	return string(c.Kind)
}

// Alerts is the `alerts:` section.
type Alerts struct {
	OnFailure *Alert
	OnSuccess *Alert
	Pos       Pos
}

// Alert lists who is told.
type Alert struct {
	Email []Str
	Pos   Pos
}

// Glue holds the Glue job settings.
type Glue struct {
	Version        Str
	WorkerType     Str
	Workers        Int
	TimeoutMinutes Int
}
