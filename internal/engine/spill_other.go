//go:build !linux

package engine

import "os"

// createUnnamed opens a file in dir that is removed right after creation.
func createUnnamed(dir string) (*os.File, string, error) { return createRemoved(dir) }
