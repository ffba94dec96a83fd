package records

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
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
		count, err := d2.count()
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
