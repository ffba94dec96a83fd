package cli

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/leakcheck/leakcheck/internal/engine"
	"github.com/leakcheck/leakcheck/internal/report"
)

// ProgressIntervalEnv names the variable that sets how often, in seconds,
// a status line is printed when standard error is not a terminal (a CI
// log); 0 turns the periodic lines off. The default is 10.
const ProgressIntervalEnv = "LEAKCHECK_PROGRESS_SECONDS"

// progress returns, unless quiet is set, a progress bar on stderr when
// stderr is a terminal, or else periodic status lines (CI logs); either ends
// with a summary line. Everything goes to stderr, so that --format json on
// stdout stays clean.
func (e *env) progress(quiet bool) engine.Progress {
	if quiet {
		return engine.NoProgress
	}
	f, ok := e.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		every := 10 * time.Second
		if v, err := strconv.ParseFloat(os.Getenv(ProgressIntervalEnv), 64); err == nil && v >= 0 {
			every = time.Duration(v * float64(time.Second))
		}
		return &statusLines{out: e.stderr, every: every}
	}
	return &bar{out: f}
}

type bar struct {
	out   *os.File
	mu    sync.Mutex
	pass  engine.Pass
	pb    *progressbar.ProgressBar
	rows  int64
	bytes int64
	total int64
	start time.Time
}

// statusLines reports progress as a line every so often, for logs.
type statusLines struct {
	out         io.Writer
	every       time.Duration // 0: no periodic lines, the summary only
	mu          sync.Mutex
	pass        engine.Pass
	total       int64
	rows, bytes int64
	start, last time.Time
	finished    bool
}

func (s *statusLines) Start(pass engine.Pass, total int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pass, s.total, s.rows, s.bytes, s.finished = pass, total, 0, 0, false
	s.start = time.Now()
	s.last = s.start
}

func (s *statusLines) Advance(bytes, rows int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rows += rows
	s.bytes += bytes
	if s.every <= 0 || time.Since(s.last) < s.every {
		return
	}
	if s.pass == engine.Counting && bytes == 0 {
		return // an input's rows counted: its line showed its bytes already
	}
	s.last = time.Now()
	took := time.Since(s.start)
	if s.pass == engine.Counting {
		fmt.Fprintf(s.out, "leakcheck: counting: %s\n", progressLine(0, s.bytes, s.total, took))
		return
	}
	fmt.Fprintf(s.out, "leakcheck: %s\n", progressLine(s.rows, s.bytes, s.total, took))
}

func (s *statusLines) Finish() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.finished {
		return
	}
	s.finished = true
	fmt.Fprintf(s.out, "leakcheck: %s\n", summaryLine(s.pass, s.rows, s.bytes, time.Since(s.start)))
}

// progressLine is one status line: "120,000 rows, 7.2 MiB of 60.0 MiB
// (12%), 48,000 rows/s, ETA 18s". A counting pass, whose rows are known only
// at the end of each input, shows its bytes: "counting: 1.2 GiB of 4.8 GiB
// (25%), 1.0 GiB/s, ETA 3s".
func progressLine(rows, bytes, total int64, took time.Duration) string {
	line := fmt.Sprintf("%s rows, %s", report.Thousands(rows), byteSize(bytes))
	if rows == 0 { // merge: filters, not rows
		line = byteSize(bytes)
	}
	if total > 0 {
		line += fmt.Sprintf(" of %s (%d%%)", byteSize(total), bytes*100/max(total, 1))
	}
	if r, ok := rate(rows, took); ok {
		line += fmt.Sprintf(", %s rows/s", report.Thousands(r))
	} else if r, ok := rate(bytes, took); ok && rows == 0 {
		line += fmt.Sprintf(", %s/s", byteSize(r))
	}
	if e, ok := eta(bytes, total, took); ok {
		line += ", " + e
	}
	return line
}

// summaryLine is the line that ends a pass: "read 2,000,000 rows (120.0 MiB)
// in 10.3s (194,174 rows/s)", or for build's counting pass "counted
// 2,000,000 rows (120.0 MiB) in 0.4s (…)"; for a pass over filters, not rows
// (merge), "read 37.0 MiB in 1.2s (30.8 MiB/s)". A rate is given only over a
// measurable time: bytes read in no time are not "32 TB/s".
func summaryLine(pass engine.Pass, rows, bytes int64, took time.Duration) string {
	verb := "read"
	if pass == engine.Counting {
		verb = "counted"
	}
	if rows == 0 && pass != engine.Counting {
		line := fmt.Sprintf("read %s in %s", byteSize(bytes), took.Round(100*time.Millisecond))
		if r, ok := rate(bytes, took); ok {
			line += fmt.Sprintf(" (%s/s)", byteSize(r))
		}
		return line
	}
	line := fmt.Sprintf("%s %s rows (%s) in %s", verb, report.Thousands(rows), byteSize(bytes), took.Round(100*time.Millisecond))
	if r, ok := rate(rows, took); ok {
		line += fmt.Sprintf(" (%s rows/s)", report.Thousands(r))
	}
	return line
}

// minRateTime is the shortest time a rate is computed over: below it, the
// clock's resolution and the first batch's timing make any rate noise.
const minRateTime = 100 * time.Millisecond

// rate is n per second over took, when took is long enough to tell.
func rate(n int64, took time.Duration) (int64, bool) {
	if took < minRateTime || n <= 0 {
		return 0, false
	}
	return int64(float64(n) / took.Seconds()), true
}

// eta is the time left at the rate so far, when it can be told: "ETA 3s".
func eta(bytes, total int64, took time.Duration) (string, bool) {
	if total <= 0 || bytes <= 0 || bytes >= total || took < time.Second {
		return "", false
	}
	left := time.Duration(float64(took) * float64(total-bytes) / float64(bytes))
	return "ETA " + left.Round(time.Second).String(), true
}

// barLine is the text beside the terminal's progress bar: "1.2M rows,
// 7.2 MiB of 60.0 MiB, 480.0k rows/s, ETA 18s" (merge: "12.0 MiB of
// 37.0 MiB, 30.0 MiB/s, ETA 1s"). progressbar's own counts, rate and
// "[5s:3s]" prediction are off: it rates bytes over any time, however short.
func barLine(rows, bytes, total int64, took time.Duration) string {
	var parts []string
	if rows > 0 {
		parts = append(parts, humanRows(rows)+" rows")
	}
	if total > 0 {
		parts = append(parts, byteSize(bytes)+" of "+byteSize(total))
	} else {
		parts = append(parts, byteSize(bytes))
	}
	if rows > 0 {
		if r, ok := rate(rows, took); ok {
			parts = append(parts, humanRows(r)+" rows/s")
		}
	} else if r, ok := rate(bytes, took); ok {
		parts = append(parts, byteSize(r)+"/s")
	}
	if e, ok := eta(bytes, total, took); ok {
		parts = append(parts, e)
	}
	return strings.Join(parts, ", ")
}

func (b *bar) Start(pass engine.Pass, total int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pass, b.rows, b.bytes, b.total, b.start = pass, 0, 0, total, time.Now()
	desc := "reading"
	if pass == engine.Counting {
		desc = "counting"
	}
	b.pb = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(b.out),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionSetPredictTime(false),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionFullWidth(),
	)
}

func (b *bar) Advance(bytes, rows int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rows += rows
	b.bytes += bytes
	if b.pass == engine.Counting { // rows are known at the end of each input
		b.pb.Describe("counting: " + barLine(0, b.bytes, b.total, time.Since(b.start)))
	} else {
		b.pb.Describe(barLine(b.rows, b.bytes, b.total, time.Since(b.start)))
	}
	b.pb.Add64(bytes)
}

func (b *bar) Finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pb.Finish() // clears the bar; the summary line stays
	if b.rows > 0 {
		fmt.Fprintf(b.out, "leakcheck: %s\n", summaryLine(b.pass, b.rows, b.bytes, time.Since(b.start)))
	}
}

func humanRows(n int64) string {
	switch {
	case n >= 1e6:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1fk", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}
