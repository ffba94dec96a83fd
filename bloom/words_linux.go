package bloom

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugePagesAvailable reports whether adviseHuge can do anything here.
const hugePagesAvailable = true

// adviseHuge asks the kernel to back words with transparent huge pages
// (MADV_HUGEPAGE), which it does when they are enabled in "always" or
// "madvise" mode (/sys/kernel/mm/transparent_hugepage/enabled). Refusal is
// not an error: the words are then ordinary pages.
func adviseHuge(words []uint64) {
	if len(words) == 0 {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(&words[0])), len(words)*8)
	_ = unix.Madvise(b, unix.MADV_HUGEPAGE)
}
