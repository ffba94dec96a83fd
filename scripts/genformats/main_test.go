package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestFormatsUpToDate regenerates fixtures/formats and requires the committed files to match.
// Text files must be byte-identical. Compressed files (gzip, zip, xlsx) must hold the same
// content: their compressed bytes may differ between Go releases.
func TestFormatsUpToDate(t *testing.T) {
	files, err := generate("../../fixtures")
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadDir("../../fixtures/formats")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range committed {
		if _, ok := files[e.Name()]; !ok {
			t.Errorf("fixtures/formats/%s is not made by the generator", e.Name())
		}
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join("../../fixtures/formats", name))
		if err != nil {
			t.Errorf("%v (run: go run ./scripts/genformats)", err)
			continue
		}
		if !bytes.Equal(content(t, name, got), content(t, name, want)) {
			t.Errorf("fixtures/formats/%s differs from the generator's output (run: go run ./scripts/genformats)", name)
		}
	}
}

// content is what a fixture holds: its bytes, decompressed for gzip, and for zip archives the
// list of members with their contents.
func content(t *testing.T, name string, data []byte) []byte {
	switch {
	case strings.HasSuffix(name, ".gz"):
		r, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return b
	case strings.HasSuffix(name, ".zip"), strings.HasSuffix(name, ".xlsx"):
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var members []string
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatalf("%s!%s: %v", name, f.Name, err)
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatalf("%s!%s: %v", name, f.Name, err)
			}
			if strings.HasSuffix(f.Name, ".gz") {
				b = content(t, f.Name, b)
			}
			members = append(members, f.Name+"\x00"+string(b))
		}
		sort.Strings(members)
		return []byte(strings.Join(members, "\x00\x00"))
	}
	return data
}

func TestGeneratorDeterministic(t *testing.T) {
	a, err := generate("../../fixtures")
	if err != nil {
		t.Fatal(err)
	}
	b, err := generate("../../fixtures")
	if err != nil {
		t.Fatal(err)
	}
	for name := range a {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}
