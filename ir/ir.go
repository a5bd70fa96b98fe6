// Package ir is flowc's intermediate representation: one pipeline in one
// environment, with every ${...} expanded, every default applied and every
// expression parsed and typed. The compiler's backends (compiler/cfn,
// compiler/asl, compiler/glue, compiler/ddl, compiler/sqlgen) and the local
// engine read only this; nothing here knows the YAML syntax, and nothing
// here knows AWS beyond the names the pipeline's resources get.
//
// The contract: an IR is built once, by spec.Check from a spec without
// errors, and read afterwards; nothing mutates it. Every
// element keeps the Pos it came from, so a later error still points into
// the YAML.
package ir

import (
	"github.com/flowc-dev/flowc/spec/diag"
	"github.com/flowc-dev/flowc/spec/expr"
)

// Pos is a position in the spec, kept so compile-time errors point into it.
type Pos = diag.Pos

// IR is one pipeline in one environment, with every ${...} expanded and
// every expression parsed and typed. Slices are in spec order unless said.
type IR struct {
	File        string // the spec's file name as given (the Pos.File of its elements)
	Pipeline    string
	Description string
	Env         string
	Region      string
	Account     string // "" when the environment sets no guard
	Names       Names

	Sources    []*Source
	Transforms []*Transform // dependency order: a transform follows what it reads
	Tables     []*Table
	Buckets    []*Bucket // the distinct source buckets, sorted by name
	Redshift   Redshift
	Alerts     Alerts
	Glue       GlueSettings
	// MaxParallelPartitions is how many partitions load at once (runs:
	// max_parallel_partitions), and every Glue job's MaxConcurrentRuns.
	MaxParallelPartitions int
}

// Source is a dataset read by the pipeline.
type Source struct {
	Name       string
	Pos        Pos
	Location   string // expanded, s3://bucket/prefix/
	Bucket     string
	Prefix     string     // key prefix, "" or ending in "/"
	Format     string     // csv | json | parquet
	BucketMode BucketMode // create | existing
	CSV        CSVOptions
	Columns    []expr.Column // the file's columns, in order
	Partitions []expr.Column // Hive partition columns, in order
	Trigger    TriggerKind
	Schedule   string  // cron(...) or rate(...) when Trigger is schedule
	Arrival    Arrival // when Trigger is on_arrival, defaults applied
	// Freshness is when the source's next file is late (nil: never).
	Freshness *Freshness
	// Schema is Columns then Partitions: the row every step starts from.
	Schema []expr.Column
}

// Arrival is how the runs of an on_arrival source wait for its files
// (docs/run-model.md): a partition loads once it has had no new file for
// SettleSeconds, or MaxWaitSeconds after its run took the lease; with a
// Marker only an object of that name announces a partition.
type Arrival struct {
	SettleSeconds  int
	MaxWaitSeconds int
	Marker         string // "" when none
}

// Freshness is how long after a source's last file arrived it is late
// (docs/run-model.md, Freshness): WarnSeconds and ErrorSeconds, 0 when
// not given, with the durations as written for messages.
type Freshness struct {
	WarnSeconds, ErrorSeconds int
	Warn, Error               string // "26h"; "" when not given
}

// Triggered reports whether the source starts runs.
func (s *Source) Triggered() bool {
	return s.Trigger == TriggerOnArrival || s.Trigger == TriggerSchedule
}

// Suffix is the object key suffix of the source's format (".csv").
func (s *Source) Suffix() string { return "." + s.Format }

// CSVOptions with defaults applied.
type CSVOptions struct {
	Header    bool   // default true
	Delimiter string // default ","
	Quote     string // default `"`
	Escape    string // default `"`
	Null      string // default ""
}

// Transform is a named sequence of steps over a source or transform.
type Transform struct {
	Name   string
	Pos    Pos
	From   string
	Steps  []*Step
	Schema []expr.Column // the output row, unqualified
}

// Step is one relational step. Expressions are the typed ASTs of the spec
// (expr.Check has set every node's type): backends translate them, never
// re-parse text.
type Step struct {
	Kind StepKind
	Pos  Pos

	Cond expr.Expr // filter: the predicate; join: the ON condition

	Join     string // join: the source or transform joined
	Alias    string // join: its alias
	JoinKind string // join: inner | left

	Columns []*NamedExpr // derive, select (map or list form), aggregate and window measures
	By      []string     // dedupe, aggregate; window: partition_by. Column names (may be alias-qualified)
	OrderBy []*OrderItem // dedupe: which row to keep (the first); window: the order of a partition
	Frame   *Frame       // window: the frame of its aggregate, first_value and last_value measures

	// Schema is the row after the step (columns carry their join alias).
	Schema []expr.Column
}

// NamedExpr is an output column computed by an expression. For select in
// list form, Expr is a plain *expr.Col.
type NamedExpr struct {
	Name string
	Expr expr.Expr
	Pos  Pos
}

// OrderItem orders rows in dedupe and window. NullsFirst is explicit
// (spec defaults applied: NULLs first ascending, last descending, Spark's
// order), because DuckDB puts NULLs last either way.
type OrderItem struct {
	Expr       expr.Expr
	Desc       bool
	NullsFirst bool
}

// Frame is a window frame: ROWS (physical rows) or RANGE (rows and their
// ties in the order), from Start to End, each an offset from the current
// row (negative: preceding, 0: the current row, positive: following) or
// nil for unbounded. RANGE frames have no offsets other than 0.
type Frame struct {
	Rows       bool
	Start, End *int
}

// Table is a Redshift table loaded by the pipeline.
type Table struct {
	Name      string
	Pos       Pos
	From      string // source or transform
	Load      string // append | replace_partition | merge
	Key       []string
	Distkey   string
	Diststyle string // auto | even | all | key; "" = Redshift's default (auto)
	Sortkey   []string
	// OnDestructive is error or allow: whether a migration may rebuild
	// the table or drop data to match the spec (on_destructive_change:).
	OnDestructive string
	Columns       []*TableColumn
	Checks        []*Check
	// Trigger is the triggered source in the table's lineage (nil if none);
	// a run reads only its partition. PartitionColumns are its partition
	// column names (those replace_partition deletes by).
	Trigger          *Source
	PartitionColumns []string
	// OwnerCheck is set for a merge whose key does not prove that a group
	// lies in one partition of Trigger (spec FC414): the table gets the
	// hidden column OwnerColumn, naming the partition that produced each
	// row, and a load fails rather than replace a group another partition
	// produced (docs/run-model.md, requirement 3).
	OwnerCheck bool
	// Appends is, for an append table, the source whose files it loads
	// once each (spec FC413 proved each row comes from one row of one of
	// them): Trigger, or for a table without one, the source its from:
	// chain starts at. The load records each file in the ledger (Ledger)
	// in the transaction that inserts its rows, and a run reads only the
	// files the ledger does not hold (docs/run-model.md, requirement 2).
	Appends *Source
	// Reads lists the sources and transforms the table needs, in
	// dependency order (sources first, then transforms).
	Reads []string
}

// TableColumn is a Redshift column and the type the transform feeds it.
type TableColumn struct {
	Name string
	Type RedshiftType
	From expr.Type
	Pos  Pos
	// RenamedFrom is the column's earlier name ("" if not renamed).
	RenamedFrom string
}

// Check is a data check run before a load; a failure loads nothing.
type Check struct {
	Kind    CheckKind
	Name    string // stable human name, e.g. not_null(flight_date,dep_time)
	Pos     Pos
	Columns []string  // not_null, unique
	Expr    expr.Expr // expect
	Min     *int      // row_count
	Max     *int      // row_count
}

// Bucket is a source bucket: one the stack creates and owns, or, Existing,
// one that exists outside the pipeline (flowc deploy turns its EventBridge
// notifications on; nothing creates or deletes it).
type Bucket struct {
	Name     string
	Sources  []string // sources located in it
	Existing bool     // the sources say bucket: existing (they all agree: FC219)
}

// Created are the source buckets the stack creates.
func (ir *IR) Created() []*Bucket {
	var out []*Bucket
	for _, b := range ir.Buckets {
		if !b.Existing {
			out = append(out, b)
		}
	}
	return out
}

// EventBuckets are the existing buckets holding a source triggered on
// arrival: flowc deploy turns their EventBridge notifications on. Sorted.
func (ir *IR) EventBuckets() []string {
	var out []string
	for _, b := range ir.Buckets {
		if !b.Existing {
			continue
		}
		for _, s := range b.Sources {
			if src := ir.Source(s); src != nil && src.Trigger == TriggerOnArrival {
				out = append(out, b.Name)
				break
			}
		}
	}
	return out
}

// Redshift is the load target, with parameters expanded.
type Redshift struct {
	Workgroup  string
	Cluster    string
	Database   string
	Schema     string
	Connection string
	IAMRole    string
}

// Alerts are the SNS e-mail subscriptions.
type Alerts struct {
	OnFailure []string
	OnSuccess []string
}

// GlueSettings are the Glue job settings with defaults applied.
type GlueSettings struct {
	Version        string
	WorkerType     string
	Workers        int
	TimeoutMinutes int
}

// Source returns the named source, or nil.
func (ir *IR) Source(name string) *Source {
	for _, s := range ir.Sources {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Transform returns the named transform, or nil.
func (ir *IR) Transform(name string) *Transform {
	for _, t := range ir.Transforms {
		if t.Name == name {
			return t
		}
	}
	return nil
}
