// Package jsonw is the JSON writer of the build: every JSON file flowc
// emits (the state machine, the templates, the manifest) is written here in one
// pass, with two-space indent, no HTML escaping and the layout
// encoding/json's indenting encoder gives, so the bytes are exactly those
// of json.Encoder with SetIndent("", "  ") and SetEscapeHTML(false).
// Objects are either Obj (keys in the order they were set) or maps (keys
// sorted bytewise, as encoding/json sorts them). Values of other types go
// through encoding/json itself.
//
// Templates are written from the generic tree of the goformation template
// (see render and templateTree in package cfn); in that mode the writer also expands
// goformation's encoded intrinsics, as goformation's own Template.JSON
// does, and numbers are float64 as it decodes them.
package jsonw

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
)

// writer appends indented JSON to b.
type writer struct {
	b []byte
	// intrinsics: expand goformation's base64-encoded intrinsic functions
	// in strings, and refuse (ErrSlowPath) objects that goformation would
	// evaluate instead of copying.
	intrinsics bool
}

// ErrSlowPath reports a template the fast writer does not reproduce
// exactly; the caller then takes goformation's own path.
var ErrSlowPath = errors.New("template needs goformation's intrinsic processing")

// value writes v at the given nesting depth (the indent of the lines
// after the first).
func (w *writer) value(v any, depth int) error {
	switch v := v.(type) {
	case nil, jsonNull:
		w.b = append(w.b, "null"...)
	case string:
		if w.intrinsics {
			if name, arg, ok := decodeIntrinsic(v); ok {
				w.b = append(w.b, '{', '\n')
				w.indent(depth + 1)
				w.str(name)
				w.b = append(w.b, ':', ' ')
				if err := w.value(arg, depth+1); err != nil {
					return err
				}
				w.b = append(w.b, '\n')
				w.indent(depth)
				w.b = append(w.b, '}')
				return nil
			}
		}
		w.str(v)
	case bool:
		w.b = strconv.AppendBool(w.b, v)
	case int:
		w.b = strconv.AppendInt(w.b, int64(v), 10)
	case float64:
		return w.fallback(v, depth)
	case Obj:
		if len(v) == 0 {
			w.b = append(w.b, '{', '}')
			return nil
		}
		w.b = append(w.b, '{')
		for i, e := range v {
			if err := w.member(i, e.K, e.V, depth); err != nil {
				return err
			}
		}
		w.close('}', depth)
	case map[string]any:
		if v == nil {
			w.b = append(w.b, "null"...)
			return nil
		}
		if len(v) == 0 {
			w.b = append(w.b, '{', '}')
			return nil
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			if w.intrinsics && isIntrinsicName(k) {
				return ErrSlowPath
			}
			keys = append(keys, k)
		}
		slices.Sort(keys)
		w.b = append(w.b, '{')
		for i, k := range keys {
			if err := w.member(i, k, v[k], depth); err != nil {
				return err
			}
		}
		w.close('}', depth)
	case []any:
		if v == nil {
			w.b = append(w.b, "null"...)
			return nil
		}
		if len(v) == 0 {
			w.b = append(w.b, '[', ']')
			return nil
		}
		w.b = append(w.b, '[')
		for i, e := range v {
			w.elem(i, depth)
			if err := w.value(e, depth+1); err != nil {
				return err
			}
		}
		w.close(']', depth)
	case []string:
		if v == nil {
			w.b = append(w.b, "null"...)
			return nil
		}
		if len(v) == 0 {
			w.b = append(w.b, '[', ']')
			return nil
		}
		w.b = append(w.b, '[')
		for i, e := range v {
			w.elem(i, depth)
			w.str(e)
		}
		w.close(']', depth)
	default:
		return w.fallback(v, depth)
	}
	return nil
}

// member writes the i-th member of an object.
func (w *writer) member(i int, k string, v any, depth int) error {
	w.elem(i, depth)
	w.str(k)
	w.b = append(w.b, ':', ' ')
	return w.value(v, depth+1)
}

// elem starts the i-th element of an array or object.
func (w *writer) elem(i int, depth int) {
	if i > 0 {
		w.b = append(w.b, ',')
	}
	w.b = append(w.b, '\n')
	w.indent(depth + 1)
}

// close ends a non-empty array or object.
func (w *writer) close(c byte, depth int) {
	w.b = append(w.b, '\n')
	w.indent(depth)
	w.b = append(w.b, c)
}

func (w *writer) indent(depth int) {
	for range depth {
		w.b = append(w.b, ' ', ' ')
	}
}

// str writes a string literal. Printable ASCII without quote or backslash
// is written as is; anything else is escaped by encoding/json.
func (w *writer) str(s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			_ = w.fallback(s, 0) // a string always encodes
			return
		}
	}
	w.b = append(w.b, '"')
	w.b = append(w.b, s...)
	w.b = append(w.b, '"')
}

// fallback writes v with encoding/json, indented for the depth it is at.
func (w *writer) fallback(v any, depth int) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(strings.Repeat("  ", depth), "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	w.b = append(w.b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
	return nil
}

// intrinsicNames are the functions goformation's intrinsics processor
// knows (intrinsics.defaultIntrinsicHandlers): a string that encodes one
// of them becomes the object it encodes; an object with one of them as a
// key is evaluated by goformation.
var intrinsicNames = map[string]bool{
	"Fn::Base64": true, "Fn::And": true, "Fn::Equals": true, "Fn::If": true,
	"Fn::Not": true, "Fn::Or": true, "Fn::FindInMap": true, "Fn::GetAtt": true,
	"Fn::GetAZs": true, "Fn::ImportValue": true, "Fn::Join": true, "Fn::Select": true,
	"Fn::Split": true, "Fn::Sub": true, "Ref": true, "Fn::Cidr": true, "Fn::Transform": true,
}

func isIntrinsicName(k string) bool { return intrinsicNames[k] }

// decodeIntrinsic reports whether s is an intrinsic function as
// goformation's helpers encode it (base64 of a one-key JSON object whose
// key is an intrinsic name) and returns the function and its argument,
// decoded as goformation decodes it.
func decodeIntrinsic(s string) (name string, arg any, ok bool) {
	if s == "" {
		return "", nil, false
	}
	for i := 0; i < len(s); i++ { // what base64.StdEncoding accepts
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=' || c == '\r' || c == '\n') {
			return "", nil, false
		}
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return "", nil, false
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil || len(m) != 1 {
		return "", nil, false
	}
	for k, v := range m {
		if isIntrinsicName(k) {
			return k, v, true
		}
	}
	return "", nil, false
}

// Pretty renders v with two-space indent, no HTML escaping and a
// trailing newline.
func Pretty(v any) ([]byte, error) {
	w := writer{b: make([]byte, 0, 4096)}
	if err := w.value(v, 0); err != nil {
		return nil, err
	}
	return append(w.b, '\n'), nil
}

// PrettyIntrinsics is Pretty for the generic tree of a goformation
// template: it expands goformation's encoded intrinsic functions and
// returns ErrSlowPath for what goformation would evaluate instead.
func PrettyIntrinsics(v any) ([]byte, error) {
	w := writer{b: make([]byte, 0, 64<<10), intrinsics: true}
	if err := w.value(v, 0); err != nil {
		return nil, err
	}
	return append(w.b, '\n'), nil
}
