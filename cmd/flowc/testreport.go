package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/flowc-dev/flowc/spec/diag"
)

// printTestResults renders the results of flowc test in format. Output
// holds no times, so that it is the same on every run (goldens, reviews).
func printTestResults(e *env, format testFormat, results []*testResult) error {
	switch format {
	case testJSON:
		return printTestJSON(e.stdout, results)
	case testJUnit:
		return printTestJUnit(e.stdout, results)
	case testSARIF:
		// stdout is the SARIF of the test files' diagnostics (none here);
		// the results go to stderr.
		if err := printDiagnostics(e.stdout, diag.FormatSARIF, &diag.Set{}, nil); err != nil {
			return err
		}
		printTestText(e.stderr, results)
		return nil
	case testGitHub:
		printTestText(e.stdout, results)
		for _, r := range results {
			if !r.passed {
				msg := r.test.Name + ": " + r.message
				if len(r.details) > 0 {
					msg += "\n" + strings.Join(r.details, "\n")
				}
				fmt.Fprint(e.stdout, diag.GitHubCommand("error", r.test.Pos, "flowc test", msg))
			}
		}
		return nil
	}
	printTestText(e.stdout, results)
	return nil
}

func printTestText(w io.Writer, results []*testResult) {
	failedN := 0
	for _, r := range results {
		if r.passed {
			fmt.Fprintf(w, "ok    %s: %s\n", r.test.Pos, r.test.Name)
			continue
		}
		failedN++
		fmt.Fprintf(w, "FAIL  %s: %s\n", r.test.Pos, r.test.Name)
		fmt.Fprintf(w, "      %s\n", r.message)
		for _, d := range r.details {
			fmt.Fprintf(w, "        %s\n", d)
		}
	}
	switch {
	case len(results) == 0:
		fmt.Fprintln(w, "no tests ran (--run matched none)")
	case failedN == 0:
		fmt.Fprintf(w, "PASS: %s\n", pluralize(len(results), "test"))
	default:
		fmt.Fprintf(w, "FAIL: %d of %s failed\n", failedN, pluralize(len(results), "test"))
	}
}

type jsonTest struct {
	Name    string   `json:"name"`
	File    string   `json:"file"`
	Line    int      `json:"line"`
	Column  int      `json:"column"`
	Target  string   `json:"target"`
	Env     string   `json:"env"`
	Status  string   `json:"status"` // pass | fail
	Message string   `json:"message,omitempty"`
	Details []string `json:"details,omitempty"`
}

func printTestJSON(w io.Writer, results []*testResult) error {
	doc := struct {
		Tests  []jsonTest `json:"tests"`
		Passed int        `json:"passed"`
		Failed int        `json:"failed"`
	}{Tests: []jsonTest{}}
	for _, r := range results {
		t := jsonTest{Name: r.test.Name, File: r.test.Pos.File, Line: r.test.Pos.Line, Column: r.test.Pos.Col,
			Target: r.test.Target, Env: r.env, Status: "pass", Message: r.message, Details: r.details}
		if r.passed {
			doc.Passed++
		} else {
			t.Status = "fail"
			doc.Failed++
		}
		doc.Tests = append(doc.Tests, t)
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// JUnit XML as CI servers read it (the Jenkins/Ant schema,
// testsuites > testsuite > testcase > failure): one testsuite per test file.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func printTestJUnit(w io.Writer, results []*testResult) error {
	doc := junitSuites{Name: "flowc test"}
	at := map[string]int{}
	for _, r := range results {
		i, ok := at[r.file]
		if !ok {
			i = len(doc.Suites)
			at[r.file] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: r.file, Time: "0"})
		}
		s := &doc.Suites[i]
		c := junitCase{Name: r.test.Name, Classname: r.file + ":" + r.test.Target, Time: "0"}
		if !r.passed {
			text := r.test.Pos.String() + ": " + r.message
			if len(r.details) > 0 {
				text += "\n" + strings.Join(r.details, "\n")
			}
			c.Failure = &junitFailure{Message: r.message, Type: "flowc.TestFailure", Text: text}
			s.Failures++
			doc.Failures++
		}
		s.Tests++
		doc.Tests++
		s.Cases = append(s.Cases, c)
	}
	b, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s%s\n", xml.Header, b)
	return err
}
