package diag

import (
	"bytes"
	"strings"
	"testing"
)

func TestWriteMarkdown(t *testing.T) {
	var buf bytes.Buffer
	codes := []Code{
		{ID: "FC101", Severity: Error, Summary: "the file is not valid YAML"},
		{ID: "FC302", Severity: Warning, Summary: "a | b\nacross lines "},
	}
	if err := WriteMarkdown(&buf, codes); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	want := "| code | severity | meaning |\n" +
		"|------|----------|---------|\n" +
		"| FC101 | error | the file is not valid YAML |\n" +
		"| FC302 | warning | a \\| b across lines |\n"
	if !strings.HasPrefix(got, "# Diagnostic codes\n") || !strings.HasSuffix(got, "\n\n"+want) {
		t.Errorf("got\n%s\nwant a title, then\n%s", got, want)
	}

	buf.Reset()
	if err := WriteMarkdown(&buf, nil); err != nil || !strings.HasSuffix(buf.String(), "|------|----------|---------|\n") {
		t.Errorf("no codes: %v\n%s", err, buf.String())
	}
}
