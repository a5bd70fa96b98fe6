package compiler

import (
	"bytes"
	"encoding/json"
	"strings"
)

// obj is a JSON object whose keys keep the order they were added in, so
// the state machine reads top to bottom in the order a run goes.
type obj []kv

type kv struct {
	k string
	v any
}

// set appends a key; a nil value is left out.
func (o obj) set(k string, v any) obj {
	if v == nil {
		return o
	}
	return append(o, kv{k, v})
}

// jsonNull renders as JSON null (obj.set leaves out Go nil).
type jsonNull struct{}

// MarshalJSON renders null.
func (jsonNull) MarshalJSON() ([]byte, error) { return []byte("null"), nil }

// null is an explicit JSON null, e.g. "ResultPath": null.
var null = jsonNull{}

// MarshalJSON renders the object with its keys in order, without HTML
// escaping.
func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshalNoEscape(e.k)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		v, err := marshalNoEscape(e.v)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// compactLen is the size of JSON once compacted: what AWS counts.
func compactLen(data []byte) int {
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		return len(data)
	}
	return b.Len()
}

// intrinsicString quotes s as a string literal inside an intrinsic
// function ('...'), escaping the characters intrinsics treat specially.
func intrinsicString(s string) string {
	return "'" + intrinsicEscaper.Replace(s) + "'"
}

var (
	intrinsicEscaper = strings.NewReplacer(`\`, `\\`, `'`, `\'`, `{`, `\{`, `}`, `\}`)
	matchEscaper     = strings.NewReplacer(`\`, `\\`, `*`, `\*`)
)

// matchEscape escapes the characters special in a Choice StringMatches
// pattern.
func matchEscape(s string) string {
	return matchEscaper.Replace(s)
}

// formatFn is a States.Format call: tmpl's {} are the placeholders for
// args; the rest of tmpl is literal text, escaped.
func formatFn(tmpl string, args ...string) string {
	parts := strings.Split(tmpl, "{}")
	for i, p := range parts {
		q := intrinsicString(p)
		parts[i] = q[1 : len(q)-1]
	}
	call := "States.Format('" + strings.Join(parts, "{}") + "'"
	for _, a := range args {
		call += ", " + a
	}
	return call + ")"
}
