package spec

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
)

// TestSchemaAgreesWithDecoder keeps the decoder's key lists (parse.go) and
// the JSON Schema (schema.json) together: every mapping the decoder reads
// is an object of the schema with exactly the same properties, and every
// step and check kind is a property of the schema's step and check.
func TestSchemaAgreesWithDecoder(t *testing.T) {
	var schema map[string]any
	if err := json.Unmarshal(SchemaJSON(), &schema); err != nil {
		t.Fatal(err)
	}
	// Every set of properties an object of the schema declares, and every
	// property name under a subtree.
	sets := map[string]bool{}
	var names func(v any, into map[string]bool)
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if p, ok := x["properties"].(map[string]any); ok {
				sets[keySet(p)] = true
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	names = func(v any, into map[string]bool) {
		switch x := v.(type) {
		case map[string]any:
			if p, ok := x["properties"].(map[string]any); ok {
				for k := range p {
					into[k] = true
				}
			}
			for _, e := range x {
				names(e, into)
			}
		case []any:
			for _, e := range x {
				names(e, into)
			}
		}
	}
	walk(schema)
	for _, l := range []struct {
		what string
		keys []string
	}{
		{"top level", topKeys}, {"environment", envKeys}, {"source", sourceKeys}, {"csv", csvKeys},
		{"partition", partKeys}, {"transform", transformKeys}, {"join step", joinKeys},
		{"dedupe step", dedupeKeys}, {"aggregate step", aggKeys}, {"warehouse", warehouseKeys},
		{"redshift", redshiftKeys}, {"table", tableKeys}, {"row_count check", rowCountKeys},
		{"alerts", alertsKeys}, {"alert", alertKeys}, {"glue", glueKeys}, {"table column", tableColKeys},
	} {
		m := map[string]any{}
		for _, k := range l.keys {
			m[k] = true
		}
		if !sets[keySet(m)] {
			t.Errorf("%s: no object of schema.json has exactly the properties %s", l.what, keySet(m))
		}
	}
	defs, _ := schema["$defs"].(map[string]any)
	for _, l := range []struct {
		def   string
		kinds []string
	}{{"step", stepKinds}, {"check", checkKinds}} {
		have := map[string]bool{}
		names(defs[l.def], have)
		for _, k := range l.kinds {
			if !have[k] {
				t.Errorf("%s kind %q is not a property of $defs.%s in schema.json", l.def, k, l.def)
			}
		}
	}
}

func keySet(m map[string]any) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}
