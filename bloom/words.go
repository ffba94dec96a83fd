package bloom

import "runtime"

// hugePageSize is the size of a transparent huge page on the systems that
// have them (x86-64 and arm64 Linux with 4 KiB base pages).
const hugePageSize = 2 << 20

// region is the memory of a filter's partitions, allocated at once.
//
// A region of a few huge pages or more is, where the system allows it
// (mapHuge: Linux), mapped straight from the kernel rather than taken from
// Go's heap, aligned to hugePageSize and advised to be backed by transparent
// huge pages before its first byte is touched. A probe into a large filter
// then walks no page table (one TLB entry covers four 512 KiB partitions
// instead of 4 KiB of one), and the kernel maps it in 2 MiB faults instead
// of 4 KiB ones. Go's heap cannot promise that: an allocation that reuses
// any address the heap held before is cleared by the runtime first, which
// faults the whole region in with 4 KiB pages before it can be advised (5.8
// s of a 100 M-row build's 1.35 GiB filter, on one core, before the
// workers start). The mapping is returned to the kernel when the region is
// collected; a Filter keeps its region, so every method that reads or
// writes the words keeps the Filter alive to its end (runtime.KeepAlive).
type region struct {
	parts [][]uint64
	raw   []byte          // the mapping, nil for words in Go's heap
	unmap runtime.Cleanup // returns raw when the region is collected
}

// newRegion allocates the zeroed words of n partitions of per words each.
func newRegion(n int, per uint64) *region {
	total := uint64(n) * per
	r := &region{}
	var all []uint64
	if total*8 >= 4*hugePageSize && hugePages {
		if words, raw := mapHuge(total); words != nil {
			all, r.raw = words, raw
			r.unmap = runtime.AddCleanup(r, unmap, raw)
		}
	}
	if all == nil {
		all = make([]uint64, total)
	}
	r.parts = make([][]uint64, n)
	for i := range r.parts {
		r.parts[i] = all[uint64(i)*per : uint64(i+1)*per : uint64(i+1)*per]
	}
	return r
}

// release returns a mapped region's memory at once, for a region nothing
// uses any longer (a filter that failed to decode).
func (r *region) release() {
	if r.raw == nil {
		return
	}
	r.unmap.Stop()
	unmap(r.raw)
	r.raw, r.parts = nil, nil
}

// hugePages is whether newRegion maps large regions on huge pages (tests
// compare both ways).
var hugePages = hugePagesAvailable

// HeapBytes reports how many bytes of f's bits are in Go's heap: all of
// them, or none when they were mapped from the kernel (a large filter on
// Linux). A caller that sets a soft memory limit
// (runtime/debug.SetMemoryLimit) counts these, and only these: memory
// outside the heap is not the runtime's to limit.
func (f *Filter) HeapBytes() uint64 {
	if f.mem != nil && f.mem.raw != nil {
		return 0
	}
	return f.Header.Bloom.BodySize()
}
