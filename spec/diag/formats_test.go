package diag

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// TestJSONShape decodes the json format strictly into the documented
// shape and checks the key order of every object.
func TestJSONShape(t *testing.T) {
	ds := sampleDiagnostics()
	out := render(t, Printer{Format: FormatJSON}, ds)
	if !bytes.HasSuffix(out, []byte("}\n")) || !bytes.HasPrefix(out, []byte("{\n  \"diagnostics\": [")) {
		t.Errorf("not an indented document with a trailing newline:\n%s", out)
	}
	var doc struct {
		Diagnostics []struct {
			File      string `json:"file"`
			Line      int    `json:"line"`
			Column    int    `json:"column"`
			EndLine   int    `json:"end_line"`
			EndColumn int    `json:"end_column"`
			Severity  string `json:"severity"`
			Code      string `json:"code"`
			Message   string `json:"message"`
			Hint      string `json:"hint"`
		} `json:"diagnostics"`
		Errors   int `json:"errors"`
		Warnings int `json:"warnings"`
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Diagnostics) != len(ds) || doc.Errors != 5 || doc.Warnings != 3 {
		t.Errorf("%d diagnostics, %d errors, %d warnings; want %d, 5, 3", len(doc.Diagnostics), doc.Errors, doc.Warnings, len(ds))
	}
	for i, d := range doc.Diagnostics {
		if d.Message != ds[i].Message || d.Hint != ds[i].Hint || d.Code != ds[i].Code || d.Severity != ds[i].Severity.String() {
			t.Errorf("diagnostic %d = %+v, from %+v", i, d, ds[i])
		}
		if ds[i].End.Line == 0 && (d.EndLine != d.Line || d.EndColumn != d.Column) {
			t.Errorf("diagnostic %d: unknown end should equal the start: %+v", i, d)
		}
	}

	var keys [][]string
	objectKeys(t, out, &keys)
	item := []string{"file", "line", "column", "end_line", "end_column", "severity", "code", "message", "hint"}
	want := [][]string{{"diagnostics", "errors", "warnings"}}
	for range ds {
		want = append(want, item)
	}
	// objectKeys lists an object when it closes: the items, then the document.
	want = append(want[1:], want[0])
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("key order %v\nwant %v", keys, want)
	}

	empty := string(render(t, Printer{Format: FormatJSON}, nil))
	if want := "{\n  \"diagnostics\": [],\n  \"errors\": 0,\n  \"warnings\": 0\n}\n"; empty != want {
		t.Errorf("empty:\n%s\nwant\n%s", empty, want)
	}
}

// objectKeys appends the keys of every object in data, in document order,
// each list when its object closes.
func objectKeys(t *testing.T, data []byte, out *[][]string) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		object bool
		keys   []string
		key    bool // the next string token is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.key {
			if k, ok := tok.(string); ok {
				top.keys = append(top.keys, k)
				top.key = false
				continue
			}
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			stack = append(stack, &frame{object: tok == json.Delim('{'), key: true})
			continue
		case json.Delim('}'), json.Delim(']'):
			if top.object {
				*out = append(*out, top.keys)
			}
			stack = stack[:len(stack)-1]
		}
		// A value ended: the parent object expects a key next.
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].key = true
		}
	}
}

// TestSARIFShape checks the parts of SARIF 2.1.0 that code scanning
// reads, and one rule per code.
func TestSARIFShape(t *testing.T) {
	ds := sampleDiagnostics()
	out := render(t, Printer{Format: FormatSARIF, ToolVersion: "0.1.0"}, ds)
	var log struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name, InformationURI, Version string
					Rules                         []struct {
						ID                   string
						ShortDescription     *struct{ Text string }
						DefaultConfiguration struct{ Level string }
					}
				}
			}
			ColumnKind string
			Results    []struct {
				RuleID    string
				RuleIndex *int
				Level     string
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           *struct{ StartLine, StartColumn, EndLine, EndColumn int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatal(err)
	}
	if log.Schema != sarifSchema || log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("schema %q version %q runs %d", log.Schema, log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	drv := run.Tool.Driver
	if drv.Name != "flowc" || drv.InformationURI != toolURI || drv.Version != "0.1.0" || run.ColumnKind != "unicodeCodePoints" {
		t.Errorf("driver %+v, columnKind %q", drv, run.ColumnKind)
	}

	codes := map[string]bool{}
	for _, d := range ds {
		codes[d.Code] = true
	}
	var wantIDs, ids []string
	for c := range codes {
		wantIDs = append(wantIDs, c)
	}
	sort.Strings(wantIDs)
	for _, r := range drv.Rules {
		ids = append(ids, r.ID)
		c, known := Lookup(r.ID)
		switch {
		case known && (r.ShortDescription == nil || r.ShortDescription.Text != c.Summary || r.DefaultConfiguration.Level != c.Severity.String()):
			t.Errorf("rule %s = %+v, want the code table's %+v", r.ID, r, c)
		case !known && r.ShortDescription != nil:
			t.Errorf("rule %s is not in the code table but has a description", r.ID)
		}
	}
	if !reflect.DeepEqual(ids, wantIDs) {
		t.Errorf("rules %v, want one per code, sorted: %v", ids, wantIDs)
	}

	if len(run.Results) != len(ds) {
		t.Fatalf("%d results for %d diagnostics", len(run.Results), len(ds))
	}
	for i, r := range run.Results {
		d := ds[i]
		if r.RuleIndex == nil || drv.Rules[*r.RuleIndex].ID != r.RuleID || r.RuleID != d.Code {
			t.Errorf("result %d: ruleId %q ruleIndex %v", i, r.RuleID, r.RuleIndex)
		}
		if r.Level != d.Severity.String() || !strings.HasPrefix(r.Message.Text, d.Message) {
			t.Errorf("result %d: level %q message %q", i, r.Level, r.Message.Text)
		}
		if d.Hint != "" && !strings.HasSuffix(r.Message.Text, "(hint: "+d.Hint+")") {
			t.Errorf("result %d: message %q lacks the hint", i, r.Message.Text)
		}
		loc := r.Locations[0].PhysicalLocation
		if loc.ArtifactLocation.URI != d.Pos.File || (loc.Region == nil) != (d.Pos.Line == 0) {
			t.Errorf("result %d: location %+v for %s", i, loc, d.Pos)
		}
		if loc.Region != nil && (loc.Region.StartLine != d.Pos.Line || loc.Region.StartColumn != d.Pos.Col) {
			t.Errorf("result %d: region %+v for %s", i, *loc.Region, d.Pos)
		}
	}

	// No diagnostics: still a valid log, with empty rules and results.
	empty := render(t, Printer{Format: FormatSARIF}, nil)
	if !bytes.Contains(empty, []byte(`"rules": []`)) || !bytes.Contains(empty, []byte(`"results": []`)) || bytes.Contains(empty, []byte(`"version": ""`)) {
		t.Errorf("empty log:\n%s", empty)
	}
}

func TestSARIFNoCodeNoFile(t *testing.T) {
	out := string(render(t, Printer{Format: FormatSARIF}, []Diagnostic{{Message: "internal error"}}))
	for _, bad := range []string{"ruleId", "ruleIndex", "locations"} {
		if strings.Contains(out, bad) {
			t.Errorf("a diagnostic without code or file has %s:\n%s", bad, out)
		}
	}
}

func TestFileURI(t *testing.T) {
	for in, want := range map[string]string{
		"pipeline.yaml":        "pipeline.yaml",
		"specs/a b/p.yaml":     "specs/a%20b/p.yaml",
		"specs/100%.yaml":      "specs/100%25.yaml",
		"x:y.yaml":             "./x:y.yaml",
		"/abs/p.yaml":          "file:///abs/p.yaml",
		"C:/Users/p.yaml":      "file:///C:/Users/p.yaml",
		"../up/pipeline#1.yml": "../up/pipeline%231.yml",
	} {
		if got := fileURI(in); got != want {
			t.Errorf("fileURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGitHubEscaping(t *testing.T) {
	d := Diagnostic{
		Pos: Pos{"dir,x/a:b%.yaml", 2, 3}, End: Pos{"dir,x/a:b%.yaml", 2, 7},
		Code: "T101", Message: "100% wrong, a: b\r\nnext line", Hint: "use %",
	}
	got := string(render(t, Printer{Format: FormatGitHub}, []Diagnostic{d}))
	want := "::error file=dir%2Cx/a%3Ab%25.yaml,line=2,col=3,endLine=2,endColumn=7,title=T101::" +
		"100%25 wrong, a: b%0D%0Anext line (hint: use %25)\n"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := escapeProperty("a,b:c%d\ne"); got != "a%2Cb%3Ac%25d%0Ae" {
		t.Errorf("escapeProperty = %q", got)
	}
	if got := escapeData("a,b:c%d\re"); got != "a,b:c%25d%0De" {
		t.Errorf("escapeData = %q", got)
	}
}

func TestGitHubPartialPositions(t *testing.T) {
	ds := []Diagnostic{
		{Pos: Pos{File: "p.yaml"}, Code: "T201", Message: "m"},
		{Pos: Pos{"p.yaml", 4, 0}, End: Pos{"p.yaml", 6, 2}, Severity: Warning, Code: "T102", Message: "m"},
		{Pos: Pos{"p.yaml", 4, 5}, End: Pos{"p.yaml", 4, 2}, Message: "end before start"},
		{Message: "nowhere"},
	}
	want := "::error file=p.yaml,title=T201::m\n" +
		"::warning file=p.yaml,line=4,endLine=6,endColumn=2,title=T102::m\n" +
		"::error file=p.yaml,line=4,col=5::end before start\n" +
		"::error::nowhere\n"
	if got := string(render(t, Printer{Format: FormatGitHub}, ds)); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
