package bloom

import (
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugePagesAvailable reports whether mapHuge can do anything here.
const hugePagesAvailable = true

// mapHuge maps n zeroed words from the kernel, aligned to hugePageSize, and
// asks for them to be backed by transparent huge pages (MADV_HUGEPAGE),
// which the kernel does when they are enabled in "always" or "madvise" mode
// (/sys/kernel/mm/transparent_hugepage/enabled); refusal is not an error:
// the words are then ordinary pages. It returns the words and the whole
// mapping (for unmap), or nil where the mapping fails, for the caller to
// allocate from the heap instead.
func mapHuge(n uint64) (words []uint64, raw []byte) {
	size := n*8 + hugePageSize
	if size > uint64(^uint(0)>>1) {
		return nil, nil
	}
	raw, err := unix.Mmap(-1, 0, int(size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return nil, nil
	}
	off := 0
	if r := uintptr(unsafe.Pointer(&raw[0])) % hugePageSize; r != 0 {
		off = int(hugePageSize - r)
	}
	b := raw[off : off+int(n*8)]
	_ = unix.Madvise(b, unix.MADV_HUGEPAGE)
	return unsafe.Slice((*uint64)(unsafe.Pointer(&b[0])), n), raw
}

// unmap returns a mapping of mapHuge to the kernel.
func unmap(raw []byte) {
	_ = unix.Munmap(raw)
	unmapped.Add(1)
}

// unmapped counts the mappings returned (tests watch it).
var unmapped atomic.Int64
