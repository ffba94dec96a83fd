package records

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// A tar archive, plain or gzip-compressed (.tar, .tar.gz, .tgz), gives one Source per regular
// file, named "archive.tar.gz!member", in name order, like a zip archive: directories, links,
// hidden members and __MACOSX/ are skipped, Options.Exclude applies, and each member is read
// by its own format (a .csv.gz member is decompressed). A tar archive has no directory, so
// listing reads the archive once, and opening a member reads (and, for .tar.gz, decompresses)
// the archive again up to it: a member costs the bytes before it. A truncated archive is an
// error; with Options.AllowPartial the members found before the damage are read and the one
// the damage cuts ends there (reported as truncated).

// tarMember locates one member: the index-th header of the archive.
type tarMember struct {
	gzipped bool
	index   int
	size    int64
}

// isTar reports whether the file holds a tar archive (after gzip, when gzipped): the first
// header's "ustar" magic (POSIX and GNU tar).
func isTar(f io.ReadSeeker, gzipped bool) bool {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return false
	}
	var r io.Reader = bufio.NewReader(f)
	if gzipped {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return false
		}
		r = zr
	}
	var h [512]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return false
	}
	return string(h[257:262]) == "ustar"
}

// openTar opens the archive's tar stream.
func openTar(path string, gzipped bool) (*tar.Reader, closers, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	cs := closers{f}
	var r io.Reader = bufio.NewReaderSize(f, 1<<16)
	if gzipped {
		zr, err := gzip.NewReader(r)
		if err != nil {
			f.Close()
			return nil, nil, &TruncatedError{What: "tar.gz archive", Rows: 0, Err: plainError(err)}
		}
		cs = append(cs, zr)
		r = zr
	}
	return tar.NewReader(r), cs, nil
}

func tarSources(path, name string, gzipped bool, opts Options) ([]*Source, error) {
	what := "tar archive"
	if gzipped {
		what = "tar.gz archive"
	}
	tr, cs, err := openTar(path, gzipped)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	defer cs.Close()
	var out []*Source
	for i := 0; ; i++ {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if !opts.AllowPartial {
				return nil, fmt.Errorf("%s: %w", name, &TruncatedError{What: what, Rows: 0, Err: plainError(err)})
			}
			break
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		if why := memberSkip(h.Name); why != "" {
			out = append(out, skippedMember(name+"!"+displayPath(h.Name), path, h.Size, why))
			continue
		}
		out = append(out, &Source{Name: name + "!" + displayPath(h.Name), Size: h.Size, kind: srcMember, path: path,
			tar: &tarMember{gzipped: gzipped, index: i, size: h.Size}, Excluded: excluded(opts.Exclude, h.Name)})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: the %s holds no files to read", name, what)
	}
	slices.SortStableFunc(out, func(a, b *Source) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// open returns the member's bytes; damage in the archive is a *TruncatedError.
func (m *tarMember) open(path string) (io.Reader, closers, error) {
	tr, cs, err := openTar(path, m.gzipped)
	if err != nil {
		return nil, nil, err
	}
	for i := 0; i <= m.index; i++ {
		if _, err := tr.Next(); err != nil {
			cs.Close()
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, nil, &TruncatedError{What: "tar archive", Rows: 0, Err: plainError(err)}
		}
	}
	return &damage{r: &tarEnd{r: tr}, what: "tar member", cnt: &counter{}}, cs, nil
}

// tarEnd reports a member cut short by the end of the archive as damage, not as its end.
type tarEnd struct{ r io.Reader }

func (t *tarEnd) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = &TruncatedError{What: "tar archive", Rows: -1, Err: io.ErrUnexpectedEOF}
	}
	return n, err
}

// memberKind names the container of an archive member, for Detection.
func (s *Source) memberKind() string {
	switch {
	case s.tar != nil && s.tar.gzipped:
		return "tar.gz member"
	case s.tar != nil:
		return "tar member"
	}
	return "zip member"
}
