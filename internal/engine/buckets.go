package engine

import (
	"sync"

	"github.com/leakcheck/leakcheck/bloom"
)

// buckets holds one check worker's pending digests grouped by filter
// partition (a radix scatter on the partition number), so that tests run
// partition by partition: bloom.Filter.TestItems then finds a partition in
// the core's cache instead of paying a main-memory access for most of the k
// bits of every item. Each digest carries a tag for the caller: a row slot
// and index number. They are emptied all at once, so that a row's digests
// are tested together (build, which has no rows, shares its buckets between
// the workers and inserts each when full: see inserts).
type buckets struct {
	f    *bloom.Filter
	per  int // capacity of one bucket
	d    [][bloom.ItemSize]byte
	tag  []uint32
	n    []int32 // fill of each bucket
	full bool    // some bucket is full: flush before adding more
}

// bucketBudget is the number of pending digests (20 bytes each) all check
// workers together hold when their buckets are emptied, 2 Mi ≈ 40 MiB, and
// a worker at most half of it; the buckets' capacity is half as much again
// (bucketCap). With the 512 KiB partitions of bloom.Plan, a 144 MB filter
// (10 M records × 4 indexes at 1e-6) has 275 partitions, so with 2 workers
// each flush brings ~3800 digests to each partition.
const bucketBudget = 2 << 20

// bucketCap is the capacity of each of np buckets of one of nw workers: the
// budget shared out with half as much again as slack, but at most 8192
// digests per partition, and at least 128 (room for two check rows of
// maxRowProbes). The slack is there because the buckets are emptied when the
// first of them is nearly full, and digests fall into them at random: with
// 2757 partitions (a 1.35 GiB filter) and no slack, the fullest bucket
// reaches its capacity when the mean is at ~70 % of it, so each partition
// was warmed for ~260 tests; with it, ~380 (the pending-rows limit, 1 Mi
// digests a worker on 4 indexes, comes first). Below a few hundred digests
// per partition a flush no longer pays for bringing the partition into the
// cache (bloom.TestItems then probes it at random); with 2 workers that
// happens for filters over ~2 GiB. Over 4 GiB the floor of 128 makes the
// buckets grow with the filter: 0.5 % of its size per worker.
func bucketCap(np, nw int) int {
	if np == 1 {
		return 4096 // one partition: nothing to sort, only batching
	}
	perWorker := min(bucketBudget/max(nw, 1), bucketBudget/2)
	return min(max(perWorker/np*3/2, 2*maxRowProbes), 8192)
}

func newBuckets(f *bloom.Filter, workers int) *buckets {
	np := f.Partitions()
	per := bucketCap(np, workers)
	return &buckets{
		f:   f,
		per: per,
		d:   hugeSlice[[bloom.ItemSize]byte](np * per),
		tag: hugeSlice[uint32](np * per),
		n:   make([]int32, np),
	}
}

// add queues one digest. Once a bucket has fewer than maxRowProbes free
// places, b.full is set: the caller must flush before it starts another row
// (so a check row's digests are never split by a flush).
func (b *buckets) add(d *[bloom.ItemSize]byte, tag uint32) {
	p := b.f.PartitionOf(d[:])
	i := p*b.per + int(b.n[p])
	b.d[i] = *d
	b.tag[i] = tag
	b.n[p]++
	if int(b.n[p]) >= b.per-maxRowProbes {
		b.full = true
	}
}

// each calls fn with every non-empty bucket, in partition order, and empties
// them.
func (b *buckets) each(fn func(p int, d [][bloom.ItemSize]byte, tag []uint32)) {
	for p, n := range b.n {
		if n == 0 {
			continue
		}
		lo := p * b.per
		fn(p, b.d[lo:lo+int(n)], b.tag[lo:lo+int(n)])
		b.n[p] = 0
	}
	b.full = false
}

// inserts is the build side's grouping, shared by the workers of one build:
// one bucket per filter partition, filled by every worker, each inserted
// into the filter (bloom.Filter.AddItems) on its own as soon as it is full.
//
// Inserting a bucket costs a fixed price (warming its 512 KiB partition
// into the cache) plus a little per digest, so what matters is how many
// digests a bucket holds when it is inserted. Per-worker buckets emptied all
// at once, as check's are (a row's digests must be tested together), hold a
// worker's share of the budget, and less on average since the flush comes
// when the first of them fills: ~260 digests per partition of a 1.35 GiB
// filter (2757 partitions, 100 M records on 4 indexes), against ~3500 for
// a 144 MB one, which made the large build's inserts cost 3–4 times as
// much per entry. Shared buckets inserted one at a time, when full, hold
// the whole budget: ~1100 digests per partition of the large filter, and
// the capacity cap for the smaller ones.
//
// A worker does not write into the shared buckets digest by digest (a lock
// each, and a cache miss each on the bucket's end): it stages stageSize
// digests per partition in a small area of its own (a few hundred KiB,
// which stays in the cache) and moves them into the shared bucket
// together, under the partition's lock.
//
// The worker that fills a bucket takes it out under that lock, leaving an
// empty one of its own in its place, and inserts it under the partition's
// second lock, that of its filter words: the other workers go on moving
// digests into the partition's bucket meanwhile instead of waiting for the
// insert (on 2 workers, 217-275 of 500,000 moves per 2 M rows found the
// lock held by an insert, and waited 0.6-2.2 s in all on the loaded
// machine).
type inserts struct {
	f   *bloom.Filter
	per int                      // capacity of one bucket, a multiple of stageSize
	mu  []sync.Mutex             // one per partition: its bucket
	fmu []sync.Mutex             // one per partition: its filter words
	d   [][][bloom.ItemSize]byte // each partition's bucket, per digests
	ix  [][]uint8                // index number of each digest
	n   []int32                  // fill of each bucket
}

// stageSize is the number of digests a worker stages per partition before
// it moves them into the shared bucket.
const stageSize = 16

// insertBudget is the number of digests (17 bytes each) the shared buckets
// hold at most, ~51 MiB; insertCap is the most one bucket holds, past which
// longer runs gain little (warming a 512 KiB partition then costs ~3 ns a
// digest).
const (
	insertBudget = 3 << 20
	insertCap    = 8192
)

// insertsPer is the capacity of each shared bucket of a filter of np
// partitions.
func insertsPer(np int) int {
	per := min(max(insertBudget/np, stageSize), insertCap)
	return per - per%stageSize
}

func newInserts(f *bloom.Filter) *inserts {
	np := f.Partitions()
	per := insertsPer(np)
	s := &inserts{
		f:   f,
		per: per,
		mu:  make([]sync.Mutex, np),
		fmu: make([]sync.Mutex, np),
		d:   make([][][bloom.ItemSize]byte, np),
		ix:  make([][]uint8, np),
		n:   make([]int32, np),
	}
	d, ix := hugeSlice[[bloom.ItemSize]byte](np*per), hugeSlice[uint8](np*per)
	for p := range np {
		s.d[p], s.ix[p] = d[p*per:(p+1)*per:(p+1)*per], ix[p*per:(p+1)*per:(p+1)*per]
	}
	return s
}

// stage is one worker's way into shared inserts: its staged digests, and the
// new entries it counted per index when it inserted a bucket (whoever fills
// a bucket inserts it, so the counts are only meaningful summed over the
// workers).
type stage struct {
	s          *inserts
	d          [][bloom.ItemSize]byte // stageSize per partition
	ix         []uint8
	n          []uint8
	isNew      []bool
	newEntries []uint64
	// spare is the empty bucket the worker leaves in place of a full one
	// it takes out to insert.
	spare   [][bloom.ItemSize]byte
	spareIx []uint8
}

func (s *inserts) stage(indexes int) *stage {
	np := len(s.n)
	return &stage{
		s:          s,
		d:          make([][bloom.ItemSize]byte, np*stageSize),
		ix:         make([]uint8, np*stageSize),
		n:          make([]uint8, np),
		isNew:      make([]bool, s.per),
		newEntries: make([]uint64, indexes),
		spare:      make([][bloom.ItemSize]byte, s.per),
		spareIx:    make([]uint8, s.per),
	}
}

// add queues the digest d of index ix.
func (w *stage) add(d *[bloom.ItemSize]byte, ix uint8) {
	p := w.s.f.PartitionOf(d[:])
	i := p*stageSize + int(w.n[p])
	w.d[i] = *d
	w.ix[i] = ix
	w.n[p]++
	if w.n[p] == stageSize {
		w.move(p, false)
	}
}

// move moves partition p's staged digests into its shared bucket, and
// inserts the bucket once it is full, or always when all is set.
func (w *stage) move(p int, all bool) {
	s, n := w.s, int(w.n[p])
	lo := p * stageSize
	s.mu[p].Lock()
	// During the run a bucket fills stageSize digests at a time, so it is
	// never over-full; the last, partial moves are inserted at once.
	end := int(s.n[p])
	copy(s.d[p][end:end+n], w.d[lo:lo+n])
	copy(s.ix[p][end:end+n], w.ix[lo:lo+n])
	s.n[p] += int32(n)
	var full [][bloom.ItemSize]byte
	var fullIx []uint8
	if all || int(s.n[p]) == s.per {
		full, fullIx = s.d[p][:s.n[p]], s.ix[p]
		s.d[p], s.ix[p], s.n[p] = w.spare, w.spareIx, 0
	}
	s.mu[p].Unlock()
	w.n[p] = 0
	if full != nil {
		w.insert(p, full, fullIx)
		w.spare, w.spareIx = full[:cap(full)], fullIx
	}
}

// insert inserts d, a bucket of partition p taken out of the shared ones,
// into the filter.
func (w *stage) insert(p int, d [][bloom.ItemSize]byte, ix []uint8) {
	if len(d) == 0 {
		return
	}
	isNew := w.isNew[:len(d)]
	w.s.fmu[p].Lock()
	w.s.f.AddItems(p, d, isNew)
	w.s.fmu[p].Unlock()
	for i, fresh := range isNew {
		if fresh {
			w.newEntries[ix[i]]++
		}
	}
}

// finish moves the worker's staged digests and inserts every bucket (the
// other workers' digests too: whichever worker finishes last leaves none
// behind).
func (w *stage) finish() error {
	for p := range w.n {
		w.move(p, true)
	}
	return nil
}
