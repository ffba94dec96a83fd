package records

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
)

// randomDelimited makes delimited text that exercises every way a line feed can fail to end a
// record, and every record the scanner skips: quoted fields holding line feeds (LF and CRLF),
// delimiters and doubled quotes, bare quotes, blank lines, CRLF line ends, lines and quoted
// records over the limit, psql footers, an unterminated quote at the end.
func randomDelimited(rng *rand.Rand, delim byte, rows int) string {
	var b strings.Builder
	d := string(delim)
	b.WriteString("\xef\xbb\xbfname" + d + "phone" + d + "note\n")
	word := func() string {
		const letters = "abcdefghij"
		n := rng.IntN(8)
		w := make([]byte, n)
		for i := range w {
			w[i] = letters[rng.IntN(len(letters))]
		}
		return string(w)
	}
	for range rows {
		var fields [3]string
		for i := range fields {
			switch rng.IntN(12) {
			case 0:
				fields[i] = `"` + word() + "\n" + word() + `"`
			case 1:
				fields[i] = `"` + word() + "\r\n" + word() + d + `""` + `"`
			case 2:
				fields[i] = word() + `"` + word() // bare quote
			case 3:
				fields[i] = `"` + word() + `"` + word() // text after the closing quote
			case 4:
				fields[i] = strings.Repeat("x", 40+rng.IntN(60)) // over a 64-byte limit with the rest
			case 5:
				fields[i] = `"` + strings.Repeat("y\n", 20+rng.IntN(40)) + `"` // a quoted record over the limit
			default:
				fields[i] = word()
			}
		}
		b.WriteString(strings.Join(fields[:], d))
		switch rng.IntN(10) {
		case 0:
			b.WriteString("\r\n")
		case 1:
			b.WriteString("\n\n") // a blank line
		case 2:
			b.WriteString("\n(12 rows)\n") // a psql footer (only with "|")
		default:
			b.WriteString("\n")
		}
	}
	if rng.IntN(2) == 0 {
		b.WriteString(`tail,"open` + "\nnever closed")
	}
	return b.String()
}

// TestParallelCountMatchesSerial counts random files serially and in chunks of many sizes, and
// requires the same rows and the same distinct-row sketch, register for register.
func TestParallelCountMatchesSerial(t *testing.T) {
	dir := t.TempDir()
	defer func(c, m int64) { parallelChunk, maxChunks = c, m }(parallelChunk, maxChunks)
	maxChunks = 1 << 30
	rng := rand.New(rand.NewPCG(15, 1))
	for i := range 40 {
		delim := []byte{',', ';', '|', '\t'}[i%4]
		data := randomDelimited(rng, delim, 20+rng.IntN(300))
		path := filepath.Join(dir, fmt.Sprintf("f%d.csv", i))
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		opts := Options{MaxLineBytes: 64}
		src, err := single(path, opts)
		if err != nil {
			t.Fatal(err)
		}
		want, wantN := serialCount(t, src, opts)
		for _, chunk := range []int64{1, 2, 3, 7, 16, 61, 64, 65, 200, 1000, 1 << 20} {
			if chunk < 16 && i%5 != 0 {
				continue // thousands of chunks: a few files are enough
			}
			parallelChunk = chunk
			r, c, err := src.Open(opts)
			if err != nil {
				t.Fatal(err)
			}
			sr := r.(*sourceReader)
			start, ok := src.plainOffset(sr, opts)
			if !ok {
				t.Fatal("a plain file has no plain offset")
			}
			var got distinct
			var read atomic.Int64
			n, err := sr.d.countParallel(path, start, 3, &got, &read)
			c.Close()
			if err != nil {
				t.Fatal(err)
			}
			if n != wantN || got != want {
				t.Fatalf("file %d, chunks of %d: %d rows (estimate %d), serially %d (estimate %d)",
					i, chunk, n, got.estimate(n), wantN, want.estimate(wantN))
			}
		}
	}
}

func serialCount(t *testing.T, src *Source, opts Options) (distinct, int64) {
	t.Helper()
	r, c, err := src.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var d distinct
	n, err := r.(*sourceReader).d.count(&d)
	if err != nil {
		t.Fatal(err)
	}
	return d, n
}

// TestCountRowsParallel checks that CountRows takes the parallel path on a plain file with
// several cores, and gives the count reading gives, and that files it must count serially
// (a header below title lines, a gzip file) agree too.
func TestCountRowsParallel(t *testing.T) {
	defer func(c, m int64) { parallelChunk, parallelMin = c, m }(parallelChunk, parallelMin)
	parallelChunk, parallelMin = 100, 0
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	rng := rand.New(rand.NewPCG(15, 2))
	data := randomDelimited(rng, ',', 2000)
	dir := t.TempDir()
	path := filepath.Join(dir, "p.csv")
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	titled := filepath.Join(dir, "titled.csv")
	if err := os.WriteFile(titled, []byte("a title line\n\n"+strings.TrimPrefix(data, "\xef\xbb\xbf")), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path string
		opts Options
	}{
		{path, Options{MaxLineBytes: 64}},
		{path, Options{}},
		{titled, Options{MaxLineBytes: 64, HeaderRow: 3}},
	} {
		src, err := single(tt.path, tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		before := src.RawBytesRead()
		got, err := src.CountRows(tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		if tt.opts.HeaderRow == 0 && src.RawBytesRead()-before < src.Size {
			t.Errorf("%s: %d bytes read to count a file of %d", tt.path, src.RawBytesRead()-before, src.Size)
		}
		o := tt.opts
		o.CountRows = true
		r, c, err := src.Open(o)
		if err != nil {
			t.Fatal(err)
		}
		drain(t, r)
		c.Close()
		want, _ := Rows(r)
		if got != want {
			t.Errorf("%s %+v: CountRows = %+v, reading counts %+v", tt.path, tt.opts, got, want)
		}
	}
}

// TestRowBatchMatchesRowHash adds rows of every length mix through rowBatch and one by one
// through rowHash, and requires the same sketch.
func TestRowBatchMatchesRowHash(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 3))
	var want, got distinct
	b := rowBatch{d: &got}
	for range 5000 {
		row := make([]byte, rng.IntN(90))
		for i := range row {
			row[i] = byte(rng.Uint32())
		}
		want.add(rowHash(row))
		b.add(row)
		clear(row) // rowBatch copies what it keeps
	}
	b.flush()
	if got != want {
		t.Fatal("rows hashed four at a time give another sketch than rowHash one by one")
	}
	if want.estimate(5000) < 4800 {
		t.Fatalf("estimate %d for 5000 random rows", want.estimate(5000))
	}
}

// FuzzParallelCount counts any text serially and in chunks of a fuzzed size.
func FuzzParallelCount(f *testing.F) {
	for _, tt := range delimitedTests {
		f.Add([]byte(tt.in), byte(3), byte(0))
	}
	f.Add([]byte(randomDelimited(rand.New(rand.NewPCG(1, 1)), ',', 30)), byte(5), byte(64))
	f.Add([]byte(randomDelimited(rand.New(rand.NewPCG(1, 2)), '|', 30)), byte(1), byte(64))
	path := filepath.Join(f.TempDir(), "fuzz.csv")
	f.Fuzz(func(t *testing.T, data []byte, chunk, limit byte) {
		defer func(c int64) { parallelChunk = c }(parallelChunk)
		parallelChunk = max(int64(chunk%64)+1, int64(len(data)/256)) // at most a few hundred chunks
		opts := Options{MaxLineBytes: int(limit)}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		src, err := single(path, opts)
		if err != nil {
			return
		}
		r, c, err := src.Open(opts)
		if err != nil {
			return
		}
		defer c.Close()
		sr, ok := r.(*sourceReader)
		if !ok || sr.d == nil {
			return
		}
		start, ok := src.plainOffset(sr, opts)
		if !ok {
			return
		}
		var got distinct
		var read atomic.Int64
		n, err := sr.d.countParallel(path, start, 3, &got, &read)
		want, wantN := serialCount(t, src, opts)
		if err != nil || n != wantN || got != want {
			t.Fatalf("chunks of %d: %d rows, %v; serially %d rows (sketches equal: %v)", parallelChunk, n, err, wantN, got == want)
		}
	})
}
