package glue

// Unexported helpers the external tests (package glue_test) check.
var (
	StagePrefix = stagePrefix
	PyLiteral   = pyLiteral
	PySQL       = pySQL
)
