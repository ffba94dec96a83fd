package records

import (
	"errors"
	"fmt"
	"strconv"
)

// DefaultMaxLineBytes is the line and record size limit used when Options.MaxLineBytes is 0.
const DefaultMaxLineBytes = 4 << 20

// maxMaxLineBytes bounds Options.MaxLineBytes: the limit is also the size of a buffer.
const maxMaxLineBytes = 1 << 30

// ErrNoHeader is returned (wrapped with the source name) for an input that has no header row:
// an empty file or one holding only blank lines.
var ErrNoHeader = errors.New("empty input: no header row")

// ErrNoRecords is returned (wrapped with the source name) for JSON, key-value, SQL and xlsx
// input that holds no record at all, so that no column names can be found.
var ErrNoRecords = errors.New("empty input: no records")

// ErrNotData is matched (errors.Is) by the error of an input in a format that holds no
// records leakcheck reads: HTML or XML, binary data, a legacy Office document, a 7z archive.
var ErrNotData = errors.New("not a data format leakcheck reads")

// notData wraps ErrNotData with what the input looks like and what to do.
type notDataError struct{ msg string }

func (e *notDataError) Error() string        { return e.msg }
func (e *notDataError) Is(target error) bool { return target == ErrNotData }

// ErrTruncated is matched (errors.Is) by the fatal error of an input that ends early: a
// truncated or damaged compressed stream or zip archive. The error is a *TruncatedError saying
// how many rows were read before it. With Options.AllowPartial the reader ends at that point
// instead, and Truncation reports it.
var ErrTruncated = errors.New("truncated or damaged input")

// TruncatedError is the fatal error of a compressed stream or archive that ends early or whose
// data is damaged. Its text holds only the kind of data, a row count and the decompressor's
// message (fixed phrases and offsets), never content.
type TruncatedError struct {
	What string // "gzip data", "zip member", …
	Rows int64  // results (rows and bad rows) returned before it; -1 when not known yet
	Err  error  // the decompressor's error
}

func (e *TruncatedError) Error() string {
	s := "truncated or damaged " + e.What
	if e.Rows >= 0 {
		s += fmt.Sprintf(" after %d rows", e.Rows)
	}
	if e.Err != nil {
		s += " (" + e.Err.Error() + ")"
	}
	return s
}

func (e *TruncatedError) Is(target error) bool { return target == ErrTruncated }
func (e *TruncatedError) Unwrap() error        { return e.Err }

// ErrNotCountable is returned by Count for standard input, pipes and other inputs that are not
// regular files: they can be read only once, so counting them would consume them.
var ErrNotCountable = errors.New("input can be read only once, so it cannot be counted first")

// Record is one input row. Values are positional, matching Reader.Columns(). The slice may be
// reused by the next call to Next: callers copy what they keep. The strings themselves are never
// modified; keeping one keeps the memory of its whole row alive, and for delimited text that of
// the rows read with it (up to 8 KiB: the reader converts many short rows at once), so a value
// kept long (a match's id, a group's key) is best copied with strings.Clone.
type Record struct {
	Line   int64 // 1-based line number in the source where the record starts (physical line)
	Values []string
	// Dropped counts values whose key is not among Columns: JSON and key-value readers fix
	// their columns from the first records (see doc.go), so a key first seen later has no
	// column. The rest of the record is used; callers count these.
	Dropped int
}

// RowError is a bad row that was skipped; reading can continue after it.
type RowError struct {
	Source string // file name as given by the user ("-" shown as "stdin")
	Line   int64
	Reason string // e.g. "ragged row: 5 fields, header has 7"; NEVER a value
}

// Error returns "source:line: reason", e.g. "data.csv:12: ragged row: 5 fields, header has 7".
func (e *RowError) Error() string {
	return e.Source + ":" + strconv.FormatInt(e.Line, 10) + ": " + e.Reason
}

// Reader yields the records of one input.
type Reader interface {
	// Columns returns the column names from the header, in order. The caller must not modify it.
	Columns() []string
	// Next returns the next record; io.EOF at the end; a *RowError for a skipped bad row (call
	// Next again); any other error is fatal for this input.
	Next() (Record, error)
	// BytesRead reports input bytes consumed so far (for progress bars). It counts bytes taken
	// from the underlying reader, so it runs up to one buffer ahead of the last record returned,
	// and equals the input size at io.EOF. It is safe to call from another goroutine.
	BytesRead() int64
}

// Options tunes the readers. The zero value is ready to use.
type Options struct {
	// CountRows makes the reader count its rows and estimate how many are distinct as they
	// are read, as Source.CountRows does in a pass of its own: see Rows.
	CountRows bool
	// MaxLineBytes bounds memory: a physical line or quoted field over this many bytes is
	// skipped as a RowError. Default DefaultMaxLineBytes (4 MiB) when 0; at most 1 GiB.
	// Precisely, the limit applies to each record's bytes without its final line terminator,
	// so a record spanning lines (quoted newlines) is also bounded as a whole.
	MaxLineBytes int
	// Delimiter separates fields in delimited text; 0 = detect from the header line.
	Delimiter rune
	// Format forces the format of the (decompressed) content: "csv", "jsonl", "json", "kv",
	// "sql" or "xlsx"; "" = detect it from the content (see detect.go).
	Format string
	// Encoding forces the text encoding: "utf-8", "utf-16le", "utf-16be", "windows-1252" or
	// "latin1"; "" = detect it from a byte order mark or the first bytes.
	Encoding string
	// Table picks the table of an SQL dump that holds rows of several.
	Table string
	// Sheet picks one sheet of an xlsx or ods workbook by name; "" = every sheet (Sources gives
	// one source per sheet; a source opened on its own reads the first).
	Sheet string
	// Columns names the columns of delimited text that has no header row: its first row is
	// data. nil = the first row is the header.
	Columns []string
	// HeaderRow is the 1-based line (delimited text) or row (xlsx, ods) of the header; the lines
	// above it are titles, not data, and are not read. 0 = the first.
	HeaderRow int
	// Exclude leaves out the files of a directory and the members of an archive that one of
	// these globs matches (see exclude.go); they are returned by Sources with Excluded set.
	Exclude []string
	// AllowPartial makes a truncated or damaged compressed input or zip archive end where the
	// damage starts instead of failing; Truncation then reports it.
	AllowPartial bool
}

func (o Options) maxLine() (int, error) {
	switch {
	case o.MaxLineBytes == 0:
		return DefaultMaxLineBytes, nil
	case o.MaxLineBytes < 0:
		return 0, errors.New("maximum line length must not be negative")
	case o.MaxLineBytes > maxMaxLineBytes:
		return 0, fmt.Errorf("maximum line length must be at most %s", sizeString(maxMaxLineBytes))
	}
	return o.MaxLineBytes, nil
}

// displayName is the source name used in messages.
func displayName(name string) string {
	if name == "-" {
		return "stdin"
	}
	return name
}

// sizeString formats a byte limit for messages: "1 GiB", "4 MiB", "64 KiB", "1000 bytes".
func sizeString(n int) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	case n == 1:
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}
