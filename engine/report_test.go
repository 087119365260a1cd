package engine

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// reportCharts are the charts of a report with a backtest, and the least
// number of data marks (rect, circle, or points of the curve path) each
// must hold.
var reportCharts = []struct {
	id    string
	rects int
	dots  int
	curve int // points of the path with class "curve"
}{
	{"chart-histogram", 5, 0, 0},
	{"chart-factors", 3, 0, 0},
	{"chart-roc", 0, 0, 5},
	{"chart-calibration", 0, 2, 2},
	{"chart-lift", 10, 0, 0},
	{"chart-gains", 0, 10, 11},
	{"chart-bucket-high", 1, 0, 0},
	{"chart-bucket-medium", 1, 0, 0},
	{"chart-bucket-low", 1, 0, 0},
	{"chart-backtest", 6, 0, 0},
}

func TestReport(t *testing.T) {
	dir := t.TempDir()
	e := openSmall(t, Options{AllowedDirs: []string{dir, "testdata"}})

	// Before any backtest, the report says how to run one.
	first := filepath.Join(dir, "first.html")
	msg := mustRun(t, e, fmt.Sprintf("REPORT buy TO '%s';", first))
	if !regexp.MustCompile(`^wrote report for buy to ` + regexp.QuoteMeta(first) + ` \(\d+ KB\)\n$`).MatchString(msg) {
		t.Fatalf("message %q", msg)
	}
	page := readFile(t, first)
	if !strings.Contains(page, "No backtest yet — run BACKTEST buy AS OF &#39;...&#39;") || strings.Contains(page, `id="chart-backtest"`) {
		t.Errorf("report without a backtest does not say so")
	}

	mustRun(t, e, "BACKTEST buy AS OF '2024-10-01';")
	path := filepath.Join(dir, "report.html")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil { // replaced atomically, mode kept
		t.Fatal(err)
	}
	mustRun(t, e, fmt.Sprintf("REPORT buy TO '%s';", path))
	page = readFile(t, path)
	checkReport(t, page)
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after replace: %v %v", fi.Mode(), err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range entries {
		if de.Name() != "first.html" && de.Name() != "report.html" {
			t.Errorf("left behind %s", de.Name())
		}
	}

	// The path is checked against AllowedDirs.
	out := runCase(e, "REPORT buy TO '/elsewhere/report.html';")
	if !strings.Contains(out, "error: ") || !strings.Contains(out, "not allowed") {
		t.Errorf("write outside the allowed directories: %s", out)
	}
	// An unwritable directory is a file error, not a crash.
	out = runCase(e, fmt.Sprintf("REPORT buy TO '%s';", filepath.Join(dir, "missing", "r.html")))
	if !strings.Contains(out, "error: ") {
		t.Errorf("write into a missing directory: %s", out)
	}

	t.Run("browser", func(t *testing.T) { checkInBrowser(t, path) })
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var (
	svgRE    = regexp.MustCompile(`(?s)<svg id="([^"]+)" class="chart"[^>]*>.*?</svg>`)
	curveRE  = regexp.MustCompile(`<path d="([^"]*)" class="curve"`)
	pointsRE = regexp.MustCompile(`[ML]-?\d`)
)

// checkReport checks a report's structure: self-contained, every chart
// present, well-formed and with data.
func checkReport(t *testing.T, page string) {
	t.Helper()
	if !strings.HasPrefix(page, "<!DOCTYPE html>") || !strings.HasSuffix(strings.TrimSpace(page), "</html>") {
		t.Errorf("not a complete HTML page")
	}
	for _, bad := range []string{"<script", "<link", "<img", "<iframe", " src=", " href=", "@import", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("report is not self-contained: has %q", bad)
		}
	}
	if n := strings.Count(page, "http"); n != strings.Count(page, `xmlns="http://www.w3.org/2000/svg"`) {
		t.Errorf("report mentions http other than the SVG namespace")
	}
	for _, want := range []string{"<h1>buy", "CREATE MODEL buy AS PREDICT CONVERSION", "AUC", "PR-AUC", "Log loss", "Brier",
		"Training snapshots", "Deciles", "Expected vs actual per bucket", "Top factors in the high bucket"} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	svgs := map[string]string{}
	for _, m := range svgRE.FindAllStringSubmatch(page, -1) {
		svgs[m[1]] = m[0]
	}
	for _, c := range reportCharts {
		svg, ok := svgs[c.id]
		if !ok {
			t.Errorf("chart %s missing", c.id)
			continue
		}
		if err := wellFormed(svg); err != nil {
			t.Errorf("chart %s is not well-formed XML: %v", c.id, err)
		}
		if n := strings.Count(svg, "<rect "); n < c.rects {
			t.Errorf("chart %s: %d rects, want >= %d", c.id, n, c.rects)
		}
		if n := strings.Count(svg, "<circle "); n < c.dots {
			t.Errorf("chart %s: %d circles, want >= %d", c.id, n, c.dots)
		}
		if c.curve > 0 {
			m := curveRE.FindStringSubmatch(svg)
			if m == nil {
				t.Errorf("chart %s: no curve", c.id)
			} else if n := len(pointsRE.FindAllString(m[1], -1)); n < c.curve {
				t.Errorf("chart %s: curve of %d points, want >= %d", c.id, n, c.curve)
			}
		}
		if strings.Contains(svg, "NaN") || strings.Contains(svg, "Inf") {
			t.Errorf("chart %s has NaN or Inf coordinates", c.id)
		}
	}
	if len(svgs) != len(reportCharts) {
		t.Errorf("report has %d charts, want %d", len(svgs), len(reportCharts))
	}
}

// wellFormed parses an SVG fragment as strict XML.
func wellFormed(svg string) error {
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// checkInBrowser renders the report in headless Chromium: every chart is
// in the DOM with child elements, and a screenshot is produced.
func checkInBrowser(t *testing.T, path string) {
	t.Helper()
	bin := "/usr/bin/chromium"
	if _, err := os.Stat(bin); err != nil {
		t.Skip("chromium is not installed (/usr/bin/chromium; apt-get install -y chromium): skipping the browser check of the report")
	}
	if testing.Short() {
		t.Skip("-short: skipping the browser check of the report")
	}
	tmp := t.TempDir()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir=" + filepath.Join(tmp, "profile")}
	run := func(extra ...string) []byte {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, append(append(append([]string{}, args...), extra...), "file://"+abs)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("chromium %v: %v\n%s", extra, err, lastLines(stderr.String(), 10))
		}
		return out
	}
	dom := string(run("--dump-dom"))
	for _, c := range reportCharts {
		i := strings.Index(dom, `<svg id="`+c.id+`"`)
		if i < 0 {
			t.Errorf("browser DOM lacks chart %s", c.id)
			continue
		}
		end := strings.Index(dom[i:], "</svg>")
		if end < 0 {
			t.Errorf("browser DOM: chart %s not closed", c.id)
			continue
		}
		svg := dom[i : i+end]
		if !strings.Contains(svg, "<rect") && !strings.Contains(svg, "<path") {
			t.Errorf("browser DOM: chart %s has no data elements", c.id)
		}
	}
	shot := filepath.Join(tmp, "report.png")
	run("--screenshot="+shot, "--window-size=1280,2400")
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 2400 {
		t.Errorf("screenshot is %v", b)
	}
	colours := map[[4]uint32]bool{}
	for y := 0; y < img.Bounds().Dy() && len(colours) < 20; y += 7 {
		for x := 0; x < img.Bounds().Dx(); x += 7 {
			r, g, b, a := img.At(x, y).RGBA()
			colours[[4]uint32{r, g, b, a}] = true
		}
	}
	if len(colours) < 20 {
		t.Errorf("screenshot looks blank (%d colours)", len(colours))
	}
	if out := os.Getenv("CAI_REPORT_SCREENSHOT"); out != "" { // keep it for a look
		if b, err := os.ReadFile(shot); err == nil {
			_ = os.WriteFile(out, b, 0o644)
		}
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func TestNiceTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		n      int
		want   string
	}{
		{0, 1, 5, "[0 0.2 0.4 0.6 0.8 1]"},
		{0, 1450, 4, "[0 500 1000]"},
		{0.33, 0.97, 6, "[0.4 0.6 0.8]"},
	} {
		var got []string
		for _, v := range niceTicks(c.lo, c.hi, c.n) {
			got = append(got, numTick(v))
		}
		if s := "[" + strings.Join(got, " ") + "]"; s != c.want {
			t.Errorf("niceTicks(%v, %v, %d) = %s, want %s", c.lo, c.hi, c.n, s, c.want)
		}
	}
	if probTick(-0.0000001) != "0" || pctTick(0.6000000000000001) != "60%" {
		t.Errorf("tick formatting: %q %q", probTick(-0.0000001), pctTick(0.6000000000000001))
	}
}
