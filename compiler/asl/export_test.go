package asl

// Names the external tests (package asl_test, which compile specs through
// package compiler and so cannot be in package asl) read.
const (
	ArnStartJobSync  = arnStartJobSync
	StCrawl          = stCrawl
	StCrawlDone      = stCrawlDone
	StCrawlFailed    = stCrawlFailed
	StCrawled        = stCrawled
	StFailed         = stFailed
	StLoad           = stLoad
	StNotifyFailure  = stNotifyFailure
	StNotifySuccess  = stNotifySuccess
	StOtherObject    = stOtherObject
	StRunJob         = stRunJob
	StSucceeded      = stSucceeded
	StTableFailed    = stTableFailed
	StTableLoaded    = stTableLoaded
	StTablesFailed   = stTablesFailed
	StListFailures   = stListFailures
	StAnyFailed      = stAnyFailed
	ErrTablesFailed  = errTablesFailed
	StWaitCrawl      = stWaitCrawl
	StWaitOtherCrawl = stWaitOtherCrawl
)

// SnsSubject is snsSubject.
var SnsSubject = snsSubject
