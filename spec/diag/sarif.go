package diag

import (
	"bytes"
	"encoding/json"
	"net/url"
	"sort"
	"strings"
)

// SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/): one run
// of the tool "flowc", one rule per code that appears in the diagnostics
// (sorted by ID, described by the code table), one result per diagnostic.
// Columns are counted in characters (columnKind unicodeCodePoints), like
// Pos.Col; endColumn is exclusive, as in SARIF. The structs fix the field
// order, so the output is byte-identical for the same diagnostics.

const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	toolName     = "flowc"
	toolURI      = "https://github.com/flowc-dev/flowc"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool     `json:"tool"`
	ColumnKind string        `json:"columnKind"`
	Results    []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	ShortDescription     *sarifText         `json:"shortDescription,omitempty"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId,omitempty"`
	RuleIndex *int            `json:"ruleIndex,omitempty"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
	// RelatedLocations holds Diagnostic.Related (SARIF 2.1.0 §3.27.22).
	RelatedLocations []sarifLocation `json:"relatedLocations,omitempty"`
}

type sarifLocation struct {
	ID               *int                  `json:"id,omitempty"`
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	Message          *sarifText            `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI string `json:"uri"`
}

// sarifRegion leaves out what is unknown (SARIF numbers are 1-based, so 0
// never needs to be written).
type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

// printSARIF writes diags as a SARIF log. A diagnostic without a code
// has no ruleId; one without a file has no location; one without a line
// has a location without a region. A code missing from the code table
// gets a rule without description, at the level of its first diagnostic.
func printSARIF(buf *bytes.Buffer, diags []Diagnostic, version string) error {
	ruleIndex := map[string]int{}
	var rules []sarifRule
	for _, d := range diags {
		if d.Code == "" {
			continue
		}
		if _, ok := ruleIndex[d.Code]; ok {
			continue
		}
		ruleIndex[d.Code] = -1
		rule := sarifRule{ID: d.Code, DefaultConfiguration: sarifConfiguration{Level: level(d)}}
		if c, ok := Lookup(d.Code); ok {
			rule.ShortDescription = &sarifText{Text: c.Summary}
			rule.DefaultConfiguration.Level = level(Diagnostic{Severity: c.Severity})
		}
		rules = append(rules, rule)
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	for i, r := range rules {
		ruleIndex[r.ID] = i
	}

	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: toolName, InformationURI: toolURI, Version: version,
			Rules: append([]sarifRule{}, rules...),
		}},
		ColumnKind: "unicodeCodePoints",
		Results:    make([]sarifResult, 0, len(diags)),
	}
	for _, d := range diags {
		res := sarifResult{RuleID: d.Code, Level: level(d), Message: sarifText{Text: messageWithHint(d)}}
		if d.Code != "" {
			i := ruleIndex[d.Code]
			res.RuleIndex = &i
		}
		if d.Pos.File != "" {
			loc := sarifPhysicalLocation{ArtifactLocation: sarifArtifactLocation{URI: fileURI(d.Pos.File)}}
			if line, col, endLine, endCol := span(d); line > 0 {
				loc.Region = &sarifRegion{StartLine: line, StartColumn: col, EndLine: endLine, EndColumn: endCol}
			}
			res.Locations = []sarifLocation{{PhysicalLocation: loc}}
		}
		if r := d.Related; !r.IsZero() && r.Pos.File != "" {
			loc := sarifPhysicalLocation{ArtifactLocation: sarifArtifactLocation{URI: fileURI(r.Pos.File)}}
			if r.Pos.Line > 0 {
				loc.Region = &sarifRegion{StartLine: r.Pos.Line, StartColumn: r.Pos.Col}
			}
			id := 1
			res.RelatedLocations = []sarifLocation{{ID: &id, PhysicalLocation: loc, Message: &sarifText{Text: r.Message}}}
		}
		run.Results = append(run.Results, res)
	}

	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

// fileURI turns a file name into a SARIF artifact URI: a relative path
// stays relative (forward slashes, percent-encoded where a URI needs it),
// an absolute one becomes a file: URI.
func fileURI(file string) string {
	p := slashPath(file)
	abs := strings.HasPrefix(p, "/")
	if len(p) >= 3 && p[1] == ':' && p[2] == '/' && (p[0]|0x20 >= 'a' && p[0]|0x20 <= 'z') {
		p, abs = "/"+p, true // a Windows drive letter
	}
	if abs {
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	// A relative reference whose first segment holds ':' would read as a
	// scheme; "./" keeps it a path.
	if first, _, _ := strings.Cut(p, "/"); strings.Contains(first, ":") {
		p = "./" + p
	}
	return (&url.URL{Path: p}).EscapedPath()
}
