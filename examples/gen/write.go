package gen

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Option tunes the Write functions.
type Option func(*options)

type options struct {
	files     int
	batchRows int
	mem       memory.Allocator
	prefix    string
	progress  func(profiles int, events int64)
}

func buildOptions(opts []Option) options {
	o := options{files: 1, batchRows: 64 * 1024}
	for _, f := range opts {
		f(&o)
	}
	if o.files < 1 {
		o.files = 1
	}
	if o.batchRows < 1 {
		o.batchRows = 64 * 1024
	}
	if o.mem == nil {
		o.mem = memory.NewGoAllocator()
	}
	return o
}

// WithFiles splits the Parquet events into n files events-000.parquet,
// events-001.parquet, ..., each holding a contiguous range of profiles
// (ignored by the CSV and JSON writers). n ≤ 1 writes a single
// events.parquet.
func WithFiles(n int) Option { return func(o *options) { o.files = n } }

// WithBatchRows sets the number of rows per Arrow record batch handed to the
// Parquet writer (default 65536).
func WithBatchRows(n int) Option { return func(o *options) { o.batchRows = n } }

// WithAllocator sets the Arrow allocator used by the Parquet writers
// (default memory.NewGoAllocator()).
func WithAllocator(mem memory.Allocator) Option { return func(o *options) { o.mem = mem } }

// WithPrefix puts prefix in front of the file names the Write functions
// create: WithPrefix("xdm_") makes WriteJSON write xdm_events.jsonl and
// xdm_profiles.jsonl.
func WithPrefix(prefix string) Option { return func(o *options) { o.prefix = prefix } }

// WithProgress sets a function called after every 1024 profiles and at the
// end with the number of profiles and events written so far.
func WithProgress(fn func(profiles int, events int64)) Option {
	return func(o *options) { o.progress = fn }
}

// counter tracks progress and calls the progress function.
type counter struct {
	fn       func(int, int64)
	profiles int
	events   int64
}

func (c *counter) profile() {
	c.profiles++
	if c.fn != nil && c.profiles%1024 == 0 {
		c.fn(c.profiles, c.events)
	}
}

func (c *counter) done() {
	if c.fn != nil {
		c.fn(c.profiles, c.events)
	}
}

// EventsCSVHeader is the header line of the events CSV (without newline).
const EventsCSVHeader = "profile_id,timestamp,event_type,value,channel,category,session_id"

// ProfilesCSVHeader is the header line of the profiles CSV (without newline).
const ProfilesCSVHeader = "profile_id,country,tier,signup_date,age,email_opt_in,device"

// AppendCSVEvent appends e as one CSV line (with newline) in the
// EventsCSVHeader column order. Value is empty when zero. Generated strings
// never need quoting.
func AppendCSVEvent(dst []byte, e Event) []byte {
	dst = append(dst, e.ProfileID...)
	dst = append(dst, ',')
	dst = e.Timestamp.UTC().AppendFormat(dst, time.RFC3339)
	dst = append(dst, ',')
	dst = append(dst, e.EventType...)
	dst = append(dst, ',')
	if e.Value != 0 {
		dst = strconv.AppendFloat(dst, e.Value, 'f', 2, 64)
	}
	dst = append(dst, ',')
	dst = append(dst, e.Channel...)
	dst = append(dst, ',')
	dst = append(dst, e.Category...)
	dst = append(dst, ',')
	dst = append(dst, e.SessionID...)
	return append(dst, '\n')
}

// AppendCSVProfile appends p as one CSV line (with newline) in the
// ProfilesCSVHeader column order.
func AppendCSVProfile(dst []byte, p Profile) []byte {
	dst = append(dst, p.ProfileID...)
	dst = append(dst, ',')
	dst = append(dst, p.Country...)
	dst = append(dst, ',')
	dst = append(dst, p.Tier...)
	dst = append(dst, ',')
	dst = p.SignupDate.UTC().AppendFormat(dst, time.DateOnly)
	dst = append(dst, ',')
	dst = strconv.AppendInt(dst, int64(p.Age), 10)
	dst = append(dst, ',')
	dst = strconv.AppendBool(dst, p.EmailOptIn)
	dst = append(dst, ',')
	dst = append(dst, p.Device...)
	return append(dst, '\n')
}

// xdmEventTypes maps event types to XDM eventType values.
var xdmEventTypes = [...][2]string{
	{SessionStart, "web.session"},
	{PageView, "web.webpagedetails.pageViews"},
	{ProductView, "commerce.productViews"},
	{CartAdd, "commerce.productListAdds"},
	{Checkout, "commerce.checkouts"},
	{Purchase, "commerce.purchases"},
	{EmailSent, "directMarketing.emailSent"},
	{EmailOpen, "directMarketing.emailOpened"},
	{EmailClick, "directMarketing.emailClicked"},
	{AppLaunch, "application.launch"},
	{SupportContact, "support.contact"},
}

// XDMEventType returns the XDM eventType used in the JSON output for one of
// the EventTypes (for example "commerce.purchases" for "purchase"), or t
// itself if it is not one of them.
func XDMEventType(t string) string {
	for _, m := range xdmEventTypes {
		if m[0] == t {
			return m[1]
		}
	}
	return t
}

// AppendXDMEvent appends e as one line of XDM ExperienceEvent-style JSON
// (with newline). Every event has
//
//	{"_id":"p000123-17","timestamp":"2024-03-01T10:00:00Z","eventType":"...","identityMap":{"ECID":"p000123"}, ... ,"channel":{"_type":"web"}}
//
// (identityMap.ECID is a plain string, not XDM's array of identity objects,
// so that it reads as a column). In between, depending on the type:
//
//	session_start    "web":{"session":{"starts":{"value":1}}}
//	page_view        "web":{"webPageDetails":{"name":"home"|<category>,"pageViews":{"value":1}}}
//	product_view     "commerce":{"productViews":{"value":1}},"productListItems":[{"SKU":"sku-app-012","quantity":1}]
//	cart_add         "commerce":{"productListAdds":{"value":1}},"productListItems":[{"SKU":...,"quantity":1,"priceTotal":34.99}]
//	checkout         "commerce":{"checkouts":{"value":1}},"productListItems":[{"SKU":<last item>,"quantity":<items>}]
//	purchase         "commerce":{"purchases":{"value":1},"order":{"purchaseID":"o-p000123-17","priceTotal":59.99,"currencyCode":"USD"}},"productListItems":[...]
//	email_sent       "directMarketing":{"sends":{"value":1}},"marketing":{"trackingCode":"cmp-20240305"}
//	email_open       "directMarketing":{"opens":{"value":1}},"marketing":{...}
//	email_click      "directMarketing":{"clicks":{"value":1}},"marketing":{...}
//	app_launch       "application":{"launches":{"value":1}}
//	support_contact  "support":{"contacts":{"value":1},"reason":"delivery"}
//
// Session events also carry the custom (tenant) fields
// "_cai":{"sessionID":"p000123-s4","category":"apparel"} (category only when
// there is one).
func AppendXDMEvent(dst []byte, e Event) []byte {
	dst = append(dst, `{"_id":"`...)
	dst = append(dst, e.ProfileID...)
	dst = append(dst, '-')
	dst = strconv.AppendInt(dst, int64(e.Seq), 10)
	dst = append(dst, `","timestamp":"`...)
	dst = e.Timestamp.UTC().AppendFormat(dst, time.RFC3339)
	dst = append(dst, `","eventType":"`...)
	dst = append(dst, XDMEventType(e.EventType)...)
	dst = append(dst, `","identityMap":{"ECID":"`...)
	dst = append(dst, e.ProfileID...)
	dst = append(dst, `"}`...)
	items := func(dst []byte) []byte {
		dst = append(dst, `,"productListItems":[{"SKU":"`...)
		dst = append(dst, e.SKU...)
		dst = append(dst, `","quantity":`...)
		dst = strconv.AppendInt(dst, int64(max(e.Quantity, 1)), 10)
		if e.EventType == CartAdd && e.Value != 0 {
			dst = append(dst, `,"priceTotal":`...)
			dst = strconv.AppendFloat(dst, e.Value, 'f', -1, 64)
		}
		return append(dst, `}]`...)
	}
	marketing := func(dst []byte) []byte {
		dst = append(dst, `,"marketing":{"trackingCode":"`...)
		dst = append(dst, e.Campaign...)
		return append(dst, `"}`...)
	}
	switch e.EventType {
	case SessionStart:
		dst = append(dst, `,"web":{"session":{"starts":{"value":1}}}`...)
	case PageView:
		dst = append(dst, `,"web":{"webPageDetails":{"name":"`...)
		if e.Category != "" {
			dst = append(dst, e.Category...)
		} else {
			dst = append(dst, "home"...)
		}
		dst = append(dst, `","pageViews":{"value":1}}}`...)
	case ProductView:
		dst = append(dst, `,"commerce":{"productViews":{"value":1}}`...)
		dst = items(dst)
	case CartAdd:
		dst = append(dst, `,"commerce":{"productListAdds":{"value":1}}`...)
		dst = items(dst)
	case Checkout:
		dst = append(dst, `,"commerce":{"checkouts":{"value":1}}`...)
		dst = items(dst)
	case Purchase:
		dst = append(dst, `,"commerce":{"purchases":{"value":1},"order":{"purchaseID":"o-`...)
		dst = append(dst, e.ProfileID...)
		dst = append(dst, '-')
		dst = strconv.AppendInt(dst, int64(e.Seq), 10)
		dst = append(dst, `","priceTotal":`...)
		dst = strconv.AppendFloat(dst, e.Value, 'f', -1, 64)
		dst = append(dst, `,"currencyCode":"USD"}}`...)
		dst = items(dst)
	case EmailSent:
		dst = append(dst, `,"directMarketing":{"sends":{"value":1}}`...)
		dst = marketing(dst)
	case EmailOpen:
		dst = append(dst, `,"directMarketing":{"opens":{"value":1}}`...)
		dst = marketing(dst)
	case EmailClick:
		dst = append(dst, `,"directMarketing":{"clicks":{"value":1}}`...)
		dst = marketing(dst)
	case AppLaunch:
		dst = append(dst, `,"application":{"launches":{"value":1}}`...)
	case SupportContact:
		dst = append(dst, `,"support":{"contacts":{"value":1},"reason":"`...)
		dst = append(dst, e.Category...)
		dst = append(dst, `"}`...)
	}
	dst = append(dst, `,"channel":{"_type":"`...)
	dst = append(dst, e.Channel...)
	dst = append(dst, `"}`...)
	if e.SessionID != "" {
		dst = append(dst, `,"_cai":{"sessionID":"`...)
		dst = append(dst, e.SessionID...)
		dst = append(dst, '"')
		if e.Category != "" {
			dst = append(dst, `,"category":"`...)
			dst = append(dst, e.Category...)
			dst = append(dst, '"')
		}
		dst = append(dst, '}')
	}
	return append(dst, "}\n"...)
}

// AppendXDMProfile appends p as one line of XDM Individual Profile-like JSON
// (with newline):
//
//	{"identityMap":{"ECID":"p000123"},"person":{"birthYear":1986},"homeAddress":{"countryCode":"US"},
//	 "loyalty":{"tier":"gold","joinDate":"2023-04-02"},"consents":{"marketing":{"email":{"val":"y"}}},
//	 "_cai":{"age":38,"device":"mobile"}}
//
// birthYear is start's year (Config.Start) minus Age; joinDate is
// SignupDate; consents.marketing.email.val is "y" or "n" for EmailOptIn.
// There is no "_id": identityMap.ECID is the only identity.
func AppendXDMProfile(dst []byte, p Profile, start time.Time) []byte {
	dst = append(dst, `{"identityMap":{"ECID":"`...)
	dst = append(dst, p.ProfileID...)
	dst = append(dst, `"},"person":{"birthYear":`...)
	dst = strconv.AppendInt(dst, int64(start.Year()-p.Age), 10)
	dst = append(dst, `},"homeAddress":{"countryCode":"`...)
	dst = append(dst, p.Country...)
	dst = append(dst, `"},"loyalty":{"tier":"`...)
	dst = append(dst, p.Tier...)
	dst = append(dst, `","joinDate":"`...)
	dst = p.SignupDate.UTC().AppendFormat(dst, time.DateOnly)
	dst = append(dst, `"},"consents":{"marketing":{"email":{"val":"`...)
	if p.EmailOptIn {
		dst = append(dst, 'y')
	} else {
		dst = append(dst, 'n')
	}
	dst = append(dst, `"}}},"_cai":{"age":`...)
	dst = strconv.AppendInt(dst, int64(p.Age), 10)
	dst = append(dst, `,"device":"`...)
	dst = append(dst, p.Device...)
	return append(dst, "\"}}\n"...)
}

// WriteCSVTo writes the events and profiles of cfg as CSV (with header
// lines) to the two writers.
func WriteCSVTo(cfg Config, events, profiles io.Writer, opts ...Option) error {
	return writeText(cfg, events, profiles, buildOptions(opts),
		EventsCSVHeader+"\n", ProfilesCSVHeader+"\n", AppendCSVEvent,
		func(dst []byte, p Profile, _ time.Time) []byte { return AppendCSVProfile(dst, p) })
}

// WriteJSONTo writes the events and profiles of cfg as XDM-style JSON lines
// (see AppendXDMEvent and AppendXDMProfile) to the two writers.
func WriteJSONTo(cfg Config, events, profiles io.Writer, opts ...Option) error {
	return writeText(cfg, events, profiles, buildOptions(opts), "", "", AppendXDMEvent, AppendXDMProfile)
}

func writeText(cfg Config, events, profiles io.Writer, o options, eh, ph string,
	fe func([]byte, Event) []byte, fp func([]byte, Profile, time.Time) []byte) error {
	ncfg, err := cfg.normalized()
	if err != nil {
		return err
	}
	ew := bufio.NewWriterSize(events, 1<<20)
	pw := bufio.NewWriterSize(profiles, 1<<16)
	if _, err := ew.WriteString(eh); err != nil {
		return err
	}
	if _, err := pw.WriteString(ph); err != nil {
		return err
	}
	c := counter{fn: o.progress}
	var buf []byte
	err = Generate(ncfg, func(e Event) error {
		c.events++
		buf = fe(buf[:0], e)
		_, err := ew.Write(buf)
		return err
	}, func(p Profile) error {
		c.profile()
		buf = fp(buf[:0], p, ncfg.Start)
		_, err := pw.Write(buf)
		return err
	})
	if err != nil {
		return err
	}
	c.done()
	if err := ew.Flush(); err != nil {
		return err
	}
	return pw.Flush()
}

// WriteCSV writes dir/events.csv and dir/profiles.csv (see WriteCSVTo),
// creating dir if needed. Options: WithPrefix, WithProgress.
func WriteCSV(cfg Config, dir string, opts ...Option) error {
	p := buildOptions(opts).prefix
	return writeFiles(dir, p+"events.csv", p+"profiles.csv", func(e, p io.Writer) error {
		return WriteCSVTo(cfg, e, p, opts...)
	})
}

// WriteJSON writes dir/events.jsonl and dir/profiles.jsonl (see WriteJSONTo),
// creating dir if needed. Options: WithPrefix, WithProgress.
func WriteJSON(cfg Config, dir string, opts ...Option) error {
	p := buildOptions(opts).prefix
	return writeFiles(dir, p+"events.jsonl", p+"profiles.jsonl", func(e, p io.Writer) error {
		return WriteJSONTo(cfg, e, p, opts...)
	})
}

func writeFiles(dir, events, profiles string, write func(e, p io.Writer) error) (err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	ef, err := os.Create(filepath.Join(dir, events))
	if err != nil {
		return err
	}
	defer closeInto(ef, &err)
	pf, err := os.Create(filepath.Join(dir, profiles))
	if err != nil {
		return err
	}
	defer closeInto(pf, &err)
	return write(ef, pf)
}

func closeInto(c io.Closer, err *error) {
	if cerr := c.Close(); cerr != nil && *err == nil {
		*err = fmt.Errorf("gen: %w", cerr)
	}
}
