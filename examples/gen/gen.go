package gen

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// Event types, as written in the event_type column of the CSV and Parquet
// output. The JSON output uses the XDM names returned by XDMEventType.
const (
	SessionStart   = "session_start"   // a web session begins (the web counterpart of AppLaunch)
	PageView       = "page_view"       // a page (or app screen) is viewed
	ProductView    = "product_view"    // a product detail page is viewed
	CartAdd        = "cart_add"        // a product is added to the cart; Value is its price
	Checkout       = "checkout"        // checkout is started with a non-empty cart
	Purchase       = "purchase"        // an order is placed; Value is the order total
	EmailSent      = "email_sent"      // a campaign email is sent to the profile
	EmailOpen      = "email_open"      // a campaign email is opened
	EmailClick     = "email_click"     // a link in a campaign email is clicked
	AppLaunch      = "app_launch"      // a session in the mobile app begins
	SupportContact = "support_contact" // the customer contacts support; Category is the reason
)

// EventTypes lists every event type the generator produces, in a fixed order.
var EventTypes = []string{
	SessionStart, PageView, ProductView, CartAdd, Checkout, Purchase,
	EmailSent, EmailOpen, EmailClick, AppLaunch, SupportContact,
}

// Channels an event can arrive through, as written in the channel column.
const (
	ChannelWeb   = "web"   // the web site, reached directly
	ChannelApp   = "app"   // the mobile app
	ChannelEmail = "email" // email events, and sessions started by an email click
	ChannelPhone = "phone" // support calls
	ChannelChat  = "chat"  // support chats
)

// Categories lists the product categories, in a fixed order.
var Categories = []string{"apparel", "electronics", "home", "beauty", "sports", "books", "toys", "grocery"}

var (
	catWeight    = []float64{0.20, 0.12, 0.14, 0.14, 0.10, 0.10, 0.08, 0.12}
	catBasePrice = []float64{35, 120, 60, 25, 50, 15, 30, 12}
	catPrefix    = []string{"app", "ele", "hom", "bea", "spo", "boo", "toy", "gro"}

	supportReasonsAfterOrder = []string{"delivery", "returns", "billing", "damaged"}
	supportReasonsOther      = []string{"account", "product", "billing", "website"}

	countries      = []string{"US", "GB", "DE", "FR", "CA", "AU", "ES", "IT", "NL", "JP"}
	countryWeights = []float64{0.40, 0.12, 0.10, 0.08, 0.07, 0.05, 0.05, 0.05, 0.04, 0.04}

	// relative session intensity by hour of day (UTC)
	hourWeights = []float64{1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 3, 3.5, 3.5, 3.8,
		4.5, 4.2, 3.8, 3.6, 3.8, 4.2, 5, 5.8, 6.2, 5.8, 4, 2}
	hourCum = cumulative(hourWeights)
	catCum  = cumulative(catWeight)
	ctyCum  = cumulative(countryWeights)
)

const skusPerCategory = 200

// skuNames[c][k] is the SKU string of product k of category c.
var skuNames = func() [][]string {
	out := make([][]string, len(Categories))
	for c := range out {
		out[c] = make([]string, skusPerCategory)
		for k := range out[c] {
			out[c][k] = fmt.Sprintf("sku-%s-%03d", catPrefix[c], k)
		}
	}
	return out
}()

// Config says what to generate.
type Config struct {
	// Profiles is the number of profiles (people). Profile i has the id
	// ProfileID(i).
	Profiles int
	// Seed selects the random world; the same Config gives the same output.
	Seed int64
	// Start is the beginning of the simulated period (normally midnight UTC);
	// the zero value means 2024-01-01T00:00:00Z.
	Start time.Time
	// Days is the length of the simulated period; 0 means 365. All event
	// timestamps fall in [Start, Start+Days*24h).
	Days int
}

// DefaultStart is the Start used when Config.Start is the zero time.
var DefaultStart = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// normalized returns c with defaults filled in, or an error if c is invalid.
func (c Config) normalized() (Config, error) {
	if c.Profiles < 0 {
		return c, fmt.Errorf("gen: negative profile count %d", c.Profiles)
	}
	if c.Days < 0 {
		return c, fmt.Errorf("gen: negative day count %d", c.Days)
	}
	if c.Days == 0 {
		c.Days = 365
	}
	if c.Start.IsZero() {
		c.Start = DefaultStart
	}
	c.Start = c.Start.UTC().Truncate(time.Second)
	return c, nil
}

// End returns the end of the simulated period (exclusive), with defaults
// applied: Start + Days*24h.
func (c Config) End() time.Time {
	n, err := c.normalized()
	if err != nil {
		return c.Start
	}
	return n.Start.Add(time.Duration(n.Days) * 24 * time.Hour)
}

// Event is one experience event.
type Event struct {
	// ProfileID identifies the person.
	ProfileID string
	// Seq numbers the events of one profile from 0 in time order; ProfileID
	// and Seq together identify the event (the XDM _id is ProfileID-Seq).
	Seq int
	// Timestamp is when the event happened, UTC, whole seconds.
	Timestamp time.Time
	// EventType is one of the EventTypes constants.
	EventType string
	// Value is the order total for purchases and the item price for cart
	// adds (in USD), 0 for other events.
	Value float64
	// Channel is one of the Channel constants.
	Channel string
	// Category is the product category for product views, cart adds,
	// checkouts and purchases (the category of the last item added), the
	// browsed category for some page views, the contact reason for support
	// contacts, and empty otherwise.
	Category string
	// SessionID identifies the session for session events; empty for email
	// and support events.
	SessionID string
	// SKU is the product for product views and cart adds, and the last item
	// added for checkouts and purchases; empty otherwise.
	SKU string
	// Quantity is the number of items for cart adds (1), checkouts and
	// purchases; 0 otherwise.
	Quantity int
	// Campaign identifies the email campaign for email events.
	Campaign string
}

// Profile is one person's record.
type Profile struct {
	// ProfileID identifies the person.
	ProfileID string
	// Country is an ISO 3166 alpha-2 country code.
	Country string
	// Tier is the loyalty tier: bronze, silver, gold or platinum.
	Tier string
	// SignupDate is the day the person signed up (midnight UTC); it may lie
	// before Config.Start.
	SignupDate time.Time
	// Age in years at Config.Start.
	Age int
	// EmailOptIn says whether the person receives campaign emails.
	EmailOptIn bool
	// Device is the preferred device: mobile, desktop or tablet.
	Device string
}

// ProfileID returns the id of profile i: "p" and i with at least six digits.
func ProfileID(i int) string {
	s := strconv.Itoa(i)
	if len(s) < 6 {
		s = "000000"[len(s):] + s
	}
	return "p" + s
}

// errStop is used internally to end a profile's simulation at the end of the period.
var errStop = errors.New("stop")

// Generate simulates cfg.Profiles profiles in order. For each one it calls
// prof (if not nil) with the profile, then emit (if not nil) with each of its
// events in time order. It holds the state of one profile at a time, never
// the events. The first error returned by a callback stops generation and is
// returned.
func Generate(cfg Config, emit func(Event) error, prof func(Profile) error) error {
	g, err := newGenerator(cfg)
	if err != nil {
		return err
	}
	for i := 0; i < g.cfg.Profiles; i++ {
		if err := g.profile(i, emit, prof); err != nil {
			return err
		}
	}
	return nil
}

// generator holds what is shared by all profiles of one Config.
type generator struct {
	cfg   Config
	start int64 // unix seconds of Start
	end   int64 // unix seconds of End (exclusive)
	days  []dayInfo
	src   *rand.PCG
	r     *rand.Rand
	s     sim
}

// dayInfo describes one simulated day.
type dayInfo struct {
	start    int64   // unix seconds
	season   float64 // activity multiplier: weekday × time of year
	campaign string  // email campaign sent that day, or ""
}

func newGenerator(cfg Config) (*generator, error) {
	cfg, err := cfg.normalized()
	if err != nil {
		return nil, err
	}
	g := &generator{cfg: cfg, start: cfg.Start.Unix()}
	g.end = g.start + int64(cfg.Days)*86400
	g.days = make([]dayInfo, cfg.Days)
	for d := range g.days {
		ts := g.start + int64(d)*86400
		date := time.Unix(ts, 0).UTC()
		g.days[d] = dayInfo{start: ts, season: weekdayFactor(date) * yearFactor(date)}
		if isCampaignDay(date) {
			g.days[d].campaign = "cmp-" + date.Format("20060102")
		}
	}
	g.src = rand.NewPCG(0, 0)
	g.r = rand.New(g.src)
	return g, nil
}

func weekdayFactor(t time.Time) float64 {
	switch t.Weekday() {
	case time.Saturday:
		return 1.3
	case time.Sunday:
		return 1.25
	case time.Friday:
		return 1.0
	default:
		return 0.9
	}
}

// blackFriday returns the day after the fourth Thursday of November of year y.
func blackFriday(y int) time.Time {
	nov1 := time.Date(y, time.November, 1, 0, 0, 0, 0, time.UTC)
	off := (int(time.Thursday) - int(nov1.Weekday()) + 7) % 7
	return nov1.AddDate(0, 0, off+21+1)
}

func yearFactor(t time.Time) float64 {
	bf := blackFriday(t.Year())
	switch {
	case !t.Before(bf) && t.Before(bf.AddDate(0, 0, 4)): // Black Friday .. Cyber Monday
		return 2.0
	case t.Month() == time.November && t.Day() <= 20:
		return 1.15
	case t.Month() == time.November:
		return 1.3
	case t.Month() == time.December && t.Day() <= 22:
		return 1.45
	case t.Month() == time.December:
		return 0.9
	case t.Month() == time.January:
		return 0.9
	}
	return 1.0
}

func isCampaignDay(t time.Time) bool {
	if t.Weekday() == time.Tuesday {
		return true
	}
	if t.Weekday() == time.Friday {
		m, d := t.Month(), t.Day()
		return (m == time.November && d >= 15) || (m == time.December && d <= 20)
	}
	return false
}

// cartItem is one product in the cart.
type cartItem struct {
	cat, sku int
	price    float64
}

// task is something scheduled to happen to a profile.
type task struct {
	t        int64
	kind     uint8
	channel  string
	campaign string
}

const (
	taskSession = iota
	taskSend
	taskOpen
	taskSupport
)

const maxCart = 8

// sim is the state of the profile being simulated.
type sim struct {
	g    *generator
	r    *rand.Rand
	emit func(Event) error
	p    Profile
	id   string

	// traits
	browse    float64 // organic sessions per day
	buyRate   float64 // daily probability of entering a shopping episode
	priceSens float64 // 0..1
	openP     float64 // email open probability
	clickP    float64 // click probability given an open
	hazard    float64 // base daily churn hazard
	supportP  float64 // base daily support contact probability
	appShare  float64 // share of sessions in the app
	favCat    int

	// state
	seq        int
	sessions   int
	cursor     int64 // time of the last event
	firstDay   int   // first active day
	signupDay  int   // day of signup relative to Start (negative: before)
	inMarket   int   // days left in the buying phase of a shopping episode, 0 if none
	consider   int   // days left in the considering phase before buying, 0 if none
	cart       [maxCart]cartItem
	cartN      int
	cartDay    int
	lastCat    int
	lastSKU    int
	issues     float64 // decaying count of support contacts
	lastBuyDay int
	fadeStart  int // day dropping out started, -1 if not
	fadeLen    int
	fade       float64 // current activity multiplier (1 = normal)
	agenda     []task  // sorted by t
	err        error
}

func (g *generator) profile(i int, emit func(Event) error, prof func(Profile) error) error {
	g.src.Seed(uint64(g.cfg.Seed), uint64(i))
	s := &g.s
	*s = sim{g: g, r: g.r, emit: emit, agenda: s.agenda[:0]}
	s.id = ProfileID(i)
	active := s.traits()
	if prof != nil {
		if err := prof(s.p); err != nil {
			return err
		}
	}
	if !active {
		return nil
	}
	s.run()
	if s.err == errStop {
		return nil
	}
	return s.err
}

func cumulative(w []float64) []float64 {
	out := make([]float64, len(w))
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	acc := 0.0
	for i, x := range w {
		acc += x / sum
		out[i] = acc
	}
	out[len(out)-1] = 1
	return out
}

func pick(r *rand.Rand, cum []float64) int {
	u := r.Float64()
	for i, c := range cum {
		if u < c {
			return i
		}
	}
	return len(cum) - 1
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

// poisson draws from a Poisson distribution with mean lam by inversion,
// with one uniform draw; exp is only computed when the draw is not 0 for
// sure (P(0) = e^-lam ≥ 1-lam).
func poisson(r *rand.Rand, lam float64) int {
	u := r.Float64()
	if lam <= 0 || u < 1-lam {
		return 0
	}
	p := math.Exp(-lam)
	f := p
	k := 0
	for u >= f && k < 100 {
		k++
		p *= lam / float64(k)
		f += p
	}
	return k
}

// traits draws the profile's attributes and latent traits; it reports
// whether the profile is active at all during the period.
func (s *sim) traits() bool {
	r := s.r
	g := s.g
	zE, zB, zP, zR, zH := r.NormFloat64(), r.NormFloat64(), r.NormFloat64(), r.NormFloat64(), r.NormFloat64()

	age := int(clamp(math.Round(38+13*r.NormFloat64()), 18, 85))
	country := countries[pick(r, ctyCum)]
	var device string
	pMobile := clamp(0.6-0.008*float64(age-38), 0.2, 0.9)
	switch u := r.Float64(); {
	case u < pMobile:
		device = "mobile"
		s.appShare = 0.65
	case u < pMobile+(1-pMobile)*0.8:
		device = "desktop"
		s.appShare = 0.05
	default:
		device = "tablet"
		s.appShare = 0.3
	}
	if r.Float64() < 0.3 { // not every phone user installs the app
		s.appShare *= 0.2
	}
	optIn := r.Float64() < 0.4

	s.browse = 0.012 * math.Exp(0.7*zE)
	s.buyRate = 0.03 * math.Exp(0.7*zB+0.25*zE)
	s.priceSens = sigmoid(zP + 0.02*float64(38-age))
	s.openP = clamp(sigmoid(-0.9+1.0*zR+0.01*float64(age-38)), 0.01, 0.95)
	s.clickP = clamp(sigmoid(-1.5+0.8*zR), 0.01, 0.8)
	s.hazard = 0.0009 * math.Exp(0.8*zH-0.3*zE-0.25*zR-0.3*zB)
	s.supportP = 0.0008 * math.Exp(0.5*zH)
	s.favCat = pick(r, catCum)

	// signup: ~62% before the period (6% of them dormant), the rest during it
	var signupDay int
	dormant := false
	if r.Float64() < 0.62 {
		signupDay = -1 - r.IntN(3*365)
		dormant = r.Float64() < 0.06
	} else {
		signupDay = r.IntN(g.cfg.Days)
	}
	tenureYears := 0.0
	if signupDay < 0 {
		tenureYears = float64(-signupDay) / 365
	}
	score := zE + zB - 0.5*zP + 0.5*r.NormFloat64() + 0.4*tenureYears
	tier := "bronze"
	switch {
	case score > 2.2:
		tier = "platinum"
	case score > 1.1:
		tier = "gold"
	case score > 0:
		tier = "silver"
	}

	s.p = Profile{
		ProfileID:  s.id,
		Country:    country,
		Tier:       tier,
		SignupDate: time.Unix(g.start+int64(signupDay)*86400, 0).UTC().Truncate(24 * time.Hour),
		Age:        age,
		EmailOptIn: optIn,
		Device:     device,
	}
	s.firstDay = max(signupDay, 0)
	s.signupDay = signupDay
	s.lastBuyDay = -1000
	s.fadeStart = -1
	s.fade = 1
	s.lastCat = s.favCat
	s.cursor = g.start
	if signupDay < 0 {
		s.firstDay = 0
		// existing customers: some are mid-episode, some bought recently
		if r.Float64() < s.buyRate*8 {
			s.consider = 1 + r.IntN(8)
		}
		if r.Float64() < clamp(s.buyRate*20, 0, 0.8) {
			s.lastBuyDay = -1 - r.IntN(30)
		}
	} else {
		// a new signup starts with a welcome session, and often shopping
		d := g.days[signupDay]
		s.push(task{t: d.start + s.hourTime(), kind: taskSession, channel: ChannelWeb})
		if r.Float64() < 0.35 {
			s.inMarket = 2 + r.IntN(10)
		}
	}
	return !dormant
}

// hourTime returns a random offset into a day, following hourWeights.
func (s *sim) hourTime() int64 {
	h := pick(s.r, hourCum)
	return int64(h)*3600 + int64(s.r.IntN(3600))
}

// push inserts t into the agenda, keeping it sorted by time (stable).
func (s *sim) push(t task) {
	s.agenda = append(s.agenda, t)
	for i := len(s.agenda) - 1; i > 0 && s.agenda[i-1].t > t.t; i-- {
		s.agenda[i], s.agenda[i-1] = s.agenda[i-1], s.agenda[i]
	}
}

// ev emits one event at time t (moved forward to keep time order).
func (s *sim) ev(t int64, typ, channel, cat, session, sku string, qty int, value float64, campaign string) int64 {
	if s.err != nil {
		return t
	}
	if t < s.cursor {
		t = s.cursor
	}
	if t >= s.g.end {
		s.err = errStop
		return t
	}
	s.cursor = t
	if s.emit != nil {
		s.err = s.emit(Event{
			ProfileID: s.id, Seq: s.seq, Timestamp: time.Unix(t, 0).UTC(), EventType: typ,
			Value: value, Channel: channel, Category: cat, SessionID: session,
			SKU: sku, Quantity: qty, Campaign: campaign,
		})
	}
	s.seq++
	return t
}

// step is the time between two events of one session.
func (s *sim) step() int64 { return 8 + int64(s.r.ExpFloat64()*45) }

func (s *sim) run() {
	r := s.r
	g := s.g
	for d := s.firstDay; d < len(g.days) && s.err == nil; d++ {
		day := g.days[d]
		tenure := d - s.signupDay

		// dropping out
		if s.fadeStart >= 0 {
			k := d - s.fadeStart
			if k >= s.fadeLen {
				return // churned: nothing more, ever
			}
			s.fade = 1 - 0.9*float64(k)/float64(s.fadeLen)
		} else {
			h := s.hazard * (1 + 1.5*s.issues)
			if tenure < 60 {
				h *= 2.5
			}
			if d-s.lastBuyDay < 30 {
				h *= 0.5
			}
			if r.Float64() < h {
				s.fadeStart, s.fadeLen = d, 14+r.IntN(36)
			}
		}
		s.issues *= 0.985

		// shopping episodes
		switch {
		case s.inMarket > 0:
			s.inMarket--
		case s.consider > 0:
			s.consider--
			if s.consider == 0 && r.Float64() < 0.8*s.fade {
				s.startBuying()
			}
		case r.Float64() < s.buyRate*day.season*s.fade:
			if r.Float64() < 0.3 { // impulse
				s.startBuying()
			} else {
				s.consider = 2 + int(r.ExpFloat64()*6)
			}
		}
		if s.cartN > 0 && d-s.cartDay > 21 {
			s.cartN = 0
		}

		// organic sessions
		lam := s.browse
		if s.inMarket > 0 {
			lam += 0.6
		} else if s.consider > 0 {
			lam += 0.15
		}
		if tenure < 14 {
			lam *= 1.5
		}
		n := min(poisson(r, lam*day.season*s.fade), 5)
		for i := 0; i < n; i++ {
			ch := ChannelWeb
			if r.Float64() < s.appShare {
				ch = ChannelApp
			}
			s.push(task{t: day.start + s.hourTime(), kind: taskSession, channel: ch})
		}
		// email campaign
		if day.campaign != "" && s.p.EmailOptIn && d > s.signupDay {
			s.push(task{t: day.start + 9*3600 + int64(r.IntN(7200)), kind: taskSend, campaign: day.campaign})
		}
		// support
		ps := s.supportP
		if d-s.lastBuyDay <= 10 {
			ps += 0.012 * (0.5 + s.priceSens)
		}
		if r.Float64() < ps*s.fade {
			s.push(task{t: day.start + 8*3600 + int64(r.IntN(12*3600)), kind: taskSupport})
		}

		// run today's agenda
		dayEnd := day.start + 86400
		for len(s.agenda) > 0 && s.agenda[0].t < dayEnd && s.err == nil {
			t := s.agenda[0]
			copy(s.agenda, s.agenda[1:])
			s.agenda = s.agenda[:len(s.agenda)-1]
			s.do(t, d)
		}
	}
}

// do carries out one task on day d.
func (s *sim) do(t task, d int) {
	r := s.r
	start := max(t.t, s.cursor+1+int64(r.IntN(60)))
	switch t.kind {
	case taskSession:
		s.session(start, t.channel, d)
	case taskSend:
		s.ev(start, EmailSent, ChannelEmail, "", "", "", 0, 0, t.campaign)
		p := s.openP * s.fade
		if s.inMarket > 0 {
			p = math.Min(1, p*1.3)
		}
		if r.Float64() < p {
			delay := 60 + int64(r.ExpFloat64()*4*3600)
			s.push(task{t: start + min(delay, 72*3600), kind: taskOpen, campaign: t.campaign})
		}
	case taskOpen:
		s.ev(start, EmailOpen, ChannelEmail, "", "", "", 0, 0, t.campaign)
		p := s.clickP
		if s.inMarket > 0 {
			p = math.Min(1, p*1.8)
		}
		if r.Float64() < p {
			ct := s.ev(start+5+int64(r.IntN(180)), EmailClick, ChannelEmail, "", "", "", 0, 0, t.campaign)
			if s.inMarket == 0 && r.Float64() < 0.3 {
				s.startBuying()
			}
			s.session(ct+2+int64(r.IntN(30)), ChannelEmail, d)
		}
	case taskSupport:
		reasons := supportReasonsOther
		if d-s.lastBuyDay <= 10 {
			reasons = supportReasonsAfterOrder
		}
		ch := ChannelChat
		if r.Float64() < 0.4 {
			ch = ChannelPhone
		}
		s.ev(start, SupportContact, ch, reasons[r.IntN(len(reasons))], "", "", 0, 0, "")
		s.issues++
	}
}

// pickProduct chooses a category and a SKU to look at.
func (s *sim) pickProduct() (int, int) {
	r := s.r
	c := s.favCat
	if r.Float64() > 0.65 {
		c = pick(r, catCum)
	}
	u := r.Float64()
	return c, int(float64(skusPerCategory) * u * u)
}

// price of a product for this person, ending in .99.
func (s *sim) price(c int, season float64) float64 {
	base := catBasePrice[c] * math.Exp(0.5*s.r.NormFloat64()) * (1.4 - 0.8*s.priceSens)
	if season >= 1.3 { // holiday sales
		base *= 0.85
	}
	return math.Floor(math.Max(base, 1)) + 0.99
}

// session simulates one session starting at t on day d.
func (s *sim) session(t int64, channel string, d int) {
	r := s.r
	s.sessions++
	sid := s.id + "-s" + strconv.Itoa(s.sessions)
	first := SessionStart
	if channel == ChannelApp {
		first = AppLaunch
	}
	t = s.ev(t, first, channel, "", sid, "", 0, 0, "")
	intent := s.inMarket > 0
	season := s.g.days[d].season

	npv := poisson(r, 0.5) // 0: landed on a product page
	for i := 0; i < npv; i++ {
		cat := ""
		if r.Float64() < 0.5 {
			c, _ := s.pickProduct()
			cat = Categories[c]
		}
		t = s.ev(t+s.step(), PageView, channel, cat, sid, "", 0, 0, "")
	}
	lamProd, pCart := 0.3, 0.05
	switch {
	case intent:
		lamProd, pCart = 1.3, 0.7*(1.15-0.3*s.priceSens)
	case s.consider > 0:
		lamProd, pCart = 1.2, 0.08
	}
	nprod := poisson(r, lamProd)
	for i := 0; i < nprod; i++ {
		c, k := s.pickProduct()
		t = s.ev(t+s.step(), ProductView, channel, Categories[c], sid, skuNames[c][k], 0, 0, "")
		if r.Float64() < pCart {
			it := cartItem{cat: c, sku: k, price: s.price(c, season)}
			if s.cartN < maxCart {
				s.cart[s.cartN] = it
				s.cartN++
			} else {
				s.cart[maxCart-1] = it
			}
			s.cartDay, s.lastCat, s.lastSKU = d, c, k
			t = s.ev(t+s.step(), CartAdd, channel, Categories[c], sid, skuNames[c][k], 1, it.price, "")
		}
	}
	if s.cartN == 0 || s.err != nil {
		return
	}
	pCheck := 0.07
	if intent {
		pCheck = 0.85
	}
	if r.Float64() >= pCheck {
		return
	}
	cat, sku := Categories[s.lastCat], skuNames[s.lastCat][s.lastSKU]
	t = s.ev(t+s.step()*2, Checkout, channel, cat, sid, sku, s.cartN, 0, "")
	pBuy := 0.92 - 0.25*s.priceSens
	if season >= 1.3 {
		pBuy += 0.1 * s.priceSens
	}
	if r.Float64() >= pBuy {
		return
	}
	total := 0.0
	for _, it := range s.cart[:s.cartN] {
		total += it.price
	}
	total = math.Round(total*100) / 100
	s.ev(t+s.step()*2, Purchase, channel, cat, sid, sku, s.cartN, total, "")
	if s.err != nil {
		return
	}
	s.cartN = 0
	s.inMarket = 0
	s.consider = 0
	s.lastBuyDay = d
}

// startBuying starts the buying phase of a shopping episode.
func (s *sim) startBuying() {
	s.consider = 0
	s.inMarket = 1 + int(s.r.ExpFloat64()*2.5)
}
