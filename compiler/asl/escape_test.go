package asl

import "testing"

func TestIntrinsicEscaping(t *testing.T) {
	if got := formatFn(`it's {} {x} \ `, "$.a"); got != `States.Format('it\'s {} \{x\} \\ ', $.a)` {
		t.Errorf("formatFn: %s", got)
	}
	if matchEscape(`a*b\`) != `a\*b\\` {
		t.Error("matchEscape")
	}
}
