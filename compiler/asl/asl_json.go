package asl

import (
	"strings"

	"github.com/flowc-dev/flowc/compiler/internal/jsonw"
)

// The state machine is written as jsonw objects: keys in the order a run
// goes.
type obj = jsonw.Obj

// null is an explicit JSON null, e.g. "ResultPath": null.
var null = jsonw.Null

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
