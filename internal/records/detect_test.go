package records

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

const people = "phone,name\n9876543210,Ann\n9876543211,Bob\n"

var peopleWant = []result{rec(2, "9876543210", "Ann"), rec(3, "9876543211", "Bob")}

func gz(t testing.TB, data []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func xzc(t testing.TB, data []byte) []byte {
	var b bytes.Buffer
	w, err := xz.NewWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func zst(t testing.TB, data []byte) []byte {
	w, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	return w.EncodeAll(data, nil)
}

func utf16le(s string, bom bool) []byte {
	var b []byte
	if bom {
		b = []byte{0xff, 0xfe}
	}
	for _, c := range utf16.Encode([]rune(s)) {
		b = append(b, byte(c), byte(c>>8))
	}
	return b
}

func utf16be(s string) []byte {
	b := []byte{0xfe, 0xff}
	for _, c := range utf16.Encode([]rune(s)) {
		b = append(b, byte(c>>8), byte(c))
	}
	return b
}

func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		name string
		head []byte
		want format
	}{
		{"csv", []byte("a,b\n"), formatText},
		{"empty", nil, formatText},
		{"BOM csv", []byte("\ufeffa,b\n"), formatText},
		{"gzip", gz(t, []byte(people)), formatGzip},
		{"zstd", []byte("\x28\xb5\x2f\xfd\x00"), formatZstd},
		{"bzip2", []byte("BZh91AY&SYxxxx"), formatBzip2},
		{"empty bzip2", []byte("BZh9\x17\x72\x45\x38\x50\x90"), formatBzip2},
		{"BZh header is csv", []byte("BZh,other\n1,2\n"), formatText},
		{"xz", []byte("\xfd7zXZ\x00\x00"), formatXz},
		{"zip/xlsx", []byte("PK\x03\x04\x14\x00"), formatZip},
		{"empty zip", []byte("PK\x05\x06"), formatZip},
		{"7z", []byte("7z\xbc\xaf\x27\x1c"), format7z},
		{"xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00"), formatOLE},
		{"UTF-16LE", []byte("\xff\xfea\x00,\x00"), formatUTF16LE},
		{"UTF-16BE", []byte("\xfe\xff\x00a"), formatUTF16BE},
		{"UTF-32LE", []byte("\xff\xfe\x00\x00a\x00\x00\x00"), formatUTF32},
	} {
		if got := sniff(tc.head); got != tc.want {
			t.Errorf("%s: sniff = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestSniffText(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"csv", "phone,name\n1,2\n", "csv"},
		{"empty", "", "csv"},
		{"jsonl", "{\"a\":1}\n{\"a\":2}\n", "jsonl"},
		{"json stream", "{\n \"a\": 1\n}\n", "json"},
		{"json array", "  [\n {\"a\":1}]", "json"},
		{"empty json array", "[]", "json"},
		{"bracketed csv header", "[id],[name]\n1,2\n", "csv"},
		{"mysqldump", "-- MySQL dump 10.13\n--\n/*!40101 SET NAMES utf8mb4 */;\nDROP TABLE IF EXISTS `t`;\n", "sql"},
		{"insert", "INSERT INTO t VALUES (1);", "sql"},
		{"pg_dump", "--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\n", "sql"},
		{"copy", "COPY public.t (a, b) FROM stdin;\n1\t2\n", "sql"},
		{"psql meta-command", "\\connect db\nCOPY t (a) FROM stdin;\n", "sql"},
		{"csv header that starts like SQL", "Insert Date,Set,Name\n2021-01-01,a,b\n", "csv"},
		{"csv header with one sql-ish word", "Create Table Name;Phone\n", "csv"},
		{"key-value", "Name: Ann\nMobile: 98\n\nName: Bob\nMobile: 97\n", "kv"},
		{"bot export", "🔎 Result 1\n👤 Name: Ann\n📱 Mobile: 98\n━━━\n🔎 Result 2\n👤 Name: Bob\n📱 Mobile: 97\n", "kv"},
		{"csv with times", "time,name\n10:30,Ann\n11:45,Bob\n", "csv"},
		{"one key-value line", "Name: Ann\n", "csv"},
	} {
		if got := sniffText([]byte(tc.in)); got != tc.want {
			t.Errorf("%s: sniffText = %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestEncodings(t *testing.T) {
	tab := "phone\tname\r\n9876543210\tAnn\r\n"
	for _, tc := range []struct {
		name string
		in   []byte
		opts Options
		want []result
	}{
		{"UTF-8 BOM", []byte("\ufeff" + people), Options{}, peopleWant},
		{"UTF-16LE BOM", utf16le(tab, true), Options{}, []result{rec(2, "9876543210", "Ann")}},
		{"UTF-16BE BOM", utf16be(tab), Options{}, []result{rec(2, "9876543210", "Ann")}},
		{"UTF-16LE without BOM", utf16le(tab, false), Options{}, []result{rec(2, "9876543210", "Ann")}},
		{"UTF-16LE forced", utf16le(tab, false), Options{Encoding: "utf-16le"}, []result{rec(2, "9876543210", "Ann")}},
		{"UTF-16 non-ASCII", utf16le("phone,name\n1,Zoë Ñandú 🙂\n", true), Options{}, []result{rec(2, "1", "Zoë Ñandú 🙂")}},
		{"Windows-1252 fallback", []byte("phone,name\n1,Jos\xe9 \x80\x96\n"), Options{}, []result{rec(2, "1", "José €–")}},
		{"latin1 forced", []byte("phone,name\n1,Jos\xe9 \x80\n"), Options{Encoding: "latin1"}, []result{rec(2, "1", "José \u0080")}},
		{"UTF-8 forced: bad bytes are bad rows", []byte("phone,name\n1,Jos\xe9\n2,Ann\n"), Options{Encoding: "UTF-8"},
			[]result{bad(2, "invalid UTF-8"), rec(3, "2", "Ann")}},
		{"UTF-8 file with a bad row after the sniffed part", []byte("phone,name\n" + strings.Repeat("1,Zoë\n", 20000) + "2,Jos\xe9\n3,Ann\n"), Options{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, c, err := bytesSource("t", tc.in).Open(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			got, err := drain(t, r)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == nil { // the long one: check its end only
				n := len(got)
				if n != 20002 || got[n-2].Reason != "invalid UTF-8" || got[n-2].Line != 20002 || got[n-1].Values[1] != "Ann" {
					t.Errorf("got %d results ending %v", n, got[n-2:])
				}
				return
			}
			if !equalResults(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCompression(t *testing.T) {
	bz, err := os.ReadFile("testdata/people.csv.bz2")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"gzip", gz(t, []byte(people))},
		{"bzip2", bz},
		{"xz", xzc(t, []byte(people))},
		{"zstd", zst(t, []byte(people))},
		{"gzip in xz in zstd", zst(t, xzc(t, gz(t, []byte(people))))},
		{"concatenated gzip members", append(gz(t, []byte("phone,name\n9876543210,Ann\n")), gz(t, []byte("9876543211,Bob\n"))...)},
		{"gzip UTF-16", gz(t, utf16le(people, true))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := bytesSource("t", tc.data)
			r, c, err := src.Open(Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := drain(t, r)
			c.Close()
			if err != nil || !equalResults(got, peopleWant) {
				t.Errorf("got %v, %v", got, err)
			}
			if r.BytesRead() != int64(len(tc.data)) {
				t.Errorf("BytesRead = %d, want %d (the compressed size)", r.BytesRead(), len(tc.data))
			}
			if n, err := src.Count(Options{}); n != 2 || err != nil {
				t.Errorf("Count = %d, %v", n, err)
			}
		})
	}
	if _, _, err := bytesSource("t", zst(t, zst(t, zst(t, zst(t, zst(t, []byte(people))))))).Open(Options{}); err == nil ||
		!strings.Contains(err.Error(), "more than 4 layers") {
		t.Errorf("5 layers: %v", err)
	}
}

// TestTruncated cuts compressed inputs short: the rows before the cut are read, then a fatal
// error that says how many; with AllowPartial the input ends there and Truncation says so.
func TestTruncated(t *testing.T) {
	// Random enough for several xz chunks and zstd blocks: those decoders release nothing of a
	// block that is cut short.
	const rows = 12000
	var b strings.Builder
	b.WriteString("phone,name\n")
	x := uint32(2463534242)
	next := func() uint32 {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		return x
	}
	for range rows {
		fmt.Fprintf(&b, "%d,%08x%08x\n", 6000000000+uint64(next())%4000000000, next(), next())
	}
	plain := []byte(b.String())
	for _, tc := range []struct {
		name string
		data []byte
		what string
	}{
		{"gzip", gz(t, plain), "gzip data"},
		{"xz", xzc(t, plain), "xz data"},
		{"zstd", zst(t, plain), "zstd data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cut := tc.data[:len(tc.data)*2/3]
			src := bytesSource("t.gz", cut)
			r, c, err := src.Open(Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := drain(t, r)
			c.Close()
			if !errors.Is(err, ErrTruncated) || len(got) == 0 || len(got) >= rows {
				t.Fatalf("%d rows, then %v", len(got), err)
			}
			want := "t.gz: truncated or damaged " + tc.what + " after " + strconv.Itoa(len(got)) + " rows"
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error %q, want prefix %q", err, want)
			}
			for _, g := range got {
				if g.Values == nil || len(g.Values[1]) != 16 {
					t.Fatalf("bad row before the cut: %v", g)
				}
			}
			if n, err := src.Count(Options{}); !errors.Is(err, ErrTruncated) || n != int64(len(got)) {
				t.Errorf("Count = %d, %v", n, err)
			}

			r, c, err = src.Open(Options{AllowPartial: true})
			if err != nil {
				t.Fatal(err)
			}
			got2, err := drain(t, r)
			c.Close()
			if err != nil || len(got2) != len(got) || !strings.HasPrefix(Truncation(r), "truncated or damaged "+tc.what+" after ") {
				t.Errorf("AllowPartial: %d rows, %v, truncation %q", len(got2), err, Truncation(r))
			}
			if n, err := src.Count(Options{AllowPartial: true}); err != nil || n != int64(len(got)) {
				t.Errorf("Count with AllowPartial = %d, %v", n, err)
			}
		})
	}
	// A damaged gzip body: the checksum catches it.
	data := gz(t, plain)
	data[len(data)-6] ^= 0xff // in the CRC-32 of the trailer
	_, got, err := readBytes(t, string(data), Options{})
	if !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), "checksum mismatch") || len(got) != rows {
		t.Errorf("damaged gzip: %d rows, %v", len(got), err)
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "data.csv")
	// Longer than the sniff buffer, so reading goes past what sniff peeked.
	in := "email;name\n" + strings.Repeat("a@x.org;Ann\n", 10000)
	if err := os.WriteFile(path, []byte(in), 0o600); err != nil {
		t.Fatal(err)
	}
	r, c, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got := readAll(t, r)
	if len(got) != 10000 || got[9999].Line != 10001 || got[9999].Values[1] != "Ann" {
		t.Fatalf("read %d records, last %v", len(got), got[len(got)-1])
	}
	if r.BytesRead() != int64(len(in)) {
		t.Errorf("BytesRead = %d, want %d", r.BytesRead(), len(in))
	}
	if n, err := Count(path, Options{}); n != 10000 || err != nil {
		t.Errorf("Count = %d, %v", n, err)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(i*7919 + i/13)
	}
	for _, tc := range []struct {
		path, want string
		opts       Options
	}{
		{filepath.Join(dir, "missing.csv"), "no such file", Options{}},
		{write("empty.csv", nil), "empty.csv: empty input: no header row", Options{}},
		{write("blank.txt", []byte("\n\n  \n")), "blank.txt:3: header row: line longer", Options{MaxLineBytes: 1}},
		{write("garbage.bin", garbage), "garbage.bin: binary data: not text", Options{}},
		{write("u32.csv", []byte("\xff\xfe\x00\x00a\x00\x00\x00")), "u32.csv: UTF-32 encoded text (convert it to UTF-8) input is not supported", Options{}},
		{write("old.xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00")), "legacy Office", Options{}},
		{write("a.7z", []byte("7z\xbc\xaf\x27\x1c\x00\x04")), "7z archive", Options{}},
		{write("page.html", []byte("<!doctype html><p>hi</p>")), "XML or HTML input is not supported", Options{}},
		{write("zip.gz", gz(t, []byte("PK\x03\x04rest"))), "inside a compressed file", Options{}},
		{write("j.csv", []byte(people)), `unknown input format "yaml"`, Options{Format: "yaml"}},
		{write("k.csv", []byte(people)), `unknown encoding "ebcdic"`, Options{Encoding: "ebcdic"}},
		{write("x.csv", []byte(people)), "not an xlsx workbook", Options{Format: "xlsx"}},
		{write("bomb.xz", xzBigDict()), "dictionary over 256 MiB", Options{}},
	} {
		_, _, err := Open(tc.path, tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Open(%s) error = %v, want %q", filepath.Base(tc.path), err, tc.want)
		}
	}
}

// xzBigDict is the start of an xz stream whose first block asks for a 1.5 GiB dictionary.
func xzBigDict() []byte {
	h := []byte("\xfd7zXZ\x00\x00\x04\xe6\xd6\xb4\x46")
	// Block header: size byte (3 → 16 bytes), flags (1 filter), filter 0x21, props size 1,
	// dictionary code 39 (1.5 GiB), padding, CRC-32 (not checked here).
	h = append(h, 3, 0, 0x21, 1, 39, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
	return h
}

func TestOpenStdin(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "stdin")
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("a,b\n1\n")
	f.Seek(0, io.SeekStart)
	old := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = old }()

	srcs, err := Sources("-", Options{})
	if err != nil || len(srcs) != 1 || srcs[0].Name != "stdin" || !srcs[0].Once() {
		t.Fatalf("Sources(-) = %v, %v", srcs, err)
	}
	r, c, err := srcs[0].Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Next()
	if err == nil || err.Error() != "stdin:2: ragged row: 1 fields, header has 2" {
		t.Errorf("Next = %v", err)
	}
	c.Close()
	if _, err := f.Stat(); err != nil {
		t.Errorf("closing the reader closed stdin: %v", err)
	}
	if _, _, err := srcs[0].Open(Options{}); !errors.Is(err, ErrNotCountable) {
		t.Errorf("second Open of stdin = %v", err)
	}

	// A zip archive cannot be read from standard input.
	f2, _ := os.CreateTemp(t.TempDir(), "stdin")
	f2.WriteString("PK\x03\x04rest of a zip")
	f2.Seek(0, io.SeekStart)
	os.Stdin = f2
	if _, _, err := Open("-", Options{}); err == nil || !strings.Contains(err.Error(), "cannot be read from standard input") {
		t.Errorf("zip on stdin: %v", err)
	}
}

func TestCountRefusesOneShotInputs(t *testing.T) {
	for _, path := range []string{"-", os.DevNull} {
		if _, err := Count(path, Options{}); !errors.Is(err, ErrNotCountable) {
			t.Errorf("Count(%s) = %v, want ErrNotCountable", path, err)
		}
	}
}

func TestLooksUTF16(t *testing.T) {
	if f, ok := looksUTF16(utf16le("phone,name\n1,2\n", false)); !ok || f != formatUTF16LE {
		t.Error("UTF-16LE not recognised")
	}
	if _, ok := looksUTF16([]byte("phone,name\n1,2\n3,4\n")); ok {
		t.Error("ASCII taken for UTF-16")
	}
	if !validUTF8Prefix([]byte("abc\xe2\x82")) || validUTF8Prefix([]byte("a\xffbc")) {
		t.Error("validUTF8Prefix")
	}
}
