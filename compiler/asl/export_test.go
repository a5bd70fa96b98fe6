package asl

// Names the external tests (package asl_test, which compile specs through
// package compiler and so cannot be in package asl) read.
const (
	ArnBatchCreatePartition = arnBatchCreatePartition
	StArrival               = stArrival
	StRecordArrival         = stRecordArrival
	StDuplicate             = stDuplicate
	StCountArrival          = stCountArrival
	StTakeLease             = stTakeLease
	StLeaseHeld             = stLeaseHeld
	StHolderRunning         = stHolderRunning
	StTakeOver              = stTakeOver
	StSettle                = stSettle
	StWaitQuiet             = stWaitQuiet
	StQuiet                 = stQuiet
	StTakeSlot              = stTakeSlot
	StWaitSlot              = stWaitSlot
	StReleaseOnSuccess      = stReleaseOnSuccess
	StReleaseOnFailure      = stReleaseOnFailure
	StReleaseLease          = stReleaseLease
	StFailReleaseLease      = stFailReleaseLease
	StNextPass              = stNextPass
	StWiden                 = stWiden
	StTableSkipped          = stTableSkipped
	StIsSelected            = stIsSelected
	ErrBadPartition         = errBadPartition
	ErrBadTables            = errBadTables
	StEvery                 = stEvery
	StHandSel               = stHandSel
	StTablesGiven           = stTablesGiven
	StCheckTables           = stCheckTables
	StOnlyTables            = stOnlyTables
	StBadTables             = stBadTables
	ArnStartJobSync         = arnStartJobSync
	ErrNotRegistered        = errNotRegistered
	ErrTablesFailed         = errTablesFailed
	StAnyFailed             = stAnyFailed
	StFailed                = stFailed
	StListFailures          = stListFailures
	StLoad                  = stLoad
	StNotRegistered         = stNotRegistered
	StNotifyFailure         = stNotifyFailure
	StNotifyFailureShort    = stNotifyFailureShort
	StNotifySuccess         = stNotifySuccess
	StOtherObject           = stOtherObject
	StRegister              = stRegister
	StReadTable             = stReadTable
	StPartRun               = stPartRun
	StRouteObject           = stRouteObject
	StRoute                 = stRoute
	StOutside               = stOutside
	ArnGetTable             = arnGetTable
	StRegistered            = stRegistered
	StRunJob                = stRunJob
	StSucceeded             = stSucceeded
	StTableFailed           = stTableFailed
	StTableLoaded           = stTableLoaded
	StTablesFailed          = stTablesFailed
)

// SnsSubject is snsSubject.
var SnsSubject = snsSubject

// Freshness (asl_fresh.go).
const (
	StWatchFreshness = stWatchFreshness
	StRecordLast     = stRecordLast
	StStartWatch     = stStartWatch
	FsNotifyWarn     = fsNotifyWarn
	FsNotifyError    = fsNotifyError
	FsFresh          = fsFresh
)
