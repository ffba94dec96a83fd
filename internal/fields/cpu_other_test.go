//go:build !unix

package fields

// processCPU is not measured here: benchmarks report wall time only.
func processCPU() int64 { return 0 }
