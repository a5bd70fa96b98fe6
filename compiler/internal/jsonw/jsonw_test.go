package jsonw

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestPrettyJSON: the writer's layout is encoding/json's indented layout.
func TestPrettyJSON(t *testing.T) {
	v := Obj{}.Set("b", []any{}).Set("a", map[string]any{"z": 1.5, "y": []string{"<&>", "é\u2028\n"}, "e": map[string]any{}}).
		Set("n", Null).Set("o", Obj{}).Set("i", 3).Set("s", struct {
		X int `json:"x"`
		Y []int
	}{1, []int{1, 2}}).Set("nil", []string(nil))
	got, err := Pretty(v)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	if got := string(got); got != want.String() {
		t.Errorf("got\n%s\nwant\n%s", got, want.String())
	}
}
