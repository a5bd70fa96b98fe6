package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/deploy"
	"github.com/flowc-dev/flowc/ir"
)

// TestFreshnessStates: a source's state follows the age of its last
// arrival against warn_after and error_after (ok before, warn from
// warn_after, error from error_after; error_after alone never warns);
// without an arrival in the history it is unknown. The text lines and the
// JSON say the source, the last partition, its age and the state.
func TestFreshnessStates(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	both := &ir.Freshness{WarnSeconds: 26 * 3600, ErrorSeconds: 50 * 3600, Warn: "26h", Error: "50h"}
	errOnly := &ir.Freshness{ErrorSeconds: 2 * 86400, Error: "2d"}
	srcs := []*ir.Source{
		{Name: "fresh", Freshness: both}, {Name: "late", Freshness: both}, {Name: "stale", Freshness: both},
		{Name: "quiet", Freshness: errOnly}, {Name: "never", Freshness: both}, {Name: "edge", Freshness: both},
	}
	arrived := func(ago time.Duration, part string) deploy.Run {
		return deploy.Run{Started: now.Add(-ago), Partition: part}
	}
	last := map[string]deploy.Run{
		"fresh": arrived(2*time.Hour, "day=17"),
		"late":  arrived(27*time.Hour, "day=16"),
		"stale": arrived(60*time.Hour, "day=15"),
		"quiet": arrived(30*time.Hour, ""),
		"edge":  arrived(26*time.Hour, "day=14"), // warn_after exactly: late
	}
	since := now.Add(-7 * 24 * time.Hour)
	fs := freshnessOf(srcs, last, since, now)
	want := map[string]string{"fresh": freshOK, "late": freshWarn, "stale": freshError, "quiet": freshOK, "never": freshUnknown, "edge": freshWarn}
	for _, f := range fs {
		if f.State != want[f.Source] {
			t.Errorf("%s: %s, want %s", f.Source, f.State, want[f.Source])
		}
	}
	var b bytes.Buffer
	printFreshness(&b, fs)
	text := b.String()
	for _, line := range []string{
		"freshness fresh: ok, last partition day=17 arrived 2026-12-04 10:00:00Z, 2h0m0s ago (warn after 26h, error after 50h)\n",
		"freshness late: warn, last partition day=16 arrived 2026-12-03 09:00:00Z, 27h0m0s ago (warn after 26h, error after 50h)\n",
		"freshness stale: error, last partition day=15 arrived",
		"freshness quiet: ok, last file arrived 2026-12-03 06:00:00Z, 30h0m0s ago (error after 2d)\n",
		"freshness never: unknown, no file arrived since 2026-11-27 12:00:00Z (warn after 26h, error after 50h)\n",
	} {
		if !strings.Contains(text, line) {
			t.Errorf("text lacks %q:\n%s", line, text)
		}
	}
	if !strings.HasSuffix(text, ")\n\n") {
		t.Errorf("no blank line before the runs:\n%q", text)
	}
	js, _ := json.Marshal(freshnessJSONOf(fs))
	for _, want := range []string{
		`{"source":"late","partition":"day=16","arrived":"2026-12-03T09:00:00Z","age_seconds":97200,"state":"warn","warn_after":"26h","error_after":"50h"}`,
		`{"source":"never","partition":"","arrived":null,"age_seconds":null,"state":"unknown","warn_after":"26h","error_after":"50h"}`,
		`{"source":"quiet","partition":"","arrived":"2026-12-03T06:00:00Z","age_seconds":108000,"state":"ok","error_after":"2d"}`,
	} {
		if !strings.Contains(string(js), want) {
			t.Errorf("JSON lacks %s:\n%s", want, js)
		}
	}
	// The history read goes back twice the longest threshold when --since
	// is shorter.
	if got := freshnessLookback(srcs, now.Add(-24*time.Hour), now); !got.Equal(now.Add(-100 * time.Hour)) {
		t.Errorf("lookback %s, want 100h back", got)
	}
	if got := freshnessLookback(srcs, since, now); !got.Equal(since) {
		t.Errorf("lookback %s, want --since", got)
	}
	// No source with freshness: nothing printed, no "freshness" in JSON.
	b.Reset()
	printFreshness(&b, nil)
	if b.Len() != 0 || freshnessJSONOf(nil) != nil {
		t.Error("freshness output without freshness")
	}
}
