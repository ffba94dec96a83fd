//go:build unix

package engine

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"

	"github.com/leakcheck/leakcheck/bloom"
)

// benchFilterFor returns an empty filter planned for entries at 1e-6.
func benchFilterFor(b *testing.B, entries uint64) *bloom.Filter {
	b.Helper()
	p, err := bloom.Plan(entries, 1e-6)
	if err != nil {
		b.Fatal(err)
	}
	f, err := bloom.New(bloom.Header{Bloom: p})
	if err != nil {
		b.Fatal(err)
	}
	return f
}

// cpuTime returns the process's CPU time (user and system) in nanoseconds:
// on a machine shared with other work it varies less than the wall time.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// randomDigests returns n seeded random digests.
func randomDigests(n int, seed uint64) [][bloom.ItemSize]byte {
	r := rand.New(rand.NewPCG(seed, 7))
	d := make([][bloom.ItemSize]byte, n)
	for i := range d {
		binary.LittleEndian.PutUint64(d[i][:8], r.Uint64())
		binary.LittleEndian.PutUint64(d[i][8:], r.Uint64())
	}
	return d
}

// BenchmarkSinkScale feeds random digests through one build worker's sink
// (buckets sized for 2 workers, as a 2-core build has) into filters planned
// for 40 M entries (10 M records × 4 indexes: 144 MB, 275 partitions) and
// 400 M entries (100 M records: 1.35 GiB, 2757 partitions). Issue 15 wants
// the cost per entry of the large one within 15 % of the small one's.
func BenchmarkSinkScale(b *testing.B) {
	ds := randomDigests(1<<22, 1)
	for _, entries := range []uint64{40e6, 400e6} {
		b.Run(fmt.Sprintf("entries=%dM", entries/1e6), func(b *testing.B) {
			f := benchFilterFor(b, entries)
			for i := range ds { // fault the filter's pages in
				f.Add(ds[i][:])
			}
			s := newInserts(f).stage(4)
			i := 0
			cpu0 := cpuTime()
			for b.Loop() {
				s.add(&ds[i&(len(ds)-1)], uint8(i&3))
				i++
			}
			s.finish()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/entry")
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/entry")
		})
	}
}

// BenchmarkProbeScale tests digests that are all in the filter (the most
// work a check does: all k bits of each) through one worker's buckets,
// flushing them all at once as check does, in filters planned for 40 M and
// 400 M entries.
func BenchmarkProbeScale(b *testing.B) {
	ds := randomDigests(1<<22, 1)
	for _, entries := range []uint64{40e6, 400e6} {
		b.Run(fmt.Sprintf("entries=%dM", entries/1e6), func(b *testing.B) {
			f := benchFilterFor(b, entries)
			for i := range ds {
				f.Add(ds[i][:])
			}
			bk := newBuckets(f, 2)
			var hit []bool
			hits := 0
			flush := func() {
				bk.each(func(p int, d [][bloom.ItemSize]byte, tag []uint32) {
					if cap(hit) < len(d) {
						hit = make([]bool, bk.per)
					}
					h := hit[:len(d)]
					f.TestItems(p, d, h)
					for _, x := range h {
						if x {
							hits++
						}
					}
				})
			}
			i := 0
			cpu0 := cpuTime()
			for b.Loop() {
				if i&3 == 0 && bk.full {
					flush()
				}
				bk.add(&ds[i&(len(ds)-1)], uint32(i&3))
				i++
			}
			flush()
			if hits != b.N {
				b.Fatalf("%d of %d digests found", hits, b.N)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/entry")
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/entry")
		})
	}
}
