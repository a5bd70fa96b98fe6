package cfn

import (
	"bytes"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/sns"
)

func TestCamelInjective(t *testing.T) {
	for name, want := range map[string]string{
		"flights": "Flights", "delayed_flights_fact": "DelayedFlightsFact", "t000": "T000", "a1_b2": "A1B2",
	} {
		if got := camel(name, '_'); got != want {
			t.Errorf("camel(%q) = %q, want %q", name, got, want)
		}
	}
	if got := camel("acme-flights-landing-dev", '-'); got != "AcmeFlightsLandingDev" {
		t.Errorf("bucket: %q", got)
	}
	// Names that a plain camel case would merge stay apart.
	seen := map[string]string{}
	for _, n := range []string{"a_b", "ab", "a_1", "a1", "a__b", "_a", "a", "a_", "ab_c", "a_bc", "x_y_z", "xy_z", "x_yz"} {
		id := camel(n, '_')
		if prev, ok := seen[id]; ok {
			t.Errorf("camel(%q) = camel(%q) = %q", n, prev, id)
		}
		seen[id] = n
		if strings.ContainsAny(id, "_-.") || id == "" {
			t.Errorf("camel(%q) = %q is not alphanumeric", n, id)
		}
	}
	if camel("a.b", '-') == camel("a-b", '-') {
		t.Error("bucket names with dots collide")
	}
}

// TestRenderSlowPath: what goformation would evaluate rather than copy (a
// literal Ref object) and what the tree does not model (bytes) go through
// goformation, with the same result as before.
func TestRenderSlowPath(t *testing.T) {
	for name, res := range map[string]cloudformation.Resource{
		"literal ref": &sns.Topic{TopicName: cloudformation.String("t"),
			DataProtectionPolicy: map[string]any{"Ref": "AWS::Region"}},
		"bytes": &cloudformation.CustomResource{Type: "Custom::X", Properties: map[string]any{"b": []byte("hi")}},
	} {
		tm := cloudformation.NewTemplate()
		tm.Resources["R"] = res
		fast, err := render(tm)
		if err != nil {
			t.Fatal(err)
		}
		slow, err := renderSlow(tm)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fast, slow) {
			t.Errorf("%s: got\n%s\nwant\n%s", name, fast, slow)
		}
	}
}

// TestCanonicalJSON: sorted keys, two-space indent, no HTML escaping, a
// trailing newline, numbers as written.
func TestCanonicalJSON(t *testing.T) {
	got, err := canonicalJSON([]byte(`{"b": 1, "a": {"y": "<&>", "x": 1.50}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"a\": {\n    \"x\": 1.50,\n    \"y\": \"<&>\"\n  },\n  \"b\": 1\n}\n"
	if string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
