package records

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// A Source is one stream of records: a file, standard input, one member of a zip archive, or
// an xlsx sheet. One path can give several (a directory, a zip archive); see Sources.
type Source struct {
	// Name is used in messages and row errors: the path as given, "stdin", a file under a
	// directory ("dumps/a.csv"), or an archive member ("dumps/a.zip!people.csv"). Control
	// characters in names are shown escaped.
	Name string
	// Size is what BytesRead counts up to: the file's size, or a zip member's uncompressed
	// size; -1 when unknown.
	Size int64
	// Excluded is set on a file or member that Options.Exclude leaves out, or that is
	// skipped for SkipReason: it is listed so that the caller can say so, and is not opened.
	Excluded bool
	// SkipReason, when set, says why an archive member is not read although no --exclude
	// names it: hidden, a path holding "..", a macOS resource fork (see memberSkip).
	SkipReason string

	kind    sourceKind
	path    string       // the file, or the archive a member is in
	member  *zipMember   // for srcMember of a zip archive
	tar     *tarMember   // for srcMember of a tar archive
	once    bool         // standard input or a pipe: it can be read once
	tables  []string     // SQL tables with rows, from a first pass (nil: not made yet)
	opened  bool         // a one-shot source has been opened
	data    []byte       // for srcBytes
	sheet   string       // for srcXLSX: the sheet to read ("" = the first)
	skip    string       // not read, for this reason (a fixed phrase): Open fails with ErrNotData
	rawRead atomic.Int64 // bytes read from the underlying file or stream, over every opening
	cheap   bool         // set by open: see CountIsCheap
}

// CountIsCheap reports whether counting the source's rows in a pass of their own costs little
// next to reading them: a file, neither compressed nor transcoded, of delimited text, which
// Count scans for the ends of records without splitting or decoding them. Any other source
// (compressed, an archive member, another format, standard input) is better read once. It is
// known once the source has been opened.
func (s *Source) CountIsCheap() bool { return s.cheap }

// RawBytesRead reports how many bytes have been read from the source's underlying file or
// stream (a compressed file's compressed bytes) over all the times it was opened: a build
// reads each input once, plus the start that opening it to map its columns reads.
func (s *Source) RawBytesRead() int64 { return s.rawRead.Load() }

type sourceKind int

const (
	srcFile sourceKind = iota
	srcStdin
	srcMember
	srcXLSX
	srcBytes // tests and fuzzing: data held in memory
)

// Sources returns the sources path holds, in a fixed order: "-" is standard input; a
// directory gives every file under it, in lexical order, skipping names that start with "."; a
// zip archive gives one source per member (see sources.go); an xlsx workbook and any other file
// give themselves.
func Sources(path string, opts Options) ([]*Source, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	if path == "-" {
		return []*Source{{Name: "stdin", Size: -1, kind: srcStdin, once: true}}, nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err // *PathError: names the file, no content
	}
	if !fi.IsDir() {
		srcs, err := fileSources(path, displayPath(path), fi, opts)
		if err != nil {
			return nil, err
		}
		markTelegramTwice(srcs)
		return srcs, nil
	}
	var out []*Source
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != path && strings.HasPrefix(d.Name(), ".") {
			// Listed, not read, so that the accounting names it.
			src := &Source{Name: displayPath(p), Size: -1, kind: srcFile, path: p, Excluded: true,
				SkipReason: `a hidden file (its name starts with ".")`}
			if d.IsDir() {
				src.SkipReason = `a hidden directory (its name starts with "."): not searched`
				out = append(out, src)
				return filepath.SkipDir
			}
			out = append(out, src)
			return nil
		}
		if d.IsDir() {
			return nil
		}
		fi, err := os.Stat(p) // follows a symbolic link to a file
		if err != nil {
			return err
		}
		if fi.IsDir() {
			return nil // a link to a directory: not followed, so no cycles
		}
		rel, _ := filepath.Rel(path, p)
		if excluded(opts.Exclude, filepath.ToSlash(rel)) {
			out = append(out, &Source{Name: displayPath(p), Size: fi.Size(), kind: srcFile, path: p, Excluded: true})
			return nil
		}
		if !fi.Mode().IsRegular() {
			// A named pipe would block the walk until someone writes to it.
			return fmt.Errorf("%s: not a regular file (%s): leakcheck reads only regular files inside a directory; name it on its own to read it", displayPath(p), fileKind(fi.Mode()))
		}
		if len(out) >= MaxMembers {
			return fmt.Errorf("%s: the directory holds more than %d files, the most leakcheck reads from one directory: join them first", displayPath(path), MaxMembers)
		}
		srcs, err := fileSources(p, displayPath(p), fi, opts)
		if err != nil {
			return err
		}
		out = append(out, srcs...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: the directory holds no files to read", displayPath(path))
	}
	markTelegramTwice(out)
	return out, nil
}

// fileKind names a file mode that is not a regular file.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a file of data"
}

// displayPath escapes control and other non-printable characters in a name, so that a file or
// member name cannot write escape sequences to a terminal.
func displayPath(p string) string {
	if p == "-" {
		return "stdin"
	}
	if strings.IndexFunc(p, func(r rune) bool { return !unicode.IsPrint(r) && r != ' ' }) < 0 {
		return p
	}
	var b strings.Builder
	for _, r := range p {
		if unicode.IsPrint(r) || r == ' ' {
			b.WriteRune(r)
		} else {
			fmt.Fprintf(&b, "\\x%02x", r)
		}
	}
	return b.String()
}

// fileSources gives the sources of one file that is not a directory.
func fileSources(path, name string, fi os.FileInfo, opts Options) ([]*Source, error) {
	if !fi.Mode().IsRegular() {
		// A pipe or device: it can be read once, and is not sniffed here.
		return []*Source{{Name: name, Size: -1, kind: srcFile, path: path, once: true}}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var head [4]byte
	n, _ := io.ReadFull(f, head[:])
	switch sf := sniff(head[:n]); {
	case (sf == formatGzip || sf == formatText) && isTar(f, sf == formatGzip):
		return tarSources(path, name, sf == formatGzip, opts)
	case sf != formatZip:
		return []*Source{{Name: name, Size: fi.Size(), kind: srcFile, path: path}}, nil
	}
	return zipSources(f, path, name, fi.Size(), opts)
}

// Open opens path, which must hold one source (not a directory or a zip archive of several
// files), and returns a Reader for it plus a closer; "-" is standard input. See Sources and
// Source.Open.
func Open(path string, opts Options) (Reader, io.Closer, error) {
	src, err := single(path, opts)
	if err != nil {
		return nil, nil, err
	}
	return src.Open(opts)
}

// Count counts the records of path, which must hold one source; see Source.Count.
func Count(path string, opts Options) (int64, error) {
	src, err := single(path, opts)
	if err != nil {
		return 0, err
	}
	return src.Count(opts)
}

func single(path string, opts Options) (*Source, error) {
	srcs, err := Sources(path, opts)
	if err != nil {
		return nil, err
	}
	srcs = slices.DeleteFunc(srcs, func(s *Source) bool { return s.Excluded })
	if len(srcs) != 1 {
		return nil, fmt.Errorf("%s holds %d inputs; read them one by one (see Sources)", displayPath(path), len(srcs))
	}
	return srcs[0], nil
}

// Open opens the source and returns a Reader for it, and a closer that releases it. Standard
// input and pipes can be opened once.
func (s *Source) Open(opts Options) (Reader, io.Closer, error) {
	if err := opts.check(); err != nil {
		return nil, nil, err
	}
	r, c, err := s.open(opts)
	if err != nil {
		return nil, nil, err
	}
	return r, c, nil
}

// Count counts the source's records without keeping them (a first pass used to size filters).
// It returns the number of results Next would return (good plus bad rows). Standard input and
// pipes cannot be counted: Count fails with an error wrapping ErrNotCountable.
//
// A truncated or damaged compressed input fails with an error wrapping ErrTruncated, unless
// opts.AllowPartial is set: then the count is of the rows before the damage.
func (s *Source) Count(opts Options) (int64, error) {
	c, err := s.CountRows(opts)
	return c.Rows, err
}

// CountRows counts the source's records like Count, and estimates how many
// are distinct (see RowCount).
func (s *Source) CountRows(opts Options) (RowCount, error) {
	if s.once {
		return RowCount{}, fmt.Errorf("%s: %w", s.Name, ErrNotCountable)
	}
	r, c, err := s.Open(opts)
	if err != nil {
		return RowCount{}, err
	}
	defer c.Close()
	var d distinct
	sr := r.(*sourceReader)
	if dr, ok := sr.r.(*delimitedReader); ok {
		var n int64
		if start, ok := s.plainOffset(sr, opts); ok && countWorkers() > 1 && s.Size-start >= parallelMin {
			n, err = dr.countParallel(s.path, start, countWorkers(), &d, &s.rawRead)
		} else {
			n, err = dr.count(&d)
		}
		if err != nil {
			if err := sr.fatal(err, n); err != io.EOF {
				return RowCount{Rows: n, Distinct: d.estimate(n)}, err
			}
		}
		return RowCount{Rows: n, Distinct: d.estimate(n)}, nil
	}
	var dr DistinctRows
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return dr.Count(), nil
		}
		if err != nil && !isRowError(err) {
			return dr.Count(), err
		}
		if err == nil {
			dr.Record(rec.Values)
		} else {
			dr.Bad()
		}
	}
}

// plainOffset returns the offset in the file of the first record after the header that sr's
// delimited reader has read, when the reader reads the file's own bytes (a plain file, neither
// compressed nor transcoded, its header on the first line; a byte order mark may have been
// dropped), so that the file can be counted
// from there in chunks (countParallel).
func (s *Source) plainOffset(sr *sourceReader, opts Options) (int64, bool) {
	if s.kind != srcFile || s.once || sr.det.Container != "" || sr.text == nil || sr.d == nil || opts.HeaderRow > 1 {
		return 0, false
	}
	sc := sr.d.s
	return sr.cnt.n.Load() - int64(sr.text.Buffered()) - int64(sc.w-sc.r), true
}

// Truncation returns why the input read by r ended early, when Options.AllowPartial let it end
// at a truncated or damaged compressed stream or archive instead of failing; "" otherwise. The
// reason says how many rows were read before it, never content.
func Truncation(r Reader) string {
	if sr, ok := r.(*sourceReader); ok && sr.truncated != nil {
		return sr.truncated.Error()
	}
	return ""
}

// counter counts the bytes read from the bottom of a source, for BytesRead, and remembers a
// read error so that decompressors do not report it as damage.
type counter struct {
	r     io.Reader
	n     atomic.Int64
	total *atomic.Int64 // the source's count over all its openings, or nil
	err   error
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	if c.total != nil {
		c.total.Add(int64(n))
	}
	if err != nil && err != io.EOF {
		c.err = err
	}
	return n, err
}

// damage turns the errors of a decompressor into *TruncatedError, and returns data before an
// error on its own so that no complete row before the damage is lost.
type damage struct {
	r    io.Reader
	what string
	cnt  *counter
	err  error
}

func (d *damage) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	n, err := d.r.Read(p)
	var te *TruncatedError
	if err != nil && err != io.EOF && !errors.As(err, &te) && !errors.Is(err, errXzDict) {
		if d.cnt.err != nil {
			err = d.cnt.err // the file could not be read: not damage
		} else {
			err = &TruncatedError{What: d.what, Rows: -1, Err: plainError(err)}
		}
	}
	if err != nil && n > 0 {
		d.err = err
		return n, nil
	}
	return n, err
}

// plainError keeps a decompressor's message only when it is one of the standard ones.
func plainError(err error) error {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return io.ErrUnexpectedEOF
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, zip.ErrChecksum):
		return errors.New("checksum mismatch")
	case errors.Is(err, gzip.ErrHeader):
		return errors.New("invalid header")
	}
	return errors.New("invalid compressed data")
}

type closers []io.Closer

func (cs closers) Close() error {
	var first error
	for i := len(cs) - 1; i >= 0; i-- {
		if err := cs[i].Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

type closeFunc func() error

func (f closeFunc) Close() error { return f() }

// raw opens the bytes of the source.
func (s *Source) raw() (io.Reader, closers, error) {
	switch s.kind {
	case srcStdin:
		return os.Stdin, nil, nil
	case srcMember:
		if s.tar != nil {
			return s.tar.open(s.path)
		}
		return s.member.open(s.path)
	case srcBytes:
		return bytes.NewReader(s.data), nil, nil
	}
	f, err := os.Open(s.path)
	if err != nil {
		return nil, nil, err
	}
	return f, closers{f}, nil
}

func (s *Source) open(opts Options) (*sourceReader, io.Closer, error) {
	if s.Excluded {
		return nil, nil, fmt.Errorf("%s: excluded by --exclude", s.Name)
	}
	if s.skip != "" {
		return nil, nil, fmt.Errorf("%s: %w", s.Name, &notDataError{s.skip})
	}
	if s.once {
		if s.opened {
			return nil, nil, fmt.Errorf("%s: %w", s.Name, ErrNotCountable)
		}
		s.opened = true
	}
	max, _ := opts.maxLine()
	if s.kind == srcXLSX {
		if opts.Format != "" && opts.Format != fmtXLSX {
			return nil, nil, fmt.Errorf("%s: an xlsx workbook cannot be read as %s", s.Name, opts.Format)
		}
		return s.openXLSX(opts, max)
	}
	if opts.Format == fmtXLSX {
		return nil, nil, fmt.Errorf("%s: not an xlsx workbook (no zip archive)", s.Name)
	}
	src, cs, err := s.raw()
	if err != nil {
		return nil, nil, err
	}
	cnt := &counter{r: src, total: &s.rawRead}
	var det Detection
	r, err := s.openStream(cnt, &cs, opts, max, &det)
	if err != nil {
		cs.Close()
		var te *TruncatedError
		if errors.As(err, &te) {
			te.Rows = 0
		}
		if strings.HasPrefix(err.Error(), s.Name+":") {
			return nil, nil, err // the delimited reader names the source itself
		}
		return nil, nil, fmt.Errorf("%s: %w", s.Name, err)
	}
	sr := &sourceReader{r: r, name: s.Name, cnt: cnt, allowPartial: opts.AllowPartial, det: det, text: det.text}
	sr.det.text = nil
	sr.d, _ = r.(*delimitedReader)
	if opts.CountRows {
		sr.sketch = &DistinctRows{}
		if sr.d != nil {
			sr.d.sketch = sr.sketch
		}
	}
	s.cheap = s.kind == srcFile && !s.once && det.Container == "" && !det.transcoded && sr.d != nil
	return sr, cs, nil
}

func (s *Source) openXLSX(opts Options, max int) (*sourceReader, io.Closer, error) {
	f, err := os.Open(s.path)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	cnt := &counter{r: f, total: &s.rawRead}
	zr, err := zip.NewReader(&countingReaderAt{f: f, cnt: cnt}, fi.Size())
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w", s.Name, &TruncatedError{What: "xlsx workbook", Rows: 0, Err: plainError(err)})
	}
	sheet := s.sheet
	if sheet == "" {
		sheet = opts.Sheet
	}
	if len(opts.Columns) > 0 {
		f.Close()
		return nil, nil, fmt.Errorf("%s: --columns names the columns of headerless delimited text; an xlsx sheet has a header row (pick it with --header-row N)", s.Name)
	}
	var x interface {
		Reader
		io.Closer
	}
	det := Detection{Format: "xlsx sheet", FormatWhy: "zip archive with a workbook part"}
	if isODS(zr) {
		det = Detection{Format: "OpenDocument sheet", FormatWhy: "zip archive with an OpenDocument spreadsheet mimetype"}
		x, err = openODS(zr, s.Name, sheet, max, int64(opts.HeaderRow))
	} else {
		x, err = openXLSXAt(zr, s.Name, sheet, max, int64(opts.HeaderRow))
	}
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w", s.Name, err)
	}
	if opts.Format == fmtXLSX {
		det.FormatWhy = "--format-in"
	}
	sr := &sourceReader{r: x, name: s.Name, cnt: cnt, allowPartial: opts.AllowPartial, det: det}
	if opts.CountRows {
		sr.sketch = &DistinctRows{}
	}
	return sr, closers{f, x}, nil
}

// countingReaderAt counts the bytes read through it, for BytesRead.
type countingReaderAt struct {
	f   io.ReaderAt
	cnt *counter
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.f.ReadAt(p, off)
	c.cnt.n.Add(int64(n))
	if c.cnt.total != nil {
		c.cnt.total.Add(int64(n))
	}
	return n, err
}

// text peels compression and the text encoding off the bytes of the source and returns its
// text, with at least the first sniffLen bytes buffered.
func (s *Source) text(cnt *counter, cs *closers, opts Options, det *Detection) (*bufio.Reader, error) {
	var r io.Reader = cnt
	var layers []string
	var br *bufio.Reader
	for layer := 0; ; layer++ {
		br = bufio.NewReaderSize(r, sniffLen)
		head, err := peek(br, 16)
		if err != nil {
			return nil, err
		}
		fm := sniff(head)
		var what string
		switch fm {
		case formatGzip:
			what = "gzip data"
			zr, err := gzip.NewReader(br)
			if err != nil {
				return nil, &TruncatedError{What: what, Rows: -1, Err: plainError(err)}
			}
			r = zr
		case formatBzip2:
			what, r = "bzip2 data", bzip2.NewReader(br)
		case formatXz:
			what = "xz data"
			guard := newXZGuard(br)
			xr, err := xz.NewReader(guard)
			if err != nil {
				if guard.err != nil {
					return nil, guard.err
				}
				return nil, &TruncatedError{What: what, Rows: -1, Err: plainError(err)}
			}
			r = &fatalFirst{r: xr, fatal: func() error { return guard.err }}
		case formatZstd:
			what = "zstd data"
			zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
				zstd.WithDecoderMaxMemory(maxDecoderMemory), zstd.WithDecoderMaxWindow(maxDecoderMemory))
			if err != nil {
				return nil, err
			}
			*cs = append(*cs, closeFunc(func() error { zr.Close(); return nil }))
			r = zr
		case formatZip:
			if s.kind == srcStdin || s.once {
				return nil, errors.New("a zip archive or xlsx workbook cannot be read from standard input or a pipe (it needs random access): save it to a file")
			}
			return nil, errors.New("a zip archive or xlsx workbook inside a compressed file or another zip archive is not read: extract it first")
		case formatOLE, format7z, formatUTF32, formatSQLiteDB, formatPgDump:
			return nil, &notDataError{fmt.Sprintf("%s input is not supported", refused[fm])}
		}
		if what == "" {
			break
		}
		layers = append(layers, strings.TrimSuffix(what, " data"))
		if layer == maxLayers {
			return nil, errors.New("more than 4 layers of compression")
		}
		r = &damage{r: r, what: what, cnt: cnt}
	}
	if s.kind == srcMember {
		layers = append([]string{s.memberKind()}, layers...)
	}
	det.Container = strings.Join(layers, ", ")
	var declared *declaredEncoding
	if opts.Encoding == "" && s.kind == srcFile && len(layers) == 0 {
		declared = tabCharset(s.path)
	}
	text, enc, err := decodeText(br, opts.Encoding, declared)
	if err != nil {
		return nil, err
	}
	det.Encoding, det.EncodingWhy = enc.name, enc.why
	if text != io.Reader(br) {
		br = bufio.NewReaderSize(text, sniffLen)
		det.transcoded = true
	} else {
		det.text = br
	}
	head, err := peek(br, sniffLen)
	if err != nil {
		return nil, err
	}
	if isBinary(head) {
		return nil, &notDataError{"binary data: not text, and not a known compressed, archive or spreadsheet format"}
	}
	return br, nil
}

// openStream returns the reader for the format of the source's text.
func (s *Source) openStream(cnt *counter, cs *closers, opts Options, max int, det *Detection) (Reader, error) {
	br, err := s.text(cnt, cs, opts, det)
	if err != nil {
		return nil, err
	}
	f := opts.Format
	det.FormatWhy = "--format-in"
	if f == "" {
		head, _ := peek(br, sniffLen)
		if t := bytes.TrimLeft(head, " \t\r\n"); len(t) > 0 && t[0] == '<' {
			if !isTelegramHTML(t) {
				return nil, &notDataError{"XML or HTML input is not supported"}
			}
			f, det.FormatWhy = fmtTelegramHTML, "an HTML page of Telegram Desktop's chat export"
		} else {
			f, det.FormatWhy = sniffTextWhy(head)
		}
	}
	det.Format = formatNames[f]
	if f == fmtCSV || f == fmtTSV {
		return s.openDelimited(br, opts, f, det)
	}
	if len(opts.Columns) > 0 || opts.HeaderRow > 1 {
		return nil, fmt.Errorf("--columns and --header-row apply to delimited text and xlsx sheets; this input is %s", formatNames[f])
	}
	det.Keyed = f == fmtJSONL || f == fmtJSON || f == fmtKV || f == fmtTelegram || f == fmtTelegramHTML
	switch f {
	case fmtJSONL:
		return newKeyedReader(&jsonLines{lines: newLineReader(br, max)}, exactKey)
	case fmtJSON:
		return newKeyedReader(newJSONStream(br, max), exactKey)
	case fmtKV:
		return newKeyedReader(newKVBlocks(newLineReader(br, max)), foldKey)
	case fmtSQL:
		return s.openSQL(br, opts, max)
	case fmtTelegram, fmtTelegramHTML:
		return openTelegram(br, f, max)
	}
	return nil, fmt.Errorf("unknown input format %q", f)
}

// openDelimited opens delimited text, escape-aware when it is (or is said to be) tab-separated
// text with backslash escapes, with the column names of a mysqldump --tab schema beside it.
func (s *Source) openDelimited(br *bufio.Reader, opts Options, f string, det *Detection) (Reader, error) {
	head, _ := peek(br, sniffLen)
	if f == fmtTSV {
		opts.Delimiter = '\t'
	}
	fromSchema := false
	if (f == fmtTSV || opts.Format == "" && opts.Delimiter == 0) && s.kind == srcFile &&
		len(opts.Columns) == 0 && opts.HeaderRow <= 1 {
		max, _ := opts.maxLine()
		if sqlName, cols, ok := tabSchema(s.path, max); ok && escapedFields(head) == len(cols) {
			opts.Columns, opts.Delimiter, f, fromSchema = cols, '\t', fmtTSV, true
			det.FormatWhy = "mysqldump --tab data; columns from " + sqlName
		}
	}
	if f == fmtCSV && opts.Format == "" && (opts.Delimiter == '\t' || opts.Delimiter == 0 && headDelimiter(head) == '\t') && looksEscaped(head) {
		f = fmtTSV
		det.FormatWhy = "tab-separated with \\N or \\\\ escapes"
	}
	det.Format = formatNames[f]
	switch {
	case len(opts.Columns) > 0 && !fromSchema:
		det.FormatWhy += "; no header row: columns named by --columns"
	case opts.HeaderRow > 1:
		det.FormatWhy += fmt.Sprintf("; header on line %d (--header-row)", opts.HeaderRow)
	}
	if f == fmtTSV {
		max, err := opts.maxLine()
		if err != nil {
			return nil, err
		}
		return newTSVReader(br, s.Name, max, opts.Columns, opts.HeaderRow)
	}
	return newDelimited(br, s.Name, opts)
}

// headDelimiter is the delimiter the delimited reader would detect in the header line of head.
func headDelimiter(head []byte) byte {
	sc := newScanner(bytes.NewReader(head), len(head)+1)
	if sc.skipBOM() != nil {
		return 0
	}
	d, err := sc.detectDelimiter()
	if err != nil {
		return 0
	}
	return d
}

// escapedFields counts the fields of the first record of head read as tab-separated text with
// backslash escapes (a backslash before a tab or line break makes it data).
func escapedFields(head []byte) int {
	n := 1
	for i := 0; i < len(head); i++ {
		switch head[i] {
		case '\\':
			i++
		case '\t':
			n++
		case '\n':
			return n
		}
	}
	return n
}

// openSQL opens an SQL dump at the table to read. For a source that can be read again, a
// first pass finds the tables with rows, so that a dump with several is refused up front.
func (s *Source) openSQL(r io.Reader, opts Options, max int) (Reader, error) {
	if opts.Table == "" && !s.once {
		if s.tables == nil {
			tables, err := s.sqlTables(opts, max)
			if err != nil {
				return nil, err
			}
			s.tables = tables
		}
		switch len(s.tables) {
		case 0:
			return nil, ErrNoRecords
		case 1:
			return newSQLReader(r, max, s.tables[0], false)
		default:
			return nil, fmt.Errorf("the dump holds rows of %d tables (%s); choose one with --table", len(s.tables), quoteNames(s.tables))
		}
	}
	return newSQLReader(r, max, opts.Table, s.once)
}

// sqlTables makes the first pass over an SQL source.
func (s *Source) sqlTables(opts Options, max int) ([]string, error) {
	src, cs, err := s.raw()
	if err != nil {
		return nil, err
	}
	defer cs.Close()
	br, err := s.text(&counter{r: src}, &cs, opts, &Detection{})
	if err != nil {
		return nil, err
	}
	tables, err := sqlTables(br, max)
	var te *TruncatedError
	if errors.As(err, &te) {
		// Damage is reported by the real pass, which knows how many rows came before it
		// (and, with AllowPartial, uses them): the tables seen up to it are the dump's.
		err = nil
	}
	if err != nil {
		return nil, err
	}
	if tables == nil {
		tables = []string{}
	}
	return tables, nil
}

// encodingChoice is the text encoding decodeText chose, and why, for Detection.
type encodingChoice struct{ name, why string }

// declaredEncoding is the character set a file beside the input declares for it.
type declaredEncoding struct {
	dec encoding.Encoding
	why string
}

// decodeText returns br decoded to UTF-8 (br itself when it is UTF-8), without a byte order
// mark, and the encoding chosen with the reason. declared, when not nil, is the encoding a
// file beside the input declares, taken unless --encoding or a byte order mark says otherwise.
func decodeText(br *bufio.Reader, enc string, declared *declaredEncoding) (io.Reader, encodingChoice, error) {
	head, err := peek(br, sniffLen)
	if err != nil {
		return nil, encodingChoice{}, err
	}
	bom := sniff(head)
	var dec encoding.Encoding
	ch := encodingChoice{why: "--encoding"}
	switch strings.ToLower(enc) {
	case "utf-8":
	case "utf-16le":
		dec = xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM)
	case "utf-16be":
		dec = xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM)
	case "windows-1252":
		dec = charmap.Windows1252
	case "latin1":
		dec = charmap.ISO8859_1
	default:
		dec, ch = detectEncoding(head, bom)
		if declared != nil && ch.why != "byte order mark" {
			dec, ch = declared.dec, encodingChoice{why: declared.why}
		}
	}
	ch.name = encodingName(dec)
	// Drop a byte order mark that matches the encoding.
	switch {
	case dec == nil && bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		br.Discard(3)
	case (bom == formatUTF16LE || bom == formatUTF16BE) && dec != nil && dec != charmap.Windows1252 && dec != charmap.ISO8859_1:
		br.Discard(2)
	}
	if dec == nil {
		return br, ch, nil
	}
	return transform.NewReader(br, dec.NewDecoder()), ch, nil
}

func encodingName(dec encoding.Encoding) string {
	switch dec {
	case nil:
		return "UTF-8"
	case charmap.Windows1252:
		return "Windows-1252"
	case charmap.ISO8859_1:
		return "Latin-1"
	}
	if dec == xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM) {
		return "UTF-16LE"
	}
	return "UTF-16BE"
}

// detectEncoding decides the encoding of text without --encoding: a byte order mark; UTF-16
// recognised by its zero bytes; the character set an SQL dump declares (mysqldump writes SET
// NAMES, pg_dump SET client_encoding) — a dump is one encoding even where raw BLOB bytes make
// it invalid UTF-8; valid UTF-8 in the first 64 KiB; else Windows-1252.
func detectEncoding(head []byte, bom format) (encoding.Encoding, encodingChoice) {
	switch {
	case bom == formatUTF16LE:
		return xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM), encodingChoice{why: "byte order mark"}
	case bom == formatUTF16BE:
		return xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM), encodingChoice{why: "byte order mark"}
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		return nil, encodingChoice{why: "byte order mark"}
	}
	if f, ok := looksUTF16(head); ok {
		why := encodingChoice{why: "zero bytes at every other position"}
		if f == formatUTF16LE {
			return xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM), why
		}
		return xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM), why
	}
	if isSQL(head) {
		if dec, decl, ok := declaredCharset(head); ok {
			return dec, encodingChoice{why: "declared by the dump: " + decl}
		}
	}
	if validUTF8Prefix(head) {
		return nil, encodingChoice{why: "valid UTF-8 in the first 64 KiB"}
	}
	return charmap.Windows1252, encodingChoice{why: "not valid UTF-8 in the first 64 KiB; force another with --encoding"}
}

var (
	setNames       = regexp.MustCompile(`(?i)\bSET\s+NAMES\s+'?([a-z0-9_]+)`)
	clientEncoding = regexp.MustCompile(`(?i)\bSET\s+client_encoding\s*(?:=|TO)\s*'([a-z0-9_]+)'`)
)

// declaredCharset finds the character set an SQL dump declares in its first statements.
func declaredCharset(head []byte) (encoding.Encoding, string, bool) {
	var decl, cs string
	if m := setNames.FindSubmatch(head); m != nil {
		decl, cs = "SET NAMES "+strings.ToLower(string(m[1])), strings.ToLower(string(m[1]))
	} else if m := clientEncoding.FindSubmatch(head); m != nil {
		decl, cs = "SET client_encoding "+strings.ToUpper(string(m[1])), strings.ToLower(string(m[1]))
	} else {
		return nil, "", false
	}
	switch cs {
	case "utf8", "utf8mb4", "utf8mb3", "unicode":
		return nil, decl, true
	case "latin1", "cp1252", "win1252", "windows1252":
		// MySQL's latin1 is Windows-1252; PostgreSQL's LATIN1 is ISO 8859-1, which
		// Windows-1252 extends except for C1 control codes no name holds.
		return charmap.Windows1252, decl, true
	}
	return nil, "", false
}

// maxDecoderMemory bounds the window (zstd) or dictionary (xz) a compressed input may ask the
// decoder to allocate. The tools' defaults use at most 64 MiB (xz -9) and 8 MiB (zstd -19);
// only explicit "long" modes go beyond.
const maxDecoderMemory = 256 << 20

// fatalFirst reports fatal() instead of the error of r when it is set: a
// bound refused under a decompressor, which the decompressor may have
// wrapped or replaced.
type fatalFirst struct {
	r     io.Reader
	fatal func() error
}

func (f *fatalFirst) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err != nil {
		if ferr := f.fatal(); ferr != nil {
			return n, ferr
		}
	}
	return n, err
}

// sourceReader is what Source.Open returns: the format's reader, with bytes counted at the
// bottom of the source and a truncation turned into an error that says how many rows came
// before it (or, with AllowPartial, into the end of input).
type sourceReader struct {
	r            Reader
	d            *delimitedReader // r, when it is one
	name         string
	cnt          *counter
	allowPartial bool
	det          Detection
	rows         int64
	truncated    error         // with AllowPartial: why the input ended early
	err          error         // sticky
	sketch       *DistinctRows // Options.CountRows: the rows' count and distinct estimate
	text         *bufio.Reader // the file's bytes, when r reads them untranscoded (Detection.text)
}

// note adds the result of Next to the sketch: a record, or a row error.
func (s *sourceReader) note(rec Record, err error) {
	switch {
	case s.d != nil && s.d.raw.ok:
		s.sketch.rows++ // its bytes went to the sketch as it was read (delimitedReader.hashed)
	case s.d == nil && err == nil:
		s.sketch.Record(rec.Values)
	default:
		s.sketch.Bad()
	}
}

// Rows returns the rows r has given so far, and the estimate of how many of them are distinct,
// counted as Source.CountRows counts them; ok is false unless r was opened with
// Options.CountRows.
func Rows(r Reader) (c RowCount, ok bool) {
	s, isSource := r.(*sourceReader)
	if !isSource || s.sketch == nil {
		return RowCount{}, false
	}
	return s.sketch.Count(), true
}

func (s *sourceReader) Columns() []string { return s.r.Columns() }

func (s *sourceReader) BytesRead() int64 { return s.cnt.n.Load() }

func (s *sourceReader) Next() (Record, error) {
	if s.err != nil {
		return Record{}, s.err
	}
	var rec Record
	var err error
	if s.d != nil {
		rec, err = s.d.Next() // a direct call on the hot path of the commonest format
	} else {
		rec, err = s.r.Next()
	}
	if err == nil {
		s.rows++
		if s.sketch != nil {
			s.note(rec, nil)
		}
		return rec, nil
	}
	if isRowError(err) {
		s.rows++
		if s.sketch != nil {
			s.note(rec, err)
		}
		if re, ok := err.(*RowError); ok && re.Source == "" {
			re.Source = s.name
		}
		return rec, err
	}
	if err != io.EOF {
		err = s.fatal(err, s.rows)
	}
	s.err = err
	return Record{}, err
}

// fatal makes the error that ends reading after rows results.
func (s *sourceReader) fatal(err error, rows int64) error {
	var te *TruncatedError
	if !errors.As(err, &te) {
		if strings.HasPrefix(err.Error(), s.name+":") {
			return err
		}
		return fmt.Errorf("%s: %w", s.name, err)
	}
	t := &TruncatedError{What: te.What, Rows: rows, Err: te.Err}
	if s.allowPartial {
		s.truncated = t
		return io.EOF
	}
	return fmt.Errorf("%s: %w", s.name, t)
}

// Once reports a source that can be read only once (standard input, a pipe): it cannot be
// counted first, nor opened again.
func (s *Source) Once() bool { return s.once }

// Stamp identifies the state of the file a source is read from (a file, or the archive or
// workbook a member or sheet is in): its size and modification time. A source read twice
// (build counts its rows, then reads them) compares the stamps taken before the first pass
// and after the second: a file that changed in between would make the first pass's count
// wrong (issue 13, item 18). ok is false for standard input and pipes, which are read once.
type Stamp struct {
	Size    int64
	ModTime time.Time
}

// Stamp returns the source's file stamp.
func (s *Source) Stamp() (st Stamp, ok bool, err error) {
	if s.once || s.kind == srcStdin || s.path == "" {
		return Stamp{}, false, nil
	}
	fi, err := os.Stat(s.path)
	if err != nil {
		return Stamp{}, false, fmt.Errorf("%s: %w", s.Name, err)
	}
	if !fi.Mode().IsRegular() {
		return Stamp{}, false, nil
	}
	return Stamp{Size: fi.Size(), ModTime: fi.ModTime()}, true, nil
}
