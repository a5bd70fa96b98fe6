package expr

import (
	"strings"
	"unicode/utf8"
)

// Suggest returns the candidate closest to name by edit distance
// (Levenshtein over runes, comparing case-insensitively), or "" when none is
// close enough. Close enough is a distance of at most max(2, len(name)/3)
// and less than len(name), so that a one- or two-letter name is not matched
// to an unrelated short one. Ties go to the candidate that sorts first, so
// the result does not depend on the order of candidates.
func Suggest(name string, candidates []string) string {
	n := utf8.RuneCountInString(name)
	limit := max(2, n/3)
	if limit >= n {
		limit = n - 1
	}
	lname := strings.ToLower(name)
	best, bestD := "", -1
	for _, c := range candidates {
		if c == "" {
			continue
		}
		d := editDistance(lname, strings.ToLower(c), limit)
		if d > limit {
			continue
		}
		if bestD < 0 || d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, counted in
// runes; it returns limit+1 early when the distance exceeds limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
