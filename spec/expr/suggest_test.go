package expr

import "testing"

func TestSuggest(t *testing.T) {
	cols := []string{"delay", "distance", "origin", "destination", "dep_airport", "arr_airport"}
	tests := []struct {
		name       string
		candidates []string
		want       string
	}{
		{"dely", cols, "delay"},
		{"delya", cols, "delay"},
		{"DELAY", cols, "delay"},
		{"Origin", cols, "origin"},
		{"orgin", cols, "origin"},
		{"destinaton", cols, "destination"},
		{"dep_airprot", cols, "dep_airport"},
		{"x", cols, ""},
		{"de", cols, ""},
		{"zzzzzz", cols, ""},
		{"", cols, ""},
		{"delay", nil, ""},
		{"ab", []string{"ac", "ab_"}, "ab_"},
		{"ab", []string{"ab_", "ac"}, "ab_"},
		{"cat", []string{"bat", "cab"}, "bat"},
		{"cat", []string{"cab", "bat"}, "bat"},
		{"naïve", []string{"naive"}, "naive"},
	}
	for _, tt := range tests {
		if got := Suggest(tt.name, tt.candidates); got != tt.want {
			t.Errorf("Suggest(%q, %v) = %q, want %q", tt.name, tt.candidates, got, tt.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"kitten", "sitting", 3}, {"flaw", "lawn", 2}, {"abc", "abc", 0},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b, 10); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	if got := editDistance("abcdef", "uvwxyz", 2); got != 3 {
		t.Errorf("limit: %d", got)
	}
}
