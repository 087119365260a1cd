package output

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Progress draws one updating line of progress ("\r" + step + counts) on
// a terminal. Its methods are safe for concurrent use, and do nothing on
// a nil *Progress, so a caller that stays quiet off a terminal can pass
// nil around.
type Progress struct {
	mu    sync.Mutex
	w     io.Writer
	width int
	every time.Duration
	drawn bool
	step  string
	last  time.Time
}

// NewProgress returns a Progress that draws on w (a terminal), lines cut
// to width characters (80 if width <= 0).
func NewProgress(w io.Writer, width int) *Progress {
	if width <= 0 {
		width = 80
	}
	return &Progress{w: w, width: width, every: 100 * time.Millisecond}
}

// Update redraws the line: step, then done and total when total is known
// ("loading events 1200 / 5000 (24%)"), else done alone. Redraws are
// limited to ten a second except when the step changes or completes.
func (p *Progress) Update(step string, done, total int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if step == p.step && now.Sub(p.last) < p.every && (total <= 0 || done < total) {
		return
	}
	p.step, p.last = step, now
	text := step
	switch {
	case total > 0:
		text += fmt.Sprintf(" %d / %d (%d%%)", done, total, done*100/total)
	case done > 0:
		text += fmt.Sprintf(" %d", done)
	}
	fmt.Fprint(p.w, "\r\x1b[K"+truncate(escapeControls(text), p.width-1))
	p.drawn = true
}

// Clear erases the line if one is drawn; call it before printing
// anything else and at the end.
func (p *Progress) Clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
		p.step = ""
	}
}
