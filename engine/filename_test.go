package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A partition named filename gets its value from the path, not the file's
// name: the files table names its own column _flowc_file, which the spec
// reserves, so no user name can shadow it. Both read paths.
func TestPartitionNamedFilename(t *testing.T) {
	const text = `version: 1
pipeline: sem
environments:
  dev: {region: us-east-1}
sources:
  input:
    location: s3://bucket/in/
    partitions: [filename]
    trigger: on_arrival
    columns: {a: int, s: string}
warehouse:
  redshift: {workgroup: wg, database: dev, schema: sem, connection: c, iam_role: "arn:aws:iam::111111111111:role/r"}
  tables:
    out:
      from: input
      columns: {a: integer, s: varchar(10), filename: varchar(10)}
`
	ir := loadSpec(t, "filename.yaml", text)
	for _, textOnly := range []bool{false, true} {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "in", "filename=x1"), 0o755); err != nil {
			t.Fatal(err)
		}
		writeCSV(t, filepath.Join(dir, "in", "filename=x1", "f.csv"), []string{"a int", "s string"}, []string{"1,one", "2,two"})
		wh := filepath.Join(dir, "w.duckdb")
		if _, err := runMode(t, ir, Options{Inputs: map[string]string{"input": filepath.Join(dir, "in")}, Warehouse: wh}, textOnly); err != nil {
			t.Fatalf("text only %v: %v", textOnly, err)
		}
		got := strings.Join(tableRows(t, wh, "sem.out"), "\n")
		if want := "1 | one | x1\n2 | two | x1"; got != want {
			t.Errorf("text only %v: got\n%s\nwant\n%s", textOnly, got, want)
		}
	}
}
