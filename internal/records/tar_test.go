package records

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// writeTar writes a tar archive of the members (name, content; a name ending in "/" is a
// directory), gzipped if asked, and returns its bytes.
func writeTar(t *testing.T, gz bool, members ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w io.Writer = &buf
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(&buf)
		w = zw
	}
	tw := tar.NewWriter(w)
	for _, m := range members {
		h := &tar.Header{Name: m[0], Mode: 0o644, Size: int64(len(m[1])), Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if m[0][len(m[0])-1] == '/' {
			h.Typeflag, h.Size = tar.TypeDir, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(m[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if zw != nil {
		zw.Close()
	}
	return buf.Bytes()
}

func TestTarSources(t *testing.T) {
	members := [][2]string{
		{"export/", ""},
		{"export/b.csv", "phone,name\n9876543210,Asha\n9876543211,Ravi\n"},
		{"export/.hidden.csv", "phone\n1\n"},
		{"export/a.csv", "phone\n9876543212\n"},
		{"export/notes.html", "<html></html>"},
	}
	for _, gz := range []bool{false, true} {
		dir := t.TempDir()
		p := filepath.Join(dir, "x.tar")
		data := writeTar(t, gz, members...)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		all, err := Sources(p, Options{Exclude: []string{"*.html"}})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		var srcs []*Source
		for _, s := range all {
			if s.SkipReason != "" {
				continue
			}
			srcs = append(srcs, s)
			names = append(names, s.Name[len(dir)+1:])
		}
		want := []string{"x.tar!export/a.csv", "x.tar!export/b.csv", "x.tar!export/notes.html"}
		if len(names) != len(want) {
			t.Fatalf("gz=%v: sources %q, want %q", gz, names, want)
		}
		for i := range want {
			if names[i] != want[i] {
				t.Fatalf("gz=%v: sources %q, want %q", gz, names, want)
			}
		}
		if !srcs[2].Excluded || srcs[0].Excluded {
			t.Errorf("gz=%v: Excluded not set as --exclude says", gz)
		}
		for i, n := range []int64{1, 2} {
			c, err := srcs[i].Count(Options{})
			if err != nil || c != n {
				t.Errorf("gz=%v: %s counted %d, %v; want %d", gz, srcs[i].Name, c, err, n)
			}
		}
		r, c, err := srcs[1].Open(Options{})
		if err != nil {
			t.Fatal(err)
		}
		rec, err := r.Next()
		c.Close()
		if err != nil || rec.Values[1] != "Asha" {
			t.Errorf("gz=%v: first record %v, %v", gz, rec, err)
		}

		// Cut inside the last member: an error, or with AllowPartial the members before it.
		cut := filepath.Join(dir, "cut.tar")
		os.WriteFile(cut, data[:len(data)*2/3], 0o644)
		if _, err := Sources(cut, Options{}); !errors.Is(err, ErrTruncated) {
			// The listing may end inside the cut member's data; reading it must then fail.
			srcs, err2 := Sources(cut, Options{})
			if err2 != nil {
				t.Fatalf("gz=%v: truncated tar: %v / %v", gz, err, err2)
			}
			if _, err := srcs[len(srcs)-1].Count(Options{}); !errors.Is(err, ErrTruncated) {
				t.Errorf("gz=%v: a member cut short counted without error: %v", gz, err)
			}
		}
	}
}
