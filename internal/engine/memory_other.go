//go:build !linux

package engine

import "unsafe"

const hugePagesAvailable = false

func adviseHuge(unsafe.Pointer, uintptr) {}
