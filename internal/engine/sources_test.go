package engine

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/records"
)

// buildFromPaths builds a filter from paths with the given reading options.
func buildFromPaths(t *testing.T, paths []string, ropts records.Options) (*BuildResult, error) {
	t.Helper()
	ins, err := Open(paths, MapOptions{}, ropts)
	if err != nil {
		return nil, err
	}
	defer CloseAll(ins)
	ixs, err := BuildIndexes(ins, nil)
	if err != nil {
		return nil, err
	}
	norm, _ := fields.NewNormalizer("IN")
	keys, salt := testKeys()
	return Build(context.Background(), ins, BuildOptions{
		Options: Options{Workers: 2}, Indexes: ixs, Normalizer: norm, FPR: 1e-6, Keys: keys, Records: ropts,
		Header: bloom.Header{Created: time.Unix(0, 0), Key: bloom.KeyInfo{Source: "keyfile"}, Salt: salt, KeyCheck: keys.KeyCheck()},
	})
}

func csvRows(from, to int) string {
	var b strings.Builder
	b.WriteString("phone,name,yob\n")
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, "98765%05d,Person %d,1990\n", i, i)
	}
	return b.String()
}

// TestSourcesAreInputs: a directory and a zip archive give one input each per file, each with
// its own accounting, opened again lazily for the pass (so many files are not held open).
func TestSourcesAreInputs(t *testing.T) {
	dir := t.TempDir()
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	for i, name := range []string{"b.csv", "a.jsonl"} {
		w, _ := zw.Create(name)
		if i == 0 {
			w.Write([]byte(csvRows(0, 10)))
		} else {
			for j := 10; j < 15; j++ {
				fmt.Fprintf(w, "{\"phone\":\"98765%05d\",\"name\":\"P %d\",\"yob\":1990}\n", j, j)
			}
		}
	}
	zw.Close()
	os.MkdirAll(filepath.Join(dir, "d"), 0o700)
	os.WriteFile(filepath.Join(dir, "d", "x.zip"), z.Bytes(), 0o600)
	os.WriteFile(filepath.Join(dir, "d", "y.csv"), []byte(csvRows(15, 18)), 0o600)

	res, err := buildFromPaths(t, []string{filepath.Join(dir, "d")}, records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range res.Sources {
		got = append(got, fmt.Sprintf("%s=%d", strings.TrimPrefix(a.Source, dir+"/"), a.Used))
	}
	if want := "d/x.zip!a.jsonl=5 d/x.zip!b.csv=10 d/y.csv=3"; strings.Join(got, " ") != want {
		t.Errorf("sources %q, want %q", got, want)
	}
	if res.Spilled {
		t.Error("a directory was not counted first")
	}
}

// TestTruncatedAccounting: a truncated gzip input is an error saying how many rows came
// first; with AllowPartial those rows are used and the accounting says it was truncated.
func TestTruncatedAccounting(t *testing.T) {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.NoCompression)
	w.Write([]byte(csvRows(0, 3000)))
	w.Close()
	p := filepath.Join(t.TempDir(), "d.csv.gz")
	os.WriteFile(p, b.Bytes()[:b.Len()/2], 0o600)

	_, err := buildFromPaths(t, []string{p}, records.Options{})
	if !errors.Is(err, records.ErrTruncated) || !strings.Contains(err.Error(), "truncated or damaged gzip data after ") {
		t.Fatalf("without AllowPartial: %v", err)
	}
	res, err := buildFromPaths(t, []string{p}, records.Options{AllowPartial: true})
	if err != nil {
		t.Fatal(err)
	}
	a := res.Sources[0]
	if !a.Truncated || !strings.HasPrefix(a.TruncatedReason, fmt.Sprintf("truncated or damaged gzip data after %d rows", a.Read)) ||
		a.Read < 1000 || a.Read >= 3000 || a.Used != a.Read {
		t.Errorf("accounting %+v", a)
	}
}

// TestDroppedValues: a JSON key first seen after the columns were fixed is counted.
func TestDroppedValues(t *testing.T) {
	var b strings.Builder
	for i := range 1001 {
		fmt.Fprintf(&b, "{\"phone\":\"98765%05d\"}\n", i)
	}
	b.WriteString("{\"phone\":\"9876599999\",\"mobile2\":\"9876599998\"}\n")
	p := filepath.Join(t.TempDir(), "d.jsonl")
	os.WriteFile(p, []byte(b.String()), 0o600)
	res, err := buildFromPaths(t, []string{p}, records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := res.Sources[0]
	if a.Dropped != 1 || a.Used != 1002 || len(a.Examples) != 1 || a.Examples[0].Line != 1002 || a.Examples[0].Reason != DroppedReason {
		t.Errorf("accounting %+v", a)
	}
}
