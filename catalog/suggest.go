package catalog

import (
	"sort"
	"strings"
)

// maxSuggestions bounds the length of Suggest's answer.
const maxSuggestions = 3

// Suggest returns up to three candidates close to name, best first: those
// whose case-insensitive Levenshtein distance to name is at most
// max(1, len(name)/3) runes. Ties are broken alphabetically; duplicates are
// dropped. The planner uses it for columns and keywords too.
func Suggest(name string, candidates []string) []string {
	type scored struct {
		s string
		d int
	}
	target := []rune(strings.ToLower(name))
	limit := max(1, len(target)/3)
	seen := make(map[string]bool, len(candidates))
	var hits []scored
	for _, c := range candidates {
		if seen[c] {
			continue
		}
		seen[c] = true
		if d := levenshtein(target, []rune(strings.ToLower(c))); d <= limit {
			hits = append(hits, scored{c, d})
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].d != hits[j].d {
			return hits[i].d < hits[j].d
		}
		return hits[i].s < hits[j].s
	})
	var out []string
	for i := 0; i < len(hits) && i < maxSuggestions; i++ {
		out = append(out, hits[i].s)
	}
	return out
}

// levenshtein is the edit distance (insert, delete, substitute) of a and b.
func levenshtein(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
