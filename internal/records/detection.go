package records

import (
	"bufio"
	"strings"
)

// Detection says how an input is read and why, in words fit for a status line: the container
// (compression, archive), the format and the text encoding chosen, each with the evidence that
// decided it. It never holds content: only fixed phrases, format names and settings a dump
// declares (such as its character set).
type Detection struct {
	Container   string // "gzip", "zip member", "" for a plain file
	Format      string // "CSV", "SQL dump (SQLite .dump)", "xlsx sheet", …
	FormatWhy   string // "first statement PRAGMA", "--format-in", …
	Encoding    string // "UTF-8", "Windows-1252", …; "" when the format has none of its own (xlsx)
	EncodingWhy string // "valid UTF-8 in the first 64 KiB", "declared by SET NAMES", …
	// Keyed is set for formats whose columns are the keys of their records (JSON, key-value
	// text, Telegram exports): they have no header row, and a column name is a key.
	Keyed bool

	transcoded bool // the text was converted to UTF-8 (see Source.CountIsCheap)
	// text is the buffered reader the text is read from when it is not transcoded: its
	// Buffered bytes are read from the file but not yet given to the format's reader.
	text *bufio.Reader
}

// String renders the detection as one line, e.g. "SQL dump (MySQL/MariaDB) (first statement
// SET), UTF-8 (declared by the dump: SET NAMES utf8mb4)".
func (d Detection) String() string {
	var b strings.Builder
	if d.Container != "" {
		b.WriteString(d.Container + ", ")
	}
	b.WriteString(d.Format)
	if d.FormatWhy != "" {
		b.WriteString(" (" + d.FormatWhy + ")")
	}
	if d.Encoding != "" {
		b.WriteString(", " + d.Encoding)
		if d.EncodingWhy != "" {
			b.WriteString(" (" + d.EncodingWhy + ")")
		}
	}
	return b.String()
}

// dialecter is implemented by readers that learn more about their format while reading its
// first records (the SQL dialect).
type dialecter interface{ detail() (format, why string) }

// warner is implemented by readers that can say, after reading, that their row count is not
// reliable (unescaped newlines in values), in fixed phrases with counts.
type warner interface{ warnings() []string }

// Detected returns how the input read by r was detected: format, encoding and why.
func Detected(r Reader) Detection {
	sr, ok := r.(*sourceReader)
	if !ok {
		return Detection{}
	}
	d := sr.det
	if dl, ok := sr.r.(dialecter); ok {
		if f, why := dl.detail(); f != "" {
			d.Format, d.FormatWhy = f, why
		}
	}
	return d
}

// Warnings returns what the reader of r found that makes its row count unreliable, once it has
// been read to its end: fixed phrases with counts, never content.
func Warnings(r Reader) []string {
	sr, ok := r.(*sourceReader)
	if !ok {
		return nil
	}
	if w, ok := sr.r.(warner); ok {
		return w.warnings()
	}
	return nil
}
