package diag

// Codes of the spec front end: structure (FC1xx), names and references
// (FC2xx), data flow into tables (FC4xx).
var specCodes = []Code{
	{"FC100", Error, "the file is not valid YAML, is empty, or holds more than one document"},
	{"FC101", Error, "unknown key; the hint names the closest valid one"},
	{"FC102", Error, "duplicate key in a mapping"},
	{"FC103", Error, "a value has the wrong shape (mapping, list, string, number, boolean)"},
	{"FC104", Error, "a required key is missing"},
	{"FC105", Error, "a value is not one of the allowed values"},
	{"FC106", Error, "unsupported spec version"},
	{"FC107", Error, "the spec violates the JSON Schema (flowc schema) in a way the other checks did not report"},
	{"FC108", Error, "a number is out of its allowed range"},
	{"FC200", Error, "a name does not follow the naming rules"},
	{"FC201", Error, "a name is defined twice in its scope"},
	{"FC202", Error, "a reference names no source, transform, alias or table"},
	{"FC203", Error, "transforms read each other in a cycle"},
	{"FC204", Error, "a ${params.NAME} is not defined in an environment"},
	{"FC205", Error, "a ${...} reference is malformed or unknown"},
	{"FC206", Error, "a derived AWS or Redshift name would exceed its length limit or be invalid"},
	{"FC207", Error, "a source location is not a valid s3:// URL or its bucket name is invalid"},
	{"FC208", Error, "no source has a trigger, so the pipeline never runs"},
	{"FC209", Error, "a schedule is not a valid EventBridge cron(...) or rate(...) expression"},
	{"FC210", Error, "an alert recipient is not an e-mail address"},
	{"FC211", Error, "a Redshift name is a reserved word"},
	{"FC212", Error, "a region, account ID or role ARN is malformed"},
	{"FC213", Error, "the environment asked for is not defined in the spec"},
	{"FC214", Error, "a table's lineage reads more than one triggered source"},
	{"FC215", Warning, "a source or transform is never used by any table"},
	{"FC400", Error, "unknown or malformed column type"},
	{"FC401", Error, "a table column is not produced by the table's from:"},
	{"FC402", Error, "loading the column would narrow its type; cast explicitly in the transform"},
	{"FC403", Error, "the column's type cannot be loaded into the table column's type"},
	{"FC404", Error, "key, distkey or sortkey names a column the table does not have"},
	{"FC405", Error, "replace_partition needs a triggered source and its partition columns in the table"},
	{"FC406", Error, "merge needs key:"},
	{"FC407", Error, "a check or step names a column that does not exist"},
	{"FC408", Error, "a filter, join condition or expect check is not boolean"},
	{"FC409", Error, "a step produces two columns with the same name"},
	{"FC410", Warning, "a column of the transform is not loaded into the table"},
}

func init() { codeTables = append(codeTables, specCodes) }
