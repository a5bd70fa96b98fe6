package diag

// Codes of test files (FC6xx), read by `flowc test`. Their structure
// (YAML, unknown, duplicate and missing keys, wrong shapes) is reported
// with the FC1xx codes, as in a spec.
var (
	FC600 = def("FC600", Error, "a test names a target, given relation or environment that the spec does not have")
	FC601 = def("FC601", Error, "a fixture value does not fit its column's type")
	FC602 = def("FC602", Error, "a fixture row names a column its relation does not have")
	FC603 = def("FC603", Error, "a test gives no rows for a source the target reads")
	FC604 = def("FC604", Warning, "a test gives rows for a relation the target does not read")
	FC605 = def("FC605", Error, "a CSV fixture cannot be read, or its header does not name the relation's columns")
	FC606 = def("FC606", Error, "expect: failure names no check of the target table")
)
