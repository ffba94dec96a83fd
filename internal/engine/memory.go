package engine

import (
	"math"
	"runtime/debug"
	"sync"
	"unsafe"
)

// heapAllowance is what the heap may hold besides the filters while a
// pipeline runs: the buckets (build's ~51 MiB shared and ~750 KiB staged a
// worker for a 1.35 GiB filter; check's ~20 MiB a worker), batches in flight,
// and garbage between collections. With the runtime's own memory (stacks,
// code) this keeps peak RSS within the filter's size plus 256 MiB.
const heapAllowance = 192 << 20

// memoryLimiter applies a soft memory limit while pipelines run.
//
// The Go collector lets the heap grow to twice what is live before it
// collects (GOGC=100). With a large filter live in the heap, that doubles
// the filter's memory for no gain: the filter holds no pointers, so
// collecting more often costs almost nothing. While pipelines run, a soft
// memory limit (runtime/debug.SetMemoryLimit) of their filters' bytes in the
// heap plus heapAllowance makes the collector run before the heap grows past
// it. A large filter on Linux is mapped outside the heap
// (bloom.Filter.HeapBytes is 0): the limit is then heapAllowance alone, so
// that the filter and the heap together stay as they were. A lower limit
// already set (GOMEMLIMIT) is kept, and the previous limit comes back when
// the last pipeline ends. A pipeline whose other live data may grow without
// bound (check collecting matched ids) does not take part: past the limit
// the collector would run continuously.
type memoryLimiter struct {
	mu     sync.Mutex
	active int
	filter uint64 // bytes of the active pipelines' filters
	prev   int64  // the limit before the first one started
}

var memLimit memoryLimiter

// limit applies the limit for a pipeline whose filter holds filterBytes of
// the heap and returns the function that lifts it.
func (m *memoryLimiter) limit(filterBytes uint64) (restore func()) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.active == 0 {
		m.prev = debug.SetMemoryLimit(-1) // -1 reads the current limit
	}
	m.active++
	m.filter += filterBytes
	m.apply()
	return func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.active--
		m.filter -= filterBytes
		if m.active == 0 {
			debug.SetMemoryLimit(m.prev)
			return
		}
		m.apply()
	}
}

func (m *memoryLimiter) apply() {
	want := m.filter + heapAllowance
	if want > math.MaxInt64 || int64(want) > m.prev {
		debug.SetMemoryLimit(m.prev)
		return
	}
	debug.SetMemoryLimit(int64(want))
}

// hugePageSize is the size of a transparent huge page on Linux x86-64 and
// arm64 with 4 KiB base pages.
const hugePageSize = 2 << 20

// hugeSlice returns a zeroed slice of n elements for data that is written
// at random places, such as the buckets that group digests by partition.
// From a few huge pages on, it is aligned to hugePageSize and advised to be
// backed by transparent huge pages (where the system has them: adviseHuge):
// scattered writes then rarely miss the TLB, which on a virtual machine
// costs a two-level page walk each. It is ordinary Go memory, freed by the
// collector.
func hugeSlice[T any](n int) []T {
	var zero T
	size := int(unsafe.Sizeof(zero))
	if size == 0 || n*size < hugePageSize || !hugePagesAvailable {
		return make([]T, n)
	}
	extra := (hugePageSize + size - 1) / size
	buf := make([]T, n+extra)
	off := 0
	if r := int(uintptr(unsafe.Pointer(&buf[0])) % hugePageSize); r != 0 {
		off = (hugePageSize - r + size - 1) / size
	}
	s := buf[off : off+n : off+n]
	adviseHuge(unsafe.Pointer(&s[0]), uintptr(n*size))
	return s
}
