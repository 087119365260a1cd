package parser

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSlowCorpus(t *testing.T) {
	dir := os.Getenv("CORPUS")
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	type r struct {
		d   time.Duration
		src string
	}
	var rs []r
	for _, f := range files {
		b, _ := os.ReadFile(f)
		lines := strings.SplitN(string(b), "\n", 3)
		v := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(lines[1]), "string("), ")")
		src, err := strconv.Unquote(v)
		if err != nil {
			continue
		}
		start := time.Now()
		Parse("", src)
		rs = append(rs, r{time.Since(start), src})
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].d > rs[j].d })
	for _, x := range rs[:min(8, len(rs))] {
		s := x.src
		if len(s) > 150 {
			s = s[:150]
		}
		t.Logf("%v %d %q", x.d, len(x.src), s)
	}
}
