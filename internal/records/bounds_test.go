package records

import (
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"
)

// peakHeap runs fn and returns the most heap memory its live and unswept
// objects took above what was live before, sampled every millisecond
// (runtime/metrics, which does not stop the world).
func peakHeap(fn func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	peak := base
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			if v := read(); v > peak {
				peak = v
			}
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	fn()
	close(done)
	<-stopped
	return peak - base
}

// TestXLSXEmptySharedStrings (issue 13, item 4): empty <si/> entries count
// against the shared string bound, which a small file cannot raise: 5 million
// of them (25 MB of XML, kilobytes compressed) are refused without the
// hundreds of megabytes their table would take.
func TestXLSXEmptySharedStrings(t *testing.T) {
	sheet := `<row r="1"><c r="A1" t="inlineStr"><is><t>phone</t></is></c></row><row r="2"><c r="A2" t="s"><v>0</v></c></row>`
	data := handXLSX(t, sheet, strings.Repeat("<si/>", 5_000_000), "", false)
	t.Logf("workbook: %d bytes", len(data))
	var err error
	n := peakHeap(func() { _, _, err = readXLSX(t, data, Options{}) })
	if err == nil || !strings.Contains(err.Error(), "shared string table needs more than") {
		t.Fatalf("err = %v, want the shared string bound", err)
	}
	if n > 64<<20 {
		t.Errorf("peak heap %d MB reading it, want under 64", n>>20)
	}
	// A real table well within the bound still reads.
	var si strings.Builder
	for i := range 20000 {
		si.WriteString("<si><t>value " + strings.Repeat("x", i%7) + "</t></si>")
	}
	cols, rows, err := readXLSX(t, handXLSX(t, sheet, si.String(), "", false), Options{})
	if err != nil || len(cols) != 1 || len(rows) != 1 || rows[0].Values[0] != "value " {
		t.Fatalf("real table: %q %v %v", cols, rows, err)
	}
}
