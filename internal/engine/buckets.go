package engine

import (
	"github.com/leakcheck/leakcheck/bloom"
)

// buckets holds one worker's pending digests grouped by filter partition
// (a radix scatter on the partition number), so that inserts and tests run
// partition by partition: bloom.Filter.AddItems and TestItems then find a
// partition in the core's cache instead of paying a main-memory access for
// most of the k bits of every item. Each digest carries a tag for the
// caller: the index number (build), or a row slot and index number (check).
type buckets struct {
	f    *bloom.Filter
	per  int // capacity of one bucket
	d    [][bloom.ItemSize]byte
	tag  []uint32
	n    []int32 // fill of each bucket
	full bool    // some bucket is full: flush before adding more
}

// bucketBudget is the number of pending digests (20 bytes each) all
// workers together hold at most, 2 Mi ≈ 40 MiB, and a worker at most half
// of it. With the 512 KiB partitions of bloom.Plan, a 144 MB filter (10 M
// records × 4 indexes at 1e-6) has 275 partitions, so with 2 workers each
// flush brings ~3800 digests to each partition.
const bucketBudget = 2 << 20

// bucketCap is the capacity of each of np buckets of one of nw workers: the
// budget shared out, but at most 8192 digests per partition, and at least
// 128 (room for two check rows of maxRowProbes). Below a few hundred digests
// per partition a flush no longer pays for bringing the partition into the
// cache (bloom.AddItems then probes it at random, as an unsorted insert
// would); with 2 workers that happens for filters over ~2 GiB. Over 4 GiB
// the floor of 128 makes the buckets grow with the filter: 0.5 % of its
// size per worker.
func bucketCap(np, nw int) int {
	if np == 1 {
		return 4096 // one partition: nothing to sort, only batching
	}
	perWorker := min(bucketBudget/max(nw, 1), bucketBudget/2)
	return min(max(perWorker/np, 2*maxRowProbes), 8192)
}

func newBuckets(f *bloom.Filter, workers int) *buckets {
	np := f.Partitions()
	per := bucketCap(np, workers)
	return &buckets{
		f:   f,
		per: per,
		d:   make([][bloom.ItemSize]byte, np*per),
		tag: make([]uint32, np*per),
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
