package repl

import (
	"slices"
	"strings"
	"unicode"

	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/parser"
	"github.com/cai-dev/cai/parser/ast"
)

// aggregates complete along with the scalar functions.
var aggregates = []string{"COUNT", "SUM", "AVG", "MIN", "MAX", "NOW"}

// Complete returns the completions of the word before the cursor, in the
// form liner's WordCompleter wants: line is split at rune position pos
// into head, the word being completed, and tail; completions replace the
// word.
//
// After a backslash it completes commands, names after \d and formats
// after \format. Elsewhere it completes keywords and functions (in
// upper case, or lower case when the word typed so far is lower case),
// table, model and segment names, and column names of tables;
// "t.prefix" completes the columns of table t. Names that need quoting
// come back "double-quoted". An empty word completes nothing.
func (s *Session) Complete(line string, pos int) (head string, completions []string, tail string) {
	runes := []rune(line)
	pos = max(0, min(pos, len(runes)))
	before, tail := string(runes[:pos]), string(runes[pos:])
	start := wordStart(before)
	head, word := before[:start], before[start:]
	if cmd := strings.TrimLeft(head+word, " \t"); strings.HasPrefix(cmd, `\`) {
		return head, s.completeCommand(cmd, word), tail
	}
	if word == "" {
		return head, nil, tail
	}
	return head, s.completeWord(word), tail
}

// wordStart finds where the word ending at the end of s begins: a run of
// identifier characters and dots, or a quoted name still open.
func wordStart(s string) int {
	if q := openQuote(s); q >= 0 {
		return q
	}
	i := len(s)
	for i > 0 {
		r, size := lastRune(s[:i])
		if !(r == '_' || r == '.' || r == '\\' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			break
		}
		i -= size
	}
	return i
}

// openQuote returns the offset of a double quote that s leaves open, or
// -1.
func openQuote(s string) int {
	open := -1
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '"' && open < 0:
			open = i
		case s[i] == '"':
			open = -1
		case s[i] == '\'' && open < 0:
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return -1
			}
			i += end + 1
		}
	}
	return open
}

func lastRune(s string) (rune, int) {
	r := []rune(s)
	last := r[len(r)-1]
	return last, len(string(last))
}

func (s *Session) completeCommand(cmd, word string) []string {
	fields := strings.Fields(cmd)
	if len(fields) == 1 && !strings.HasSuffix(cmd, " ") {
		var out []string
		for _, c := range commands {
			if strings.HasPrefix(c.name, word) {
				out = append(out, c.name)
			}
		}
		return out
	}
	var words []string
	switch fields[0] {
	case `\d`:
		cat := s.db.Engine().Catalog()
		return matchNames(word, slices.Concat(cat.Tables(), cat.Models(), cat.Segments()))
	case `\format`:
		words = []string{"csv", "json", "table"}
	case `\timing`, `\chart`:
		words = []string{"off", "on"}
	}
	var out []string
	for _, w := range words {
		if strings.HasPrefix(w, strings.ToLower(word)) {
			out = append(out, w)
		}
	}
	return out
}

// completeWord completes a keyword, function or name.
func (s *Session) completeWord(word string) []string {
	if dot := strings.LastIndexByte(word, '.'); dot > 0 && word[0] != '"' {
		qual := word[:dot+1]
		var out []string
		for _, c := range matchNames(word[dot+1:], s.tableColumns(word[:dot])) {
			out = append(out, qual+c)
		}
		if len(out) > 0 {
			return out
		}
		// No such table: perhaps the start of a dotted column name.
	}
	var out []string
	if word[0] != '"' {
		out = matchKeywords(word, slices.Concat(parser.Keywords(), expr.FuncNames(), aggregates))
	}
	cat := s.db.Engine().Catalog()
	names := slices.Concat(cat.Tables(), cat.Models(), cat.Segments())
	for _, t := range cat.Tables() {
		names = append(names, s.tableColumns(t)...)
	}
	out = append(out, matchNames(word, names)...)
	slices.Sort(out)
	return slices.Compact(out)
}

// matchKeywords returns the words that start with prefix (ignoring
// case), in lower case when prefix is all lower case, else upper case.
func matchKeywords(prefix string, words []string) []string {
	lower := strings.ToLower(prefix) == prefix
	var out []string
	for _, k := range words {
		if len(k) >= len(prefix) && strings.EqualFold(k[:len(prefix)], prefix) {
			if lower {
				k = strings.ToLower(k)
			} else {
				k = strings.ToUpper(k)
			}
			out = append(out, k)
		}
	}
	return out
}

// matchNames returns the names that start with prefix (ignoring case; a
// leading double quote is dropped), each as the language reads it
// (quoted when needed, always when prefix is quoted).
func matchNames(prefix string, names []string) []string {
	quoted := strings.HasPrefix(prefix, `"`)
	p := strings.ToLower(strings.TrimPrefix(prefix, `"`))
	var out []string
	for _, n := range names {
		if !strings.HasPrefix(strings.ToLower(n), p) {
			continue
		}
		q := ast.QuoteIdent(n)
		if quoted && !strings.HasPrefix(q, `"`) {
			q = `"` + n + `"`
		}
		out = append(out, q)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// tableColumns returns the column names of a table, or nothing when
// there is no such table; they are cached until the next statement.
func (s *Session) tableColumns(table string) []string {
	key := strings.ToLower(unquote(table))
	if cols, ok := s.columns[key]; ok {
		return cols
	}
	var cols []string
	if t, err := s.db.Engine().Catalog().Table(unquote(table)); err == nil {
		for _, f := range t.Schema.Fields() {
			cols = append(cols, f.Name)
		}
		t.Release()
	}
	if s.columns == nil {
		s.columns = map[string][]string{}
	}
	s.columns[key] = cols
	return cols
}
