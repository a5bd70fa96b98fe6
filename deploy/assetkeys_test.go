package deploy

import (
	"reflect"
	"strings"
	"testing"
)

// TestOld2NewNamedAssets: a Glue job refers to its script
// (flowc/assets/<sha256>.py) and to the runtime, which keeps its file name
// (flowc/assets/<sha256>/flowc_runtime.py); both pair with their old keys.
func TestOld2NewNamedAssets(t *testing.T) {
	key := func(c, tail string) string { return "flowc/assets/" + strings.Repeat(c, 64) + tail }
	props := func(script, runtime string) string {
		return `{"ScriptLocation":"s3://${AssetBucket}/` + script + `","DefaultArguments":{"--extra-py-files":"s3://${AssetBucket}/` + runtime + `"}}`
	}
	found := assetKeyRe.FindAllString(props(key("a", ".py"), key("b", "/flowc_runtime.py")), -1)
	if want := []string{key("a", ".py"), key("b", "/flowc_runtime.py")}; !reflect.DeepEqual(found, want) {
		t.Fatalf("keys %q, want %q", found, want)
	}
	got, ok := old2new([]string{key("a", ".py"), key("b", "/flowc_runtime.py")}, []string{key("c", ".py"), key("d", "/flowc_runtime.py")})
	want := map[string]string{key("a", ".py"): key("c", ".py"), key("b", "/flowc_runtime.py"): key("d", "/flowc_runtime.py")}
	if !ok || !reflect.DeepEqual(got, want) {
		t.Errorf("old2new = %v, %v; want %v", got, ok, want)
	}
}
