package ir

import (
	"strings"
	"testing"
)

// TestParseDescriptionVersion: a description of another format version
// (a newer flowc's) is refused, saying which versions.
func TestParseDescriptionVersion(t *testing.T) {
	d := &Description{Version: descriptionVersion, Pipeline: "p", Env: "dev"}
	data, err := d.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ParseDescription(data); err != nil || got.Pipeline != "p" {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	_, err = ParseDescription([]byte(`{"version": 2}`))
	if err == nil || !strings.Contains(err.Error(), "format version 2, this flowc reads version 1") {
		t.Errorf("version 2: err = %v", err)
	}
}
