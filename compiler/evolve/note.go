package evolve

import (
	"encoding/json"
	"strings"

	"github.com/flowc-dev/flowc/ir"
)

// KeysNotePrefix starts the table comment that notes the keys a spec
// declared, as JSON: `flowc keys: {"distkey":"route","diststyle":"key"}`.
// The local warehouse notes them on every table (DuckDB has no keys); the
// Glue job on the Redshift tables it creates or whose keys it changes
// (templates/glue_runtime.py keys_note writes the same text), so that it
// can tell a sort key an older spec declared from one Redshift chose.
const KeysNotePrefix = "flowc keys: "

// Keys are a table's distribution and sort keys as its description has
// them, in the note's JSON (each left out when empty).
type Keys struct {
	Distkey   string   `json:"distkey,omitempty"`
	Diststyle string   `json:"diststyle,omitempty"`
	Sortkey   []string `json:"sortkey,omitempty"`
}

// KeysNote is the table comment noting td's keys.
func KeysNote(td *ir.TableDescription) string {
	b, _ := json.Marshal(Keys{Distkey: td.Distkey, Diststyle: td.Diststyle, Sortkey: td.Sortkey})
	return KeysNotePrefix + string(b)
}

// NotedKeys are the keys a table comment notes; ok is false when the
// comment is no such note.
func NotedKeys(comment string) (k Keys, ok bool) {
	text, ok := strings.CutPrefix(comment, KeysNotePrefix)
	if !ok || json.Unmarshal([]byte(text), &k) != nil {
		return Keys{}, false
	}
	return k, true
}
