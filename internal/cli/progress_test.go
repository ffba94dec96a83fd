package cli

import (
	"os"
	"path/filepath"
	"testing"
	"time"
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
