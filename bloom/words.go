package bloom

import "unsafe"

// hugePageSize is the size of a transparent huge page on the systems that
// have them (x86-64 and arm64 Linux with 4 KiB base pages).
const hugePageSize = 2 << 20

// partitionWords allocates the words of n partitions of per words each in
// one zeroed region and returns one slice per partition. A region of a few
// huge pages or more is aligned to hugePageSize and, where the system
// allows, advised to be backed by transparent huge pages (adviseHuge): a
// probe into a large filter then walks no page table (one TLB entry covers
// four 512 KiB partitions instead of 4 KiB of one), and the kernel maps the
// filter in 2 MiB faults instead of 4 KiB ones. The region is ordinary Go
// memory: the collector frees it with the filter.
func partitionWords(n int, per uint64) [][]uint64 {
	total := uint64(n) * per
	var all []uint64
	if total*8 >= 4*hugePageSize && hugePages {
		buf := make([]uint64, total+hugePageSize/8)
		off := 0
		if r := uintptr(unsafe.Pointer(&buf[0])) % hugePageSize; r != 0 {
			off = int((hugePageSize - r) / 8)
		}
		all = buf[off : off+int(total) : off+int(total)]
		adviseHuge(all)
	} else {
		all = make([]uint64, total)
	}
	parts := make([][]uint64, n)
	for i := range parts {
		parts[i] = all[uint64(i)*per : uint64(i+1)*per : uint64(i+1)*per]
	}
	return parts
}

// hugePages is whether partitionWords advises huge pages (tests compare).
var hugePages = hugePagesAvailable
