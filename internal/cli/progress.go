package cli

import (
	"fmt"
	"os"
	"sync"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/leakcheck/leakcheck/internal/engine"
)

// progress returns a progress bar on stderr when stderr is a terminal and
// quiet is not set; otherwise a Progress that does nothing. The bar is
// always on stderr, so that --format json on stdout stays clean.
func (e *env) progress(quiet bool) engine.Progress {
	f, ok := e.stderr.(*os.File)
	if quiet || !ok || !term.IsTerminal(int(f.Fd())) {
		return engine.NoProgress
	}
	return &bar{out: f}
}

type bar struct {
	out  *os.File
	mu   sync.Mutex
	pb   *progressbar.ProgressBar
	rows int64
}

func (b *bar) Start(total int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pb = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(b.out),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetDescription("reading"),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(total > 0),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionFullWidth(),
	)
}

func (b *bar) Advance(bytes, rows int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rows += rows
	if b.rows > 0 { // merge reads filters, not rows: it keeps "reading"
		b.pb.Describe(humanRows(b.rows) + " rows")
	}
	b.pb.Add64(bytes)
}

func (b *bar) Finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pb.Finish()
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
