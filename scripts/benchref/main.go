// Command benchref is the minimal reference loop that scripts/bench measures
// leakcheck against: what a careful programmer writes in an afternoon to do
// the same hashing with none of leakcheck's work. It splits CSV lines by hand
// (no quoting), takes the phone, name and year-of-birth columns as they are
// (no normalization), computes 4 keyed entries per record (phone,
// phone+name, phone+yob, phone+name+yob) with the hash leakcheck uses by
// default, SipHash-2-4-128 (-hash hmac: HMAC-SHA256 through crypto/hmac, as
// format version 1), and adds them to one big bits-and-blooms/bloom/v3 filter
// at rate 1e-6, or tests them against it.
//
//	benchref build -phone 2 -name 1 -yob 3 -o ref.bin registry.csv
//	benchref check -phone 2 -name 1 -yob 3 -filter ref.bin registry.csv
//
// With -workers N > 1, build gives each worker its own filter and merges them
// at the end (a Bloom filter is not safe for concurrent writes); check shares
// one filter, which concurrent readers may.
package main

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"flag"
	"fmt"
	"hash"
	"io"
	"os"
	"runtime"
	"sync"

	bbloom "github.com/bits-and-blooms/bloom/v3"
	"github.com/dchest/siphash"
)

const entries = 4 // keyed hashes per record

// useHMAC: -hash hmac.
var useHMAC bool

type cols struct{ phone, name, yob int }

func main() {
	if len(os.Args) < 2 || (os.Args[1] != "build" && os.Args[1] != "check") {
		fmt.Fprintln(os.Stderr, "usage: benchref build|check [flags] FILE.csv")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	var c cols
	fs.IntVar(&c.phone, "phone", 2, "phone column (0-based)")
	fs.IntVar(&c.name, "name", 1, "name column")
	fs.IntVar(&c.yob, "yob", 3, "year-of-birth column")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "worker goroutines")
	out := fs.String("o", "ref.bin", "build: filter file to write")
	filter := fs.String("filter", "ref.bin", "check: filter file to read")
	hashName := fs.String("hash", "siphash", "entry hash: siphash (SipHash-2-4-128) or hmac (HMAC-SHA256)")
	fs.Parse(os.Args[2:])
	if *hashName != "siphash" && *hashName != "hmac" {
		fmt.Fprintln(os.Stderr, "benchref: -hash is siphash or hmac")
		os.Exit(2)
	}
	useHMAC = *hashName == "hmac"
	if fs.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "benchref: one input file")
		os.Exit(2)
	}
	var err error
	if os.Args[1] == "build" {
		err = build(fs.Arg(0), c, *workers, *out)
	} else {
		err = check(fs.Arg(0), c, *workers, *filter)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchref:", err)
		os.Exit(1)
	}
}

var key = bytes.Repeat([]byte{0x5a}, 32)

// hasher makes the 4 entry digests of one record.
type hasher struct {
	mac hash.Hash
	msg []byte
	sum []byte
}

func newHasher() *hasher { return &hasher{mac: hmac.New(sha256.New, key)} }

func (h *hasher) entries(phone, name, yob []byte, each func(i int, d []byte)) {
	for i, parts := range [entries][][]byte{{phone}, {phone, name}, {phone, yob}, {phone, name, yob}} {
		h.msg = append(h.msg[:0], byte(i))
		for _, p := range parts {
			h.msg = binary.BigEndian.AppendUint16(h.msg, uint16(len(p)))
			h.msg = append(h.msg, p...)
		}
		if useHMAC {
			h.mac.Reset()
			h.mac.Write(h.msg)
			h.sum = h.mac.Sum(h.sum[:0])
		} else {
			h0, h1 := siphash.Hash128(sipKey0, sipKey1, h.msg)
			h.sum = binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(h.sum[:0], h0), h1)
		}
		each(i, h.sum[:16])
	}
}

// The SipHash key: key's first 16 bytes.
var sipKey0, sipKey1 = binary.LittleEndian.Uint64(key), binary.LittleEndian.Uint64(key[8:])

// split cuts a line at commas into fields (no quoting).
func split(line []byte, f [][]byte) [][]byte {
	f = f[:0]
	for {
		i := bytes.IndexByte(line, ',')
		if i < 0 {
			return append(f, line)
		}
		f = append(f, line[:i])
		line = line[i+1:]
	}
}

// chunks reads the file after its header in blocks of whole lines and hands
// them to workers.
func chunks(path string, workers int, work func(w int, lines []byte)) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	r := bufio.NewReaderSize(file, 1<<20)
	if _, err := r.ReadSlice('\n'); err != nil {
		return err
	}
	ch := make(chan []byte, 2*workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range ch {
				work(w, b)
			}
		}()
	}
	var rest []byte
	for {
		buf := make([]byte, 1<<20)
		n := copy(buf, rest)
		m, err := io.ReadFull(r, buf[n:])
		buf = buf[:n+m]
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			if len(buf) > 0 {
				ch <- buf
			}
			break
		}
		if err != nil {
			close(ch)
			wg.Wait()
			return err
		}
		i := bytes.LastIndexByte(buf, '\n')
		rest = append([]byte(nil), buf[i+1:]...)
		ch <- buf[:i+1]
	}
	close(ch)
	wg.Wait()
	return nil
}

func forLines(b []byte, c cols, h *hasher, each func(i int, d []byte)) int {
	var f [][]byte
	n := 0
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		var line []byte
		if i < 0 {
			line, b = b, nil
		} else {
			line, b = b[:i], b[i+1:]
		}
		f = split(line, f)
		if len(f) <= max(c.phone, c.name, c.yob) {
			continue
		}
		h.entries(f[c.phone], f[c.name], f[c.yob], each)
		n++
	}
	return n
}

// countLines counts data rows to size the filter (the first pass).
func countLines(path string) (uint, error) {
	file, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer file.Close()
	buf := make([]byte, 1<<20)
	n := 0
	for {
		m, err := file.Read(buf)
		n += bytes.Count(buf[:m], []byte{'\n'})
		if err == io.EOF {
			return uint(max(n-1, 1)), nil
		}
		if err != nil {
			return 0, err
		}
	}
}

func build(path string, c cols, workers int, out string) error {
	n, err := countLines(path)
	if err != nil {
		return err
	}
	m, k := bbloom.EstimateParameters(entries*n, 1e-6)
	filters := make([]*bbloom.BloomFilter, workers)
	hashers := make([]*hasher, workers)
	rows := make([]int, workers)
	for w := range filters {
		filters[w] = bbloom.New(m, k)
		hashers[w] = newHasher()
	}
	err = chunks(path, workers, func(w int, b []byte) {
		f := filters[w]
		rows[w] += forLines(b, c, hashers[w], func(_ int, d []byte) { f.Add(d) })
	})
	if err != nil {
		return err
	}
	for _, g := range filters[1:] {
		filters[0].Merge(g)
	}
	file, err := os.Create(out)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(file, 1<<20)
	if _, err := filters[0].WriteTo(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	total := 0
	for _, r := range rows {
		total += r
	}
	fmt.Fprintf(os.Stderr, "benchref: %d records, m=%d k=%d\n", total, m, k)
	return file.Close()
}

func check(path string, c cols, workers int, filterPath string) error {
	file, err := os.Open(filterPath)
	if err != nil {
		return err
	}
	f := &bbloom.BloomFilter{}
	if _, err := f.ReadFrom(bufio.NewReaderSize(file, 1<<20)); err != nil {
		return err
	}
	file.Close()
	hashers := make([]*hasher, workers)
	rows := make([]int, workers)
	hits := make([][entries]int, workers)
	for w := range hashers {
		hashers[w] = newHasher()
	}
	err = chunks(path, workers, func(w int, b []byte) {
		rows[w] += forLines(b, c, hashers[w], func(i int, d []byte) {
			if f.Test(d) {
				hits[w][i]++
			}
		})
	})
	if err != nil {
		return err
	}
	var total int
	var matched [entries]int
	for w := range rows {
		total += rows[w]
		for i := range matched {
			matched[i] += hits[w][i]
		}
	}
	fmt.Fprintf(os.Stderr, "benchref: %d records\n", total)
	// The phone entry's matches, for scripts/bench's table.
	fmt.Printf("%d\n", matched[0])
	return nil
}
