package deploy

import (
	"sort"
	"strconv"
	"strings"
)

// diffValues appends the differences between two JSON values under path.
// Objects are compared key by key; lists of objects that carry a unique
// Key or Name are matched by it (Tags, Columns), other lists of the same
// length element by element; intrinsic functions are compared whole.
func diffValues(path string, old, new any, out *[]PropertyChange) {
	if canonical(old) == canonical(new) {
		return
	}
	om, oOK := old.(map[string]any)
	nm, nOK := new.(map[string]any)
	if oOK && nOK && !isIntrinsic(om) && !isIntrinsic(nm) {
		keys := map[string]bool{}
		for k := range om {
			keys[k] = true
		}
		for k := range nm {
			keys[k] = true
		}
		for _, k := range sortedKeys(keys) {
			diffValues(join(path, k), om[k], nm[k], out)
		}
		return
	}
	ol, oOK := old.([]any)
	nl, nOK := new.([]any)
	if oOK && nOK {
		if field := listKey(ol, nl); field != "" {
			oi, ni := index(ol, field), index(nl, field)
			keys := map[string]bool{}
			for k := range oi {
				keys[k] = true
			}
			for k := range ni {
				keys[k] = true
			}
			for _, k := range sortedKeys(keys) {
				diffValues(path+"["+k+"]", oi[k], ni[k], out)
			}
			return
		}
		if len(ol) == len(nl) {
			for i := range ol {
				diffValues(path+"["+strconv.Itoa(i)+"]", ol[i], nl[i], out)
			}
			return
		}
	}
	*out = append(*out, PropertyChange{Path: path, Before: canonical(old), After: canonical(new)})
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// isIntrinsic reports whether an object is a CloudFormation function call.
func isIntrinsic(m map[string]any) bool {
	if len(m) != 1 {
		return false
	}
	for k := range m {
		return k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::")
	}
	return false
}

// listKey returns the field ("Key" or "Name") that identifies the elements
// of both lists, or "" when they have none.
func listKey(a, b []any) string {
	for _, field := range []string{"Key", "Name"} {
		if keyed(a, field) && keyed(b, field) {
			return field
		}
	}
	return ""
}

func keyed(l []any, field string) bool {
	if len(l) == 0 {
		return true
	}
	seen := map[string]bool{}
	for _, e := range l {
		m, ok := e.(map[string]any)
		if !ok {
			return false
		}
		s, ok := m[field].(string)
		if !ok || seen[s] {
			return false
		}
		seen[s] = true
	}
	return true
}

func index(l []any, field string) map[string]any {
	m := map[string]any{}
	for _, e := range l {
		em := e.(map[string]any)
		m[em[field].(string)] = e
	}
	return m
}

// createOnlyChanged returns the create-only properties of a resource type
// whose values differ between two property sets, as dotted paths.
func createOnlyChanged(typ string, old, new map[string]any) []string {
	var changed []string
	for _, p := range createOnlyProperties[typ] {
		segs := strings.Split(p, "/")
		if canonical(lookup(old, segs)) != canonical(lookup(new, segs)) {
			changed = append(changed, strings.Join(segs, "."))
		}
	}
	sort.Strings(changed)
	return changed
}

// lookup returns the values at a path of segments; "*" matches every
// element of a list. The result is a list when "*" was used.
func lookup(v any, segs []string) any {
	if len(segs) == 0 {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		return lookup(x[segs[0]], segs[1:])
	case []any:
		if segs[0] != "*" {
			return nil
		}
		var out []any
		for _, e := range x {
			out = append(out, lookup(e, segs[1:]))
		}
		return out
	}
	return nil
}

// underPath reports whether a property change at path p touches the
// create-only property at dotted path c.
func underPath(p, c string) bool {
	if i := strings.Index(c, ".*"); i >= 0 {
		c = c[:i]
	}
	return p == c || strings.HasPrefix(p, c+".") || strings.HasPrefix(p, c+"[") ||
		strings.HasPrefix(c, p+".") || strings.HasPrefix(c, p+"[")
}
