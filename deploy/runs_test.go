package deploy

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// validName is what flowc keeps execution names to: at most 80 characters
// of 0-9, A-Z, a-z, - and _ (Step Functions' limit and the characters that
// CloudWatch Logs logging needs; see ExecutionName).
var validName = regexp.MustCompile(`^[0-9A-Za-z_-]{1,80}$`)

// TestExecutionName: names carry the source and the partition's values,
// are valid, fit 80 characters however long the partition, and differ
// for two starts in the same second.
func TestExecutionName(t *testing.T) {
	now := time.Date(2026, 12, 4, 21, 13, 0, 0, time.FixedZone("CET", 3600))
	n := ExecutionName("flights", "year=2001/month=01/day=17", now)
	if !strings.HasPrefix(n, "flowc-flights-2001-01-17-20261204T201300Z-") || !validName.MatchString(n) || len(n) != len("flowc-flights-2001-01-17-20261204T201300Z-")+6 {
		t.Errorf("name %q", n)
	}
	if n2 := ExecutionName("flights", "year=2001/month=01/day=17", now); n2 == n {
		t.Errorf("two starts in the same second got the same name %q", n)
	}
	long := ExecutionName("a_very_long_source_name_indeed", "region=eu west:1/"+strings.Repeat("x", 60)+"=y{z}", now)
	if !validName.MatchString(long) {
		t.Errorf("long name %q (%d characters) is not valid", long, len(long))
	}
	if frag, whole := nameFragment("s", "a=b c/d=é"); frag != "flowc-s-b_c-__" || !whole {
		t.Errorf("fragment %q %v", frag, whole)
	}
	if n := ExecutionName("scheduled", "", now); !strings.HasPrefix(n, "flowc-scheduled-2026") {
		t.Errorf("name without a partition %q", n)
	}
}

// TestPartitionOf: the partition of an arriving file's input is the key's
// name=value folders past the source's prefix; a manual start's
// "partition" is taken as it is; anything else has none.
func TestPartitionOf(t *testing.T) {
	p := &Pipeline{Sources: []SourceLayout{
		{Name: "flights", Prefix: "raw/flights/", Columns: []string{"year", "month", "day"}},
		{Name: "airports", Prefix: "raw/airports/"},
	}}
	for _, c := range []struct{ in, source, partition string }{
		{`{"source":"flights","bucket":"b","key":"raw/flights/year=2001/month=01/day=17/f.csv"}`, "flights", "year=2001/month=01/day=17"},
		{`{"source":"flights","partition":"year=2001/month=01/day=18"}`, "flights", "year=2001/month=01/day=18"},
		{`{"source":"flights","bucket":"b","key":"raw/flights/year=2001/f.csv"}`, "flights", ""},
		{`{"source":"flights","bucket":"b","key":"other/year=2001/month=01/day=17/f.csv"}`, "flights", ""},
		{`{"source":"airports","bucket":"b","key":"raw/airports/a.csv"}`, "airports", ""},
		{`not json`, "", ""},
	} {
		s, part := p.PartitionOf(c.in)
		if s != c.source || part != c.partition {
			t.Errorf("PartitionOf(%s) = %q, %q; want %q, %q", c.in, s, part, c.source, c.partition)
		}
	}
}

// TestMayBe: a flowc name of another partition is not described; a name
// of the partition, an EventBridge (UUID) name, and any name when the
// partition's names are cut, are.
func TestMayBe(t *testing.T) {
	p := &Pipeline{Sources: []SourceLayout{{Name: "flights", Columns: []string{"year", "month", "day"}}}}
	now := time.Now()
	want := "year=2001/month=01/day=17"
	if !p.mayBe(ExecutionName("flights", want, now), want) {
		t.Error("own name rejected")
	}
	if p.mayBe(ExecutionName("flights", "year=2001/month=01/day=1", now), want) || p.mayBe(ExecutionName("flights", "year=2001/month=01/day=18", now), want) {
		t.Error("another partition's name accepted")
	}
	if !p.mayBe("0b7f3c1e-7d0a-4b7e-9d0e-3f6a2a1c9e11", want) {
		t.Error("an EventBridge name rejected")
	}
	long := "year=" + strings.Repeat("9", 70)
	if !p.mayBe(ExecutionName("flights", "year=1", now), long) {
		t.Error("a cut name must not be used to reject")
	}
}
