package records

import (
	"bytes"
	"encoding/csv"
	"io"
	"os"
	"syscall"
	"testing"
	"time"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestZZCPU(t *testing.T) {
	if os.Getenv("CPUBENCH") == "" {
		t.Skip()
	}
	for _, quoted := range []bool{false, true} {
		in := benchInput(benchRecords, quoted)
		run := func(name string, f func(io.Reader) int) {
			best := 0.0
			for range 7 {
				c0 := cpuTime()
				n := 0
				for range 10 {
					n += f(bytes.NewReader(in))
				}
				d := (cpuTime() - c0).Seconds()
				if r := float64(n) / d; r > best {
					best = r
				}
			}
			t.Logf("quoted=%v %-12s %6.2f M records/cpu-s  %6.0f MB/cpu-s", quoted, name, best/1e6, best*float64(len(in))/float64(benchRecords)/1e6)
		}
		run("records", readDelimited(t))
		run("count", func(r io.Reader) int {
			d, _ := newDelimited(r, "x", Options{})
			n, _ := d.count()
			return int(n)
		})
		run("encoding/csv", func(r io.Reader) int {
			cr := csv.NewReader(r)
			cr.ReuseRecord = true
			n := 0
			for {
				if _, err := cr.Read(); err != nil {
					return n - 1
				}
				n++
			}
		})
	}
}
