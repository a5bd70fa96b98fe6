package ir

// BucketMode says who owns a source's bucket.
type BucketMode string

// Bucket modes.
const (
	BucketCreate   BucketMode = "create"   // the stack creates the bucket (and retains it)
	BucketExisting BucketMode = "existing" // the bucket exists; flowc deploy turns its EventBridge notifications on
)

// TriggerKind says what starts a run.
type TriggerKind string

// Triggers of a source.
const (
	TriggerNone      TriggerKind = "none"
	TriggerOnArrival TriggerKind = "on_arrival"
	TriggerSchedule  TriggerKind = "schedule"
)

// StepKind names a transform step.
type StepKind string

// Steps of a transform.
const (
	StepFilter    StepKind = "filter"
	StepJoin      StepKind = "join"
	StepDerive    StepKind = "derive"
	StepSelect    StepKind = "select"
	StepDedupe    StepKind = "dedupe"
	StepAggregate StepKind = "aggregate"
	StepWindow    StepKind = "window"
)

// CheckKind names a table check.
type CheckKind string

// Checks of a table.
const (
	CheckNotNull  CheckKind = "not_null"
	CheckUnique   CheckKind = "unique"
	CheckExpect   CheckKind = "expect"
	CheckRowCount CheckKind = "row_count"
)

// Load modes of a table.
const (
	LoadAppend           = "append"
	LoadReplacePartition = "replace_partition"
	LoadMerge            = "merge"
)

// A table's policy for a destructive change (on_destructive_change:).
const (
	OnDestructiveError = "error"
	OnDestructiveAllow = "allow"
)
