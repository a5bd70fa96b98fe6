package diag

// Codes of the compiler (FC5xx): AWS limits. Internal compiler errors
// carry no code: they are bugs, reported as such.
var (
	FC500 = def("FC500", Error, "the build would pass an AWS limit: resources or outputs of a stack, template size, or state machine definition size")
	FC501 = def("FC501", Warning, "the build comes near an AWS limit; past it the Glue jobs, then the sources, move into nested stacks, or the build fails")
)
