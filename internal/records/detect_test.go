package records

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSniff(t *testing.T) {
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte("a,b\n1,2\n"))
	w.Close()
	for _, tc := range []struct {
		name string
		head []byte
		want format
	}{
		{"csv", []byte("a,b\n"), formatDelimited},
		{"empty", nil, formatDelimited},
		{"BOM csv", []byte("\ufeffa,b\n"), formatDelimited},
		{"gzip", gz.Bytes(), formatGzip},
		{"zstd", []byte("\x28\xb5\x2f\xfd\x00"), formatZstd},
		{"bzip2", []byte("BZh91AY&SYxxxx"), formatBzip2},
		{"BZh header is csv", []byte("BZh,other\n1,2\n"), formatDelimited},
		{"xz", []byte("\xfd7zXZ\x00\x00"), formatXz},
		{"xlsx", []byte("PK\x03\x04\x14\x00"), formatZip},
		{"xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00"), formatOLE},
		{"UTF-16LE", []byte("\xff\xfea\x00,\x00"), formatUTF16},
		{"UTF-16BE", []byte("\xfe\xff\x00a"), formatUTF16},
		{"UTF-32LE", []byte("\xff\xfe\x00\x00a\x00\x00\x00"), formatUTF32},
	} {
		if got := sniff(tc.head); got != tc.want {
			t.Errorf("%s: sniff = %d, want %d", tc.name, got, tc.want)
		}
	}
	for f := formatDelimited + 1; f <= formatUTF32; f++ {
		if unsupported[f] == "" {
			t.Errorf("format %d has no description", f)
		}
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "data.csv")
	// Longer than the sniff buffer, so reading goes past what sniff peeked.
	in := "email;name\n" + strings.Repeat("a@x.org;Ann\n", 1000)
	if err := os.WriteFile(path, []byte(in), 0o600); err != nil {
		t.Fatal(err)
	}
	r, c, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got := readAll(t, r)
	if len(got) != 1000 || got[999].Line != 1001 || got[999].Values[1] != "Ann" {
		t.Fatalf("read %d records, last %v", len(got), got[len(got)-1])
	}
	if r.BytesRead() != int64(len(in)) {
		t.Errorf("BytesRead = %d, want %d", r.BytesRead(), len(in))
	}
	if n, err := Count(path, Options{}); n != 1000 || err != nil {
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
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte("email\nsecret@x.org\n"))
	w.Close()
	for _, tc := range []struct {
		path, want string
	}{
		{filepath.Join(dir, "missing.csv"), "no such file"},
		{write("d.csv.gz", gz.Bytes()), "d.csv.gz: gzip-compressed input is not supported"},
		{write("u16.csv", []byte("\xff\xfea\x00\n\x00")), "u16.csv: UTF-16 encoded input is not supported"},
		{write("empty.csv", nil), "empty.csv: empty input: no header row"},
	} {
		_, _, err := Open(tc.path, Options{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Open(%s) error = %v, want %q", filepath.Base(tc.path), err, tc.want)
		}
		if _, err := Count(tc.path, Options{}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Count(%s) error = %v, want %q", filepath.Base(tc.path), err, tc.want)
		}
	}
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

	r, c, err := Open("-", Options{})
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
}

func TestCountRefusesOneShotInputs(t *testing.T) {
	for _, path := range []string{"-", os.DevNull} {
		if _, err := Count(path, Options{}); !errors.Is(err, ErrNotCountable) {
			t.Errorf("Count(%s) = %v, want ErrNotCountable", path, err)
		}
	}
}
