//go:build !linux

package safefile

// renameNoReplace is not available here: commitNoClobber checks and renames.
func renameNoReplace(tmp, path string) error { return errUnsupported }
