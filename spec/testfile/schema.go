package testfile

import _ "embed"

//go:embed schema.json
var schemaJSON []byte

// SchemaJSON returns the JSON Schema of test files, as printed by `flowc
// schema --tests` for editors (yaml-language-server).
func SchemaJSON() []byte { return append([]byte(nil), schemaJSON...) }
