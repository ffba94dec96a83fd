// Package safefile writes output files so that a reader never sees a
// partial one: data goes to a temporary file in the destination directory,
// which is synced and then renamed over the destination. An interrupted run
// leaves nothing behind but, at worst, the temporary file of a process
// killed with SIGKILL (named .leakcheck-tmp-*; it never holds plaintext
// identifiers unless the output the user asked for does).
//
// A destination that exists and is not a regular file or a directory (a
// device such as /dev/null, a named pipe, a shell's process substitution
// /dev/fd/N) is written in place: renaming over it would replace the device
// or the pipe with a regular file (as root, /dev/null itself).
package safefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// File is an output file being written.
type File struct {
	*os.File
	path      string
	noClobber bool
	direct    bool // written in place: a device or a pipe
	done      bool
}

var (
	mu   sync.Mutex
	open = map[*File]bool{}
)

// Create starts writing path with the given permissions. With noClobber, the
// final step fails if path exists instead of replacing it.
func Create(path string, perm fs.FileMode, noClobber bool) (*File, error) {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
		out, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, fmt.Errorf("opening %s: %w", path, err)
		}
		f := &File{File: out, path: path, direct: true}
		mu.Lock()
		open[f] = true
		mu.Unlock()
		return f, nil
	}
	if noClobber {
		if _, err := os.Lstat(path); err == nil {
			return nil, fmt.Errorf("%s already exists; choose another name or remove it first", path)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".leakcheck-tmp-*")
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", path, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, err
	}
	f := &File{File: tmp, path: path, noClobber: noClobber}
	mu.Lock()
	open[f] = true
	mu.Unlock()
	return f, nil
}

// Commit syncs the data and moves it into place.
func (f *File) Commit() error {
	if f.done {
		return errors.New("safefile: already committed or aborted")
	}
	f.forget()
	if f.direct {
		if err := f.File.Close(); err != nil {
			return fmt.Errorf("writing %s: %w", f.path, err)
		}
		return nil
	}
	name := f.File.Name()
	if err := f.File.Sync(); err != nil {
		f.File.Close()
		os.Remove(name)
		return fmt.Errorf("writing %s: %w", f.path, err)
	}
	if err := f.File.Close(); err != nil {
		os.Remove(name)
		return fmt.Errorf("writing %s: %w", f.path, err)
	}
	if f.noClobber {
		if err := commitNoClobber(name, f.path); err != nil {
			os.Remove(name)
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("%s already exists; choose another name or remove it first", f.path)
			}
			return fmt.Errorf("writing %s: %w", f.path, err)
		}
	} else if err := os.Rename(name, f.path); err != nil {
		os.Remove(name)
		return fmt.Errorf("writing %s: %w", f.path, err)
	}
	if d, err := os.Open(filepath.Dir(f.path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Abort discards the file. It is safe to call after Commit (it does nothing).
func (f *File) Abort() {
	if f.done {
		return
	}
	f.forget()
	f.File.Close()
	if !f.direct {
		os.Remove(f.File.Name())
	}
}

func (f *File) forget() {
	f.done = true
	mu.Lock()
	delete(open, f)
	mu.Unlock()
}

// AbortAll discards every file not yet committed; the CLI calls it when it
// is interrupted.
func AbortAll() {
	mu.Lock()
	fs := make([]*File, 0, len(open))
	for f := range open {
		fs = append(fs, f)
	}
	mu.Unlock()
	for _, f := range fs {
		f.Abort()
	}
}

// link is os.Link; tests replace it to act as a file system without hard
// links.
var link = os.Link

// commitNoClobber moves tmp to path unless path exists. A hard link does it
// atomically; FAT and exFAT (USB sticks, the README's suggestion for carrying
// a key) have no hard links, so there the commit falls back to a rename that
// refuses to replace (renameNoReplace: renameat2 RENAME_NOREPLACE on Linux),
// and where even that is missing, to a check that path does not exist
// followed by a rename: the one window in which another process could create
// path is between the two, and the rename would then replace it.
func commitNoClobber(tmp, path string) error {
	err := link(tmp, path)
	if err == nil {
		return os.Remove(tmp)
	}
	if errors.Is(err, fs.ErrExist) {
		return err
	}
	if rerr := renameNoReplace(tmp, path); !errors.Is(rerr, errUnsupported) {
		return rerr
	}
	if _, serr := os.Lstat(path); serr == nil {
		return fs.ErrExist
	}
	return os.Rename(tmp, path)
}

// errUnsupported is returned by renameNoReplace where the system or file
// system has no such rename.
var errUnsupported = errors.New("rename without replace is not supported")
