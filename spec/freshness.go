package spec

import (
	"fmt"
	"strconv"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/spec/diag"
)

// maxFreshnessSeconds bounds warn_after and error_after: the check is a
// Standard execution that waits that long (and an hour more at most), and
// a Standard execution lasts at most one year (Step Functions service
// quotas, "Maximum execution time":
// https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html).
const maxFreshnessSeconds = 364 * 24 * 3600

// durationUnits are the units a freshness duration takes.
var durationUnits = map[byte]int{'d': 86400, 'h': 3600, 'm': 60, 's': 1}

// parseDuration reads a duration of whole units, largest first: 26h, 90m,
// 1d12h, 30s. Any positive length is allowed: a short one is how the
// emulator tests see an alert, and in production it only alerts early.
func parseDuration(s string) (int, error) {
	if s == "" {
		return 0, fmt.Errorf("empty")
	}
	total, last := 0, 1<<31
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i || j == len(s) {
			return 0, fmt.Errorf("%q is not a duration", s)
		}
		unit, ok := durationUnits[s[j]]
		if !ok || unit >= last {
			return 0, fmt.Errorf("%q is not a duration", s)
		}
		n, err := strconv.Atoi(s[i:j])
		if err != nil || n > maxFreshnessSeconds {
			return 0, fmt.Errorf("%q is too long", s)
		}
		total += n * unit
		last = unit
		i = j + 1
	}
	if total <= 0 {
		return 0, fmt.Errorf("%q is not positive", s)
	}
	return total, nil
}

// freshness checks `freshness:` (FC221): on an on_arrival source only,
// at least one duration, each positive and at most a year, error_after
// above warn_after.
func (c *checker) freshness(s *Source) {
	f := s.Freshness
	if f == nil {
		return
	}
	if s.triggerKind() != TriggerOnArrival {
		c.errorf(f.Pos, diag.FC221, "freshness on source %s, which does not start runs on arrival: nothing records when its files arrive", s.Name.Raw).Hint =
			"give the source `trigger: on_arrival`, or remove freshness"
		return
	}
	if !f.WarnAfter.IsSet() && !f.ErrorAfter.IsSet() {
		c.errorf(f.Pos, diag.FC221, "freshness needs warn_after, error_after or both").Hint = "e.g. freshness: {warn_after: 26h, error_after: 50h}"
		return
	}
	read := func(v Str, what string) (int, bool) {
		if !v.IsSet() {
			return 0, true
		}
		n, err := parseDuration(v.Raw)
		if err != nil {
			c.errorf(v.Pos, diag.FC221, "%s: %v", what, err).Hint = "write a positive duration in d, h, m and s, largest unit first: 26h, 90m, 1d12h"
			return 0, false
		}
		if n > maxFreshnessSeconds {
			c.errorf(v.Pos, diag.FC221, "%s %s is longer than 364 days: the check is a Step Functions execution, which lasts at most a year", what, v.Raw).Hint = "use at most 364d"
			return 0, false
		}
		return n, true
	}
	w, okW := read(f.WarnAfter, "warn_after")
	e, okE := read(f.ErrorAfter, "error_after")
	if okW && okE && w > 0 && e > 0 && e <= w {
		c.errorf(f.ErrorAfter.Pos, diag.FC221, "error_after %s is not after warn_after %s", f.ErrorAfter.Raw, f.WarnAfter.Raw).Hint =
			"make error_after longer than warn_after, or give only one of them"
	}
}

// freshness is the source's freshness for the IR (nil without one); the
// spec has been checked.
func (s *Source) freshness() *ir.Freshness {
	f := s.Freshness
	if f == nil {
		return nil
	}
	out := &ir.Freshness{Warn: f.WarnAfter.Raw, Error: f.ErrorAfter.Raw}
	out.WarnSeconds, _ = parseDuration(f.WarnAfter.Raw)
	out.ErrorSeconds, _ = parseDuration(f.ErrorAfter.Raw)
	return out
}
