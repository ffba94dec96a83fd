package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/leakcheck/leakcheck/internal/report"
)

// TestProgressThrottled: the progress bar redraws at most about ten times a
// second however often the engine reports (once per batch of 4096 rows, so
// ~250 times a second at 1 M rows/s). What a report costs is measured by
// BenchmarkProgressAdvance, not asserted here: a timed unit test fails on a
// loaded machine. Sizes past 4 GiB and row counts past 2^31 work.
func TestProgressThrottled(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := &bar{out: f}
	const total = 500 << 30 // a 500 GiB input
	b.Start(total)
	const reports = 200_000
	start := time.Now()
	for i := range reports {
		b.Advance(total/reports, 4096)
		if i == reports/2 {
			time.Sleep(150 * time.Millisecond) // one redraw is due
		}
	}
	elapsed := time.Since(start) - 150*time.Millisecond
	st, _ := f.Stat()
	t.Logf("%d reports in %v, %d bytes drawn", reports, elapsed, st.Size())
	// Redraws are throttled to one per 100 ms: a few hundred bytes each.
	if limit := int64(elapsed/(100*time.Millisecond)+3) * 400; st.Size() > limit {
		t.Errorf("%d bytes drawn for %v of reports: not throttled", st.Size(), elapsed)
	}
	if b.rows != reports*4096 {
		t.Errorf("rows %d", b.rows)
	}
	b.Finish()
}

func BenchmarkProgressAdvance(b *testing.B) {
	f, err := os.Create(filepath.Join(b.TempDir(), "stderr"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	p := &bar{out: f}
	p.Start(1 << 40)
	for b.Loop() {
		p.Advance(200_000, 4096)
	}
}

// TestStatusLines: with standard error not a terminal (a CI log), progress is
// a line every so often and a summary at the end, with digits grouped and
// an ETA in words.
func TestStatusLines(t *testing.T) {
	var b strings.Builder
	s := &statusLines{out: &b, every: time.Nanosecond}
	s.Start(1000)
	time.Sleep(2 * time.Millisecond)
	s.Advance(250, 1_500_000)
	s.Finish()
	s.Finish()
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("want a status line and a summary, got %q", b.String())
	}
	if !regexp.MustCompile(`^leakcheck: 1,500,000 rows, 250 bytes of 1000 bytes \(25%\), [0-9,]+ rows/s, ETA [0-9.]+m?s$`).MatchString(lines[0]) {
		t.Errorf("status line %q", lines[0])
	}
	if !regexp.MustCompile(`^leakcheck: read 1,500,000 rows \(250 bytes\) in [0-9.]+m?s \([0-9,]+ rows/s\)$`).MatchString(lines[1]) {
		t.Errorf("summary line %q", lines[1])
	}
	// No periodic lines with interval 0: the summary only.
	b.Reset()
	s = &statusLines{out: &b}
	s.Start(-1)
	s.Advance(10, 10)
	s.Finish()
	if strings.Count(b.String(), "\n") != 1 || !strings.HasPrefix(b.String(), "leakcheck: read 10 rows") {
		t.Errorf("interval 0: %q", b.String())
	}
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := report.Thousands(n); got != want {
			t.Errorf("report.Thousands(%d) = %q", n, got)
		}
	}
}
