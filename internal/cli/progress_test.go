package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/leakcheck/leakcheck/internal/engine"
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
	b.Start(engine.Reading, total)
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
	p.Start(engine.Reading, 1<<40)
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
	s.Start(engine.Reading, 1000)
	time.Sleep(2 * time.Millisecond)
	s.Advance(250, 1_500_000)
	s.Finish()
	s.Finish()
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("want a status line and a summary, got %q", b.String())
	}
	if !regexp.MustCompile(`^leakcheck: 1,500,000 rows, 250 bytes of 1000 bytes \(25%\)$`).MatchString(lines[0]) {
		t.Errorf("status line %q", lines[0])
	}
	if !regexp.MustCompile(`^leakcheck: read 1,500,000 rows \(250 bytes\) in [0-9.]+m?s$`).MatchString(lines[1]) {
		t.Errorf("summary line %q", lines[1])
	}
	// No periodic lines with interval 0: the summary only.
	b.Reset()
	s = &statusLines{out: &b}
	s.Start(engine.Reading, -1)
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

// TestStatusLinesCounting: build's counting pass is labelled as such, shows
// its bytes against the total (its rows are known only at the end of each
// input) and ends with "counted … rows"; the reading pass after it reads as
// before.
func TestStatusLinesCounting(t *testing.T) {
	var b strings.Builder
	s := &statusLines{out: &b, every: time.Nanosecond}
	s.Start(engine.Counting, 1000)
	time.Sleep(2 * time.Millisecond)
	s.Advance(250, 0)
	s.Advance(750, 0)
	s.Advance(0, 40)
	s.Finish()
	s.Start(engine.Reading, 1000)
	time.Sleep(2 * time.Millisecond)
	s.Advance(1000, 40)
	s.Finish()
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	want := []string{
		`^leakcheck: counting: 250 bytes of 1000 bytes \(25%\)$`,
		`^leakcheck: counting: 1000 bytes of 1000 bytes \(100%\)$`,
		`^leakcheck: counted 40 rows \(1000 bytes\) in [0-9.]+m?s$`,
		`^leakcheck: 40 rows, 1000 bytes of 1000 bytes \(100%\)$`,
		`^leakcheck: read 40 rows \(1000 bytes\) in [0-9.]+m?s$`,
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d: %q", len(lines), len(want), b.String())
	}
	for i, w := range want {
		if !regexp.MustCompile(w).MatchString(lines[i]) {
			t.Errorf("line %d: %q does not match %s", i, lines[i], w)
		}
	}
}

// TestBarCounting: on a terminal, the counting pass's bar is labelled
// "counting" and its summary line says "counted".
func TestBarCounting(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := &bar{out: f}
	b.Start(engine.Counting, 3<<20)
	b.Advance(1<<20, 0)
	time.Sleep(110 * time.Millisecond) // past the bar's throttle: a redraw is due
	b.Advance(2<<20, 0)
	b.Advance(0, 12_345)
	b.Finish()
	drawn, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(drawn), "counting: 3.0 MiB of 3.0 MiB") {
		t.Errorf("the bar is not labelled as counting: %q", drawn)
	}
	if !regexp.MustCompile(`leakcheck: counted 12,345 rows \(3\.0 MiB\) in [0-9.]+m?s`).Match(drawn) {
		t.Errorf("no counting summary: %q", drawn)
	}
}

// TestProgressWording: the lines' wording at given times. A rate needs
// 100 ms, an ETA a second: merge reads its filters in no time and must not
// claim "32 TB/s"; the terminal bar says "ETA 3s", not "[5s:3s]".
func TestProgressWording(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{progressLine(120_000, 7<<20, 60<<20, 2*time.Second), "120,000 rows, 7.0 MiB of 60.0 MiB (11%), 60,000 rows/s, ETA 15s"},
		{progressLine(120_000, 7<<20, -1, 2*time.Second), "120,000 rows, 7.0 MiB, 60,000 rows/s"},
		{progressLine(0, 20<<20, 40<<20, 2*time.Second), "20.0 MiB of 40.0 MiB (50%), 10.0 MiB/s, ETA 2s"},
		{progressLine(0, 20<<20, 40<<20, time.Millisecond), "20.0 MiB of 40.0 MiB (50%)"},
		{summaryLine(engine.Reading, 2_000_000, 120<<20, 10300*time.Millisecond), "read 2,000,000 rows (120.0 MiB) in 10.3s (194,174 rows/s)"},
		{summaryLine(engine.Counting, 100_000_000, 4850<<20, 4900*time.Millisecond), "counted 100,000,000 rows (4.7 GiB) in 4.9s (20,408,163 rows/s)"},
		{summaryLine(engine.Counting, 0, 0, time.Millisecond), "counted 0 rows (0 bytes) in 0s"},
		{summaryLine(engine.Reading, 0, 37<<20, 500*time.Microsecond), "read 37.0 MiB in 0s"},
		{summaryLine(engine.Reading, 0, 37<<20, 2*time.Second), "read 37.0 MiB in 2s (18.5 MiB/s)"},
		{barLine(1_200_000, 7<<20, 60<<20, 3*time.Second), "1.2M rows, 7.0 MiB of 60.0 MiB, 400.0k rows/s, ETA 23s"},
		{barLine(0, 37<<20, 37<<20, 10*time.Microsecond), "37.0 MiB of 37.0 MiB"},
		{barLine(5000, 1<<20, -1, 50*time.Millisecond), "5.0k rows, 1.0 MiB"},
	} {
		if c.got != c.want {
			t.Errorf("got  %q\nwant %q", c.got, c.want)
		}
	}
}

// TestBarNoAbsurdRate draws the bar as merge does (bytes, no rows, all in a
// moment) and checks that nothing on the terminal reads as a rate or a
// "[elapsed:left]" prediction.
func TestBarNoAbsurdRate(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := &bar{out: f}
	b.Start(engine.Reading, 37<<20)
	b.Advance(20<<20, 0)
	b.Advance(17<<20, 0)
	b.Finish()
	drawn, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`[0-9.]+ ?[KMGTP]i?B/s|\[[0-9]+s:[0-9]+s\]`).Match(drawn) {
		t.Errorf("the bar shows a rate or a prediction for reads that took no time: %q", drawn)
	}
}
