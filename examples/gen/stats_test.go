package gen

import (
	"math"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"
)

// profEvents is the history of one profile, for label checks.
type profEvents struct {
	ts  []int64
	typ []string
}

func collect(t testing.TB, cfg Config) []profEvents {
	var out []profEvents
	err := Generate(cfg, func(e Event) error {
		p := &out[len(out)-1]
		p.ts = append(p.ts, e.Timestamp.Unix())
		p.typ = append(p.typ, e.EventType)
		return nil
	}, func(Profile) error {
		out = append(out, profEvents{})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// labelCounts are the class counts at one cutoff with 30-day windows.
type labelCounts struct {
	convPos, convNeg   int // purchase in [T, T+30d) among profiles active in [T-365d, T)
	churnPos, churnNeg int // no purchase in [T, T+30d) among purchasers in [T-365d, T)
	convAUC, churnAUC  float64
}

// features computes a few point-in-time features at cutoff T.
func features(p profEvents, T int64) []float64 {
	const day = 86400
	var pv30, pv7, ca30, ca7, cl30, op30, op90, sess30, sess90, sessPrev, sup90, pur365, co30 float64
	lastPur, lastAny := -1.0, -1.0
	for i, ts := range p.ts {
		if ts >= T || ts < T-365*day {
			continue
		}
		age := float64(T-ts) / day
		lastAny = age
		switch p.typ[i] {
		case ProductView:
			if age < 30 {
				pv30++
			}
			if age < 7 {
				pv7++
			}
		case CartAdd:
			if age < 30 {
				ca30++
			}
			if age < 7 {
				ca7++
			}
		case Checkout:
			if age < 30 {
				co30++
			}
		case EmailClick:
			if age < 30 {
				cl30++
			}
		case EmailOpen:
			if age < 30 {
				op30++
			}
			if age < 90 {
				op90++
			}
		case SessionStart, AppLaunch:
			if age < 30 {
				sess30++
			}
			if age < 90 {
				sess90++
			} else if age < 180 {
				sessPrev++
			}
		case SupportContact:
			if age < 90 {
				sup90++
			}
		case Purchase:
			pur365++
			lastPur = age
		}
	}
	miss := func(x float64) (float64, float64) {
		if x < 0 {
			return math.Log1p(400), 1
		}
		return math.Log1p(x), 0
	}
	lp, lpm := miss(lastPur)
	la, lam := miss(lastAny)
	l := math.Log1p
	return []float64{l(pv30), l(pv7), l(ca30), l(ca7), l(cl30), l(op30), l(op90), l(sess30), l(sess90), l(sessPrev),
		l(sup90), l(pur365), l(co30), lp, lpm, la, lam}
}

// auc of scores for labels, by the rank-sum formula.
func auc(score []float64, y []bool) float64 {
	idx := make([]int, len(score))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return score[idx[a]] < score[idx[b]] })
	var pos, neg, rs float64
	for r := 0; r < len(idx); {
		s := r
		for s < len(idx) && score[idx[s]] == score[idx[r]] {
			s++
		}
		avg := float64(r+s+1) / 2
		for k := r; k < s; k++ {
			if y[idx[k]] {
				rs += avg
				pos++
			} else {
				neg++
			}
		}
		r = s
	}
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	return (rs - pos*(pos+1)/2) / (pos * neg)
}

// logregAUC fits a logistic regression on the even rows and returns the AUC
// on the odd rows.
func logregAUC(X [][]float64, y []bool) float64 {
	d := len(X[0])
	mu, sd := make([]float64, d), make([]float64, d)
	for _, x := range X {
		for j, v := range x {
			mu[j] += v
		}
	}
	for j := range mu {
		mu[j] /= float64(len(X))
	}
	for _, x := range X {
		for j, v := range x {
			sd[j] += (v - mu[j]) * (v - mu[j])
		}
	}
	for j := range sd {
		sd[j] = math.Sqrt(sd[j]/float64(len(X))) + 1e-9
	}
	z := func(x []float64, j int) float64 { return (x[j] - mu[j]) / sd[j] }
	w := make([]float64, d+1)
	for it := 0; it < 300; it++ {
		g := make([]float64, d+1)
		n := 0.0
		for i := 0; i < len(X); i += 2 {
			s := w[d]
			for j := 0; j < d; j++ {
				s += w[j] * z(X[i], j)
			}
			p := 1 / (1 + math.Exp(-s))
			t := 0.0
			if y[i] {
				t = 1
			}
			for j := 0; j < d; j++ {
				g[j] += (p - t) * z(X[i], j)
			}
			g[d] += p - t
			n++
		}
		for j := range w {
			w[j] -= 0.5 * g[j] / n
		}
	}
	var sc []float64
	var yy []bool
	for i := 1; i < len(X); i += 2 {
		s := w[d]
		for j := 0; j < d; j++ {
			s += w[j] * z(X[i], j)
		}
		sc = append(sc, s)
		yy = append(yy, y[i])
	}
	return auc(sc, yy)
}

func labels(ps []profEvents, T time.Time) labelCounts {
	const day = 86400
	t := T.Unix()
	var c labelCounts
	var cX, hX [][]float64
	var cY, hY []bool
	for _, p := range ps {
		active, bought, future := false, false, false
		for i, ts := range p.ts {
			switch {
			case ts >= t-365*day && ts < t:
				active = true
				if p.typ[i] == Purchase {
					bought = true
				}
			case ts >= t && ts < t+30*day && p.typ[i] == Purchase:
				future = true
			}
		}
		if active {
			if future {
				c.convPos++
			} else {
				c.convNeg++
			}
			cX = append(cX, features(p, t))
			cY = append(cY, future)
		}
		if bought {
			if future {
				c.churnNeg++
			} else {
				c.churnPos++
			}
			hX = append(hX, features(p, t))
			hY = append(hY, !future)
		}
	}
	if len(cX) > 10 {
		c.convAUC = logregAUC(cX, cY)
	}
	if len(hX) > 10 {
		c.churnAUC = logregAUC(hX, hY)
	}
	return c
}

// TestStats prints label balance and the AUC of a simple logistic regression
// for a sample; it runs only with GEN_STATS=<profiles>.
func TestStats(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("GEN_STATS"))
	if n == 0 {
		t.Skip("set GEN_STATS=<profiles>")
	}
	ps := collect(t, Config{Profiles: n, Seed: 1})
	for _, d := range []string{"2024-06-01", "2024-09-01", "2024-10-02", "2024-11-01", "2024-12-01"} {
		T, _ := time.Parse(time.DateOnly, d)
		c := labels(ps, T)
		t.Logf("%s conv +%d -%d auc %.3f | churn +%d -%d auc %.3f", d, c.convPos, c.convNeg, c.convAUC, c.churnPos, c.churnNeg, c.churnAUC)
	}
	// churners: active before the last 60 days, silent since
	end := DefaultStart.AddDate(0, 0, 365).Unix()
	var churned, alive, silent, total int
	for _, p := range ps {
		total += len(p.ts)
		if len(p.ts) == 0 {
			silent++
			continue
		}
		if p.ts[len(p.ts)-1] < end-60*86400 {
			churned++
		} else {
			alive++
		}
	}
	t.Logf("profiles %d events %d (%.1f/profile): churned %d alive %d silent %d", n, total, float64(total)/float64(n), churned, alive, silent)
}
