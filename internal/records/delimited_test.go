package records

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// result is one thing Next returned: a record or a row error.
type result struct {
	Line   int64
	Values []string // nil for a row error
	Reason string   // row error reason
}

func (r result) String() string {
	if r.Values == nil {
		return fmt.Sprintf("{%d error %q}", r.Line, r.Reason)
	}
	return fmt.Sprintf("{%d %q}", r.Line, r.Values)
}

func rec(line int64, values ...string) result { return result{Line: line, Values: values} }
func bad(line int64, reason string) result    { return result{Line: line, Reason: reason} }

// readAll reads r to the end. It fails the test on a fatal error.
func readAll(t testing.TB, r Reader) []result {
	t.Helper()
	var out []result
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return out
		}
		var re *RowError
		switch {
		case errors.As(err, &re):
			out = append(out, bad(re.Line, re.Reason))
		case err != nil:
			t.Fatalf("Next: fatal error: %v", err)
		default:
			if len(rec.Values) != len(r.Columns()) {
				t.Fatalf("line %d: %d values for %d columns", rec.Line, len(rec.Values), len(r.Columns()))
			}
			out = append(out, result{Line: rec.Line, Values: append([]string(nil), rec.Values...)})
		}
	}
}

var delimitedTests = []struct {
	name string
	in   string
	opts Options
	cols []string
	want []result
	err  string // error from NewDelimited, if any
}{
	{name: "comma", in: "email,name\na@x.org,Ann\nb@x.org,Bob\n",
		cols: []string{"email", "name"}, want: []result{rec(2, "a@x.org", "Ann"), rec(3, "b@x.org", "Bob")}},
	{name: "semicolon", in: "email;name\na@x.org;Ann, Jr\n",
		cols: []string{"email", "name"}, want: []result{rec(2, "a@x.org", "Ann, Jr")}},
	{name: "tab", in: "email\tname\na@x.org\tAnn; Jr\n",
		cols: []string{"email", "name"}, want: []result{rec(2, "a@x.org", "Ann; Jr")}},
	{name: "pipe", in: "email|name|phone\na@x.org|Ann|1\n",
		cols: []string{"email", "name", "phone"}, want: []result{rec(2, "a@x.org", "Ann", "1")}},
	{name: "explicit delimiter", in: "a,b:c\n1,2:3\n", opts: Options{Delimiter: ':'},
		cols: []string{"a,b", "c"}, want: []result{rec(2, "1,2", "3")}},
	{name: "detection ignores quoted delimiters", in: "\"a;b;c\",d\n\"1;2;3\",4\n",
		cols: []string{"a;b;c", "d"}, want: []result{rec(2, "1;2;3", "4")}},
	{name: "detection ignores quoted newline", in: "\"a\nb;c;d\",e,f\n1,2,3\n",
		cols: []string{"a\nb;c;d", "e", "f"}, want: []result{rec(3, "1", "2", "3")}},
	{name: "tie prefers earlier candidate", in: "a;b|c\n1;2|3\n",
		cols: []string{"a", "b|c"}, want: []result{rec(2, "1", "2|3")}},
	{name: "single column", in: "email\na@x.org\nb@x.org\n",
		cols: []string{"email"}, want: []result{rec(2, "a@x.org"), rec(3, "b@x.org")}},
	{name: "quoting", in: "a,b,c\n\"x,y\",\"say \"\"hi\"\"\",\"\"\n",
		cols: []string{"a", "b", "c"}, want: []result{rec(2, "x,y", `say "hi"`, "")}},
	{name: "all fields quoted", in: "\"a\",\"b\"\r\n\"1\",\"2\"\r\n\"3\",\"4\"",
		cols: []string{"a", "b"}, want: []result{rec(2, "1", "2"), rec(3, "3", "4")}},
	{name: "empty fields", in: "a,b,c\n,,\n1,,\n",
		cols: []string{"a", "b", "c"}, want: []result{rec(2, "", "", ""), rec(3, "1", "", "")}},
	{name: "BOM", in: "\ufeffemail,name\na@x.org,Ann\n",
		cols: []string{"email", "name"}, want: []result{rec(2, "a@x.org", "Ann")}},
	{name: "BOM before quoted header", in: "\ufeff\"email\";\"name\"\na@x.org;Ann\n",
		cols: []string{"email", "name"}, want: []result{rec(2, "a@x.org", "Ann")}},
	{name: "header names trimmed, values not", in: " email ,\tname \n a , b \n",
		cols: []string{"email", "name"}, want: []result{rec(2, " a ", " b ")}},
	{name: "duplicate header names kept", in: "a,a,b\n1,2,3\n",
		cols: []string{"a", "a", "b"}, want: []result{rec(2, "1", "2", "3")}},
	{name: "CRLF", in: "a,b\r\n1,2\r\n3,4\r\n",
		cols: []string{"a", "b"}, want: []result{rec(2, "1", "2"), rec(3, "3", "4")}},
	{name: "CRLF inside quotes becomes LF", in: "a,b\r\n\"x\r\ny\",2\r\n3,4\r\n",
		cols: []string{"a", "b"}, want: []result{rec(2, "x\ny", "2"), rec(4, "3", "4")}},
	{name: "lone CR kept", in: "a,b\nx\ry,2\n",
		cols: []string{"a", "b"}, want: []result{rec(2, "x\ry", "2")}},
	{name: "embedded newlines", in: "a,b\n\"x\ny\nz\",1\n2,\"3\n\"\n4,5\n",
		cols: []string{"a", "b"}, want: []result{rec(2, "x\ny\nz", "1"), rec(5, "2", "3\n"), rec(7, "4", "5")}},
	{name: "no final newline", in: "a,b\n1,2",
		cols: []string{"a", "b"}, want: []result{rec(2, "1", "2")}},
	{name: "no final newline, CR", in: "a,b\n1,2\r",
		cols: []string{"a", "b"}, want: []result{rec(2, "1", "2")}},
	{name: "no final newline after quote", in: "a,b\n1,\"2\"",
		cols: []string{"a", "b"}, want: []result{rec(2, "1", "2")}},
	{name: "blank lines", in: "\n\r\na,b\n\n1,2\r\n\r\n\n3,4\n\n",
		cols: []string{"a", "b"}, want: []result{rec(5, "1", "2"), rec(8, "3", "4")}},
	{name: "whitespace line is not blank", in: "a,b\n \n1,2\n",
		cols: []string{"a", "b"}, want: []result{bad(2, "ragged row: 1 fields, header has 2"), rec(3, "1", "2")}},
	{name: "quoted empty line is a record", in: "a\n\"\"\n",
		cols: []string{"a"}, want: []result{rec(2, "")}},
	{name: "ragged rows", in: "a,b,c\n1,2,3\n1,2\n1,2,3,4\n4,5,6\n",
		cols: []string{"a", "b", "c"}, want: []result{
			rec(2, "1", "2", "3"), bad(3, "ragged row: 2 fields, header has 3"),
			bad(4, "ragged row: 4 fields, header has 3"), rec(5, "4", "5", "6")}},
	{name: "ragged quoted rows", in: "a,b\n\"1\"\n\"1\",\"2\",\"3\"\n\"x\ny\",2\n",
		cols: []string{"a", "b"}, want: []result{
			bad(2, "ragged row: 1 fields, header has 2"), bad(3, "ragged row: 3 fields, header has 2"),
			rec(4, "x\ny", "2")}},
	{name: "trailing delimiter is an empty field", in: "a,b\n1,\n1,2,\n",
		cols: []string{"a", "b"}, want: []result{rec(2, "1", ""), bad(3, "ragged row: 3 fields, header has 2")}},
	{name: "unterminated quote", in: "a,b\n1,2\n\"x,3\n4,5\n",
		cols: []string{"a", "b"}, want: []result{rec(2, "1", "2"), bad(3, "unterminated quote")}},
	{name: "unterminated quote at last byte", in: "a,b\n1,\"",
		cols: []string{"a", "b"}, want: []result{bad(2, "unterminated quote")}},
	{name: "bare quote", in: "a,b\n1,2\nx\"y,3\n4,5\n",
		cols: []string{"a", "b"}, want: []result{rec(2, "1", "2"), bad(3, "bare quote in unquoted field"), rec(4, "4", "5")}},
	{name: "quote after a bad field still opens", in: "a,b\nx\"y,\"1\n2\"\n4,5\n",
		cols: []string{"a", "b"}, want: []result{bad(2, "bare quote in unquoted field"), rec(4, "4", "5")}},
	{name: "space before quote is a bare quote", in: "a,b\n1, \"2\"\n3,4\n",
		cols: []string{"a", "b"}, want: []result{bad(2, "bare quote in unquoted field"), rec(3, "3", "4")}},
	{name: "text after closing quote", in: "a,b\n\"1\"x,2\n3,4\n",
		cols: []string{"a", "b"}, want: []result{bad(2, "extraneous character after closing quote"), rec(3, "3", "4")}},
	{name: "NUL byte", in: "a,b\n1,2\n3,\x00\n\"\x00\",5\n6,7\n",
		cols: []string{"a", "b"}, want: []result{rec(2, "1", "2"), bad(3, "NUL byte"), bad(4, "NUL byte"), rec(5, "6", "7")}},
	{name: "invalid UTF-8", in: "a,b\n1,\xff\n\"\xc3\",2\n\"é\",€\n",
		cols: []string{"a", "b"}, want: []result{bad(2, "invalid UTF-8"), bad(3, "invalid UTF-8"), rec(4, "é", "€")}},
	{name: "long line", in: "a,b\n1,2\n" + strings.Repeat("x", 40) + ",1\n3,4\n", opts: Options{MaxLineBytes: 16},
		cols: []string{"a", "b"}, want: []result{rec(2, "1", "2"), bad(3, "line longer than 16 bytes limit"), rec(4, "3", "4")}},
	{name: "line at limit", in: "a,b\n1234,678\r\n1234,6789\n", opts: Options{MaxLineBytes: 8},
		cols: []string{"a", "b"}, want: []result{rec(2, "1234", "678"), bad(3, "line longer than 8 bytes limit")}},
	{name: "long last line", in: "a,b\n1,2\n" + strings.Repeat("x", 40), opts: Options{MaxLineBytes: 16},
		cols: []string{"a", "b"}, want: []result{rec(2, "1", "2"), bad(3, "line longer than 16 bytes limit")}},
	{name: "long quoted record", in: "a,b\n\"" + strings.Repeat("x\n", 20) + "\",1\n3,4\n", opts: Options{MaxLineBytes: 16},
		cols: []string{"a", "b"}, want: []result{bad(2, "record longer than 16 bytes limit"), rec(23, "3", "4")}},
	{name: "long line with quotes", in: "a,b\n" + strings.Repeat("\"x\",", 20) + "1\n3,4\n", opts: Options{MaxLineBytes: 16},
		cols: []string{"a", "b"}, want: []result{bad(2, "line longer than 16 bytes limit"), rec(3, "3", "4")}},
	{name: "long unterminated quote", in: "a,b\n\"" + strings.Repeat("x\n", 20), opts: Options{MaxLineBytes: 16},
		cols: []string{"a", "b"}, want: []result{bad(2, "unterminated quote")}},
	{name: "unicode", in: "имя,почта\nЁж,ё@пример.рф\n",
		cols: []string{"имя", "почта"}, want: []result{rec(2, "Ёж", "ё@пример.рф")}},
	{name: "header only", in: "a,b\n", cols: []string{"a", "b"}},
	{name: "header only, no newline", in: "a,b", cols: []string{"a", "b"}},
	{name: "header then blank lines", in: "a,b\n\n\r\n", cols: []string{"a", "b"}},
	{name: "empty", in: "", err: "t.csv: empty input: no header row"},
	{name: "only BOM", in: "\ufeff", err: "t.csv: empty input: no header row"},
	{name: "only blank lines", in: "\n\r\n\n", err: "t.csv: empty input: no header row"},
	{name: "header bare quote", in: "a\"b,c\n1,2\n", err: "t.csv:1: header row: bare quote in unquoted field"},
	{name: "header unterminated quote", in: "\n\"a,b\n", err: "t.csv:2: header row: unterminated quote"},
	{name: "header too long", in: strings.Repeat("a,", 20) + "\n1\n", opts: Options{MaxLineBytes: 16},
		err: "t.csv:1: header row: line longer than 16 bytes limit"},
	{name: "header NUL", in: "a,\x00\n", err: "t.csv:1: header row: NUL byte"},
	{name: "header invalid UTF-8", in: "a,\xfe\n", err: "t.csv:1: header row: invalid UTF-8"},
	{name: "bad delimiter option", in: "a,b\n", opts: Options{Delimiter: '"'}, err: "delimiter must be"},
	{name: "non-ASCII delimiter option", in: "a§b\n", opts: Options{Delimiter: '§'}, err: "delimiter must be"},
	{name: "huge limit", in: "a,b\n", opts: Options{MaxLineBytes: 1<<31 - 1}, err: "must be at most 1 GiB"},
	{name: "negative limit", in: "a,b\n", opts: Options{MaxLineBytes: -1}, err: "must not be negative"},
}

func TestDelimited(t *testing.T) {
	for _, tt := range delimitedTests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewDelimited(strings.NewReader(tt.in), "t.csv", tt.opts)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("NewDelimited error = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewDelimited: %v", err)
			}
			if got := r.Columns(); !reflect.DeepEqual(got, tt.cols) {
				t.Errorf("Columns = %q, want %q", got, tt.cols)
			}
			got := readAll(t, r)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("records:\n got %v\nwant %v", got, tt.want)
			}
			if n := r.BytesRead(); n != int64(len(tt.in)) {
				t.Errorf("BytesRead at EOF = %d, want %d", n, len(tt.in))
			}
			if _, err := r.Next(); err != io.EOF {
				t.Errorf("Next after EOF = %v, want io.EOF", err)
			}
		})
	}
}

func TestEmptyInputIsErrNoHeader(t *testing.T) {
	_, err := NewDelimited(strings.NewReader(""), "-", Options{})
	if !errors.Is(err, ErrNoHeader) || err.Error() != "stdin: empty input: no header row" {
		t.Fatalf("err = %v", err)
	}
}

// TestCountAgrees checks that Count returns as many results as Next for every table input, both
// on an io.Reader and through Count on a file.
func TestCountAgrees(t *testing.T) {
	dir := t.TempDir()
	for i, tt := range delimitedTests {
		if tt.err != "" {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewDelimited(strings.NewReader(tt.in), "t.csv", tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			want := int64(len(readAll(t, r)))
			d, err := newDelimited(strings.NewReader(tt.in), "t.csv", tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if n, err := d.count(&distinct{}); n != want || err != nil {
				t.Errorf("count = %d, %v; want %d", n, err, want)
			}
			path := filepath.Join(dir, strings.Repeat("f", i+1)+".csv")
			if err := os.WriteFile(path, []byte(tt.in), 0o600); err != nil {
				t.Fatal(err)
			}
			if n, err := Count(path, tt.opts); n != want || err != nil {
				t.Errorf("Count = %d, %v; want %d", n, err, want)
			}
		})
	}
}

// TestErrorsNeverShowValues reads bad inputs whose every cell holds a marker and checks that no
// error message, fatal or per row, contains one.
func TestErrorsNeverShowValues(t *testing.T) {
	const m = "SeCrEt"
	inputs := []string{
		"a,b\n" + m + "1," + m + "2," + m + "3\n",
		"a,b\n" + m + "1\n",
		"a,b\n" + m + "\"1," + m + "2\n",
		"a,b\n\"" + m + "1\"" + m + "2," + m + "3\n",
		"a,b\n\"" + m + "1\n" + m + "2",
		"a,b\n" + m + "\x00," + m + "2\n",
		"a,b\n" + m + "\xff," + m + "2\n",
		"a,b\n" + strings.Repeat(m, 10) + "," + m + "\n",
		"a,b\n\"" + strings.Repeat(m+"\n", 10) + "\"," + m + "\n",
		m + "\"a,b\n",
		"\"" + m + "\n",
		m + "\x00,b\n",
		m + "\xff,b\n",
		strings.Repeat(m, 10) + "\n",
	}
	check := func(err error) {
		if err != nil && strings.Contains(strings.ToLower(err.Error()), strings.ToLower(m)) {
			t.Errorf("error shows a value: %q", err)
		}
	}
	rowErrors := 0
	for _, in := range inputs {
		r, err := NewDelimited(strings.NewReader(in), "t.csv", Options{MaxLineBytes: 32})
		check(err)
		if err != nil {
			continue
		}
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			check(err)
			rowErrors++
		}
	}
	if rowErrors < 9 {
		t.Errorf("only %d row errors: the inputs no longer test what they should", rowErrors)
	}
}

// lineSource yields a header, one line of n bytes, and a short good line, without holding the
// long line in memory.
type lineSource struct {
	parts []string
	fill  int // bytes of 'x' still to send after parts[0]
}

func (s *lineSource) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		switch {
		case len(s.parts) == 0:
			if n == 0 {
				return 0, io.EOF
			}
			return n, nil
		case s.parts[0] != "":
			k := copy(p[n:], s.parts[0])
			s.parts[0] = s.parts[0][k:]
			n += k
		case s.fill > 0:
			k := min(s.fill, len(p)-n)
			for i := range k {
				p[n+i] = 'x'
			}
			s.fill -= k
			n += k
		default:
			s.parts = s.parts[1:]
		}
	}
	return n, nil
}

func TestLongLineBoundedMemory(t *testing.T) {
	const limit = 1 << 20
	for _, tc := range []struct {
		name, prefix, suffix, reason string
	}{
		{"unquoted", "", ",1\n", "line longer than 1 MiB limit"},
		{"quoted", "\"", "\",1\n", "line longer than 1 MiB limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := &lineSource{parts: []string{"a,b\n1,2\n" + tc.prefix, tc.suffix + "3,4\n"}, fill: 10 << 20}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			d, err := newDelimited(src, "big.csv", Options{MaxLineBytes: limit})
			if err != nil {
				t.Fatal(err)
			}
			got := readAll(t, d)
			runtime.ReadMemStats(&after)
			want := []result{rec(2, "1", "2"), bad(3, tc.reason), rec(4, "3", "4")}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v, want %+v", got, want)
			}
			if c := cap(d.s.buf); c > limit+2 {
				t.Errorf("buffer grew to %d bytes, limit %d", c, limit)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 3*limit {
				t.Errorf("allocated %d bytes reading a 10 MiB line with a 1 MiB limit", alloc)
			}
			if n := d.BytesRead(); n != int64(len("a,b\n1,2\n"+tc.prefix+tc.suffix+"3,4\n")+10<<20) {
				t.Errorf("BytesRead = %d", n)
			}
		})
	}
}

type failingReader struct {
	data string
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.data == "" {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestReadErrorIsFatal(t *testing.T) {
	boom := errors.New("disk on fire")
	r, err := NewDelimited(&failingReader{data: "a,b\n1,2\n3,", err: boom}, "t.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rec, err := r.Next(); err != nil || rec.Values[0] != "1" {
		t.Fatalf("first record: %v, %v", rec, err)
	}
	for range 2 { // sticky
		_, err := r.Next()
		var re *RowError
		if !errors.Is(err, boom) || errors.As(err, &re) || err.Error() != "t.csv: disk on fire" {
			t.Fatalf("Next = %v, want fatal t.csv: disk on fire", err)
		}
	}
}

func TestValuesReused(t *testing.T) {
	r, err := NewDelimited(strings.NewReader("a,b\n1,2\n3,4\n"), "t.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	first, _ := r.Next()
	kept := first.Values[0] // the strings stay valid, only the slice is reused
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if kept != "1" {
		t.Errorf("kept value changed to %q", kept)
	}
}

func TestRowErrorFormat(t *testing.T) {
	e := &RowError{Source: "data.csv", Line: 12, Reason: "ragged row: 5 fields, header has 7"}
	if got, want := e.Error(), "data.csv:12: ragged row: 5 fields, header has 7"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestSizeString(t *testing.T) {
	for n, want := range map[int]string{1 << 30: "1 GiB", 4 << 20: "4 MiB", 64 << 10: "64 KiB", 1000: "1000 bytes", 1: "1 byte", 1536: "1536 bytes"} {
		if got := sizeString(n); got != want {
			t.Errorf("sizeString(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestUnescapedLineBreaks: psql -A and sqlite3's list mode leave line breaks in values as they
// are. The pieces are ragged rows (counted), psql's "(N rows)" footer is not a row, and
// Warnings says the row count is not reliable.
func TestUnescapedLineBreaks(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []result
		warn     []string
	}{
		{name: "psql -A", in: "id|name|phone\n1|Ana|98\n2|Bo\nB|97\n3|Cy|96\n(3 rows)\n",
			want: []result{rec(2, "1", "Ana", "98"), bad(3, "ragged row: 2 fields, header has 3"), bad(4, "ragged row: 2 fields, header has 3"), rec(5, "3", "Cy", "96")},
			warn: []string{"2 lines look like pieces of rows split by unescaped line breaks", "psql's footer says 3 rows, but 4 lines were read as rows"}},
		{name: "psql -A, clean", in: "id|name|phone\n1|Ana|98\n(1 row)\n", want: []result{rec(2, "1", "Ana", "98")}},
		{name: "sqlite list, break in the last value", in: "id|name|note\n1|Ana|a\nb\n2|Bo|c\n",
			want: []result{rec(2, "1", "Ana", "a"), bad(3, "ragged row: 1 fields, header has 3"), rec(4, "2", "Bo", "c")},
			warn: []string{"2 lines look like pieces"}},
		{name: "tab-separated: the advice is --format-in tsv, not psql --csv", in: "id\tname\tnote\n1\tAna\ta\\\nb\n2\tBo\tc\n",
			want: []result{rec(2, "1", "Ana", `a\`), bad(3, "ragged row: 1 fields, header has 3"), rec(4, "2", "Bo", "c")},
			warn: []string{"2 lines look like pieces of rows split by unescaped line breaks in values (as psql -A and sqlite3's list mode write them): they were read as separate, mostly ragged rows, so the row count is not reliable; if a backslash ends the broken lines (mysqldump --tab, SELECT … INTO OUTFILE), read it exactly with --format-in tsv"}},
		{name: "a footer-like line in a one-column file is data", in: "name\n(3 rows)\n", want: []result{rec(2, "(3 rows)")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, c, err := bytesSource("t", []byte(tc.in)).Open(Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			got, err := drain(t, r)
			if err != nil || !equalResults(got, tc.want) {
				t.Fatalf("got %v, %v\nwant %v", got, err, tc.want)
			}
			if n, err := bytesSource("t", []byte(tc.in)).Count(Options{}); err != nil || n != int64(len(got)) {
				t.Errorf("Count = %d, %v; Next gave %d", n, err, len(got))
			}
			w := Warnings(r)
			if len(w) != len(tc.warn) {
				t.Fatalf("warnings %q, want %q", w, tc.warn)
			}
			for i := range w {
				if !strings.HasPrefix(w[i], tc.warn[i]) {
					t.Errorf("warning %q, want %q…", w[i], tc.warn[i])
				}
			}
		})
	}
}

// TestColumnsAndHeaderRow: --columns names the columns of a headerless file (its first row
// is data); --header-row skips title lines above the header, keeping physical line numbers.
func TestColumnsAndHeaderRow(t *testing.T) {
	runReadTable(t, []readTable{
		{name: "columns", in: "98\tAnn\n97\tBob\n", opts: Options{Columns: []string{"phone", " name "}},
			cols: []string{"phone", "name"}, want: []result{rec(1, "98", "Ann"), rec(2, "97", "Bob")}},
		{name: "header row", in: "Department of Welfare\nList as on 12/06/2023\n\nphone,name\n98,Ann\n", opts: Options{HeaderRow: 4},
			cols: []string{"phone", "name"}, want: []result{rec(5, "98", "Ann")}},
		{name: "header row past the end", in: "title\n", opts: Options{HeaderRow: 3}, err: "the input ends before its header row"},
		{name: "columns for JSON", in: "{\"a\":1}\n", opts: Options{Columns: []string{"a"}}, err: "apply to delimited text and xlsx sheets"},
		{name: "both", in: "a\n", opts: Options{Columns: []string{"a"}, HeaderRow: 2}, err: "give one of them"},
	})
}
