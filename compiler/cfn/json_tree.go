package cfn

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/awslabs/goformation/v7/cloudformation"

	"github.com/flowc-dev/flowc/compiler/internal/jsonw"
)

// templateTree converts a goformation template to the generic tree that
// json.Unmarshal would give for json.Marshal(t): map[string]any, []any,
// string, float64, bool and nil. It walks the values by reflection and
// visits only what is set, where encoding/json would first build an
// encoder for every type a resource can reach (most of a cold Compile).
//
// It follows encoding/json's rules for what goformation's types use
// (field tags with omitempty, pointers, interfaces, maps with string keys,
// slices, json.Marshaler) and writes goformation's resource envelope
// (Type, Properties, DependsOn, Metadata, DeletionPolicy,
// UpdateReplacePolicy, Condition) itself for the generated resource types.
// Anything else (embedded fields, []byte, text marshalers, invalid UTF-8,
// ...) returns jsonw.ErrSlowPath and the template is rendered by goformation.
func templateTree(t *cloudformation.Template) (any, error) {
	return treeValue(reflect.ValueOf(t))
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	resourceType      = reflect.TypeFor[cloudformation.Resource]()
	customType        = reflect.TypeFor[cloudformation.CustomResource]()
	numberType        = reflect.TypeFor[json.Number]()
)

func treeValue(v reflect.Value) (any, error) {
	if !v.IsValid() {
		return nil, nil
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return nil, nil
		}
	}
	t := v.Type()
	if v.Kind() == reflect.Pointer && isResource(t.Elem()) {
		return treeResource(v.Elem())
	}
	if t.Implements(marshalerType) || v.CanAddr() && reflect.PointerTo(t).Implements(marshalerType) {
		if !t.Implements(marshalerType) {
			v = v.Addr()
		}
		raw, err := v.Interface().(json.Marshaler).MarshalJSON()
		if err != nil {
			return nil, err
		}
		var x any
		if err := json.Unmarshal(raw, &x); err != nil {
			return nil, err
		}
		return x, nil
	}
	if t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType) || t == numberType {
		return nil, jsonw.ErrSlowPath
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		return treeValue(v.Elem())
	case reflect.String:
		s := v.String()
		if !utf8.ValidString(s) {
			return nil, jsonw.ErrSlowPath
		}
		return s, nil
	case reflect.Bool:
		return v.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(v.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return float64(v.Uint()), nil
	case reflect.Float64:
		return v.Float(), nil
	case reflect.Slice:
		if v.IsNil() {
			return nil, nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			return nil, jsonw.ErrSlowPath // base64 in encoding/json
		}
		out := make([]any, v.Len())
		for i := range out {
			x, err := treeValue(v.Index(i))
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case reflect.Map:
		if v.IsNil() {
			return nil, nil
		}
		if t.Key().Kind() != reflect.String {
			return nil, jsonw.ErrSlowPath
		}
		out := make(map[string]any, v.Len())
		for it := v.MapRange(); it.Next(); {
			k := it.Key().String()
			if !utf8.ValidString(k) {
				return nil, jsonw.ErrSlowPath
			}
			x, err := treeValue(it.Value())
			if err != nil {
				return nil, err
			}
			out[k] = x
		}
		return out, nil
	case reflect.Struct:
		return treeStruct(v)
	}
	return nil, jsonw.ErrSlowPath // float32, arrays, ...
}

// field is a struct field as encoding/json sees it.
type field struct {
	index     int
	name      string
	omitEmpty bool
}

// fieldCache maps a struct type to its []field, or to jsonw.ErrSlowPath.
var fieldCache sync.Map

func fieldsOf(t reflect.Type) ([]field, error) {
	if c, ok := fieldCache.Load(t); ok {
		if err, bad := c.(error); bad {
			return nil, err
		}
		return c.([]field), nil
	}
	fs, err := scanFields(t)
	if err != nil {
		fieldCache.Store(t, err)
		return nil, err
	}
	fieldCache.Store(t, fs)
	return fs, nil
}

func scanFields(t reflect.Type) ([]field, error) {
	var fs []field
	seen := map[string]bool{}
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			return nil, jsonw.ErrSlowPath
		}
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = sf.Name
		}
		f := field{index: i, name: name}
		for _, o := range strings.Split(opts, ",") {
			switch o {
			case "":
			case "omitempty":
				f.omitEmpty = true
			default: // string, omitzero
				return nil, jsonw.ErrSlowPath
			}
		}
		if seen[name] || strings.ContainsAny(name, "\"\\") {
			return nil, jsonw.ErrSlowPath
		}
		seen[name] = true
		fs = append(fs, f)
	}
	return fs, nil
}

func treeStruct(v reflect.Value) (map[string]any, error) {
	fs, err := fieldsOf(v.Type())
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(fs))
	for _, f := range fs {
		fv := v.Field(f.index)
		if f.omitEmpty && isEmpty(fv) {
			continue
		}
		x, err := treeValue(fv)
		if err != nil {
			return nil, err
		}
		out[f.name] = x
	}
	return out, nil
}

// isEmpty is encoding/json's omitempty test.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}

// envelope are the fields of a generated goformation resource that its
// MarshalJSON moves out of Properties.
var envelope = map[string]string{
	"AWSCloudFormationDependsOn":           "DependsOn",
	"AWSCloudFormationMetadata":            "Metadata",
	"AWSCloudFormationDeletionPolicy":      "DeletionPolicy",
	"AWSCloudFormationUpdateReplacePolicy": "UpdateReplacePolicy",
	"AWSCloudFormationCondition":           "Condition",
}

// resourceTypes caches isResource.
var resourceTypes sync.Map

// isResource reports whether t is a generated goformation resource: a
// struct whose pointer is a cloudformation.Resource, with a MarshalJSON,
// and whose only `json:"-"` fields are exactly the envelope's.
func isResource(t reflect.Type) bool {
	if c, ok := resourceTypes.Load(t); ok {
		return c.(bool)
	}
	ok := t.Kind() == reflect.Struct && t != customType &&
		reflect.PointerTo(t).Implements(resourceType) && t.Implements(marshalerType)
	if ok {
		n := 0
		for i := range t.NumField() {
			if sf := t.Field(i); sf.Tag.Get("json") == "-" {
				if _, std := envelope[sf.Name]; !std {
					ok = false
				}
				n++
			}
		}
		ok = ok && n == len(envelope)
	}
	resourceTypes.Store(t, ok)
	return ok
}

// treeResource is a resource as its generated MarshalJSON writes it.
func treeResource(v reflect.Value) (any, error) {
	props, err := treeStruct(v)
	if err != nil {
		return nil, err
	}
	out := map[string]any{
		"Type":       v.Addr().Interface().(cloudformation.Resource).AWSCloudFormationType(),
		"Properties": props,
	}
	for goName, name := range envelope {
		fv := v.FieldByName(goName)
		if isEmpty(fv) {
			continue
		}
		x, err := treeValue(fv)
		if err != nil {
			return nil, err
		}
		out[name] = x
	}
	return out, nil
}
