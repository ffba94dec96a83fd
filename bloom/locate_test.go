package bloom

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"

	bbloom "github.com/bits-and-blooms/bloom/v3"
)

// TestLocationsMatchBloomV3: the direct bit setting of locate.go gives
// exactly the bits bits-and-blooms/bloom/v3's Add gives, for random items and
// partition sizes (small, odd multiples of 64, the largest Plan makes, and
// over 2^32 bits so that "mod m" sees large quotients).
func TestLocationsMatchBloomV3(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	sizes := []uint64{64, 128, 640, 4160, 1 << 16, 3 * 64 * 1001, DefaultPartitionBits, DefaultPartitionBits - 64}
	for range 6 {
		sizes = append(sizes, (1+r.Uint64N(1<<22))*64)
	}
	for _, m := range sizes {
		for _, k := range []uint64{1, 2, 3, 7, 20, 33, 64} {
			words := make([]uint64, m/64)
			ref := bbloom.FromWithM(make([]uint64, m/64), uint(m), uint(k))
			d := newModulus(m)
			for range 300 {
				var it [ItemSize]byte
				binary.LittleEndian.PutUint64(it[:], r.Uint64())
				binary.LittleEndian.PutUint64(it[8:], r.Uint64())
				wasRef := ref.TestAndAdd(it[:])
				was := setBits(words, d, k, &it)
				if was != wasRef {
					t.Fatalf("m=%d k=%d: present %v, bloom/v3 says %v", m, k, was, wasRef)
				}
				if !testBits(words, d, k, &it) {
					t.Fatalf("m=%d k=%d: item added but not found", m, k)
				}
			}
			if !slices.Equal(words, ref.BitSet().Words()) {
				t.Fatalf("m=%d k=%d: bits differ from bloom/v3's", m, k)
			}
			// Absent items test the same way too.
			for range 300 {
				var it [ItemSize]byte
				binary.LittleEndian.PutUint64(it[:], r.Uint64())
				binary.LittleEndian.PutUint64(it[8:], r.Uint64())
				if testBits(words, d, k, &it) != ref.Test(it[:]) {
					t.Fatalf("m=%d k=%d: Test differs from bloom/v3", m, k)
				}
			}
		}
	}
}

func TestModulus(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		m := (1 + r.Uint64N(MaxPartitionBits/64)) * 64
		d := newModulus(m)
		for _, x := range []uint64{0, m - 1, m, m + 1, ^uint64(0), ^uint64(0) - m, r.Uint64(), r.Uint64() >> r.IntN(64)} {
			if got := d.mod(x); got != x%m {
				t.Fatalf("%d mod %d = %d, want %d", x, m, got, x%m)
			}
		}
	}
}

// TestAddItemsMatchesAdd: a partitioned filter filled through AddItems (the
// engine's path) equals one filled item by item through bloom/v3's
// TestAndAdd, bit for bit, and reports the same new items.
func TestAddItemsMatchesAdd(t *testing.T) {
	h := testHeader(t, 400_000, 1e-6)
	fast, err := New(h)
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := New(h)
	if fast.Partitions() < 2 {
		t.Fatalf("want a partitioned filter, got %d partition", fast.Partitions())
	}
	byPart := make([][][ItemSize]byte, fast.Partitions())
	for _, b := range items(3, 300_000) {
		var it [ItemSize]byte
		copy(it[:], b)
		p := fast.PartitionOf(b)
		byPart[p] = append(byPart[p], it, it) // every item twice: the second is not new
	}
	for p, its := range byPart {
		isNew := make([]bool, len(its))
		fast.AddItems(p, its, isNew)
		for i := range its {
			if want := !ref.parts[p].TestAndAdd(its[i][:]); isNew[i] != want {
				t.Fatalf("partition %d item %d: new=%v, bloom/v3 says %v", p, i, isNew[i], want)
			}
		}
		hit := make([]bool, len(its))
		fast.TestItems(p, its, hit)
		if slices.Contains(hit, false) {
			t.Fatalf("partition %d: an added item tests absent", p)
		}
	}
	for p := range fast.parts {
		if !slices.Equal(fast.parts[p].BitSet().Words(), ref.parts[p].BitSet().Words()) {
			t.Fatalf("partition %d differs from bloom/v3's", p)
		}
	}
}

// benchFilter returns a filter planned for n items at 1e-6 and 4n items
// spread over it, sorted by partition when sorted is set.
func benchFilter(b *testing.B, n uint64, sorted bool) (*Filter, [][ItemSize]byte, []int) {
	f, err := New(testHeader(b, n, 1e-6))
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(9, 9))
	its := make([][ItemSize]byte, 1<<20)
	for i := range its {
		binary.LittleEndian.PutUint64(its[i][:], r.Uint64())
		binary.LittleEndian.PutUint64(its[i][8:], r.Uint64())
	}
	if sorted {
		slices.SortFunc(its, func(a, c [ItemSize]byte) int {
			return f.PartitionOf(a[:]) - f.PartitionOf(c[:])
		})
	}
	parts := make([]int, len(its))
	for i := range its {
		parts[i] = f.PartitionOf(its[i][:])
	}
	return f, its, parts
}

// BenchmarkAdd inserts items into filters sized for 1 M entries (3.6 MB,
// inside the L3 cache) and 40 M entries (144 MB, far outside it), through
// bloom/v3 (TestAndAdd) and through the direct path, in random order and
// sorted by partition (runs of ~3800 items per 512 KiB partition).
func BenchmarkAdd(b *testing.B) {
	for _, n := range []uint64{1 << 20, 40 << 20} {
		for _, sorted := range []bool{false, true} {
			name := fmt.Sprintf("entries=%dM/sorted=%v", n>>20, sorted)
			b.Run(name+"/bloomv3", func(b *testing.B) {
				f, its, parts := benchFilter(b, n, sorted)
				i := 0
				for b.Loop() {
					f.parts[parts[i]].TestAndAdd(its[i][:])
					i = (i + 1) & (len(its) - 1)
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
			})
			b.Run(name+"/direct", func(b *testing.B) {
				f, its, parts := benchFilter(b, n, sorted)
				i := 0
				for b.Loop() {
					words, d, k := f.partition(parts[i])
					setBits(words, d, k, &its[i])
					i = (i + 1) & (len(its) - 1)
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
			})
		}
	}
}

// BenchmarkTest tests present and absent items in a full 40 M-entry filter.
func BenchmarkTest(b *testing.B) {
	const n = 40 << 20
	for _, present := range []bool{true, false} {
		for _, sorted := range []bool{false, true} {
			b.Run(fmt.Sprintf("present=%v/sorted=%v", present, sorted), func(b *testing.B) {
				f, its, parts := benchFilter(b, n, sorted)
				if present {
					for i := range its {
						f.AddTo(parts[i], its[i][:])
					}
				}
				i := 0
				for b.Loop() {
					words, d, k := f.partition(parts[i])
					testBits(words, d, k, &its[i])
					i = (i + 1) & (len(its) - 1)
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
			})
		}
	}
}

// BenchmarkAddRuns inserts 1 Mi items into a 40 M-entry filter (144 MB, 275
// partitions) the way the engine does: in chunks sorted by partition, one
// AddItems call per partition run. chunk/275 is the run length; "cold" is the
// same without warm (every probe a likely cache miss).
func BenchmarkAddRuns(b *testing.B) {
	for _, chunk := range []int{1 << 14, 1 << 16, 1 << 18, 1 << 20} {
		for _, cold := range []bool{true, false} {
			b.Run(fmt.Sprintf("chunk=%d/cold=%v", chunk, cold), func(b *testing.B) {
				f, its, _ := benchFilter(b, 40<<20, false)
				type run struct{ p, lo, hi int }
				var runs []run
				for lo := 0; lo < len(its); lo += chunk {
					c := its[lo : lo+chunk]
					slices.SortFunc(c, func(x, y [ItemSize]byte) int { return f.PartitionOf(x[:]) - f.PartitionOf(y[:]) })
					for i := lo; i < lo+chunk; {
						p, j := f.PartitionOf(its[i][:]), i
						for j < lo+chunk && f.PartitionOf(its[j][:]) == p {
							j++
						}
						runs = append(runs, run{p, i, j})
						i = j
					}
				}
				isNew := make([]bool, len(its))
				n := 0
				for b.Loop() {
					for _, r := range runs {
						if cold {
							words, d, k := f.partition(r.p)
							for i := r.lo; i < r.hi; i++ {
								setBits(words, d, k, &its[i])
							}
						} else {
							f.AddItems(r.p, its[r.lo:r.hi], isNew[r.lo:r.hi])
						}
					}
					n += len(its)
				}
				b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "items/s")
				b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(n), "ns/item")
			})
		}
	}
}

// BenchmarkAddScale inserts runs of items, each run into one partition (in
// partition order, as the engine's buckets give them), into filters planned
// for 40 M entries (144 MB, 275 partitions) and 400 M entries (1.35 GiB,
// 2757 partitions), warmed (AddItems) and cold (setBits alone), with and
// without huge pages. Run lengths are what the engine's buckets give a
// partition: a few hundred to 8192.
func BenchmarkAddScale(b *testing.B) {
	for _, n := range []uint64{40e6, 400e6} {
		for _, huge := range []bool{false, true} {
			hugePages = huge
			f, err := New(testHeader(b, n, 1e-6))
			hugePages = hugePagesAvailable
			if err != nil {
				b.Fatal(err)
			}
			np := uint64(f.Partitions())
			r := rand.New(rand.NewPCG(9, 9))
			its := make([][ItemSize]byte, 1<<22)
			for i := range its {
				binary.LittleEndian.PutUint64(its[i][:], r.Uint64())
				binary.LittleEndian.PutUint64(its[i][8:], r.Uint64())
			}
			for i := range its { // fault the pages in
				f.Add(its[i][:])
			}
			for _, run := range []int{256, 1024, 4096} {
				for _, mode := range []string{"warm", "cold"} {
					b.Run(fmt.Sprintf("entries=%dM/huge=%v/run=%d/%s", n/1e6, huge, run, mode), func(b *testing.B) {
						isNew := make([]bool, run)
						p, i := uint64(0), 0
						for b.Loop() {
							items := its[i : i+run]
							lo, _ := bits.Div64(p, 0, np)
							for j := range items { // make them belong to p
								binary.BigEndian.PutUint64(items[j][:], lo+binary.LittleEndian.Uint64(items[j][8:])%(^uint64(0)/np))
							}
							words, d, k := f.partition(int(p))
							switch mode {
							case "warm":
								f.AddItems(int(p), items, isNew)
							case "cold":
								for j := range items {
									setBits(words, d, k, &items[j])
								}
							}
							p = (p + 1) % np
							i = (i + run) % (len(its) - run)
						}
						b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*run), "ns/item")
					})
				}
			}
		}
	}
}
