package gen

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

var small = Config{Profiles: 300, Seed: 7, Start: DefaultStart, Days: 365}

// run generates cfg and returns its profiles and events.
func run(t testing.TB, cfg Config) ([]Profile, []Event) {
	t.Helper()
	var ps []Profile
	var es []Event
	err := Generate(cfg, func(e Event) error {
		es = append(es, e)
		return nil
	}, func(p Profile) error {
		ps = append(ps, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ps, es
}

func TestDeterministic(t *testing.T) {
	csv := func(cfg Config) (string, string) {
		var e, p bytes.Buffer
		if err := WriteCSVTo(cfg, &e, &p); err != nil {
			t.Fatal(err)
		}
		return e.String(), p.String()
	}
	e1, p1 := csv(small)
	e2, p2 := csv(small)
	if e1 != e2 || p1 != p2 {
		t.Fatal("two CSV runs with the same config differ")
	}
	other := small
	other.Seed++
	if e3, _ := csv(other); e3 == e1 {
		t.Fatal("a different seed gave the same events")
	}

	var j1, j2, q bytes.Buffer
	if err := WriteJSONTo(small, &j1, &q); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSONTo(small, &j2, &q); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(j1.Bytes(), j2.Bytes()) {
		t.Fatal("two JSON runs differ")
	}

	cfg := small
	cfg.Profiles = 100
	d1, d2 := t.TempDir(), t.TempDir()
	for _, d := range []string{d1, d2} {
		if err := WriteParquet(cfg, d, WithFiles(2), WithBatchRows(1000)); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"events-000.parquet", "events-001.parquet", "profiles.parquet"} {
		a, err1 := os.ReadFile(filepath.Join(d1, name))
		b, err2 := os.ReadFile(filepath.Join(d2, name))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !bytes.Equal(a, b) {
			t.Fatalf("%s differs between two runs", name)
		}
	}
}

// Profile i is the same person whatever the number of profiles.
func TestProfilesIndependentOfCount(t *testing.T) {
	cfg := small
	cfg.Profiles = 50
	p1, e1 := run(t, cfg)
	cfg.Profiles = 80
	p2, e2 := run(t, cfg)
	for i := range p1 {
		if p1[i] != p2[i] {
			t.Fatalf("profile %d differs: %+v vs %+v", i, p1[i], p2[i])
		}
	}
	for i := range e1 {
		if e1[i] != e2[i] {
			t.Fatalf("event %d differs", i)
		}
	}
}

func TestEventCounts(t *testing.T) {
	ps, es := run(t, small)
	if len(ps) != small.Profiles {
		t.Fatalf("got %d profiles", len(ps))
	}
	per := map[string]int{}
	types := map[string]int{}
	for _, e := range es {
		per[e.ProfileID]++
		types[e.EventType]++
	}
	mean := float64(len(es)) / float64(len(ps))
	if mean < 40 || mean > 250 {
		t.Errorf("mean events per profile %.1f, want 40..250", mean)
	}
	silent := 0
	for _, p := range ps {
		n := per[p.ProfileID]
		if n == 0 {
			silent++
		}
		if n > 2500 {
			t.Errorf("profile %s has %d events", p.ProfileID, n)
		}
	}
	if silent > len(ps)/8 {
		t.Errorf("%d of %d profiles have no events", silent, len(ps))
	}
	for _, typ := range EventTypes {
		if types[typ] == 0 {
			t.Errorf("no %s events", typ)
		}
	}
	if len(types) != len(EventTypes) {
		t.Errorf("unexpected event types: %v", types)
	}
	// funnel
	if !(types[Purchase] <= types[Checkout] && types[Checkout] <= types[CartAdd] && types[CartAdd] <= types[ProductView]) {
		t.Errorf("funnel out of order: %v", types)
	}
	if !(types[EmailClick] <= types[EmailOpen] && types[EmailOpen] <= types[EmailSent]) {
		t.Errorf("email funnel out of order: %v", types)
	}
	t.Logf("%d events, %.1f per profile: %v", len(es), mean, types)
}

func TestOrderAndBounds(t *testing.T) {
	ps, es := run(t, small)
	start, end := small.Start, small.End()
	if !end.Equal(start.AddDate(0, 0, 365)) {
		t.Fatalf("End = %v", end)
	}
	idx := map[string]int{}
	for i, p := range ps {
		idx[p.ProfileID] = i
		if p.ProfileID != ProfileID(i) {
			t.Fatalf("profile %d has id %s", i, p.ProfileID)
		}
		if p.Age < 18 || p.Age > 85 || p.Country == "" || p.Tier == "" || p.Device == "" {
			t.Fatalf("bad profile %+v", p)
		}
		if !p.SignupDate.Before(end) || p.SignupDate.Hour() != 0 {
			t.Fatalf("bad signup date %v", p.SignupDate)
		}
	}
	for i, e := range es {
		if e.Timestamp.Before(start) || !e.Timestamp.Before(end) {
			t.Fatalf("event %d at %v outside [%v, %v)", i, e.Timestamp, start, end)
		}
		if e.Timestamp.Nanosecond() != 0 || e.Timestamp.Location() != time.UTC {
			t.Fatalf("timestamp %v not whole UTC seconds", e.Timestamp)
		}
		signup := ps[idx[e.ProfileID]].SignupDate
		if e.Timestamp.Before(signup) {
			t.Fatalf("event %d of %s before signup %v", i, e.ProfileID, signup)
		}
		if (e.EventType == Purchase || e.EventType == CartAdd) != (e.Value > 0) {
			t.Fatalf("event %d: %s with value %v", i, e.EventType, e.Value)
		}
		if i == 0 {
			continue
		}
		prev := es[i-1]
		if prev.ProfileID == e.ProfileID {
			if e.Timestamp.Before(prev.Timestamp) {
				t.Fatalf("events of %s out of time order at %d", e.ProfileID, i)
			}
			if e.Seq != prev.Seq+1 {
				t.Fatalf("seq %d after %d", e.Seq, prev.Seq)
			}
		} else {
			if idx[e.ProfileID] < idx[prev.ProfileID] {
				t.Fatalf("profiles out of order at event %d", i)
			}
			if e.Seq != 0 {
				t.Fatalf("first event of %s has seq %d", e.ProfileID, e.Seq)
			}
		}
	}
}

func TestChurnersAndSeasonality(t *testing.T) {
	_, es := run(t, small)
	end := small.End()
	last := map[string]time.Time{}
	var order []string
	weekday, weekend := 0, 0
	var byMonth [13]int
	for _, e := range es {
		if _, ok := last[e.ProfileID]; !ok {
			order = append(order, e.ProfileID)
		}
		last[e.ProfileID] = e.Timestamp
		if e.EventType == SessionStart || e.EventType == AppLaunch {
			switch e.Timestamp.Weekday() {
			case time.Saturday, time.Sunday:
				weekend++
			default:
				weekday++
			}
			byMonth[e.Timestamp.Month()]++
		}
	}
	churned := 0
	for _, id := range order {
		if last[id].Before(end.AddDate(0, 0, -60)) {
			churned++
		}
	}
	if churned < small.Profiles/8 || len(order)-churned < small.Profiles/4 {
		t.Errorf("%d churned and %d active of %d profiles with events", churned, len(order)-churned, len(order))
	}
	if we, wd := float64(weekend)/2, float64(weekday)/5; we < 1.1*wd {
		t.Errorf("weekend sessions per day %.0f not above weekdays' %.0f", we, wd)
	}
	midYear := 0
	for m := 3; m <= 10; m++ {
		midYear += byMonth[m]
	}
	if hol := float64(byMonth[11]+byMonth[12]) / 2; hol < 1.2*float64(midYear)/8 {
		t.Errorf("Nov/Dec sessions per month %.0f not above March-October's %.0f", hol, float64(midYear)/8)
	}
	t.Logf("churned %d, active %d; weekend %d weekday %d; by month %v", churned, len(order)-churned, weekend, weekday, byMonth[1:])
}

// Conversion and churn are predictable, but not perfectly, from simple
// point-in-time features.
func TestPredictable(t *testing.T) {
	cfg := Config{Profiles: 2000, Seed: 3, Start: DefaultStart, Days: 365}
	ps := collect(t, cfg)
	c := labels(ps, time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC))
	t.Logf("%+v", c)
	if c.convPos < 200 || c.convNeg < 200 || c.churnPos < 200 || c.churnNeg < 200 {
		t.Errorf("unbalanced labels: %+v", c)
	}
	if c.convAUC < 0.65 || c.convAUC > 0.95 {
		t.Errorf("conversion AUC %.3f outside 0.65..0.95", c.convAUC)
	}
	if c.churnAUC < 0.6 || c.churnAUC > 0.95 {
		t.Errorf("churn AUC %.3f outside 0.6..0.95", c.churnAUC)
	}
}

func TestCSV(t *testing.T) {
	cfg := small
	cfg.Profiles = 40
	var e, p bytes.Buffer
	if err := WriteCSVTo(cfg, &e, &p); err != nil {
		t.Fatal(err)
	}
	_, es := run(t, cfg)
	lines := strings.Split(strings.TrimSuffix(e.String(), "\n"), "\n")
	if lines[0] != EventsCSVHeader || len(lines) != len(es)+1 {
		t.Fatalf("header %q, %d lines for %d events", lines[0], len(lines), len(es))
	}
	for i, l := range lines[1:] {
		f := strings.Split(l, ",")
		if len(f) != 7 {
			t.Fatalf("line %d: %q", i+2, l)
		}
		ts, err := time.Parse(time.RFC3339, f[1])
		if err != nil || !ts.Equal(es[i].Timestamp) || f[0] != es[i].ProfileID || f[2] != es[i].EventType {
			t.Fatalf("line %d: %q vs %+v", i+2, l, es[i])
		}
	}
	pl := strings.Split(strings.TrimSuffix(p.String(), "\n"), "\n")
	if pl[0] != ProfilesCSVHeader || len(pl) != cfg.Profiles+1 {
		t.Fatalf("profiles: header %q, %d lines", pl[0], len(pl))
	}
	if f := strings.Split(pl[1], ","); len(f) != 7 || len(f[3]) != 10 {
		t.Fatalf("profile line %q", pl[1])
	}
}

func TestJSON(t *testing.T) {
	cfg := small
	cfg.Profiles = 60
	var e, p bytes.Buffer
	if err := WriteJSONTo(cfg, &e, &p); err != nil {
		t.Fatal(err)
	}
	xdm := map[string]bool{}
	for _, typ := range EventTypes {
		xdm[XDMEventType(typ)] = true
	}
	seen := map[string]bool{}
	ids := map[string]bool{}
	sc := bufio.NewScanner(&e)
	n := 0
	for sc.Scan() {
		n++
		var ev struct {
			ID          string `json:"_id"`
			Timestamp   string `json:"timestamp"`
			EventType   string `json:"eventType"`
			IdentityMap struct {
				ECID string
			} `json:"identityMap"`
			Commerce *struct {
				Purchases *struct{ Value int } `json:"purchases"`
				Order     *struct {
					PriceTotal   float64 `json:"priceTotal"`
					CurrencyCode string  `json:"currencyCode"`
				} `json:"order"`
			} `json:"commerce"`
			ProductListItems []struct {
				SKU        string
				Quantity   int     `json:"quantity"`
				PriceTotal float64 `json:"priceTotal"`
			} `json:"productListItems"`
			DirectMarketing map[string]struct{ Value int } `json:"directMarketing"`
			Channel         struct {
				Type string `json:"_type"`
			} `json:"channel"`
		}
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("line %d: %v: %s", n, err, sc.Text())
		}
		if _, err := time.Parse(time.RFC3339, ev.Timestamp); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		if !xdm[ev.EventType] || ev.IdentityMap.ECID == "" || ev.Channel.Type == "" || ids[ev.ID] {
			t.Fatalf("line %d: %s", n, sc.Text())
		}
		ids[ev.ID] = true
		seen[ev.EventType] = true
		switch ev.EventType {
		case "commerce.purchases":
			if ev.Commerce == nil || ev.Commerce.Purchases == nil || ev.Commerce.Purchases.Value != 1 ||
				ev.Commerce.Order == nil || ev.Commerce.Order.PriceTotal <= 0 || ev.Commerce.Order.CurrencyCode != "USD" ||
				len(ev.ProductListItems) != 1 || ev.ProductListItems[0].SKU == "" || ev.ProductListItems[0].Quantity < 1 {
				t.Fatalf("bad purchase: %s", sc.Text())
			}
		case "commerce.productListAdds":
			if len(ev.ProductListItems) != 1 || ev.ProductListItems[0].PriceTotal <= 0 {
				t.Fatalf("bad cart add: %s", sc.Text())
			}
		case "directMarketing.emailSent":
			if ev.DirectMarketing["sends"].Value != 1 {
				t.Fatalf("bad email: %s", sc.Text())
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(seen) != len(EventTypes) {
		t.Errorf("saw event types %v", seen)
	}
	sc = bufio.NewScanner(&p)
	np := 0
	for sc.Scan() {
		np++
		var pr struct {
			IdentityMap struct{ ECID string }   `json:"identityMap"`
			Person      struct{ BirthYear int } `json:"person"`
			Loyalty     struct {
				Tier     string `json:"tier"`
				JoinDate string `json:"joinDate"`
			} `json:"loyalty"`
			Consents struct {
				Marketing struct {
					Email struct{ Val string } `json:"email"`
				} `json:"marketing"`
			} `json:"consents"`
		}
		if err := json.Unmarshal(sc.Bytes(), &pr); err != nil {
			t.Fatal(err)
		}
		if _, err := time.Parse(time.DateOnly, pr.Loyalty.JoinDate); err != nil || pr.IdentityMap.ECID != ProfileID(np-1) ||
			pr.Person.BirthYear < 1900 || pr.Loyalty.Tier == "" || (pr.Consents.Marketing.Email.Val != "y" && pr.Consents.Marketing.Email.Val != "n") {
			t.Fatalf("bad profile: %s", sc.Text())
		}
	}
	if np != cfg.Profiles {
		t.Fatalf("%d profile lines", np)
	}
}

func readParquet(t *testing.T, path string, mem memory.Allocator) arrow.Table {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rdr, err := file.NewParquetReader(f, file.WithReadProps(parquet.NewReaderProperties(mem)))
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Close()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{BatchSize: 4096}, mem)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

// sameFields compares names, types and nullability, not field metadata.
func sameFields(a, b *arrow.Schema) bool {
	if a.NumFields() != b.NumFields() {
		return false
	}
	for i, f := range a.Fields() {
		g := b.Field(i)
		if f.Name != g.Name || !arrow.TypeEqual(f.Type, g.Type) || f.Nullable != g.Nullable {
			return false
		}
	}
	return true
}

func TestParquet(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	cfg := small
	cfg.Profiles = 120
	dir := t.TempDir()
	if err := WriteParquet(cfg, dir, WithFiles(3), WithBatchRows(500), WithAllocator(mem)); err != nil {
		t.Fatal(err)
	}
	ps, es := run(t, cfg)

	var rows int64
	var purchases int
	var first []Event // first event of each file
	for _, name := range EventFileNames(3) {
		tbl := readParquet(t, filepath.Join(dir, name), mem)
		if !sameFields(tbl.Schema(), EventSchema) {
			tbl.Release()
			t.Fatalf("%s schema\n%v\nwant\n%v", name, tbl.Schema(), EventSchema)
		}
		if tbl.NumRows() > 0 {
			col := func(i int) arrow.Array { return tbl.Column(i).Data().Chunk(0) }
			e := Event{
				ProfileID: col(0).(*array.String).Value(0),
				Timestamp: col(1).(*array.Timestamp).Value(0).ToTime(arrow.Microsecond),
				EventType: col(2).(*array.String).Value(0),
				Channel:   col(4).(*array.String).Value(0),
			}
			if v := col(3).(*array.Float64); v.IsValid(0) {
				e.Value = v.Value(0)
			}
			first = append(first, e)
		}
		// value is null except for purchases and cart adds
		for _, ch := range tbl.Column(3).Data().Chunks() {
			purchases += ch.Len() - ch.NullN()
		}
		rows += tbl.NumRows()
		tbl.Release()
	}
	if rows != int64(len(es)) {
		t.Fatalf("parquet has %d event rows, generator %d", rows, len(es))
	}
	np := 0
	for _, e := range es {
		if e.EventType == Purchase || e.EventType == CartAdd {
			np++
		}
	}
	if purchases != np {
		t.Fatalf("%d non-null values, %d purchases and cart adds", purchases, np)
	}
	// the first event of each file is the first event of its profile range
	k := 0
	for f := 0; f < 3 && k < len(first); f++ {
		lo := f * cfg.Profiles / 3
		for _, e := range es {
			if e.ProfileID >= ProfileID(lo) {
				got := first[k]
				if got.ProfileID != e.ProfileID || !got.Timestamp.Equal(e.Timestamp) || got.EventType != e.EventType ||
					got.Channel != e.Channel || got.Value != e.Value {
					t.Fatalf("file %d starts with %+v, want %+v", f, got, e)
				}
				k++
				break
			}
		}
	}

	tbl := readParquet(t, filepath.Join(dir, "profiles.parquet"), mem)
	defer tbl.Release()
	if !sameFields(tbl.Schema(), ProfileSchema) {
		t.Fatalf("profiles schema\n%v\nwant\n%v", tbl.Schema(), ProfileSchema)
	}
	if tbl.NumRows() != int64(len(ps)) {
		t.Fatalf("%d profile rows", tbl.NumRows())
	}
	sd := tbl.Column(3).Data().Chunk(0).(*array.Date32).Value(5).ToTime()
	if !sd.Equal(ps[5].SignupDate) {
		t.Fatalf("signup date %v, want %v", sd, ps[5].SignupDate)
	}
}

func TestConfig(t *testing.T) {
	if err := Generate(Config{Profiles: -1}, nil, nil); err == nil {
		t.Error("negative profiles accepted")
	}
	c := Config{Profiles: 3}
	if !c.End().Equal(DefaultStart.AddDate(0, 0, 365)) {
		t.Errorf("default End %v", c.End())
	}
	n := 0
	if err := Generate(c, func(Event) error { n++; return nil }, nil); err != nil || n == 0 {
		t.Errorf("default config: %v, %d events", err, n)
	}
	if ProfileID(7) != "p000007" || ProfileID(1234567) != "p1234567" {
		t.Errorf("ProfileID: %s %s", ProfileID(7), ProfileID(1234567))
	}
	stop := errors.New("stop here")
	if err := Generate(c, func(Event) error { return stop }, nil); err != stop {
		t.Errorf("emit error not returned: %v", err)
	}
}
