package records

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ulikunitz/xz"
)

// peakHeap runs fn and returns the most heap memory its live and unswept
// objects took above what was live before, sampled every millisecond
// (runtime/metrics, which does not stop the world).
func peakHeap(fn func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	peak := base
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			if v := read(); v > peak {
				peak = v
			}
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	fn()
	close(done)
	<-stopped
	return peak - base
}

// TestXLSXEmptySharedStrings (issue 13, item 4): empty <si/> entries count
// against the shared string bound, which a small file cannot raise: 5 million
// of them (25 MB of XML, kilobytes compressed) are refused without the
// hundreds of megabytes their table would take.
func TestXLSXEmptySharedStrings(t *testing.T) {
	sheet := `<row r="1"><c r="A1" t="inlineStr"><is><t>phone</t></is></c></row><row r="2"><c r="A2" t="s"><v>0</v></c></row>`
	data := handXLSX(t, sheet, strings.Repeat("<si/>", 5_000_000), "", false)
	t.Logf("workbook: %d bytes", len(data))
	var err error
	n := peakHeap(func() { _, _, err = readXLSX(t, data, Options{}) })
	if err == nil || !strings.Contains(err.Error(), "shared string table needs more than") {
		t.Fatalf("err = %v, want the shared string bound", err)
	}
	if n > 64<<20 {
		t.Errorf("peak heap %d MB reading it, want under 64", n>>20)
	}
	// A real table well within the bound still reads.
	var si strings.Builder
	for i := range 20000 {
		si.WriteString("<si><t>value " + strings.Repeat("x", i%7) + "</t></si>")
	}
	cols, rows, err := readXLSX(t, handXLSX(t, sheet, si.String(), "", false), Options{})
	if err != nil || len(cols) != 1 || len(rows) != 1 || rows[0].Values[0] != "value " {
		t.Fatalf("real table: %q %v %v", cols, rows, err)
	}
}

// TestXZGuardFollowsRealFiles: the xz guard follows every container feature
// of files that xz itself wrote (testdata/xz/make.sh), to the end of their
// last stream, and leaves their bytes as they were.
func TestXZGuardFollowsRealFiles(t *testing.T) {
	paths, err := filepath.Glob("testdata/xz/*.xz")
	if err != nil || len(paths) < 7 {
		t.Fatalf("xz fixtures: %v %v", paths, err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		g := newXZGuard(bytes.NewReader(data))
		if strings.HasSuffix(p, "bcj.xz") {
			// The decoder has no BCJ filter; the guard follows the container.
			if _, err := io.Copy(io.Discard, g); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
		} else {
			xr, err := xz.NewReader(g)
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			out, err := io.ReadAll(xr)
			if err != nil || len(out) < 100000 {
				t.Fatalf("%s: %d bytes, %v", p, len(out), err)
			}
		}
		if g.lost || g.state != xzStreamPad || g.err != nil {
			t.Errorf("%s: guard lost the structure (lost=%v state=%d err=%v)", p, g.lost, g.state, g.err)
		}
	}
}

// xzDict returns an xz file of data in two streams whose second stream's
// block asks for a dictionary of the given code (39: 3 GiB), with its block
// header CRC32 made valid, so that the decoder would allocate it.
func xzDict(t *testing.T, data []byte, code byte) []byte {
	first := xzc(t, data)
	second := xzc(t, data)
	h := second[12:]
	size := (int(h[0]) + 1) * 4
	i := bytes.Index(h[:size], []byte{0x21, 0x01})
	if i < 0 {
		t.Fatal("no LZMA2 filter flags in the block header")
	}
	h[i+2] = code
	binary.LittleEndian.PutUint32(h[size-4:], crc32.ChecksumIEEE(h[:size-4]))
	return append(first, second...)
}

// TestXZDictEveryStream (issue 13, item 7): a dictionary over the bound is
// refused in any block of any stream, not only the first, before the
// decoder allocates it.
func TestXZDictEveryStream(t *testing.T) {
	data := []byte("phone,name\n9876500001,Invented One\n")
	ok := xzDict(t, data, 20) // 2 MiB dictionary
	if _, rows, err := readBytes(t, string(ok), Options{}); err != nil || len(rows) != 3 {
		t.Fatalf("two streams within the bound: %v %v", rows, err)
	}
	bomb := string(xzDict(t, data, 39))
	var err error
	n := peakHeap(func() { _, _, err = readBytes(t, bomb, Options{}) })
	if err == nil || !strings.Contains(err.Error(), "dictionary over 256 MiB") {
		t.Fatalf("err = %v, want the dictionary bound", err)
	}
	if n > 64<<20 {
		t.Errorf("peak heap %d MB, want under 64", n>>20)
	}
}

// TestDistinctRows (item 9): the counting pass estimates distinct rows, so
// that a file of one row repeated does not size a filter for every copy.
func TestDistinctRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("phone,name\n")
	for i := range 50000 {
		fmt.Fprintf(&b, "98765%05d,Invented %d\n", i, i)
	}
	for range 200000 {
		b.WriteString("9876500001,Invented 1\n")
	}
	src := bytesSource("rows.csv", []byte(b.String()))
	c, err := src.CountRows(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Rows != 250000 || c.Distinct < 48000 || c.Distinct > 52000 {
		t.Errorf("CountRows = %+v, want 250000 rows and about 50000 distinct", c)
	}
}

// zipOverlapping returns a zip archive whose directory lists its one member
// twice, under two names: the same bytes read twice.
func zipOverlapping(t *testing.T) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create("a.csv")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("phone,name\n9876500001,Invented One\n"))
	zw.Close()
	data := b.Bytes()
	cd := bytes.Index(data, []byte("PK\x01\x02"))
	eocd := bytes.Index(data, []byte("PK\x05\x06"))
	entry := bytes.Clone(data[cd:eocd])
	entry[46] = 'b' // the name "a.csv" becomes "b.csv"
	out := append(bytes.Clone(data[:eocd]), entry...)
	end := bytes.Clone(data[eocd:])
	binary.LittleEndian.PutUint16(end[8:], 2)
	binary.LittleEndian.PutUint16(end[10:], 2)
	binary.LittleEndian.PutUint32(end[12:], uint32(2*len(entry)))
	return append(out, end...)
}

// TestZipLayout (item 9): an archive whose members share their data, or that
// holds more members than MaxMembers, is refused.
func TestZipLayout(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "overlap.zip")
	if err := os.WriteFile(p, zipOverlapping(t), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Sources(p, Options{}); err == nil || !strings.Contains(err.Error(), "members a.csv and b.csv share their data") {
		t.Errorf("overlapping members: %v", err)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := range MaxMembers + 1 {
		w, _ := zw.Create(fmt.Sprintf("part%05d.csv", i))
		w.Write([]byte("phone\n9876500001\n"))
	}
	zw.Close()
	p = filepath.Join(dir, "many.zip")
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Sources(p, Options{}); err == nil || !strings.Contains(err.Error(), "holds 10001 files, more than the 10000") {
		t.Errorf("too many members: %v", err)
	}
}

// TestDirectoryFIFO (item 11): a named pipe inside an input directory is
// refused at once instead of blocking the walk.
func TestDirectoryFIFO(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.csv"), []byte("phone\n9876500001\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "b.csv"), 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	done := make(chan error, 1)
	go func() { _, err := Sources(dir, Options{}); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "b.csv: not a regular file (a named pipe)") {
			t.Errorf("Sources = %v, want the named pipe refused", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Sources blocked on a named pipe")
	}
}
