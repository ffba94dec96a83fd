package records

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
)

func TestTSVReader(t *testing.T) {
	tsv := Options{Format: "tsv"}
	runReadTable(t, []readTable{
		{name: "escapes decoded", in: "a\tb\tc\n1\t\\N\tx\\ny\n2\tC:\\\\scans\\\\\ta\\tb\\rc\n3\tx\\0y\t\\Z\\b\n", opts: tsv,
			cols: []string{"a", "b", "c"},
			want: []result{rec(2, "1", "", "x\ny"), rec(3, "2", `C:\scans\`, "a\tb\rc"), rec(4, "3", "xy", "Zb")}},
		{name: "mysqldump --tab: a backslash before a real line break or tab", in: "a\tb\n1\tfirst\\\nsecond\n2\tx\\\ty\n3\tend\\\\\n4\tz\n", opts: tsv,
			want: []result{rec(2, "1", "first\nsecond"), rec(4, "2", "x\ty"), rec(5, "3", `end\`), rec(6, "4", "z")}},
		{name: "quotes are data", in: "a\tb\n\"1\t\"x\"y\"\n", opts: tsv,
			want: []result{rec(2, `"1`, `"x"y"`)}},
		{name: "not UTF-8 fails only its field", in: "a\tb\n1\t\xff\xfe\n", opts: Options{Format: "tsv", Encoding: "utf-8"},
			want: []result{rec(2, "1", "\xff\xfe")}},
		{name: "ragged, blank lines, CRLF", in: "a\tb\r\n1\r\n\r\n2\t3\r\n", opts: tsv,
			want: []result{bad(2, "ragged row: 1 fields, header has 2"), rec(4, "2", "3")}},
		{name: "no final line break, backslash at the very end", in: "a\tb\n1\tx\\", opts: tsv,
			want: []result{rec(2, "1", `x\`)}},
		{name: "detected from \\N", in: "a\tb\n1\t\\N\n\"2\t\"q\n", cols: []string{"a", "b"},
			want: []result{rec(2, "1", ""), rec(3, `"2`, `"q`)}},
		{name: "headerless with --columns", in: "1\t\\N\n", opts: Options{Format: "tsv", Columns: []string{"x", "y"}},
			cols: []string{"x", "y"}, want: []result{rec(1, "1", "")}},
		{name: "title lines with --header-row", in: "Title\n\na\tb\n1\t2\n", opts: Options{Format: "tsv", HeaderRow: 3},
			cols: []string{"a", "b"}, want: []result{rec(4, "1", "2")}},
		{name: "record over the limit", in: "a\tb\n1\t" + strings.Repeat("x", 40) + "\\\n" + strings.Repeat("y", 40) + "\n2\t3\n", opts: Options{Format: "tsv", MaxLineBytes: 50},
			want: []result{bad(2, "record longer than 50 bytes limit"), rec(4, "2", "3")}},
		{name: "empty", in: "", opts: tsv, err: "no header"},
	})
}

func TestLooksEscaped(t *testing.T) {
	tests := []struct {
		head string
		want bool
	}{
		{"a\tb\n1\t2\n", false},
		{"a\tb\n1\t\\N\n", true},
		{"a\tb\n\\N\t2\r\n", true},
		{"a\tb\n1\tC:\\\\x\n", true},
		{"a\tb\n1\tC:\\x\n", false},
		{"a\tb\n1\t\\Nx\n", false},
	}
	for _, tt := range tests {
		if got := looksEscaped([]byte(tt.head)); got != tt.want {
			t.Errorf("looksEscaped(%q) = %v, want %v", tt.head, got, tt.want)
		}
	}
}

func FuzzTSVReader(f *testing.F) {
	for _, s := range []string{"a\tb\n1\t\\N\n", "a\tb\n1\tx\\\ny\n", "a\n\\", "a\tb\n\"\t\\\t\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := newTSVReader(strings.NewReader(s), "f", 64, nil, 0)
		if err != nil {
			return
		}
		for range len(s) + 2 {
			rec, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil && !isRowError(err) {
				t.Fatalf("fatal error on in-memory input: %v", err)
			}
			if err == nil && len(rec.Values) != len(r.Columns()) {
				t.Fatalf("%d values for %d columns", len(rec.Values), len(r.Columns()))
			}
		}
		t.Fatal("more records than bytes")
	})
}

// TestMysqldumpTabFixture reads the mysqldump --tab output of MariaDB 10.11 in
// fixtures/realtools (scripts/realtools/tab.sh) and compares every value with the ground truth
// the people were loaded from: names with a line break, a backslash, a tab, a quote  and a
// CR LF, beside a BLOB column of raw bytes that must not make the file read as Windows-1252.
func TestMysqldumpTabFixture(t *testing.T) {
	dir := filepath.Join("..", "..", "fixtures", "realtools")
	read := func(name string) ([]string, []result, Detection) {
		r, c, err := Open(filepath.Join(dir, name), Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		got, err := drain(t, r)
		if err != nil {
			t.Fatal(err)
		}
		return r.Columns(), got, Detected(r)
	}
	cols, got, det := read("tab_people.txt")
	_, want, _ := read("tab_people.csv")
	if det.Encoding != "UTF-8" || !strings.Contains(det.FormatWhy, "mysqldump --tab") {
		t.Errorf("detected %v", det)
	}
	if strings.Join(cols, ",") != "id,name,mobile,dob,gender,remarks,photo" {
		t.Fatalf("columns %q", cols)
	}
	if len(got) != 40 || len(want) != 40 {
		t.Fatalf("%d records, %d in the ground truth; want 40", len(got), len(want))
	}
	for i := range got {
		if got[i].Values == nil {
			t.Fatalf("record %d skipped: %s", i, got[i].Reason)
		}
		// The CSV reader reads a quoted CR LF as a line break, as RFC 4180 readers do; the
		// database holds the CR, and the --tab data keeps it.
		g := strings.Join(got[i].Values[:6], "\x00")
		if w := strings.Join(want[i].Values, "\x00"); strings.ReplaceAll(g, "\r\n", "\n") != w {
			t.Errorf("record %d: values differ from the ground truth", i+1)
		}
		if !strings.HasSuffix(got[i].Values[6], "\t\n\\") {
			t.Errorf("record %d: the BLOB's escaped tab, line break and backslash were not decoded", i+1)
		}
	}
}
