package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"
)

// runFormats are the formats of flowc run's report.
var runFormats = []string{"text", "json"}

// defaultWarehouse is where `flowc run` loads when --warehouse is not given.
const defaultWarehouse = ".flowc/warehouse.duckdb"

func runCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "run the pipeline locally on an embedded engine (DuckDB) and load a local warehouse",
		ArgsUsage: "SPEC",
		Description: `Reads the sources, computes the transforms with the same SQL as the Glue scripts
(Spark SQL semantics), runs the table checks and loads the tables into a local warehouse,
a DuckDB file, with the tables' load modes. The run is all or nothing: bad input or a failed
check loads nothing and leaves the warehouse as it was. The run loads a copy of the warehouse
and renames it over the file at the end, so even a killed run leaves the warehouse as it was
before or as the run left it. SIGINT (Ctrl-C) and SIGTERM roll the run back: exit 130 and 143.
A table whose columns changed in the spec is migrated before its load, in the same transaction,
with the classes flowc deploy uses (docs/table-evolution.md): additive and in-place changes
always, destructive ones only when the table says on_destructive_change: allow (else exit 1).

Where each source is read from, first match wins:
   1. --input NAME=PATH        a folder or file, a file:// URL or an s3:// URL
   2. <spec folder>/data/NAME/  a local mirror of the source, laid out as in S3
   3. the source's location     s3:// through the AWS SDK (AWS_PROFILE, AWS_ENDPOINT_URL, ...),
                                in the environment's region: (AWS_REGION only when it has none)
Files and folders whose names start with . or _ are skipped, as Spark skips them.

Partitions: a run is one partition of the triggered source, as one S3 arrival. Without
--partition, every partition found is run, one after the other in sorted order (a later
partition's merge wins); --partition year=2001/month=01/day=17 runs that one (a leading part,
such as year=2001/month=01, runs each partition under it), and only the tables fed by that
source are loaded. Other sources are read whole. A run of several partitions is still all or
nothing.

Environments: --env picks the params; without it, the only environment, or else the first one
listed (a note says so).

Example:
   flowc run examples/flights.yaml
   flowc run --partition year=2001/month=01/day=02 examples/flights.yaml
   flowc run --input flights=s3://my-bucket/raw/flights/ --warehouse /tmp/w.duckdb spec.yaml
   duckdb .flowc/warehouse.duckdb "select * from airlines.airport_delays"`,
		Flags: []cli.Flag{
			envFlag(),
			&cli.StringSliceFlag{Name: "input", Aliases: []string{"i"}, Usage: "`NAME=PATH`: read source NAME from PATH, a folder, a file, file:// or s3:// (repeatable)"},
			&cli.StringFlag{Name: "warehouse", Aliases: []string{"w"}, Value: defaultWarehouse, Usage: "the DuckDB `FILE` to load (created when missing)"},
			&cli.StringFlag{Name: "partition", Aliases: []string{"p"}, Usage: "run one `PARTITION` of the triggered source, e.g. year=2001/month=01/day=17"},
			formatFlag(runFormats...),
		},
		Action: func(c *cli.Context) error { return runAction(c, e) },
	}
}

// writeTable lays rows out in columns two spaces apart; align has an l or r
// per column.
func writeTable(w io.Writer, rows [][]string, align string) {
	width := make([]int, len(align))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], len(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", width[i]-len(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if align[i] == 'r' {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

func pluralize(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// thousands renders 3000000 as 3,000,000.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
