package engine

import (
	"math"
	"sort"

	"github.com/cai-dev/cai/catalog"
	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/features"
	"github.com/cai-dev/cai/ml"
)

// attrSpec is one profile attribute used as a feature, frozen at
// training: numeric and boolean columns as they are, timestamps as days
// before the cutoff, strings as one-hot top levels plus "other".
type attrSpec struct {
	Column string   `json:"column"`
	Kind   string   `json:"kind"` // numeric, bool, days, categorical
	Levels []string `json:"levels,omitempty"`
}

// planAttributes chooses the profile columns to use (skipping the key,
// excluded columns and identifier-like strings) and freezes categorical
// levels.
func planAttributes(pt *catalog.Table, keyCol int, exclude []string) ([]attrSpec, error) {
	var out []attrSpec
	skip := map[string]bool{}
	for _, x := range exclude {
		skip[lowerKey(x)] = true
	}
	for i, f := range pt.Schema.Fields() {
		if i == keyCol || skip[lowerKey(f.Name)] {
			continue
		}
		switch expr.KindOf(f.Type) {
		case expr.KindInt, expr.KindFloat:
			out = append(out, attrSpec{Column: f.Name, Kind: "numeric"})
		case expr.KindBool:
			out = append(out, attrSpec{Column: f.Name, Kind: "bool"})
		case expr.KindTimestamp:
			out = append(out, attrSpec{Column: f.Name, Kind: "days"})
		case expr.KindString:
			counts := map[string]int{}
			rows := 0
			for _, rec := range pt.Batches {
				v, err := expr.FromArrow(rec.Column(i))
				if err != nil {
					return nil, err
				}
				rows += v.Len
				countStrings(counts, v)
			}
			if len(counts) < 2 || len(counts) > 20 && len(counts)*2 > rows {
				continue // constant or identifier-like
			}
			levels := make([]string, 0, len(counts))
			for l, c := range counts {
				if c*100 >= rows { // at least 1% of profiles
					levels = append(levels, l)
				}
			}
			sort.Slice(levels, func(a, b int) bool {
				if counts[levels[a]] != counts[levels[b]] {
					return counts[levels[a]] > counts[levels[b]]
				}
				return levels[a] < levels[b]
			})
			if len(levels) > 10 {
				levels = levels[:10]
			}
			out = append(out, attrSpec{Column: f.Name, Kind: "categorical", Levels: levels})
		}
	}
	return out, nil
}

func lowerKey(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

// attrColumns names the feature columns of the attributes.
func attrColumns(attrs []attrSpec) (cols []ml.Column, desc []string) {
	for _, a := range attrs {
		code := features.Code(a.Column)
		switch a.Kind {
		case "numeric":
			cols = append(cols, ml.Column{Name: code, Kind: ml.KindNumeric, Group: code})
			desc = append(desc, a.Column)
		case "bool":
			cols = append(cols, ml.Column{Name: code, Kind: ml.KindBinary, Group: code})
			desc = append(desc, a.Column)
		case "days":
			cols = append(cols, ml.Column{Name: code + "_days", Kind: ml.KindDays, Group: code})
			desc = append(desc, "days since "+a.Column)
		case "categorical":
			for _, l := range a.Levels {
				cols = append(cols, ml.Column{Name: code + "=" + l, Kind: ml.KindBinary, Group: code})
				desc = append(desc, a.Column+" is "+l)
			}
			cols = append(cols, ml.Column{Name: code + "=other", Kind: ml.KindBinary, Group: code})
			desc = append(desc, a.Column+" is another value")
		}
	}
	return cols, desc
}

// attrMatrix computes the attribute features of every profile (rows in
// keys order) at a cutoff; profiles missing from the table get NaN.
func attrMatrix(pt *catalog.Table, keyCol int, keys *features.Keys, attrs []attrSpec, cutoff int64) (ml.Matrix, error) {
	cols, _ := attrColumns(attrs)
	m := ml.NewMatrix(keys.Len(), len(cols))
	for i := range m.Data {
		m.Data[i] = math.NaN()
	}
	if len(cols) == 0 {
		return m, nil
	}
	colIdx := make([]int, len(attrs))
	for j, a := range attrs {
		colIdx[j] = fieldIndexFold(pt.Schema, a.Column)
	}
	lookup := *keys
	lookup.Fixed = true
	for _, rec := range pt.Batches {
		kv, err := expr.FromArrow(rec.Column(keyCol))
		if err != nil {
			return m, err
		}
		vecs := make([]*expr.Vector, len(attrs))
		for j := range attrs {
			if colIdx[j] < 0 {
				continue
			}
			if vecs[j], err = expr.FromArrow(rec.Column(colIdx[j])); err != nil {
				return m, err
			}
		}
		for r := 0; r < kv.Len; r++ {
			p := lookup.Add(kv, r)
			if p < 0 {
				continue
			}
			row := m.Data[int(p)*m.Cols : (int(p)+1)*m.Cols]
			c := 0
			for j, a := range attrs {
				v := vecs[j]
				width := 1
				if a.Kind == "categorical" {
					width = len(a.Levels) + 1
				}
				if v == nil || v.IsNull(r) {
					c += width
					continue
				}
				switch a.Kind {
				case "numeric", "bool":
					row[c] = v.Float(r)
				case "days":
					if ts := v.I[r]; ts < cutoff {
						row[c] = float64(cutoff-ts) / float64(features.Day)
					}
				case "categorical":
					hit := len(a.Levels)
					for li, l := range a.Levels {
						if v.S[r] == l {
							hit = li
							break
						}
					}
					for li := 0; li < width; li++ {
						row[c+li] = 0
					}
					row[c+hit] = 1
				}
				c += width
			}
		}
	}
	return m, nil
}
