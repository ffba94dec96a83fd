package records

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// delimitedReader reads delimited text with a header row (RFC 4180 quoting).
type delimitedReader struct {
	s       *scanner
	name    string
	columns []string
	err     error // sticky: io.EOF or a fatal error

	values []string // reused between records
	field  []byte   // unescaped record text, reused (quoted records only)
	ends   []int    // end offsets of the fields in field

	lines lineBreaks // evidence of values with unescaped line breaks

	// block holds the text of the lines after blockAt (an offset in the input), converted from
	// the scanner's buffer at once: the unquoted records read on the fast path are cut from it,
	// one allocation for many records instead of one each.
	block   string
	blockAt int64
	class   [256]uint8 // classOf each byte: the delimiter, a quote, NUL, a non-ASCII byte
	cuts    []int      // delimiter positions of the record being split (at most want)

	// sketch, when set (Options.CountRows), takes the bytes of each record Next returns, as
	// count hashes them; raw.ok is false for a record count hashes by its position (a line too
	// long): see sourceReader.note.
	sketch *DistinctRows
	raw    struct{ ok bool }
}

// hashed notes the bytes of the record Next is about to return, for the
// sketch; data nil means none (a record skipped by the scanner).
func (d *delimitedReader) hashed(data []byte) {
	if d.sketch != nil {
		d.raw.ok = data != nil
		if data != nil {
			d.sketch.addBytes(data)
		}
	}
}

// NewDelimited returns a reader for delimited text with a header row. name is used in RowErrors.
//
// The header is read before NewDelimited returns: an input without one fails with an error
// wrapping ErrNoHeader, and a header that cannot be parsed is a fatal error. The delimiter is
// opts.Delimiter, or when 0 the most frequent of comma, semicolon, tab and pipe outside quotes in
// the header line (comma when none occurs, the earlier in that list on a tie).
func NewDelimited(r io.Reader, name string, opts Options) (Reader, error) {
	return newDelimited(r, name, opts)
}

func newDelimited(r io.Reader, name string, opts Options) (*delimitedReader, error) {
	name = displayName(name)
	max, err := opts.maxLine()
	if err != nil {
		return nil, err
	}
	if opts.HeaderRow > 1 {
		br := bufio.NewReaderSize(r, 64<<10)
		if err := skipLines(br, opts.HeaderRow-1); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		r = br
	}
	d := &delimitedReader{s: newScanner(r, max), name: name}
	if opts.HeaderRow > 1 {
		d.s.line = int64(opts.HeaderRow)
	}
	if opts.Delimiter != 0 {
		if err := checkDelimiter(opts.Delimiter); err != nil {
			return nil, err
		}
		d.s.delim = byte(opts.Delimiter)
	}
	if err := d.s.skipBOM(); err != nil {
		return nil, d.readError(err)
	}
	if d.s.delim == 0 {
		delim, err := d.s.detectDelimiter()
		if err != nil {
			return nil, d.readError(err)
		}
		d.s.delim = delim
	}
	d.setClasses()
	if len(opts.Columns) > 0 {
		// No header row: the names are given, and the first row is data.
		d.columns = make([]string, len(opts.Columns))
		for i, c := range opts.Columns {
			d.columns[i] = strings.TrimSpace(c)
		}
		d.values = make([]string, 0, len(d.columns))
		return d, nil
	}
	rec, err := d.s.scan()
	switch {
	case err == io.EOF:
		return nil, fmt.Errorf("%s: %w", name, ErrNoHeader)
	case err != nil:
		return nil, d.readError(err)
	case rec.skip != "":
		return nil, d.headerError(rec.line, rec.skip)
	}
	cols, reason := d.split(rec.data, rec.quoted, -1)
	if reason != "" {
		return nil, d.headerError(rec.line, reason)
	}
	d.columns = make([]string, len(cols))
	for i, c := range cols {
		d.columns[i] = strings.TrimSpace(c)
	}
	d.values = make([]string, 0, len(cols))
	return d, nil
}

// skipLines discards n lines: the title lines above a header row (Options.HeaderRow).
func skipLines(br *bufio.Reader, n int) error {
	for range n {
		for {
			_, err := br.ReadSlice('\n')
			if err == bufio.ErrBufferFull {
				continue
			}
			if err == io.EOF {
				return fmt.Errorf("the input ends before its header row: %w", ErrNoHeader)
			}
			if err != nil {
				return err
			}
			break
		}
	}
	return nil
}

func checkDelimiter(r rune) error {
	if r >= utf8.RuneSelf || r == '"' || r == '\r' || r == '\n' || r == 0 {
		return errors.New("delimiter must be a single ASCII character other than quote, CR, LF or NUL")
	}
	return nil
}

func (d *delimitedReader) readError(err error) error {
	return fmt.Errorf("%s: %w", d.name, err)
}

func (d *delimitedReader) headerError(line int64, reason string) error {
	return fmt.Errorf("%s:%d: header row: %s", d.name, line, reason)
}

func (d *delimitedReader) Columns() []string { return d.columns }

func (d *delimitedReader) BytesRead() int64 { return d.s.read.Load() }

func (d *delimitedReader) Next() (Record, error) {
	if d.err != nil {
		return Record{}, d.err
	}
	s := d.s
	want := len(d.columns)
	// Fast path: the record is one line that is already in the buffer. Lines with quotes are
	// parsed once, which also tells whether their quotes close on the line.
	for {
		line, ok := s.peekLine()
		if !ok {
			break
		}
		data := trimCR(line)
		n, flags := d.scanPlain(data, want)
		if flags&classQuote == 0 {
			switch {
			case len(data) == 0:
				s.takeLine(len(line))
				continue // blank line
			case len(data) > s.max:
				d.hashed(nil)
				return d.rowError(s.takeLine(len(line)), s.tooLong(false))
			case d.lines.footer(data, s.delim, want):
				s.takeLine(len(line))
				continue
			}
			d.hashed(data)
			d.lines.row(n, want)
			var reason string
			switch {
			case flags&classNUL != 0:
				reason = "NUL byte"
			case flags&classHigh != 0 && !utf8.Valid(data):
				reason = "invalid UTF-8"
			case n != want:
				reason = ragged(n, want)
			}
			if reason != "" {
				return d.rowError(s.takeLine(len(line)), reason)
			}
			text := d.text(len(data))
			return Record{Line: s.takeLine(len(line)), Values: d.cutPlain(text)}, nil
		}
		q := bytes.IndexByte(data, '"')
		n, reason, open := d.parseQuoted(data, want)
		if open || reason != "" && quoteOpenAtEnd(data, q, s.delim) {
			break // the record goes on past this line
		}
		start := s.takeLine(len(line))
		if len(data) > s.max {
			d.hashed(nil)
			return d.rowError(start, s.tooLong(false))
		}
		d.hashed(data)
		if literalQuotes(s.delim) {
			d.lines.row(n, want)
		}
		if r := validate(data); r != "" {
			reason = r
		}
		if reason == "" && n != want {
			reason = ragged(n, want)
		}
		if reason != "" {
			return d.rowError(start, reason)
		}
		return Record{Line: start, Values: d.quotedValues()}, nil
	}

	rec, err := s.scan()
	for err == nil && rec.skip == "" && !rec.quoted && d.lines.footer(rec.data, s.delim, want) {
		rec, err = s.scan()
	}
	if err != nil {
		if err != io.EOF {
			err = d.readError(err)
		}
		d.err = err
		return Record{}, err
	}
	d.hashed(rec.data)
	if rec.skip != "" {
		return d.rowError(rec.line, rec.skip)
	}
	vals, reason := d.split(rec.data, rec.quoted, want)
	if !rec.quoted {
		d.lines.row(bytes.Count(rec.data, []byte{s.delim})+1, want)
	}
	return d.record(rec.line, vals, reason)
}

func (d *delimitedReader) record(line int64, values []string, reason string) (Record, error) {
	if reason != "" {
		return d.rowError(line, reason)
	}
	return Record{Line: line, Values: values}, nil
}

func (d *delimitedReader) rowError(line int64, reason string) (Record, error) {
	return Record{}, &RowError{Source: d.name, Line: line, Reason: reason}
}

// count returns the number of results Next would still return before io.EOF.
func (d *delimitedReader) count(dist *distinct) (int64, error) {
	var n int64
	rows := rowBatch{d: dist}
	defer rows.flush()
	for {
		rec, err := d.s.scan()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, d.readError(err)
		}
		if rec.skip == "" && !rec.quoted && d.lines.footer(rec.data, d.s.delim, len(d.columns)) {
			continue
		}
		if rec.data != nil {
			rows.add(rec.data)
		} else {
			dist.add(uint64(n) * 0x9e3779b97f4a7c15) // skipped: count it as distinct
		}
		n++
	}
}

// Byte classes of the fast path (delimitedReader.class).
const (
	classDelim = 1 << iota
	classQuote
	classNUL
	classHigh // the first byte of a multi-byte UTF-8 sequence, or not UTF-8
)

// setClasses fills d.class for the delimiter d reads.
func (d *delimitedReader) setClasses() {
	for c := 0x80; c < 0x100; c++ {
		d.class[c] = classHigh
	}
	d.class['"'] = classQuote
	d.class[0] = classNUL
	d.class[d.s.delim] = classDelim
}

// scanPlain finds, in one pass over a record's bytes, its delimiters (the positions of the
// first want-1 in d.cuts, so that a row of a million delimiters costs no memory), and which of
// the classes of bytes it holds. n is its number of fields as an unquoted record.
func (d *delimitedReader) scanPlain(data []byte, want int) (n int, flags uint8) {
	cuts := d.cuts[:0]
	n = 1
	for i, c := range data {
		k := d.class[c]
		if k == 0 {
			continue
		}
		flags |= k
		if k == classDelim {
			if n < want {
				cuts = append(cuts, i)
			}
			n++
		}
	}
	d.cuts = cuts
	return n, flags
}

// cutPlain makes d.values from an unquoted record's text at the delimiters scanPlain found.
func (d *delimitedReader) cutPlain(text string) []string {
	vals := d.values[:0]
	start := 0
	for _, c := range d.cuts {
		vals = append(vals, text[start:c])
		start = c + 1
	}
	vals = append(vals, text[start:])
	d.values = vals
	return vals
}

// blockBytes is the most text converted into a block at once (delimitedReader.block): large
// enough that allocations are rare, small enough that a value kept alone keeps little memory.
const blockBytes = 8 << 10

// text returns the next n bytes of the input, at the scanner's read position in its buffer, as
// a string cut from the current block, converting a new block when they are not all in it.
func (d *delimitedReader) text(n int) string {
	s := d.s
	at := s.read.Load() - int64(s.w-s.r)
	off := at - d.blockAt
	if off < 0 || off+int64(n) > int64(len(d.block)) {
		m := max(min(s.w-s.r, blockBytes), n)
		d.block, d.blockAt, off = string(s.buf[s.r:s.r+m]), at, 0
	}
	return d.block[off : off+int64(n)]
}

// validate checks the bytes of a record: no NUL, valid UTF-8. Delimiters and quotes are ASCII
// and cannot split a multi-byte sequence, so checking the whole record is the same as checking
// every cell.
func validate(data []byte) string {
	if bytes.IndexByte(data, 0) >= 0 {
		return "NUL byte"
	}
	if !utf8.Valid(data) {
		return "invalid UTF-8"
	}
	return ""
}

// split splits one whole record (without its line terminator) into fields, into d.values. want
// is the number of fields required, or -1 for any. On a bad record it returns a reason, which
// never includes record content. Reasons are checked in a fixed order: NUL, UTF-8, quoting,
// field count.
func (d *delimitedReader) split(data []byte, quoted bool, want int) ([]string, string) {
	if r := validate(data); r != "" {
		return nil, r
	}
	if quoted {
		n, reason, open := d.parseQuoted(data, want)
		switch {
		case open:
			return nil, "unterminated quote" // not reached: the scanner ends records outside quotes
		case reason != "":
			return nil, reason
		case want >= 0 && n != want:
			return nil, ragged(n, want)
		}
		return d.quotedValues(), ""
	}
	delim := d.s.delim
	n := bytes.Count(data, []byte{delim}) + 1
	if want >= 0 && n != want {
		return nil, ragged(n, want)
	}
	line := string(data) // one allocation per record; fields are substrings of it
	vals := d.values[:0]
	for range n - 1 {
		i := strings.IndexByte(line, delim)
		vals = append(vals, line[:i])
		line = line[i+1:]
	}
	vals = append(vals, line)
	d.values = vals
	return vals, ""
}

// parseQuoted parses a record that contains quotes, unescaping fields into d.field with their
// end offsets in d.ends (at most want+1 of them, so a row of a million delimiters costs no
// memory). It returns the number of fields, or a reason at the first quoting error, or open when
// data ends inside a quoted field.
func (d *delimitedReader) parseQuoted(data []byte, want int) (n int, reason string, open bool) {
	delim := d.s.delim
	multiLine := bytes.IndexByte(data, '\n') >= 0
	buf := d.field[:0]
	ends := d.ends[:0]
	defer func() { d.field, d.ends = buf, ends }()
	for i := 0; ; {
		if i < len(data) && data[i] == '"' {
			i++
			for {
				j := bytes.IndexByte(data[i:], '"')
				if j < 0 {
					return n, "", true
				}
				if multiLine {
					buf = appendQuoted(buf, data[i:i+j])
				} else {
					buf = append(buf, data[i:i+j]...)
				}
				i += j + 1
				if i < len(data) && data[i] == '"' {
					buf = append(buf, '"')
					i++
					continue
				}
				break
			}
			if i < len(data) && data[i] != delim {
				return n, "extraneous character after closing quote", false
			}
		} else {
			j := bytes.IndexByte(data[i:], delim)
			if j < 0 {
				j = len(data) - i
			}
			f := data[i : i+j]
			if bytes.IndexByte(f, '"') >= 0 && !literalQuotes(delim) {
				return n, "bare quote in unquoted field", false
			}
			buf = append(buf, f...)
			i += j
		}
		n++
		if want < 0 || n <= want {
			ends = append(ends, len(buf))
		}
		if i >= len(data) {
			return n, "", false
		}
		i++ // the delimiter
	}
}

// quotedValues makes d.values from the fields parseQuoted left in d.field, with one allocation.
func (d *delimitedReader) quotedValues() []string {
	line := string(d.field)
	vals := d.values[:0]
	start := 0
	for _, end := range d.ends {
		vals = append(vals, line[start:end])
		start = end
	}
	d.values = vals
	return vals
}

// appendQuoted appends the text of a quoted field, turning CRLF line breaks into LF so a value
// does not depend on the line endings of the file it came from.
func appendQuoted(buf, b []byte) []byte {
	for {
		i := bytes.Index(b, []byte("\r\n"))
		if i < 0 {
			return append(buf, b...)
		}
		buf = append(buf, b[:i]...)
		buf = append(buf, '\n')
		b = b[i+2:]
	}
}

// literalQuotes reports delimiters whose writers do not quote: tab- and pipe-separated text
// from mariadb --batch, mysqldump --tab, COPY … TO, psql -A and sqlite3's list mode holds a
// quote inside a value as it is, so a quote inside an unquoted field is part of the value. In
// comma- and semicolon-separated text (RFC 4180) it is a bad row.
func literalQuotes(delim byte) bool { return delim == '\t' || delim == '|' }

func ragged(n, want int) string {
	return fmt.Sprintf("ragged row: %d fields, header has %d", n, want)
}
