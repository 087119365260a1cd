package parser

import (
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// What fits where: rather than decode participle's description of the
// failed production, a syntax error is explained by probing. Each
// candidate token (every keyword and operator, and a sample identifier,
// number and string) is put in place of the offending token; a candidate
// fits if the parser then gets past it. This is exact for any grammar and
// costs a few hundred small parses, paid only on the error path.

// candidate is a token to probe with and its label in messages.
type candidate struct {
	label string
	tok   lexer.Token
}

const labelEnd = "end of statement"

var candidates = func() []candidate {
	var out []candidate
	seen := map[string]bool{}
	for _, kw := range keywordOrder {
		if !seen[kw] {
			seen[kw] = true
			out = append(out, candidate{kw, keywordToken(kw, lexer.Position{})})
		}
	}
	for _, p := range []string{"(", ")", ",", "*", ".", "=", "<>", "<", "<=", ">", ">=", "+", "-", "/", "%", "||", "?"} {
		out = append(out, candidate{`"` + p + `"`, lexer.Token{Type: tokPunct, Value: p}})
	}
	return append(out,
		candidate{"identifier", lexer.Token{Type: tokIdent, Value: "probe_name"}},
		candidate{"number", lexer.Token{Type: tokNumber, Value: "1"}},
		candidate{"string", lexer.Token{Type: tokString, Value: "'probe'"}},
	)
}()

// keywordToken is the token for keyword kw as the lexer would produce it.
func keywordToken(kw string, p lexer.Position) lexer.Token {
	if isReserved(kw) {
		return lexer.Token{Type: tokKeyword, Value: kw, Pos: p}
	}
	return lexer.Token{Type: tokIdent, Value: kw, Pos: p}
}

// Probing costs about len(candidates) parses of the tokens before the
// error, and deep nesting makes each parse dearer. Past these bounds an
// error says only what was unexpected, so that hostile input stays cheap.
const (
	maxProbeTokens = 300
	maxProbeDepth  = 32
)

// viable lists the labels of the candidates that fit at token k of st, in
// candidate order, with labelEnd last if the statement may end there.
func viable(st statement, k int) []string {
	if k > maxProbeTokens || nesting(st.toks[:k]) > maxProbeDepth {
		return nil
	}
	at := tokenPos(st, k)
	p := lexer.Position{Filename: at.File, Line: at.Line, Column: at.Col, Offset: at.Offset}
	prefix := st.toks[:k:k]
	var out []string
	for _, c := range candidates {
		t := c.tok
		t.Pos = p
		after := p
		after.Offset += len(t.Value)
		after.Column += len(t.Value)
		_, err := parseTokens(append(prefix, t), lexer.EOFToken(after))
		if err == nil || errOffset(err) > p.Offset {
			out = append(out, c.label)
		}
	}
	if _, err := parseTokens(prefix, lexer.EOFToken(p)); err == nil {
		out = append(out, labelEnd)
	}
	return out
}

// nesting is the deepest nesting of parentheses and CASE in toks.
func nesting(toks []lexer.Token) int {
	depth, deepest := 0, 0
	for _, t := range toks {
		depth += nestDelta(t)
		deepest = max(deepest, depth)
	}
	return deepest
}

func errOffset(err error) int {
	var perr interface{ Position() lexer.Position }
	if errors.As(err, &perr) {
		return perr.Position().Offset
	}
	return -1
}

var (
	exprStarters = setOf("identifier", "number", "string", `"("`, `"-"`, `"?"`,
		"NOT", "CASE", "CAST", "TRUE", "FALSE", "NULL")
	symbolOps = setOf(`"+"`, `"-"`, `"*"`, `"/"`, `"%"`, `"||"`, `"="`, `"<>"`,
		`"<"`, `"<="`, `">"`, `">="`, `"."`)
	keywordOps = setOf("AND", "OR", "IS", "NOT", "IN", "BETWEEN", "LIKE")
	keywordSet = setOf(keywordOrder...)
	// singular units go unmentioned: the plural is the canonical form
	singularUnits = setOf("SECOND", "MINUTE", "HOUR", "DAY", "WEEK")
	pluralUnits   = setOf("SECONDS", "MINUTES", "HOURS", "DAYS", "WEEKS")
)

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// simplify turns the raw viable labels into what a reader wants: all the
// ways to start an expression become "expression"; where any identifier
// fits, the non-reserved keywords (which are identifiers there) go; after
// a complete operand, the operators that could extend it go (and so do
// "(", which could make a name a call, and duration units, which could
// turn a number into a duration).
func simplify(fits []string) []string {
	has := setOf(fits...)
	isExpr := has["identifier"] && has["number"] && has["string"]
	afterOperand := has[`"+"`]
	var out []string
	for _, l := range fits {
		switch {
		case isExpr && exprStarters[l],
			has["identifier"] && keywordSet[l] && !isReserved(l),
			afterOperand && (symbolOps[l] || l == `"("`),
			singularUnits[l],
			afterOperand && pluralUnits[l],
			afterOperand && has["OR"] && keywordOps[l]:
			continue
		case l == labelEnd && isExpr:
			out = append(out, "expression")
		}
		out = append(out, l)
	}
	if isExpr && !has[labelEnd] {
		out = append(out, "expression")
	}
	if afterOperand && len(out) == 0 {
		out = append(out, "operator")
	}
	return out
}

// closestKeyword returns the keyword among fits nearest in spelling to the
// bare word t, or "" if t is not a bare word or none is near. A reserved
// word is taken as meant: FROM in the wrong place is no typo for DROP.
func closestKeyword(t lexer.Token, fits []string) string {
	if t.Type != tokIdent {
		return ""
	}
	word := strings.ToUpper(t.Value)
	best, bestD := "", 3
	for _, l := range fits {
		if !keywordSet[l] || l == word {
			continue
		}
		if d := distance(word, l); near(word, d) && d < bestD {
			best, bestD = l, d
		}
	}
	return best
}

// closeKeywords lists the keywords near in spelling to word, nearest
// first.
func closeKeywords(word string) []string {
	word = strings.ToUpper(word)
	type scored struct {
		kw string
		d  int
	}
	var found []scored
	for _, c := range candidates {
		if keywordSet[c.label] && c.label != word {
			if d := distance(word, c.label); near(word, d) {
				found = append(found, scored{c.label, d})
			}
		}
	}
	slices.SortStableFunc(found, func(a, b scored) int { return a.d - b.d })
	out := make([]string, len(found))
	for i, s := range found {
		out[i] = s.kw
	}
	return out
}

// near decides whether an edit distance d from word is a plausible typo:
// at most 2, and at most half the word, so that "a" does not suggest AS.
func near(word string, d int) bool {
	return d <= 2 && 2*d <= utf8.RuneCountInString(word)
}

// distance is the optimal-string-alignment edit distance: insertions,
// deletions, substitutions and transpositions of adjacent letters.
func distance(a, b string) int {
	s, t := []rune(a), []rune(b)
	prev2 := make([]int, len(t)+1)
	prev := make([]int, len(t)+1)
	cur := make([]int, len(t)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(s); i++ {
		cur[0] = i
		for j := 1; j <= len(t); j++ {
			cost := 1
			if s[i-1] == t[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && s[i-1] == t[j-2] && s[i-2] == t[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(t)]
}
