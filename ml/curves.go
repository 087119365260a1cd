package ml

import "math"

// Decile is one tenth of the rows ranked by descending score (decile 1 holds
// the highest scores). Ratios undefined for the data are NaN.
type Decile struct {
	Decile    int     // 1..10
	N         int     // rows in the decile
	Positives int     // positive rows in the decile
	MinScore  float64 // lowest score in the decile
	MaxScore  float64 // highest score in the decile
	Rate      float64 // Positives / N
	Lift      float64 // Rate / base rate
	CumGain   float64 // share of all positives in deciles 1..Decile
	CumLift   float64 // positive rate of deciles 1..Decile / base rate
}

// Deciles splits the rows ranked by descending p (ties by position) into ten
// groups as equal as possible: decile d holds ranks [⌊(d−1)N/10⌋, ⌊dN/10⌋).
// Empty deciles (fewer than 10 rows) are left out.
func Deciles(y, p []float64) []Decile {
	checkPair(y, p)
	n := len(y)
	total := 0
	for _, v := range y {
		if v == 1 {
			total++
		}
	}
	base := math.NaN()
	if n > 0 {
		base = float64(total) / float64(n)
	}
	idx := order(p)
	var out []Decile
	cumPos, cumN := 0, 0
	for d := 1; d <= 10; d++ {
		lo, hi := (d-1)*n/10, d*n/10
		if hi == lo {
			continue
		}
		dec := Decile{Decile: d, N: hi - lo, MinScore: p[idx[hi-1]], MaxScore: p[idx[lo]]}
		for _, i := range idx[lo:hi] {
			if y[i] == 1 {
				dec.Positives++
			}
		}
		cumPos += dec.Positives
		cumN += dec.N
		dec.Rate = float64(dec.Positives) / float64(dec.N)
		dec.Lift = ratio(dec.Rate, base)
		dec.CumGain = ratio(float64(cumPos), float64(total))
		dec.CumLift = ratio(float64(cumPos)/float64(cumN), base)
		out = append(out, dec)
	}
	return out
}

// ratio is a/b, or NaN when b is zero or NaN.
func ratio(a, b float64) float64 {
	if b == 0 || math.IsNaN(b) {
		return math.NaN()
	}
	return a / b
}

// ROC returns the receiver operating characteristic curve: one point per
// distinct score threshold (descending), from (0, 0) to (1, 1). When there
// are more than maxPoints points (and maxPoints >= 2) it keeps maxPoints of
// them evenly spaced by index, always including both ends. With a single
// class the curve is nil.
func ROC(y, p []float64, maxPoints int) (fpr, tpr []float64) {
	checkPair(y, p)
	totPos, totNeg := 0, 0
	for _, v := range y {
		if v == 1 {
			totPos++
		} else {
			totNeg++
		}
	}
	if totPos == 0 || totNeg == 0 {
		return nil, nil
	}
	fpr, tpr = []float64{0}, []float64{0}
	tp, fp := 0, 0
	tieGroups(y, p, order(p), func(pos, neg int) {
		tp += pos
		fp += neg
		fpr = append(fpr, float64(fp)/float64(totNeg))
		tpr = append(tpr, float64(tp)/float64(totPos))
	})
	if maxPoints >= 2 && len(fpr) > maxPoints {
		k := len(fpr)
		f, t := make([]float64, maxPoints), make([]float64, maxPoints)
		for i := range maxPoints {
			j := i * (k - 1) / (maxPoints - 1)
			f[i], t[i] = fpr[j], tpr[j]
		}
		fpr, tpr = f, t
	}
	return fpr, tpr
}

// CalibrationCurve splits [0, 1] into bins equal-width bins (a score of 1
// falls in the last) and returns, for each non-empty bin in increasing
// order, the mean predicted probability, the observed share of positives
// and the row count.
func CalibrationCurve(y, p []float64, bins int) (meanPred, fracPos []float64, counts []int) {
	checkPair(y, p)
	if bins < 1 {
		bins = 1
	}
	sumP := make([]float64, bins)
	sumY := make([]float64, bins)
	cnt := make([]int, bins)
	for i, pi := range p {
		b := int(clamp(pi, 0, 1) * float64(bins))
		b = min(max(b, 0), bins-1)
		sumP[b] += pi
		sumY[b] += y[i]
		cnt[b]++
	}
	for b := range bins {
		if cnt[b] == 0 {
			continue
		}
		meanPred = append(meanPred, sumP[b]/float64(cnt[b]))
		fracPos = append(fracPos, sumY[b]/float64(cnt[b]))
		counts = append(counts, cnt[b])
	}
	return meanPred, fracPos, counts
}
