//go:build !linux

package bloom

const hugePagesAvailable = false

func mapHuge(uint64) ([]uint64, []byte) { return nil, nil }

func unmap([]byte) {}
