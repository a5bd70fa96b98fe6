package jsonw

import (
	"bytes"
	"encoding/json"
)

// Obj is a JSON object whose keys keep the order they were added in, so
// the state machine reads top to bottom in the order a run goes.
type Obj []KV

// KV is a member of an Obj.
type KV struct {
	K string
	V any
}

// Set appends a key; a nil value is left out.
func (o Obj) Set(k string, v any) Obj {
	if v == nil {
		return o
	}
	return append(o, KV{k, v})
}

// jsonNull renders as JSON null (Obj.Set leaves out Go nil).
type jsonNull struct{}

// MarshalJSON renders null.
func (jsonNull) MarshalJSON() ([]byte, error) { return []byte("null"), nil }

// Null is an explicit JSON null, e.g. "ResultPath": null.
var Null = jsonNull{}

// MarshalJSON renders the object with its keys in order, without HTML
// escaping.
func (o Obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshalNoEscape(e.K)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		v, err := marshalNoEscape(e.V)
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

// CompactLen is the size of JSON once compacted: what AWS counts.
func CompactLen(data []byte) int {
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		return len(data)
	}
	return b.Len()
}
