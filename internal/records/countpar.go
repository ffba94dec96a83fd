package records

import (
	"bytes"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
)

// This file counts a plain file of delimited text on several cores: the counting pass that
// sizes build's filter would otherwise keep one core busy while the others wait.
//
// The file after the header is cut at byte offsets into chunks; each chunk starts after the
// first line feed at or past its offset and is counted by the same scanner that counts a file
// serially, until its position reaches the next chunk's start. Whether that line feed really
// ends a record (it could be inside a quoted field) is not known when the chunk starts, so the
// chunks are checked in order afterwards: a chunk whose records ended exactly where the next one
// started hands over at a record boundary, and the next chunk saw exactly what the serial scan
// sees from there. A chunk that started anywhere else is counted again from where the previous
// one really ended. Every row counted is therefore the serial scan's row, so the count and the
// distinct-row sketch (a HyperLogLog: registers merge by maximum, in any order) are the serial
// ones, bit for bit (TestParallelCountMatchesSerial).

// parallelChunk is the largest chunk a file is cut into for counting; a variable so that tests
// can cut small inputs into many chunks.
var parallelChunk int64 = 32 << 20

// chunksPerWorker is how many chunks each counting goroutine gets at least, file size
// allowing (minChunk): the goroutines take chunks in turn, and with a few large ones the last
// was counted alone while the other cores waited (a 97 MB file made 3 chunks of 32 MiB for 2
// goroutines).
const chunksPerWorker = 16

// minChunk is the smallest chunk made to share a file among more goroutines.
const minChunk = 1 << 20

// maxChunks bounds the chunks a file is cut into (larger files get larger chunks); a variable
// so that tests can cut a small input into thousands.
var maxChunks int64 = 1024

// parallelMin is the least size, after the header, worth counting on several cores.
var parallelMin int64 = 16 << 20

// chunkCount is what counting one chunk found.
type chunkCount struct {
	start, end int64 // offsets of its first record and just after its last one
	rows       int64
	dist       distinct
	skipped    []int64 // rows (numbered within the chunk) counted without their bytes
	overran    bool    // a record ran past the bytes the chunk may read: count it again
	err        error
}

// countParallel counts the records of the file at path after offset start (just after the header
// that d read), as d.count would, on up to workers goroutines. read accumulates the bytes read.
func (d *delimitedReader) countParallel(path string, start int64, workers int, dist *distinct, read *atomic.Int64) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	size := fi.Size()
	// Chunks of at most parallelChunk bytes, chunksPerWorker for each goroutine when they are
	// not made smaller than minChunk for it, and at most maxChunks, whose sketches (4 KiB each)
	// wait to be merged.
	chunk := min(parallelChunk, max((size-start)/int64(workers*chunksPerWorker)+1, minChunk))
	chunk = max(chunk, (size-start)/maxChunks+1)
	starts := []int64{start}
	for off := start + chunk; off < size; off += chunk {
		s, err := lineStart(f, off, size)
		if err != nil {
			return 0, err
		}
		if s > starts[len(starts)-1] && s < size {
			starts = append(starts, s)
		}
	}
	stops := append(starts[1:len(starts):len(starts)], -1) // -1: to the end of the file
	chunks := make([]chunkCount, len(starts))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, len(chunks)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(chunks) {
					return
				}
				chunks[i] = d.countChunk(f, starts[i], stops[i], true, read)
			}
		}()
	}
	wg.Wait()

	// Check the chunks in order, counting again any that did not start where the previous one
	// ended.
	var n int64
	pos := start
	for i := range chunks {
		c := &chunks[i]
		if c.err == nil && (c.start != pos || c.overran) {
			*c = d.countChunk(f, pos, stops[i], false, read)
		}
		if c.err != nil {
			return n, c.err
		}
		for j := range dist.reg {
			dist.reg[j] = max(dist.reg[j], c.dist.reg[j])
		}
		for _, k := range c.skipped {
			dist.add(uint64(n+k) * 0x9e3779b97f4a7c15) // as count does
		}
		n += c.rows
		pos = c.end
	}
	return n, nil
}

// lineStart returns the offset just after the first line feed at or after off-1, or size when
// there is none.
func lineStart(f *os.File, off, size int64) (int64, error) {
	var buf [4096]byte
	for p := off - 1; p < size; p += int64(len(buf)) {
		n, err := f.ReadAt(buf[:], p)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			return p + int64(i) + 1, nil
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	return size, nil
}

// countChunk counts the records that start at or after start and before stop (-1: the end of
// the file), as d.count counts them, with a scanner of d's delimiter and limit. bounded limits
// what it reads to the records that may cross stop (at most d's limit past it): a record running
// further sets overran, so that the chunk is counted again without the bound.
func (d *delimitedReader) countChunk(f *os.File, start, stop int64, bounded bool, read *atomic.Int64) chunkCount {
	c := chunkCount{start: start, end: start}
	if stop >= 0 && start >= stop {
		return c
	}
	limit := int64(1 << 62)
	if bounded && stop >= 0 {
		limit = stop + int64(d.s.max) + 3 // a record of max bytes, its CRLF, and one more byte
	}
	sc := newScanner(io.NewSectionReader(f, start, limit-start), d.s.max)
	sc.delim = d.s.delim
	defer func() { read.Add(sc.read.Load()) }()
	pos := func() int64 { return start + sc.read.Load() - int64(sc.w-sc.r) }
	want := len(d.columns)
	var lines lineBreaks
	rows := rowBatch{d: &c.dist} // flushed before c is returned
	for stop < 0 || pos() < stop {
		rec, err := sc.scan()
		if err == io.EOF {
			break
		}
		if err != nil {
			c.err = d.readError(err)
			rows.flush()
			return c
		}
		if rec.skip == "" && !rec.quoted && lines.footer(rec.data, sc.delim, want) {
			continue
		}
		if rec.data != nil {
			rows.add(rec.data)
		} else {
			c.skipped = append(c.skipped, c.rows)
		}
		c.rows++
	}
	rows.flush()
	c.end = pos()
	// A record that reached the bound may have been cut there: only a record ending with a line
	// feed before it is the serial scan's.
	c.overran = limit < 1<<62 && c.end >= limit
	return c
}

// countWorkers is how many goroutines count a plain file.
func countWorkers() int { return runtime.GOMAXPROCS(0) }
