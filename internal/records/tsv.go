package records

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Tab-separated text with backslash escapes is what `mariadb --batch`, `mysqldump --tab`,
// `SELECT … INTO OUTFILE` and PostgreSQL's `COPY … TO` (text format) write: fields are never
// quoted (a `"` is part of the value), and a tab, line break, carriage return or backslash in
// a value is written `\t`, `\n`, `\r`, `\\` (mysqldump --tab and INTO OUTFILE write a tab or
// line break as a backslash before the real character, which is part of the value too); `\N`
// alone is NULL (read as empty) and `\0` is a NUL byte (dropped: no identifier holds one).
// Other escapes (`\b`, `\Z`, `\x`) keep the character after the backslash, as MariaDB and
// PostgreSQL read them.
//
// The format is chosen with --format-in tsv, or detected in tab-separated text whose first
// 64 KiB hold a field that is exactly `\N` or a `\\` (plain tab-separated text seldom does).
//
// `mysqldump --tab DIR` writes each table as TABLE.txt (data, no header) beside TABLE.sql (its
// CREATE TABLE): a .txt file read as tab-separated text with a .sql beside it that creates one
// table takes its column names from there, and its first line is data; the .sql's SET NAMES
// is the data's character set (tabCharset).

const fmtTSV = "tsv"

// looksEscaped reports whether the head of tab-separated text holds backslash escapes.
func looksEscaped(head []byte) bool {
	for _, line := range bytes.Split(head, []byte{'\n'}) {
		for _, f := range bytes.Split(bytes.TrimSuffix(line, []byte{'\r'}), []byte{'\t'}) {
			if string(f) == `\N` {
				return true
			}
		}
	}
	return bytes.Contains(head, []byte(`\\`))
}

// maxSchemaBytes bounds the .sql read beside a mysqldump --tab .txt file.
const maxSchemaBytes = 4 << 20

// tabSchema returns the column names from the .sql file beside path, written by
// mysqldump --tab: the columns of its one CREATE TABLE. ok is false when there is no such file
// or it does not create exactly one table (mysqldump names both files after the table; a
// renamed pair still matches when the .sql creates one table with as many columns as the
// .txt's first line has fields).
func tabSchema(path string, max int) (sqlName string, cols []string, ok bool) {
	if !strings.EqualFold(filepath.Ext(path), ".txt") {
		return "", nil, false
	}
	sqlPath := strings.TrimSuffix(path, filepath.Ext(path)) + ".sql"
	f, err := os.Open(sqlPath)
	if err != nil {
		return "", nil, false
	}
	defer f.Close()
	q := &sqlReader{s: newSQLScanner(bufio.NewReader(io.LimitReader(f, maxSchemaBytes))), max: max, tables: map[string]*sqlTable{}}
	for {
		if err := q.statement(); err == io.EOF {
			break
		} else if err != nil && !isRowError(err) {
			return "", nil, false
		}
	}
	var found []string
	n := 0
	for _, t := range q.tables {
		if t.created {
			n++
			found = t.columns
		}
	}
	if n != 1 || len(found) == 0 {
		return "", nil, false
	}
	return displayPath(filepath.Base(sqlPath)), found, true
}

// tabCharset returns the character set that the .sql beside a mysqldump --tab .txt file
// declares (mysqldump writes the data in the SET NAMES character set of its .sql): raw BLOB
// bytes make the data invalid UTF-8, which must not make the whole file read as
// Windows-1252. nil when path is no --tab data or its .sql declares no character set.
func tabCharset(path string) *declaredEncoding {
	if _, _, ok := tabSchema(path, DefaultMaxLineBytes); !ok {
		return nil
	}
	sqlPath := strings.TrimSuffix(path, filepath.Ext(path)) + ".sql"
	f, err := os.Open(sqlPath)
	if err != nil {
		return nil
	}
	defer f.Close()
	head, _ := io.ReadAll(io.LimitReader(f, sniffLen))
	dec, decl, ok := declaredCharset(head)
	if !ok {
		return nil
	}
	return &declaredEncoding{dec: dec, why: "declared by " + displayPath(filepath.Base(sqlPath)) + " beside it: " + decl}
}

// tsvReader reads tab-separated text with backslash escapes. A record ends at a line break
// that no backslash escapes: `mysqldump --tab` and `SELECT … INTO OUTFILE` write a line break
// or tab inside a value as a backslash before the real character, where `mariadb --batch`
// and COPY TO write `\n` and `\t`; both decode to the same value. Quotes are data. Values are
// not checked for UTF-8 at the row level: a BLOB column holds raw bytes, so a value that is
// not text fails only its own field (as in SQL dumps).
type tsvReader struct {
	br      *bufio.Reader
	name    string
	max     int
	columns []string
	line    int64 // physical lines consumed
	read    int64
	err     error
	rec     []byte   // raw record, reused
	field   []byte   // decoded fields, reused
	ends    []int    // end offsets of the fields in field
	values  []string // reused between records
}

// newTSVReader returns the reader, with the header read from the first record unless
// columns are given (headerless data: the first record is data).
// headerRow > 1 skips the title lines above the header.
func newTSVReader(r io.Reader, name string, max int, columns []string, headerRow int) (*tsvReader, error) {
	t := &tsvReader{br: bufio.NewReaderSize(r, 64<<10), name: displayName(name), max: max}
	if b, err := t.br.Peek(3); err == nil && string(b) == "\xef\xbb\xbf" {
		t.br.Discard(3)
	}
	if headerRow > 1 {
		if err := skipLines(t.br, headerRow-1); err != nil {
			return nil, fmt.Errorf("%s: %w", t.name, err)
		}
		t.line = int64(headerRow - 1)
	}
	if len(columns) > 0 {
		t.columns = make([]string, len(columns))
		for i, c := range columns {
			t.columns[i] = strings.TrimSpace(c)
		}
		return t, nil
	}
	line, skip, err := t.record()
	switch {
	case err == io.EOF:
		return nil, fmt.Errorf("%s: %w", t.name, ErrNoHeader)
	case err != nil:
		return nil, fmt.Errorf("%s: %w", t.name, err)
	case skip != "":
		return nil, fmt.Errorf("%s:%d: header row: %s", t.name, line, skip)
	}
	vals := t.split()
	if r := validate(t.rec); r != "" {
		return nil, fmt.Errorf("%s:%d: header row: %s", t.name, line, r)
	}
	t.columns = make([]string, len(vals))
	for i, c := range vals {
		t.columns[i] = strings.TrimSpace(c)
	}
	return t, nil
}

func (t *tsvReader) Columns() []string { return t.columns }

func (t *tsvReader) BytesRead() int64 { return t.read }

func (t *tsvReader) Next() (Record, error) {
	if t.err != nil {
		return Record{}, t.err
	}
	for {
		line, skip, err := t.record()
		if err != nil {
			if err != io.EOF {
				err = fmt.Errorf("%s: %w", t.name, err)
			}
			t.err = err
			return Record{}, err
		}
		if skip != "" {
			return Record{}, &RowError{Source: t.name, Line: line, Reason: skip}
		}
		if len(t.rec) == 0 {
			continue // a blank line
		}
		vals := t.split()
		if len(vals) != len(t.columns) {
			return Record{}, &RowError{Source: t.name, Line: line, Reason: ragged(len(vals), len(t.columns))}
		}
		return Record{Line: line, Values: vals}, nil
	}
}

// record reads the raw bytes of the next record into t.rec, without its line terminator: up
// to a line break not escaped by a backslash. A record over max bytes is consumed and
// returned as skip.
func (t *tsvReader) record() (start int64, skip string, err error) {
	t.rec = t.rec[:0]
	start = t.line + 1
	lines := 0
	long := false
	for {
		chunk, err := t.br.ReadSlice('\n')
		t.read += int64(len(chunk))
		if err == bufio.ErrBufferFull {
			if !long && len(t.rec)+len(chunk) <= t.max {
				t.rec = append(t.rec, chunk...)
			} else {
				long = true
			}
			continue
		}
		if err == io.EOF && len(chunk) == 0 && len(t.rec) == 0 && lines == 0 && !long {
			return start, "", io.EOF
		}
		if err != nil && err != io.EOF {
			return start, "", err
		}
		if !long && len(t.rec)+len(chunk) <= t.max+1 {
			t.rec = append(t.rec, chunk...)
		} else {
			long = true
		}
		lines++
		t.line++
		if err == io.EOF || long || !escapedEnd(t.rec) {
			break
		}
	}
	if long {
		t.rec = t.rec[:0]
		return start, "record longer than " + sizeString(t.max) + " limit", nil
	}
	if n := len(t.rec); n > 0 && t.rec[n-1] == '\n' {
		t.rec = t.rec[:n-1]
		if n := len(t.rec); n > 0 && t.rec[n-1] == '\r' && !escapedEnd(t.rec) {
			t.rec = t.rec[:n-1]
		}
	}
	if len(t.rec) > t.max {
		t.rec = t.rec[:0]
		return start, "record longer than " + sizeString(t.max) + " limit", nil
	}
	return start, "", nil
}

// escapedEnd reports whether the last byte of b is escaped: an odd number of backslashes
// stands before it.
func escapedEnd(b []byte) bool {
	n := 0
	for i := len(b) - 2; i >= 0 && b[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// split decodes t.rec into fields, into t.values.
func (t *tsvReader) split() []string {
	buf, ends := t.field[:0], t.ends[:0]
	rec := t.rec
	fieldStart := 0 // in rec
	for i := 0; i < len(rec); i++ {
		c := rec[i]
		switch {
		case c == '\t':
			ends = t.endField(rec[fieldStart:i], &buf, ends)
			fieldStart = i + 1
		case c == '\\' && i+1 < len(rec):
			i++
			switch rec[i] {
			case 'n':
				buf = append(buf, '\n')
			case 't':
				buf = append(buf, '\t')
			case 'r':
				buf = append(buf, '\r')
			case '0':
			default:
				buf = append(buf, rec[i]) // \\, a real tab or line break, \N (see endField), …
			}
		default:
			buf = append(buf, c)
		}
	}
	ends = t.endField(rec[fieldStart:], &buf, ends)
	t.field, t.ends = buf, ends
	s := string(buf) // one allocation per record; values are substrings of it
	vals := t.values[:0]
	prev := 0
	for _, e := range ends {
		vals = append(vals, s[prev:e])
		prev = e
	}
	t.values = vals
	return vals
}

// endField ends the field whose raw text is raw: `\N` alone is NULL, read as empty.
func (t *tsvReader) endField(raw []byte, buf *[]byte, ends []int) []int {
	if string(raw) == `\N` {
		*buf = (*buf)[:len(*buf)-1] // the N decoded from \N
	}
	return append(ends, len(*buf))
}
