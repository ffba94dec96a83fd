//go:build !linux

package bloom

const hugePagesAvailable = false

func adviseHuge([]uint64) {}
