package ml

import (
	"fmt"
	"math"
	"slices"
)

// Metrics summarises how well probabilities p predict 0/1 labels y.
// A metric that is undefined for the data (AUC with a single class) is NaN.
type Metrics struct {
	AUC      float64 // area under the ROC curve, ties counted half
	PRAUC    float64 // average precision (area under the precision-recall steps)
	LogLoss  float64 // mean negative log-likelihood, p clipped to [1e-15, 1−1e-15]
	Brier    float64 // mean squared error of p
	ECE      float64 // expected calibration error over 10 equal-width bins
	BaseRate float64 // share of positives
	N        int     // rows
	// Positives is the number of rows with label 1.
	Positives int
}

// ECEBins is the number of equal-width bins used by Metrics.ECE.
const ECEBins = 10

func checkPair(y, p []float64) {
	if len(y) != len(p) {
		panic(fmt.Errorf("%w: %d labels but %d predictions", ErrBadInput, len(y), len(p)))
	}
}

// Evaluate computes Metrics. y and p must have the same length (a mismatch
// panics); p must not contain NaN.
func Evaluate(y, p []float64) Metrics {
	checkPair(y, p)
	m := Metrics{N: len(y)}
	if m.N == 0 {
		nan := math.NaN()
		return Metrics{AUC: nan, PRAUC: nan, LogLoss: nan, Brier: nan, ECE: nan, BaseRate: nan}
	}
	for i, yi := range y {
		if yi == 1 {
			m.Positives++
		}
		pc := clamp(p[i], 1e-15, 1-1e-15)
		if yi == 1 {
			m.LogLoss -= math.Log(pc)
		} else {
			m.LogLoss -= math.Log1p(-pc)
		}
		m.Brier += (p[i] - yi) * (p[i] - yi)
	}
	n := float64(m.N)
	m.LogLoss /= n
	m.Brier /= n
	m.BaseRate = float64(m.Positives) / n
	m.AUC = auc(y, p)
	m.PRAUC = averagePrecision(y, p)
	meanPred, fracPos, counts := CalibrationCurve(y, p, ECEBins)
	for b := range counts {
		m.ECE += float64(counts[b]) / n * math.Abs(meanPred[b]-fracPos[b])
	}
	return m
}

// order returns row indices sorted by descending score, ties by index.
func order(p []float64) []int {
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case p[a] > p[b]:
			return -1
		case p[a] < p[b]:
			return 1
		}
		return 0
	})
	return idx
}

// tieGroups calls fn for each run of equal scores in idx (sorted by
// descending p) with the run's positive and negative counts.
func tieGroups(y, p []float64, idx []int, fn func(pos, neg int)) {
	for i := 0; i < len(idx); {
		pos, neg := 0, 0
		j := i
		for ; j < len(idx) && p[idx[j]] == p[idx[i]]; j++ {
			if y[idx[j]] == 1 {
				pos++
			} else {
				neg++
			}
		}
		fn(pos, neg)
		i = j
	}
}

// auc is the Mann-Whitney statistic: the probability that a random positive
// scores above a random negative, ties counting one half.
func auc(y, p []float64) float64 {
	totPos, totNeg := 0, 0
	for _, v := range y {
		if v == 1 {
			totPos++
		} else {
			totNeg++
		}
	}
	if totPos == 0 || totNeg == 0 {
		return math.NaN()
	}
	var wins float64
	negAbove := 0
	tieGroups(y, p, order(p), func(pos, neg int) {
		below := totNeg - negAbove - neg
		wins += float64(pos) * (float64(below) + float64(neg)/2)
		negAbove += neg
	})
	return wins / (float64(totPos) * float64(totNeg))
}

// averagePrecision is Σ precision(k)·Δrecall(k) over the distinct score
// thresholds in descending order.
func averagePrecision(y, p []float64) float64 {
	var total int
	for _, v := range y {
		if v == 1 {
			total++
		}
	}
	if total == 0 {
		return math.NaN()
	}
	var ap float64
	tp, fp := 0, 0
	tieGroups(y, p, order(p), func(pos, neg int) {
		tp += pos
		fp += neg
		if pos > 0 {
			ap += float64(tp) / float64(tp+fp) * float64(pos) / float64(total)
		}
	})
	return ap
}
