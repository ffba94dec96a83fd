package records

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// A zip archive is expanded into one Source per member, named "archive.zip!member", in name
// order. Directories, hidden members (a path part starting with ".") and macOS resource forks
// (__MACOSX/) are skipped. Each member is read like a file of its own: sniffed, decompressed
// if it is, say, a .csv.gz, and read by its own format. A member that is itself a zip archive
// or xlsx workbook is refused (it would need random access inside compressed data); so are
// encrypted members and compression methods other than store, deflate, bzip2 and zstd.
//
// Members are read straight from the archive file at their data offset, so opening one does
// not read the archive's directory again, and a member's CRC-32 is checked when it has been
// read to its end.
//
// An archive whose directory (at its end) is missing or damaged, as when a download stopped
// early, is an error; with Options.AllowPartial its members are found instead by walking the
// local headers from the start, and the last one ends where the data does (reported as
// truncated).

// zipMember locates one member's data in its archive.
type zipMember struct {
	dataOffset int64
	compSize   int64 // -1: to the end of the file
	method     uint16
	crc        uint32
	size       int64 // uncompressed; -1 when unknown
	hasCRC     bool
	// archiveDamaged: the archive's directory was unreadable and this is the last member
	// found, so the archive may have held more.
	archiveDamaged bool
}

// isDirMember reports a directory entry of an archive: not a file, never listed.
func isDirMember(name string) bool { return strings.HasSuffix(name, "/") }

// memberSkip says why an archive member is not read, or "" when it is: a path that
// climbs out of the archive ("..": no extraction tool writes it there, so it was crafted),
// a hidden file (a path part starting with "."), a macOS resource fork (__MACOSX/). Such a
// member is still listed, with this reason, so that every file the archive holds is
// accounted for.
func memberSkip(name string) string {
	parts := strings.FieldsFunc(name, func(r rune) bool { return r == '/' || r == '\\' })
	for _, part := range parts {
		if part == ".." {
			return `its path holds ".." (it would lie outside the archive when extracted)`
		}
	}
	for _, part := range parts {
		if part == "__MACOSX" {
			return "a macOS resource fork (__MACOSX)"
		}
		if strings.HasPrefix(part, ".") {
			return `a hidden file (a part of its path starts with ".")`
		}
	}
	return ""
}

// skippedMember is the listing of a member memberSkip refuses.
func skippedMember(name, path string, size int64, why string) *Source {
	return &Source{Name: name, Size: size, kind: srcMember, path: path, Excluded: true, SkipReason: why}
}

func zipSources(f *os.File, path, name string, size int64, opts Options) ([]*Source, error) {
	zr, err := zip.NewReader(f, size)
	if err != nil {
		if !opts.AllowPartial {
			return nil, fmt.Errorf("%s: %w", name, &TruncatedError{What: "zip archive", Rows: 0,
				Err: errors.New("its directory at the end is missing or damaged")})
		}
		return scanZip(f, path, name, size, opts)
	}
	if isXLSX(zr) {
		return xlsxSources(zr, path, name, size, opts)
	}
	if isODS(zr) {
		return odsSources(zr, path, name, size, opts)
	}
	var out []*Source
	files := slices.Clone(zr.File)
	slices.SortStableFunc(files, func(a, b *zip.File) int { return strings.Compare(a.Name, b.Name) })
	for _, zf := range files {
		if isDirMember(zf.Name) {
			continue
		}
		mname := name + "!" + displayPath(zf.Name)
		if why := memberSkip(zf.Name); why != "" {
			out = append(out, skippedMember(mname, path, int64(zf.UncompressedSize64), why))
			continue
		}
		if excluded(opts.Exclude, zf.Name) {
			out = append(out, &Source{Name: mname, Size: int64(zf.UncompressedSize64), kind: srcMember, path: path, Excluded: true})
			continue
		}
		if zf.Flags&1 != 0 {
			return nil, fmt.Errorf("%s: encrypted zip members are not read: extract the archive first", mname)
		}
		off, err := zf.DataOffset()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", mname, &TruncatedError{What: "zip member", Rows: 0, Err: plainError(err)})
		}
		m := &zipMember{dataOffset: off, compSize: int64(zf.CompressedSize64), method: zf.Method,
			crc: zf.CRC32, size: int64(zf.UncompressedSize64), hasCRC: true}
		out = append(out, &Source{Name: mname, Size: m.size, kind: srcMember, path: path, member: m})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: the zip archive holds no files to read", name)
	}
	if err := checkLayout(name, out); err != nil {
		return nil, err
	}
	return out, nil
}

// MaxMembers is the most files leakcheck reads from one zip archive or
// directory: each becomes an input with its own mapping and accounting, and a
// dump split into more parts than this is better joined first.
const MaxMembers = 10000

// checkLayout refuses archive layouts no zip tool writes: more members than
// MaxMembers, and members whose data overlap (several directory entries
// pointing into the same bytes, which would read the same rows again and
// again).
func checkLayout(name string, srcs []*Source) error {
	if len(srcs) > MaxMembers {
		return fmt.Errorf("%s: the zip archive holds %d files, more than the %d leakcheck reads from one archive: extract it and join the files", name, len(srcs), MaxMembers)
	}
	var byOff []*Source // excluded members were never located: they hold no data to share
	for _, s := range srcs {
		if s.member != nil {
			byOff = append(byOff, s)
		}
	}
	slices.SortFunc(byOff, func(a, b *Source) int { return cmpInt64(a.member.dataOffset, b.member.dataOffset) })
	for i := 1; i < len(byOff); i++ {
		prev, cur := byOff[i-1].member, byOff[i].member
		if prev.compSize < 0 || prev.dataOffset+prev.compSize > cur.dataOffset {
			return fmt.Errorf("%s: members %s and %s share their data, which no zip tool writes: the archive was crafted or damaged", name,
				strings.TrimPrefix(byOff[i-1].Name, name+"!"), strings.TrimPrefix(byOff[i].Name, name+"!"))
		}
	}
	return nil
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// scanZip finds the members of an archive without its directory, from the local headers.
func scanZip(f io.ReaderAt, path, name string, size int64, opts Options) ([]*Source, error) {
	var out []*Source
	var last *zipMember
	off := int64(0)
	for off+30 <= size {
		var h [30]byte
		if _, err := f.ReadAt(h[:], off); err != nil {
			break
		}
		if string(h[:4]) != "PK\x03\x04" {
			break
		}
		flags := binary.LittleEndian.Uint16(h[6:])
		m := &zipMember{method: binary.LittleEndian.Uint16(h[8:]), crc: binary.LittleEndian.Uint32(h[14:]),
			compSize: int64(binary.LittleEndian.Uint32(h[18:])), size: int64(binary.LittleEndian.Uint32(h[22:]))}
		nlen, xlen := int64(binary.LittleEndian.Uint16(h[26:])), int64(binary.LittleEndian.Uint16(h[28:]))
		m.dataOffset = off + 30 + nlen + xlen
		if m.dataOffset > size {
			break
		}
		nx := make([]byte, nlen+xlen)
		if _, err := f.ReadAt(nx, off+30); err != nil {
			break
		}
		mname := string(nx[:nlen])
		zip64Sizes(nx[nlen:], m)
		if flags&1 != 0 {
			return nil, fmt.Errorf("%s!%s: encrypted zip members are not read: extract the archive first", name, displayPath(mname))
		}
		next := int64(-1)
		switch {
		case flags&8 == 0:
			m.hasCRC = true
			if m.dataOffset+m.compSize <= size {
				next = m.dataOffset + m.compSize
			}
		case m.method == zip.Deflate:
			// Sizes follow the data: inflate it to find where it ends.
			bc := &byteCounter{br: bufio.NewReader(io.NewSectionReader(f, m.dataOffset, size-m.dataOffset))}
			fr := flate.NewReader(bc)
			n, err := io.Copy(io.Discard, fr)
			fr.Close()
			if err == nil {
				m.compSize, m.size = bc.n, n
				next = m.dataOffset + bc.n
				var d [24]byte
				k, _ := f.ReadAt(d[:], next)
				dd := d[:k]
				if bytes.HasPrefix(dd, []byte("PK\x07\x08")) {
					dd = dd[4:]
					next += 4
				}
				if len(dd) >= 12 {
					m.crc, m.hasCRC = binary.LittleEndian.Uint32(dd), true
					next += 12
					if int64(binary.LittleEndian.Uint32(dd[4:])) != bc.n && len(dd) >= 20 {
						next += 8 // zip64: 8-byte sizes
					}
				}
			}
		}
		if flags&8 != 0 && m.method == zip.Store {
			// Stored, sizes after the data: find the data descriptor whose size fits.
			if end, crc, ok := findDescriptor(f, m.dataOffset, size); ok {
				m.compSize, m.size, m.crc, m.hasCRC = end-m.dataOffset, end-m.dataOffset, crc, true
				next = end + 16
			}
		}
		if next < 0 {
			m.compSize, m.size, m.hasCRC = -1, -1, false
		}
		last = m
		if why := memberSkip(mname); why != "" {
			out = append(out, skippedMember(name+"!"+displayPath(mname), path, m.size, why))
		} else if !isDirMember(mname) {
			out = append(out, &Source{Name: name + "!" + displayPath(mname), Size: m.size, kind: srcMember, path: path, member: m,
				Excluded: excluded(opts.Exclude, mname)})
		}
		if next < 0 {
			break
		}
		off = next
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: %w", name, &TruncatedError{What: "zip archive", Rows: 0,
			Err: errors.New("no complete member was found")})
	}
	last.archiveDamaged = true
	slices.SortStableFunc(out, func(a, b *Source) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// findDescriptor finds the data descriptor (signature, CRC-32, 32-bit sizes) that ends stored
// data starting at start: the first whose compressed size is its distance from start. It
// returns where the data ends.
func findDescriptor(f io.ReaderAt, start, size int64) (end int64, crc uint32, ok bool) {
	const chunk = 1 << 20
	buf := make([]byte, chunk+16)
	for off := start; off < size; off += chunk {
		n, _ := f.ReadAt(buf, off)
		b := buf[:n]
		for i := 0; ; {
			j := bytes.Index(b[i:], []byte("PK\x07\x08"))
			if j < 0 || i+j+16 > len(b) {
				break
			}
			p := i + j
			if int64(binary.LittleEndian.Uint32(b[p+8:])) == (off+int64(p)-start)&0xffffffff {
				return off + int64(p), binary.LittleEndian.Uint32(b[p+4:]), true
			}
			i = p + 1
		}
	}
	return 0, 0, false
}

// zip64Sizes reads the sizes from a zip64 extra field, when the header's are 0xffffffff.
func zip64Sizes(extra []byte, m *zipMember) {
	for len(extra) >= 4 {
		id, n := binary.LittleEndian.Uint16(extra), int(binary.LittleEndian.Uint16(extra[2:]))
		if 4+n > len(extra) {
			return
		}
		if id == 1 {
			d := extra[4 : 4+n]
			if m.size == 0xffffffff && len(d) >= 8 {
				m.size = int64(binary.LittleEndian.Uint64(d))
				d = d[8:]
			}
			if m.compSize == 0xffffffff && len(d) >= 8 {
				m.compSize = int64(binary.LittleEndian.Uint64(d))
			}
			return
		}
		extra = extra[4+n:]
	}
}

// byteCounter counts the bytes flate consumes (it reads byte by byte from an io.ByteReader,
// never past the end of the compressed data).
type byteCounter struct {
	br *bufio.Reader
	n  int64
}

func (b *byteCounter) Read(p []byte) (int, error) {
	n, err := b.br.Read(p)
	b.n += int64(n)
	return n, err
}

func (b *byteCounter) ReadByte() (byte, error) {
	c, err := b.br.ReadByte()
	if err == nil {
		b.n++
	}
	return c, err
}

// open returns the member's uncompressed bytes.
func (m *zipMember) open(path string) (io.Reader, closers, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	cs := closers{f}
	length := m.compSize
	if length < 0 {
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, nil, err
		}
		length = fi.Size() - m.dataOffset
	}
	var r io.Reader = io.NewSectionReader(f, m.dataOffset, length)
	switch m.method {
	case zip.Store:
	case zip.Deflate:
		fr := flate.NewReader(bufio.NewReader(r))
		cs = append(cs, fr)
		r = fr
	case 12:
		r = bzip2.NewReader(r)
	case 93:
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxMemory(maxDecoderMemory), zstd.WithDecoderMaxWindow(maxDecoderMemory))
		if err != nil {
			f.Close()
			return nil, nil, err
		}
		cs = append(cs, closeFunc(func() error { zr.Close(); return nil }))
		r = zr
	default:
		f.Close()
		return nil, nil, fmt.Errorf("zip compression method %d is not supported: extract the archive first", m.method)
	}
	var end error
	if m.archiveDamaged {
		end = &TruncatedError{What: "zip archive", Rows: -1, Err: errors.New("its directory at the end is missing or damaged")}
	}
	r = &zipCheck{r: r, m: m, h: crc32.NewIEEE(), end: end}
	return &damage{r: r, what: "zip member", cnt: &counter{}}, cs, nil
}

// zipCheck checks a member's size and CRC-32 at its end.
type zipCheck struct {
	r   io.Reader
	m   *zipMember
	h   hash.Hash32
	n   int64
	end error // returned instead of io.EOF
}

func (z *zipCheck) Read(p []byte) (int, error) {
	n, err := z.r.Read(p)
	z.h.Write(p[:n])
	z.n += int64(n)
	if err == io.EOF {
		if z.m.hasCRC && (z.h.Sum32() != z.m.crc || z.m.size >= 0 && z.n != z.m.size) {
			err = zip.ErrChecksum
		} else if z.end != nil {
			err = z.end
		}
	}
	return n, err
}
