package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/flowc-dev/flowc/deploy"
	"github.com/flowc-dev/flowc/ir"
)

// Freshness states `flowc runs` shows for a source with freshness.
const (
	freshOK      = "ok"
	freshWarn    = "warn"
	freshError   = "error"
	freshUnknown = "unknown"
)

// sourceFreshness is one source's freshness, from the run history: its
// newest arrival (an execution an S3 event started), that arrival's
// partition and age, and the state its thresholds give.
type sourceFreshness struct {
	Source      string
	Partition   string    // "" for a source without partitions or no arrival
	Arrived     time.Time // zero: no arrival found since Since
	Since       time.Time // how far back the history was read
	Age         time.Duration
	State       string
	Warn, Error string // the thresholds as the spec writes them
}

// freshSources are the sources with freshness, in spec order.
func freshSources(pl *ir.IR) []*ir.Source {
	var out []*ir.Source
	for _, s := range pl.Sources {
		if s.Freshness != nil {
			out = append(out, s)
		}
	}
	return out
}

// freshnessLookback is how far back the history is read for freshness:
// the runs' --since, or twice the longest threshold when that is longer,
// so that a source late past its error_after is still found.
func freshnessLookback(srcs []*ir.Source, since, now time.Time) time.Time {
	longest := 0
	for _, s := range srcs {
		longest = max(longest, s.Freshness.WarnSeconds, s.Freshness.ErrorSeconds)
	}
	if t := now.Add(-2 * time.Duration(longest) * time.Second); t.Before(since) {
		return t
	}
	return since
}

// freshnessOf gives each source its state at now: ok before warn_after
// (or error_after without a warn_after), warn from warn_after, error from
// error_after; unknown when no arrival is in the history read.
func freshnessOf(srcs []*ir.Source, last map[string]deploy.Run, since, now time.Time) []sourceFreshness {
	var out []sourceFreshness
	for _, s := range srcs {
		f := sourceFreshness{Source: s.Name, Since: since, State: freshUnknown, Warn: s.Freshness.Warn, Error: s.Freshness.Error}
		if r, ok := last[s.Name]; ok {
			f.Partition, f.Arrived = r.Partition, r.Started
			f.Age = max(now.Sub(r.Started), 0)
			secs := int(f.Age / time.Second)
			switch {
			case s.Freshness.ErrorSeconds > 0 && secs >= s.Freshness.ErrorSeconds:
				f.State = freshError
			case s.Freshness.WarnSeconds > 0 && secs >= s.Freshness.WarnSeconds:
				f.State = freshWarn
			default:
				f.State = freshOK
			}
		}
		out = append(out, f)
	}
	return out
}

// readFreshness reads the sources' newest arrivals and their states.
func readFreshness(ctx context.Context, p *deploy.Pipeline, pl *ir.IR, since, now time.Time) ([]sourceFreshness, error) {
	srcs := freshSources(pl)
	if len(srcs) == 0 {
		return nil, nil
	}
	since = freshnessLookback(srcs, since, now)
	var names []string
	for _, s := range srcs {
		names = append(names, s.Name)
	}
	last, err := p.LastArrivals(ctx, since, names)
	if err != nil {
		return nil, err
	}
	return freshnessOf(srcs, last, since, now), nil
}

// printFreshness writes one line per source above the runs:
//
//	freshness flights: warn, last partition year=2001/month=01/day=17 arrived 2026-12-03 06:05:00Z, 27h10m ago (warn after 26h, error after 50h)
func printFreshness(w io.Writer, fs []sourceFreshness) {
	for _, f := range fs {
		limits := ""
		switch {
		case f.Warn != "" && f.Error != "":
			limits = "warn after " + f.Warn + ", error after " + f.Error
		case f.Warn != "":
			limits = "warn after " + f.Warn
		default:
			limits = "error after " + f.Error
		}
		if f.Arrived.IsZero() {
			fmt.Fprintf(w, "freshness %s: %s, no file arrived since %s (%s)\n", f.Source, f.State, f.Since.UTC().Format(timeLayout), limits)
			continue
		}
		what := "last file"
		if f.Partition != "" {
			what = "last partition " + f.Partition
		}
		fmt.Fprintf(w, "freshness %s: %s, %s arrived %s, %s ago (%s)\n", f.Source, f.State, what, f.Arrived.UTC().Format(timeLayout), f.Age.Round(time.Minute), limits)
	}
	if len(fs) > 0 {
		fmt.Fprintln(w)
	}
}

// timeLayout is how the run list writes times (UTC).
const timeLayout = "2006-01-02 15:04:05Z"

// freshnessJSON is one source's freshness in flowc runs --format json.
type freshnessJSON struct {
	Source     string  `json:"source"`
	Partition  string  `json:"partition"`
	Arrived    *string `json:"arrived"`
	AgeSeconds *int64  `json:"age_seconds"`
	State      string  `json:"state"`
	WarnAfter  string  `json:"warn_after,omitempty"`
	ErrorAfter string  `json:"error_after,omitempty"`
}

func freshnessJSONOf(fs []sourceFreshness) []freshnessJSON {
	var out []freshnessJSON
	for _, f := range fs {
		j := freshnessJSON{Source: f.Source, Partition: f.Partition, State: f.State, WarnAfter: f.Warn, ErrorAfter: f.Error}
		if !f.Arrived.IsZero() {
			a, age := f.Arrived.UTC().Format(time.RFC3339), int64(f.Age/time.Second)
			j.Arrived, j.AgeSeconds = &a, &age
		}
		out = append(out, j)
	}
	return out
}
