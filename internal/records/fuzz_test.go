package records

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// reasonRE lists every row error reason there is. A reason outside it could be carrying content.
var reasonRE = regexp.MustCompile(`^(ragged row: \d+ fields, header has \d+|NUL byte|invalid UTF-8|` +
	`bare quote in unquoted field|extraneous character after closing quote|unterminated quote|` +
	`(line|record) longer than \d+ (bytes|byte|KiB|MiB|GiB) limit)$`)

// FuzzDelimited checks that arbitrary input never panics, that records have as many values as
// there are columns, that Count agrees with Next, that row errors use only the known reasons with
// increasing line numbers, and that where either reader accepts an input fully, encoding/csv and
// this reader read the same records.
func FuzzDelimited(f *testing.F) {
	for _, tt := range delimitedTests {
		f.Add([]byte(tt.in), byte(0), byte(0))
	}
	f.Add([]byte("a;b\n\"x\"\"y\";\"1\r\n2\"\r\n"), byte(';'), byte(5))
	f.Fuzz(func(t *testing.T, data []byte, delim, limit byte) {
		opts := Options{}
		if limit != 0 {
			opts.MaxLineBytes = int(limit)
		}
		if checkDelimiter(rune(delim)) == nil {
			opts.Delimiter = rune(delim)
		}
		for line := range bytes.Lines(data) {
			line = bytes.TrimSuffix(line, []byte("\n"))
			for _, delim := range []byte{',', ';', delim} {
				if q := bytes.IndexByte(line, '"'); q >= 0 && delim != '"' && delim != '\n' {
					if got, want := quoteOpenAtEnd(line, q, delim), refQuoteOpenAtEnd(line, delim); got != want {
						t.Fatalf("quoteOpenAtEnd(%q, %q) = %v, state machine says %v", line, delim, got, want)
					}
				}
			}
		}

		d, err := newDelimited(bytes.NewReader(data), "f.csv", opts)
		d2, err2 := newDelimited(bytes.NewReader(data), "f.csv", opts)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("NewDelimited not deterministic: %v / %v", err, err2)
		}
		if err != nil {
			var re *RowError
			if errors.As(err, &re) {
				t.Fatalf("NewDelimited returned a RowError: %v", err)
			}
			return
		}
		count, err := d2.count(&distinct{})
		if err != nil {
			t.Fatalf("count: %v", err)
		}

		var got [][]string
		var lines []int64
		n, rowErrors := int64(0), 0
		last := int64(0)
		for {
			r, err := d.Next()
			if err == io.EOF {
				break
			}
			n++
			var re *RowError
			switch {
			case errors.As(err, &re):
				rowErrors++
				if !reasonRE.MatchString(re.Reason) {
					t.Fatalf("unexpected row error reason %q", re.Reason)
				}
				if re.Line <= last {
					t.Fatalf("row error line %d after line %d", re.Line, last)
				}
				last = re.Line
			case err != nil:
				t.Fatalf("fatal error from a bytes.Reader: %v", err)
			default:
				if len(r.Values) != len(d.Columns()) {
					t.Fatalf("line %d: %d values, %d columns", r.Line, len(r.Values), len(d.Columns()))
				}
				if r.Line <= last {
					t.Fatalf("record line %d after line %d", r.Line, last)
				}
				last = r.Line
				got = append(got, append([]string(nil), r.Values...))
				lines = append(lines, r.Line)
			}
		}
		if n != count {
			t.Fatalf("Next returned %d results, count %d", n, count)
		}
		if d.BytesRead() != int64(len(data)) {
			t.Fatalf("BytesRead %d, input %d bytes", d.BytesRead(), len(data))
		}

		// Differential check against encoding/csv, whose RFC 4180 reading this reader should
		// match wherever neither refuses the input and the limit is not in play.
		if opts.MaxLineBytes != 0 {
			return
		}
		in := bytes.TrimPrefix(data, []byte("\ufeff"))
		cr := csv.NewReader(bytes.NewReader(in))
		cr.Comma = rune(d.s.delim)
		var want [][]string
		var wantLines []int64
		var csvErr error
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				csvErr = err
				break
			}
			line, _ := cr.FieldPos(0)
			want = append(want, rec)
			wantLines = append(wantLines, int64(line))
		}
		valid := utf8.Valid(in) && bytes.IndexByte(in, 0) < 0
		switch {
		case csvErr == nil && !valid:
			return // encoding/csv accepts what this reader refuses by design
		case csvErr == nil && rowErrors == 0:
		case csvErr != nil && rowErrors > 0:
			return
		case csvErr != nil && literalQuotes(d.s.delim):
			return // a quote in an unquoted tab- or pipe-separated value is data here, by design
		default:
			t.Fatalf("encoding/csv error %v, %d row errors here", csvErr, rowErrors)
		}
		if len(want) == 0 {
			t.Fatalf("encoding/csv found no header")
		}
		header := want[0]
		for i := range header {
			header[i] = strings.TrimSpace(header[i])
		}
		if !reflect.DeepEqual(header, d.Columns()) {
			t.Fatalf("header %q, encoding/csv %q", d.Columns(), header)
		}
		if len(got) == 0 && len(want) == 1 {
			return
		}
		if !reflect.DeepEqual(got, want[1:]) || !reflect.DeepEqual(lines, wantLines[1:]) {
			t.Fatalf("records %q at %v, encoding/csv %q at %v", got, lines, want[1:], wantLines[1:])
		}
	})
}

// refQuoteOpenAtEnd is the byte-at-a-time state machine of slowScan, run over one line.
func refQuoteOpenAtEnd(line []byte, delim byte) bool {
	st := stFieldStart
	for _, c := range line {
		switch {
		case st == stQuoted:
			if c == '"' {
				st = stQuoteInQuoted
			}
		case c == delim:
			st = stFieldStart
		case c == '"':
			if st != stUnquoted {
				st = stQuoted
			}
		default:
			st = stUnquoted
		}
	}
	return st == stQuoted
}

// fuzzRead opens data with opts and reads it to the end, checking what every reader promises:
// no panic, as many values as columns, known row error reasons only, lines that never go
// back, BytesRead at most the input, and Count agreeing with Next.
func fuzzRead(t *testing.T, data []byte, opts Options) {
	src := bytesSource("f", data)
	r, c, err := src.Open(opts)
	if err != nil {
		var re *RowError
		if errors.As(err, &re) {
			t.Fatalf("Open returned a RowError: %v", err)
		}
		return
	}
	defer c.Close()
	cols := r.Columns()
	var n int64
	last := int64(0)
	var fatal error
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		var re *RowError
		switch {
		case errors.As(err, &re):
			if !allReasonsRE.MatchString(re.Reason) {
				t.Fatalf("unknown row error reason %q", re.Reason)
			}
			if re.Line < last || re.Line < 1 {
				t.Fatalf("row error at line %d after line %d", re.Line, last)
			}
			last = re.Line
		case err != nil:
			fatal = err
		default:
			if len(rec.Values) != len(cols) {
				t.Fatalf("line %d: %d values, %d columns", rec.Line, len(rec.Values), len(cols))
			}
			if rec.Line < last || rec.Line < 1 {
				t.Fatalf("record at line %d after line %d", rec.Line, last)
			}
			last = rec.Line
		}
		if fatal != nil {
			break
		}
		n++
	}
	if b := r.BytesRead(); b > int64(len(data)) {
		t.Fatalf("BytesRead %d of a %d-byte input", b, len(data))
	}
	count, err := src.Count(opts)
	if fatal == nil && (err != nil || count != n) {
		t.Fatalf("Count = %d, %v; Next returned %d results", count, err, n)
	}
}

func seeds(f *testing.F, tests []readTable) {
	for _, tt := range tests {
		f.Add([]byte(tt.in))
	}
}

// FuzzDetect reads arbitrary input with format and encoding detection.
func FuzzDetect(f *testing.F) {
	seeds(f, jsonTests)
	seeds(f, kvTests)
	seeds(f, sqlTests)
	for _, tt := range delimitedTests {
		f.Add([]byte(tt.in))
	}
	f.Add(gz(f, []byte(people)))
	f.Add(xzc(f, []byte(people)))
	f.Add(zst(f, []byte(people)))
	f.Add(utf16le(people, true))
	f.Add(utf16le(people, false))
	f.Add([]byte("phone,name\n1,Jos\xe9\n"))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sniff(data)
		sniffText(data)
		isBinary(data)
		looksUTF16(data)
		validUTF8Prefix(data)
		io.Copy(io.Discard, newXZGuard(bytes.NewReader(data)))
		fuzzRead(t, data, Options{MaxLineBytes: 256})
	})
}

func FuzzJSONL(f *testing.F) {
	seeds(f, jsonTests)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, Options{Format: "jsonl", MaxLineBytes: 256})
	})
}

func FuzzJSONArray(f *testing.F) {
	seeds(f, jsonTests)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, Options{Format: "json", MaxLineBytes: 256})
	})
}

func FuzzKV(f *testing.F) {
	seeds(f, kvTests)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, line := range bytes.Split(data, []byte("\n")) {
			if key, _, ok := kvLine(string(line)); ok && !validKey(key) {
				t.Fatalf("kvLine(%q) gave an invalid key", line)
			}
		}
		fuzzRead(t, data, Options{Format: "kv", MaxLineBytes: 256})
	})
}

func FuzzSQL(f *testing.F) {
	seeds(f, sqlTests)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, Options{Format: "sql", MaxLineBytes: 256})
		fuzzRead(t, data, Options{Format: "sql", MaxLineBytes: 256, Table: "t"})
	})
}

// FuzzXLSXSniff fuzzes how a zip archive is recognised as a workbook, and the cell-level
// conversions of the xlsx reader. (The XML itself is parsed by encoding/xml.)
func FuzzXLSXSniff(f *testing.F) {
	f.Add(handXLSX(f, `<row><c t="s"><v>0</v></c></row>`, `<si><t>a</t></si>`, `<xf numFmtId="14"/>`, false), "A1", "dd/mm/yyyy", 32944.5)
	f.Add(makeZip(f, zipEntry{"a.csv", []byte(people), zip.Deflate}), "XFD9", "[Red]0.0", 60.0)
	f.Fuzz(func(t *testing.T, data []byte, ref, code string, serial float64) {
		if zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err == nil {
			isXLSX(zr)
		}
		if c, ok := colIndex(ref); ok && (c < 0 || c >= maxXLSXColumns) {
			t.Fatalf("colIndex(%q) = %d", ref, c)
		}
		isDateFormatCode(code)
		unescapeOOXML(code)
		serialDate(serial, false)
		serialDate(serial, true)
	})
}

// FuzzZipScan fuzzes finding members without an archive directory (--allow-partial).
func FuzzZipScan(f *testing.F) {
	z := makeZip(f, zipEntry{"a.csv", []byte(people), zip.Deflate}, zipEntry{"b.csv", []byte(people), zip.Store})
	f.Add(z)
	f.Add(z[:len(z)-30])
	f.Add(z[:60])
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		p := filepath.Join(dir, "f.zip")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		srcs, err := scanZip(bytes.NewReader(data), p, "f.zip", int64(len(data)), Options{})
		if err != nil {
			return
		}
		for _, s := range srcs {
			r, c, err := s.Open(Options{AllowPartial: true, MaxLineBytes: 256})
			if err != nil {
				continue
			}
			for range 1000 {
				if _, err := r.Next(); err != nil && !isRowError(err) {
					break
				}
			}
			c.Close()
		}
	})
}
