package expr

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// DocColumns are the columns the examples of docs/functions.md read: a
// flights table joined with an airports table as dep.
var DocColumns = Row{
	{Name: "flight_date", Type: typDate},
	{Name: "date", Type: Type{Kind: Timestamp}},
	{Name: "origin", Type: typString},
	{Name: "destination", Type: typString},
	{Name: "delay", Type: typInt},
	{Name: "distance", Type: typInt},
	{Name: "dep_epoch", Type: typBigint},
	{Name: "load_factor", Type: typDouble},
	{Name: "fare", Type: DecimalOf(10, 2)},
	{Qual: "dep", Name: "name", Type: typString},
	{Qual: "dep", Name: "city", Type: typString},
}

// writeFunctionsMarkdown writes docs/functions.md from the catalogue: per
// category, each function's signature, meaning, example (with the type
// Check gives it over DocColumns), engine notes and aliases; then the
// refused functions. An example that does not check is an error.
func writeFunctionsMarkdown(w io.Writer) error {
	var b bytes.Buffer
	b.WriteString("# Functions\n\n")
	b.WriteString("<!-- Generated from the catalogue in spec/expr (funcs*.go); do not edit. -->\n\n")
	b.WriteString("These are the functions flowc's expressions may call. Each means the same on Glue\n")
	b.WriteString("(Spark SQL 3.3, which defines the meaning) and in `flowc run` (DuckDB): where the two\n")
	b.WriteString("engines differ, the translation bridges the difference, or flowc rejects the form it\n")
	b.WriteString("cannot bridge when it checks the spec, at the exact column. Function names are\n")
	b.WriteString("case-insensitive. Unless a function says otherwise, a NULL argument gives NULL.\n\n")
	b.WriteString("The examples read these columns:\n\n| column | type |\n|--------|------|\n")
	for _, c := range DocColumns {
		fmt.Fprintf(&b, "| `%s` | %s |\n", c.QualName(), c.Type)
	}
	aliases := map[string][]string{}
	for _, f := range funcs {
		if f.AliasOf != "" {
			aliases[f.AliasOf] = append(aliases[f.AliasOf], "`"+f.Name+"`")
		}
	}
	for _, cat := range categories {
		fmt.Fprintf(&b, "\n## %s\n", cat)
		for _, f := range funcs {
			if f.Category != cat || f.AliasOf != "" {
				continue
			}
			typ, err := exampleType(f)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "\n### %s\n\n`%s`\n\n%s.\n\nExample: `%s` is %s.\n", f.Name, f.Sig, upperFirst(f.Doc), f.Example, typ)
			if f.Notes != "" {
				fmt.Fprintf(&b, "\nEngines: %s.\n", f.Notes)
			}
			if a := aliases[f.Name]; len(a) > 0 {
				fmt.Fprintf(&b, "\nAlso written %s.\n", strings.Join(a, ", "))
			}
		}
	}
	b.WriteString("\n## Refused functions\n\n")
	b.WriteString("flowc knows these functions and refuses them (FC305), so that a pipeline means the same\n")
	b.WriteString("on every run and on both engines.\n\n| function | why | instead |\n|----------|-----|---------|\n")
	for _, r := range refusedList() {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", r[0], mdCell(r[1]), mdCell(r[2]))
	}
	_, err := w.Write(b.Bytes())
	return err
}

// exampleType checks f's example over DocColumns (as an aggregate measure
// for an aggregate, a window measure for a window function) and renders
// its type.
func exampleType(f Func) (string, error) {
	e, errs := Parse(f.Example)
	if len(errs) == 0 {
		_, errs = Check(e, &Scope{Columns: DocColumns}, Options{AllowAggregates: f.Aggregate, Window: f.Window})
	}
	if len(errs) > 0 {
		return "", fmt.Errorf("example of %s, %q: %v", f.Name, f.Example, errs[0])
	}
	if !strings.Contains(" "+Format(e), " "+f.Name+"(") && !strings.Contains(Format(e), "("+f.Name+"(") {
		return "", fmt.Errorf("example of %s, %q, does not call it", f.Name, f.Example)
	}
	return "`" + e.Type().String() + "`", nil
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// mdCell makes s safe inside a table cell.
func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
