package engine

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

const hugePagesAvailable = true

// adviseHuge asks the kernel to back n bytes at p with transparent huge
// pages (MADV_HUGEPAGE), which it does when they are enabled in "always" or
// "madvise" mode (/sys/kernel/mm/transparent_hugepage/enabled). A refusal
// is not an error: the memory then has ordinary pages.
func adviseHuge(p unsafe.Pointer, n uintptr) {
	_ = unix.Madvise(unsafe.Slice((*byte)(p), n), unix.MADV_HUGEPAGE)
}
