package diag

import (
	"errors"
	"math/rand"
	"reflect"
	"strings"
	"testing"
)

func TestPosString(t *testing.T) {
	for _, tc := range []struct {
		p    Pos
		want string
	}{
		{Pos{"a.yaml", 3, 7}, "a.yaml:3:7"},
		{Pos{"a.yaml", 3, 0}, "a.yaml:3"},
		{Pos{"a.yaml", 0, 0}, "a.yaml"},
		{Pos{"a.yaml", 0, 5}, "a.yaml"},
		{Pos{"", 3, 7}, "3:7"},
		{Pos{"", 3, 0}, "3"},
		{Pos{}, "-"},
		{Pos{"", 0, 9}, "-"},
	} {
		got := tc.p.String()
		if got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.p, got, tc.want)
		}
		if strings.Contains(got, "0:0") || strings.HasSuffix(got, ":0") {
			t.Errorf("%#v.String() = %q prints an unknown part", tc.p, got)
		}
	}
	if (Pos{"a", 0, 3}).IsValid() || !(Pos{"", 1, 0}).IsValid() {
		t.Error("IsValid should mean: has a line")
	}
}

func TestSetSortsAndDeduplicates(t *testing.T) {
	ds := []Diagnostic{
		{Pos: Pos{"b.yaml", 1, 1}, Code: "T101", Message: "m"},
		{Pos: Pos{"a.yaml", 2, 1}, Code: "T101", Message: "m"},
		{Pos: Pos{"a.yaml", 10, 1}, Code: "T101", Message: "m"}, // line 10 after line 2
		{Pos: Pos{"a.yaml", 2, 3}, Code: "T101", Message: "m"},
		{Pos: Pos{"a.yaml", 2, 3}, Code: "T102", Message: "m", Severity: Warning},
		{Pos: Pos{"a.yaml", 2, 3}, Code: "T101", Message: "n"}, // same place and code, other message: kept
		{Pos: Pos{"a.yaml", 2, 3}, Code: "T101", Message: "m", Hint: "h"},
		{Pos: Pos{File: "a.yaml"}, Code: "T201", Message: "m"}, // no line: first in its file
	}
	want := []Diagnostic{ds[7], ds[1], ds[3], ds[6], ds[5], ds[4], ds[2], ds[0]}
	// Whatever the order of Add, and with every diagnostic added twice,
	// Sorted gives the same result.
	r := rand.New(rand.NewSource(1))
	for range 50 {
		var s Set
		all := append(append([]Diagnostic(nil), ds...), ds...)
		r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		s.AddAll(all[:5])
		for _, d := range all[5:] {
			s.Add(d)
		}
		if s.Len() != 2*len(ds) {
			t.Fatalf("Len = %d before de-duplication, want %d", s.Len(), 2*len(ds))
		}
		if got := s.Sorted(); !reflect.DeepEqual(got, want) {
			t.Fatalf("Sorted:\n%v\nwant\n%v", got, want)
		}
	}
}

// TestSetDuplicatesApart is a regression test: duplicates separated by a
// diagnostic at the same place, with the same code and message, were kept.
func TestSetDuplicatesApart(t *testing.T) {
	a := Diagnostic{Pos: Pos{"a.yaml", 1, 1}, Code: "T101", Message: "m", Hint: "x"}
	b := a
	b.Hint = "y"
	var s Set
	s.AddAll([]Diagnostic{a, b, a})
	if got := s.Sorted(); len(got) != 2 {
		t.Errorf("Sorted kept %d of a, b, a; want 2: %v", len(got), got)
	}
}

func TestSetCountsAndErr(t *testing.T) {
	var s Set
	if s.Err() != nil || s.HasErrors() || len(s.Sorted()) != 0 {
		t.Error("empty set has errors")
	}
	s.Warnf(Pos{"a.yaml", 1, 1}, T102, "w")
	s.Warnf(Pos{"a.yaml", 1, 1}, T102, "w") // duplicate
	if e, w := s.Counts(); e != 0 || w != 1 {
		t.Errorf("Counts = %d, %d; want 0, 1", e, w)
	}
	if s.Err() != nil {
		t.Error("warnings alone are an error")
	}
	s.Errorf(Pos{"a.yaml", 2, 1}, T101, "e %d", 1).Hint = "h"
	var other Set
	other.Errorf(Pos{"a.yaml", 3, 1}, T101, "e 2")
	s.Merge(&other)
	s.Merge(nil)
	if e, w := s.Counts(); e != 2 || w != 1 {
		t.Errorf("Counts = %d, %d; want 2, 1", e, w)
	}
	err := s.Err()
	var set *Set
	if err == nil || !errors.As(err, &set) || set != &s {
		t.Fatalf("Err = %v, want the set", err)
	}
	want := "a.yaml:1:1: warning: w [T102]\na.yaml:2:1: error: e 1 [T101]\na.yaml:3:1: error: e 2 [T101]"
	if err.Error() != want {
		t.Errorf("Error() =\n%s\nwant\n%s", err.Error(), want)
	}
	if d := s.Sorted()[1]; d.Hint != "h" {
		t.Errorf("the hint set through Errorf's result was lost: %+v", d)
	}
}

// TestSetUnknownSeverity: a severity other than Warning is printed as an
// error, so it also counts as one.
func TestSetUnknownSeverity(t *testing.T) {
	var s Set
	s.Add(Diagnostic{Pos: Pos{"a.yaml", 1, 1}, Severity: Severity(7), Code: "T101", Message: "m"})
	if e, w := s.Counts(); e != 1 || w != 0 || s.Err() == nil {
		t.Errorf("Counts = %d, %d, Err = %v", e, w, s.Err())
	}
	if got := Severity(7).String(); got != "error" {
		t.Errorf("String = %q", got)
	}
}
