package spec

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// laterBase is a valid spec; TestLaterChecks edits it.
const laterBase = `version: 1
pipeline: demo
environments:
  dev:
    region: us-east-1
    params: {bucket: demo-dev, db: dev}
  prod:
    region: us-east-1
    params: {bucket: demo-prod, db: dev}
sources:
  events:
    location: s3://${params.bucket}/raw/events/
    partitions: [day]
    trigger: on_arrival
    csv: {delimiter: ","}
    columns: {id: bigint, amount: double, country: string}
  countries:
    location: s3://${params.bucket}/ref/countries/
    columns: {code: string, name: string}
transforms:
  spend:
    from: events
    steps:
      - dedupe: {by: [id]}
      - join: countries
        as: c
        on: country = c.code
      - select: {day: day, id: id, amount: amount, country_name: c.name}
warehouse:
  redshift: {workgroup: wg, database: dev, schema: demo, connection: c, iam_role: "arn:aws:iam::111111111111:role/copy"}
  tables:
    spend_fact:
      from: spend
      load: replace_partition
      columns: {day: varchar(10), id: bigint, amount: double precision, country_name: varchar(64)}
glue: {version: "4.0", worker_type: G.1X}
`

// TestLaterChecks: specs that validate used to accept and that failed at
// run or deploy (issue 9) are reported, with their code, at the value.
func TestLaterChecks(t *testing.T) {
	if _, ds := Load("base.yaml", []byte(laterBase), ""); ds.Len() != 0 {
		t.Fatalf("base spec has diagnostics:\n%s", ds.Error())
	}
	cases := []struct {
		name     string
		old, new string // replaced once in laterBase
		code     string // "" = must stay valid
		at       string // the diagnostic's line contains this
	}{
		{"csv quote is delimiter", `csv: {delimiter: ","}`, `csv: {quote: ","}`, "FC109", "quote"},
		{"csv escape is delimiter", `csv: {delimiter: ","}`, `csv: {delimiter: "|", escape: "|"}`, "FC109", "escape"},
		{"csv delimiter is default quote", `csv: {delimiter: ","}`, `csv: {delimiter: '"'}`, "FC109", "delimiter"},
		{"csv delimiter quote char with other quote", `csv: {delimiter: ","}`, `csv: {delimiter: '"', quote: "'", escape: "'"}`, "FC109", "delimiter"},
		{"csv line break delimiter", `csv: {delimiter: ","}`, `csv: {delimiter: "\n"}`, "FC109", "delimiter"},
		{"csv null has quote", `csv: {delimiter: ","}`, `csv: {null: '""'}`, "FC109", "null"},
		{"csv null has escape", `csv: {delimiter: ","}`, `csv: {escape: "\\", null: "\\N"}`, "FC109", "null"},
		{"csv quote is escape", `csv: {delimiter: ","}`, `csv: {quote: "'", escape: "'"}`, "", ""},
		{"csv tab and null", `csv: {delimiter: ","}`, `csv: {delimiter: "\t", null: "NULL"}`, "", ""},
		{"glue Ray worker", "worker_type: G.1X", "worker_type: Z.2X", "FC110", "Z.2X"},
		{"glue streaming worker", "worker_type: G.1X", "worker_type: G.025X", "FC110", "G.025X"},
		{"glue G.8X", "worker_type: G.1X", "worker_type: G.8X", "", ""},
		{"source under trigger", "ref/countries/", "raw/events/countries/", "FC217", "raw/events/countries/"},
		{"source at trigger's location", "ref/countries/", "raw/events/", "FC217", "location"},
		{"other format under trigger", "ref/countries/\n", "raw/events/countries/\n    format: json\n", "", ""},
		{"trigger under a reference source", "ref/countries/", "raw/", "", ""},
		{"sibling prefix", "ref/countries/", "raw/events-ref/", "", ""},
		{"reserved column", "country: string}", "country: string, _flowc_file: string}", "FC216", "_flowc_file"},
		{"reserved partition", "partitions: [day]", "partitions: [_flowc_run]", "FC216", "_flowc_run"},
		{"reserved derived column", "- dedupe: {by: [id]}", "- derive: {_flowc_run: id}", "FC216", "_flowc_run"},
		{"dedupe by empty", "by: [id]", "by: []", "FC412", "by: []"},
		{"on_arrival options", "trigger: on_arrival", "trigger: {on_arrival: {settle_seconds: 2, max_wait_seconds: 60, marker: _SUCCESS}}", "", ""},
		{"on_arrival without options", "trigger: on_arrival", "trigger: {on_arrival: }", "", ""},
		{"settle over max wait", "trigger: on_arrival", "trigger: {on_arrival: {settle_seconds: 600, max_wait_seconds: 300}}", "FC220", "settle_seconds: 600"},
		{"default settle over max wait", "trigger: on_arrival", "trigger: {on_arrival: {max_wait_seconds: 59}}", "FC108", "max_wait_seconds"},
		{"settle out of range", "trigger: on_arrival", "trigger: {on_arrival: {settle_seconds: 901}}", "FC108", "settle_seconds"},
		{"marker with a slash", "trigger: on_arrival", "trigger: {on_arrival: {marker: done/_SUCCESS}}", "FC220", "marker"},
		{"marker is a data file", "trigger: on_arrival", "trigger: {on_arrival: {marker: DONE.CSV}}", "FC220", "DONE.CSV"},
		{"unknown on_arrival option", "trigger: on_arrival", "trigger: {on_arrival: {settle: 5}}", "FC101", "settle"},
		{"freshness", "trigger: on_arrival", "trigger: on_arrival\n    freshness: {warn_after: 26h, error_after: 2d2h}", "", ""},
		{"freshness warn only", "trigger: on_arrival", "trigger: on_arrival\n    freshness: {warn_after: 2s}", "", ""},
		{"freshness error only", "trigger: on_arrival", "trigger: on_arrival\n    freshness: {error_after: 90m}", "", ""},
		{"freshness error before warn", "trigger: on_arrival", "trigger: on_arrival\n    freshness: {warn_after: 26h,\n      error_after: 1d}", "FC221", "error_after: 1d"},
		{"freshness equal", "trigger: on_arrival", "trigger: on_arrival\n    freshness: {warn_after: 1d,\n      error_after: 24h}", "FC221", "error_after: 24h"},
		{"freshness not a duration", "trigger: on_arrival", "trigger: on_arrival\n    freshness: {warn_after: 26 hours}", "FC221", "26 hours"},
		{"freshness units out of order", "trigger: on_arrival", "trigger: on_arrival\n    freshness: {warn_after: 30m1h}", "FC221", "30m1h"},
		{"freshness zero", "trigger: on_arrival", "trigger: on_arrival\n    freshness: {warn_after: 0h}", "FC221", "0h"},
		{"freshness over a year", "trigger: on_arrival", "trigger: on_arrival\n    freshness: {error_after: 366d}", "FC221", "366d"},
		{"freshness empty", "trigger: on_arrival", "trigger: on_arrival\n    freshness: {}", "FC221", "freshness"},
		{"freshness unknown key", "trigger: on_arrival", "trigger: on_arrival\n    freshness: {warn: 1h}", "FC101", "warn"},
		{"freshness on reference data", "ref/countries/\n", "ref/countries/\n    freshness: {warn_after: 26h}\n", "FC221", "freshness"},
		{"max parallel partitions", "version: 1\n", "version: 1\nruns: {max_parallel_partitions: 2}\n", "", ""},
		{"max parallel partitions 0", "version: 1\n", "version: 1\nruns: {max_parallel_partitions: 0}\n", "FC108", "max_parallel_partitions"},
		{"unknown region", "region: us-east-1\n    params: {bucket: demo-prod", "region: us-west-9\n    params: {bucket: demo-prod", "FC218", "us-west-9"},
		{"malformed region", "region: us-east-1\n    params: {bucket: demo-prod", "region: useast1\n    params: {bucket: demo-prod", "FC212", "useast1"},
		{"region of another partition", "region: us-east-1\n    params: {bucket: demo-prod", "region: cn-northwest-1\n    params: {bucket: demo-prod", "", ""},
		{"region of the eusc partition", "region: us-east-1\n    params: {bucket: demo-prod", "region: eusc-de-east-1\n    params: {bucket: demo-prod", "", ""},
		{"database uppercase", "database: dev", "database: Sales", "FC200", "Sales"},
		{"database hyphen", "database: dev", "database: sales-db", "FC200", "sales-db"},
		{"database too long", "database: dev", "database: " + strings.Repeat("d", 65), "FC206", "ddd"},
		{"database reserved", "database: dev", "database: table", "FC211", "table"},
		{"database from params", "database: dev", `database: "${params.db}"`, "", ""},
		{"database from bad param", "db: dev}\n  prod", "db: Dev}\n  prod", "", ""}, // param unused while database is literal
		{"bucket existing on both", "location: s3://${params.bucket}/raw/events/\n", "location: s3://${params.bucket}/raw/events/\n    bucket: existing\n", "FC219", "location: s3://${params.bucket}/ref/"},
		{"bucket existing agree", "location: s3://${params.bucket}/ref/countries/\n", "location: s3://${params.bucket}/ref/countries/\n    bucket: create\n", "", ""},
		{"bucket existing said later", "location: s3://${params.bucket}/ref/countries/\n", "location: s3://${params.bucket}/ref/countries/\n    bucket: existing\n", "FC219", "bucket: existing"},
		{"bucket existing other bucket", "location: s3://${params.bucket}/ref/countries/\n", "location: s3://other-ref/ref/countries/\n    bucket: existing\n", "", ""},
		{"bucket mode misspelt", "location: s3://${params.bucket}/ref/countries/\n", "location: s3://${params.bucket}/ref/countries/\n    bucket: exists\n", "FC105", "bucket: exists"},
		{"database 64 bytes", "database: dev", "database: " + strings.Repeat("d", 64), "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(laterBase, c.old) {
				t.Fatalf("base has no %q", c.old)
			}
			src := strings.Replace(laterBase, c.old, c.new, 1)
			_, ds := Load("t.yaml", []byte(src), "")
			lines := strings.Split(src, "\n")
			found := false
			for _, d := range ds.Sorted() {
				if c.code == "" {
					t.Errorf("unexpected %s", d)
					continue
				}
				if d.Code == c.code && d.Pos.Line >= 1 && d.Pos.Line <= len(lines) && strings.Contains(lines[d.Pos.Line-1], c.at) {
					found = true
				}
			}
			if c.code != "" && !found {
				t.Errorf("want %s on the line with %q; got:\n%s", c.code, c.at, ds.Error())
			}
		})
	}
}

// TestDatabaseParamPerEnvironment: a ${params.X} database is checked in each
// environment with its value.
func TestDatabaseParamPerEnvironment(t *testing.T) {
	src := strings.Replace(strings.Replace(laterBase, "database: dev", `database: "${params.db}"`, 1), "bucket: demo-prod, db: dev", "bucket: demo-prod, db: Prod-DB", 1)
	_, ds := Load("t.yaml", []byte(src), "")
	var got []string
	for _, d := range ds.Sorted() {
		got = append(got, d.Code+" "+d.Message)
	}
	if len(got) != 1 || !strings.Contains(got[0], "FC200") || !strings.Contains(got[0], `"prod"`) {
		t.Errorf("want one FC200 for environment prod, got %q", got)
	}
}

func TestKnownRegion(t *testing.T) {
	for _, r := range []string{"us-east-1", "eu-central-1", "ap-southeast-7", "us-gov-west-1", "cn-north-1"} {
		if !knownRegion(r) {
			t.Errorf("KnownRegion(%q) = false", r)
		}
	}
	for _, r := range []string{"", "us-east-9", "aws-global", "US-EAST-1", "us-east-1 "} {
		if knownRegion(r) {
			t.Errorf("KnownRegion(%q) = true", r)
		}
	}
}

// TestRegionsFresh regenerates regions_gen.go from the SDK go.mod requires
// and compares it with the committed file.
func TestRegionsFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go run")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	out := filepath.Join(t.TempDir(), "regions_gen.go")
	cmd := exec.Command("go", "run", "./internal/regionsgen", "-o", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("cannot run the generator (module cache?): %v\n%s", err, b)
	}
	got, _ := os.ReadFile(out)
	want, _ := os.ReadFile("regions_gen.go")
	if !bytes.Equal(got, want) {
		t.Errorf("regions_gen.go is stale; run go generate ./spec")
	}
}
