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
	if _, err := ParseDescription([]byte(`{"version": 1}`)); err != nil {
		t.Errorf("version 1 (older flowc): %v", err)
	}
	_, err = ParseDescription([]byte(`{"version": 3}`))
	if err == nil || !strings.Contains(err.Error(), "format version 3, this flowc reads version 2") {
		t.Errorf("version 3: err = %v", err)
	}
}

// TestDescribeVersion: a description that needs no version-2 field is
// written as version 1 (what older readers read); a rename or an allowed
// destructive change makes it version 2.
func TestDescribeVersion(t *testing.T) {
	tb := &Table{Name: "t", Columns: []*TableColumn{{Name: "a", Type: RedshiftType{Kind: RSBigint}}}}
	pl := &IR{Tables: []*Table{tb}}
	if v := pl.Describe().Version; v != 1 {
		t.Errorf("plain: version %d, want 1", v)
	}
	tb.Columns[0].RenamedFrom = "old"
	if d := pl.Describe(); d.Version != 2 || d.Tables[0].Columns[0].RenamedFrom != "old" {
		t.Errorf("rename: %+v", d)
	}
	tb.Columns[0].RenamedFrom = ""
	tb.OnDestructive = OnDestructiveAllow
	if d := pl.Describe(); d.Version != 2 || d.Tables[0].OnDestructiveChange != "allow" {
		t.Errorf("allow: %+v", d)
	}
}
