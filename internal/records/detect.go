package records

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"
)

// This file is the one place that decides how an input is read, from its content: Source.Open
// and Source.Count both go through openStream, so they always agree.
//
// The layers, outermost first:
//
//  1. Compression, by magic bytes: gzip, bzip2, xz and zstd are decompressed as a stream, and
//     what they hold is sniffed again (so .csv.gz.xz works). A zip archive is expanded into
//     one Source per member by Sources (sources.go); an xlsx workbook, also a zip, is read by
//     the xlsx reader. Both need random access, so they are refused inside a compressed stream
//     or on standard input.
//  2. Text encoding: a byte order mark (UTF-8, UTF-16 LE/BE) decides; without one, UTF-16
//     holding mostly ASCII is recognised by its zero bytes, a first 64 KiB that is valid UTF-8
//     means UTF-8, and anything else is read as Windows-1252 (Options.Encoding overrides). In
//     a file taken as UTF-8, a row with bytes that are not UTF-8 is a bad row ("invalid
//     UTF-8"): the file is damaged there, and guessing could change values.
//  3. Format, from the first 64 KiB of text (Options.Format overrides): "[" then "{" is a JSON
//     array and "{" JSON Lines (or objects one after another); a first statement such as
//     INSERT INTO, CREATE TABLE, SET or COPY … FROM stdin is an SQL dump; lines that are
//     mostly "Key: Value" are key-value blocks; anything else is delimited text.
//
// Binary data (many control bytes), XML, legacy Office files, 7z archives and UTF-32 are
// refused with an error naming what they look like.

// sniffLen is how much decoded text the format sniffer sees.
const sniffLen = 64 << 10

// maxLayers bounds nested compression.
const maxLayers = 4

// format is what sniff found in the first bytes.
type format int

const (
	formatText format = iota
	formatGzip
	formatZstd
	formatBzip2
	formatXz
	format7z
	formatZip
	formatOLE
	formatUTF32
	formatUTF16LE
	formatUTF16BE
	formatSQLiteDB
	formatPgDump
)

var magics = []struct {
	prefix string
	format format
}{
	{"\x1f\x8b", formatGzip},
	{"\x28\xb5\x2f\xfd", formatZstd},
	{"\xfd7zXZ\x00", formatXz},
	{"7z\xbc\xaf\x27\x1c", format7z},
	{"PK\x03\x04", formatZip},
	{"PK\x05\x06", formatZip},
	{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", formatOLE},
	{"SQLite format 3\x00", formatSQLiteDB},
	{"PGDMP", formatPgDump},
	{"\xff\xfe\x00\x00", formatUTF32}, // before UTF-16 LE, which shares its first two bytes
	{"\x00\x00\xfe\xff", formatUTF32},
	{"\xff\xfe", formatUTF16LE},
	{"\xfe\xff", formatUTF16BE},
}

// sniff decides the container or encoding from the first bytes of an input.
func sniff(head []byte) format {
	for _, m := range magics {
		if bytes.HasPrefix(head, []byte(m.prefix)) {
			return m.format
		}
	}
	// bzip2: "BZh", block size '1'-'9', then the block magic (the BCD digits of pi) or, for
	// an empty stream, the end-of-stream magic (the digits of sqrt(pi)).
	if len(head) >= 10 && string(head[:3]) == "BZh" && head[3] >= '1' && head[3] <= '9' &&
		(string(head[4:10]) == "\x31\x41\x59\x26\x53\x59" || string(head[4:10]) == "\x17\x72\x45\x38\x50\x90") {
		return formatBzip2
	}
	return formatText
}

// refused describes the formats that are recognised but not read.
var refused = map[format]string{
	format7z:    "7z archive (extract it first: 7z x FILE)",
	formatOLE:   "legacy Office (xls or encrypted xlsx) document (save it as xlsx or CSV)",
	formatUTF32: "UTF-32 encoded text (convert it to UTF-8)",
	// Database files are refused with the one command that turns them into a dump leakcheck
	// reads, rather than read by a bundled database engine: a pure-Go SQLite (modernc.org/sqlite,
	// or ncruces/go-sqlite3 on a WebAssembly runtime) would add megabytes and minutes of build
	// to every user for a conversion the database's own tool does exactly.
	formatSQLiteDB: "SQLite database file (turn it into a dump leakcheck reads: sqlite3 FILE .dump > dump.sql)",
	formatPgDump:   "pg_dump custom-format archive (turn it into a dump leakcheck reads: pg_restore -f dump.sql FILE)",
}

// Text formats.
const (
	fmtCSV   = "csv"
	fmtJSONL = "jsonl"
	fmtJSON  = "json"
	fmtKV    = "kv"
	fmtSQL   = "sql"
	fmtXLSX  = "xlsx"
)

// Formats lists the values of Options.Format.
var Formats = []string{fmtCSV, fmtTSV, fmtJSONL, fmtJSON, fmtKV, fmtSQL, fmtXLSX, fmtTelegram, fmtTelegramHTML}

// Encodings lists the values of Options.Encoding.
var Encodings = []string{"utf-8", "utf-16le", "utf-16be", "windows-1252", "latin1"}

// checkOptions validates the format and encoding names.
func (o Options) check() error {
	if _, err := o.maxLine(); err != nil {
		return err
	}
	if o.Format != "" && !contains(Formats, o.Format) {
		return fmt.Errorf("unknown input format %q (formats: %s)", o.Format, strings.Join(Formats, ", "))
	}
	if o.HeaderRow < 0 {
		return errors.New("the header row must be 1 or more")
	}
	if o.HeaderRow > 1 && len(o.Columns) > 0 {
		return errors.New("--columns is for a file without a header row, --header-row for one whose header is not its first row: give one of them")
	}
	if len(o.Columns) > 0 && o.Format != "" && o.Format != fmtCSV && o.Format != fmtTSV {
		return fmt.Errorf("--columns names the columns of delimited text, not of %s", o.Format)
	}
	for _, c := range o.Columns {
		if strings.TrimSpace(c) == "" {
			return errors.New("--columns: a column name is empty")
		}
	}
	if err := checkExclude(o.Exclude); err != nil {
		return err
	}
	if o.Encoding != "" && !contains(Encodings, strings.ToLower(o.Encoding)) {
		return fmt.Errorf("unknown encoding %q (encodings: %s)", o.Encoding, strings.Join(Encodings, ", "))
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

var sqlStart = regexp.MustCompile(`(?is)^(INSERT\s+(IGNORE\s+)?INTO\s|REPLACE\s+INTO\s|CREATE\s+((TEMPORARY|TEMP|UNLOGGED)\s+)?TABLE\s+(IF\s+NOT\s+EXISTS\s+)?[\w."\x60\[\]]+\s*\(|CREATE\s+(DATABASE|SCHEMA|SEQUENCE|INDEX|UNIQUE|TYPE|EXTENSION|FUNCTION|VIEW|OR\s+REPLACE)\s|DROP\s+(TABLE|DATABASE|SCHEMA|INDEX|VIEW|SEQUENCE)\s|SET\s+[@\w.]+\s*(=|TO\s)|SET\s+NAMES\s|LOCK\s+TABLES\s|UNLOCK\s+TABLES|COPY\s+[\w."]+(\s*\([^)]*\))?\s+FROM\s+stdin|BEGIN\s*;|START\s+TRANSACTION|USE\s+\S+\s*;|ALTER\s+(TABLE|DATABASE|SCHEMA|SEQUENCE)\s|SELECT\s+pg_catalog|COMMIT\s*;|PRAGMA\s+\w+|BEGIN\s+TRANSACTION\s*;)`)

// formatNames are the formats' names in status lines.
var formatNames = map[string]string{
	fmtCSV:   "delimited text",
	fmtTSV:   "tab-separated text with backslash escapes",
	fmtJSONL: "JSON Lines",
	fmtJSON:  "JSON",
	fmtKV:    "key-value blocks",
	fmtSQL:   "SQL dump",
	fmtXLSX:  "xlsx workbook",
	// telegram.go
	fmtTelegram:     "Telegram Desktop export (JSON)",
	fmtTelegramHTML: "Telegram Desktop export (HTML)",
}

// sniffText decides the format of decoded text from its first bytes. head may end in the middle
// of a line.
func sniffText(head []byte) string {
	f, _ := sniffTextWhy(head)
	return f
}

// sniffTextWhy is sniffText with the evidence, for Detection.
func sniffTextWhy(head []byte) (string, string) {
	t := bytes.TrimLeft(head, " \t\r\n\f\v")
	if len(t) == 0 {
		return fmtCSV, "empty"
	}
	switch t[0] {
	case '[':
		if r := bytes.TrimLeft(t[1:], " \t\r\n"); len(r) > 0 && (r[0] == '{' || r[0] == ']') {
			return fmtJSON, "starts with an array of objects"
		}
		return fmtCSV, "no other format matched"
	case '{':
		if isTelegramJSON(t) {
			return fmtTelegram, "a JSON object with a messages array, as Telegram Desktop's result.json"
		}
		if i := bytes.IndexByte(t, '\n'); i > 0 && json.Valid(bytes.TrimSpace(t[:i])) {
			return fmtJSONL, "first line is one JSON object"
		}
		return fmtJSON, "starts with a JSON object"
	}
	if isSQL(t) {
		return fmtSQL, "starts like an SQL statement"
	}
	if isKV(t) {
		return fmtKV, "most lines are Key: Value"
	}
	return fmtCSV, "no other format matched"
}

// isSQL reports text whose first statement, after comments, starts like one of a dump.
func isSQL(t []byte) bool {
	for {
		t = bytes.TrimLeft(t, " \t\r\n\f")
		switch {
		case bytes.HasPrefix(t, []byte("--")) || bytes.HasPrefix(t, []byte("#")):
			i := bytes.IndexByte(t, '\n')
			if i < 0 {
				return false
			}
			t = t[i+1:]
		case bytes.HasPrefix(t, []byte("/*")):
			i := bytes.Index(t, []byte("*/"))
			if i < 0 {
				return false
			}
			t = t[i+2:]
			if len(t) > 0 && t[0] == ';' {
				t = t[1:]
			}
		case bytes.HasPrefix(t, []byte(`\`)): // a psql meta-command
			i := bytes.IndexByte(t, '\n')
			if i < 0 {
				return false
			}
			t = t[i+1:]
		default:
			return sqlStart.Match(t)
		}
	}
}

// isKV reports text whose non-blank lines are mostly "key: value" lines: at least two, and at
// least 60% of the lines that are neither blank nor separators.
func isKV(t []byte) bool {
	lines := bytes.Split(t, []byte("\n"))
	if len(lines) > 1 {
		lines = lines[:len(lines)-1] // possibly cut short
	}
	kv, other := 0, 0
	for _, l := range lines {
		s := strings.TrimSpace(string(l))
		switch {
		case s == "" || isSeparatorLine(s):
		case func() bool { _, _, ok := kvLine(s); return ok }():
			kv++
		default:
			other++
		}
	}
	return kv >= 2 && kv*10 >= (kv+other)*6
}

// isBinary reports data that is not text: control bytes other than white space in its first
// line, and more than 1 in 20 of its bytes. (A text file with NUL bytes further on is text with
// bad rows.)
func isBinary(head []byte) bool {
	n := 0
	for _, c := range head {
		if isControl(c) {
			n++
		}
	}
	if n*20 <= len(head) {
		return false
	}
	first := head
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		first = head[:i]
	}
	for _, c := range first {
		if isControl(c) {
			return true
		}
	}
	return false
}

func isControl(c byte) bool {
	return c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' || c == 0x7f
}

// looksUTF16 recognises UTF-16 without a byte order mark when it holds mostly ASCII: zero bytes
// at nearly every odd (LE) or even (BE) position and almost nowhere else.
func looksUTF16(head []byte) (format, bool) {
	n := len(head) &^ 1
	if n < 16 {
		return 0, false
	}
	var even, odd int
	for i := 0; i < n; i += 2 {
		if head[i] == 0 {
			even++
		}
		if head[i+1] == 0 {
			odd++
		}
	}
	half := n / 2
	switch {
	case odd*10 >= half*9 && even*10 <= half:
		return formatUTF16LE, true
	case even*10 >= half*9 && odd*10 <= half:
		return formatUTF16BE, true
	}
	return 0, false
}

// validUTF8Prefix reports whether head is valid UTF-8, allowing a sequence cut at its end.
func validUTF8Prefix(head []byte) bool {
	for i := 0; i < 3 && len(head) > 0; i++ {
		if utf8.Valid(head) {
			return true
		}
		// Drop a trailing incomplete sequence, at most 3 bytes.
		r, size := utf8.DecodeLastRune(head)
		if r != utf8.RuneError || size != 1 {
			return false
		}
		head = head[:len(head)-1]
	}
	return utf8.Valid(head)
}

// peek returns up to n bytes from br without consuming them. Damaged compressed data is not
// an error here: the rows before the damage are still to be read, and the decompressor
// reports the damage again when reading reaches it.
func peek(br *bufio.Reader, n int) ([]byte, error) {
	head, err := br.Peek(n)
	var te *TruncatedError
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) && !errors.As(err, &te) {
		return head, err
	}
	return head, nil
}
