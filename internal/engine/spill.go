package engine

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"math/bits"
	"os"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/leakcheck/leakcheck/bloom"
)

// Build reads its inputs once. A filter is sized from the number of rows it
// will hold, which is known only at the end of that pass, so each worker keeps
// its digests in a digestStore until then (in memory up to a budget, beyond it
// in a temporary file of digests, never plaintext), and insertAll then inserts
// them all.
//
// The store groups digests by range: the top spillRangeBits bits of a digest.
// bloom.PartitionOf is monotone in a digest's first 8 bytes, so whatever the
// filter's partition count turns out to be, a range's digests fall into a few
// adjacent partitions: insertAll inserts range by range, and each partition
// receives all of its digests in one run, while it is in the cache.

// spillRecord is the size of one digest build stores: 16 bytes and the
// index number. Check's epoch spill (checkspill.go) stores a 4-byte tag
// instead: tagRecord.
const (
	spillRecord = bloom.ItemSize + 1
	tagRecord   = bloom.ItemSize + 4
)

const (
	spillRangeBits = 8
	spillRanges    = 1 << spillRangeBits
	// Each range's digests are gathered in a small staging buffer of
	// spillStage digests (all of a worker's fit in its core's L2 cache), then
	// copied in one piece to the range's chunk of spillChunk digests (34 KiB):
	// scattering digests straight to 256 chunks would miss the cache on
	// nearly every new cache line.
	spillStage = 32
	spillChunk = 64 * spillStage
)

// spillMemBudget is how many bytes of digests all workers together keep in
// memory before the rest go to temporary files: 64 MiB, about 1 M rows on 4
// indexes. A variable so that tests can make every build spill.
var spillMemBudget = 64 << 20

// chunkRef is one stored chunk of a range: in memory, or at off in the file.
type chunkRef struct {
	mem []byte
	off int64
	n   int32 // digests
}

// digestStore is one worker's digests, grouped by range. Each record is a
// digest and its tag: build's index number (1 byte, spillRecord), check's
// row slot and index number (4 bytes, little-endian, tagRecord).
type digestStore struct {
	dir    string // for the temporary file; "" = os.TempDir()
	budget int    // bytes of chunks kept in memory
	rec    int    // bytes per record: spillRecord or tagRecord
	stage  [spillRanges][spillStage * tagRecord]byte
	staged [spillRanges]uint8
	fill   [spillRanges][]byte // the chunk being filled, capacity spillChunk digests
	chunks [spillRanges][]chunkRef
	free   [][]byte // chunk buffers whose digests went to the file
	held   int      // bytes of chunks in memory
	file   *spillFile
	n      uint64 // digests stored
	err    error
}

// newDigestStore makes one of workers stores of rec-byte records, which
// together keep memBudget bytes in memory.
func newDigestStore(dir string, workers, memBudget, rec int) *digestStore {
	return &digestStore{dir: dir, budget: memBudget / max(workers, 1), rec: rec}
}

// rangeOf is the range of a digest: its top spillRangeBits bits.
func rangeOf(d *[bloom.ItemSize]byte) int {
	return int(binary.BigEndian.Uint16(d[:2]) >> (16 - spillRangeBits))
}

// add stores one digest of index ix (a store of spillRecord). After an
// error, it does nothing: see finish.
func (s *digestStore) add(d *[bloom.ItemSize]byte, ix uint8) {
	r := rangeOf(d)
	i := int(s.staged[r]) * spillRecord
	st := &s.stage[r]
	*(*[bloom.ItemSize]byte)(st[i : i+bloom.ItemSize]) = *d
	st[i+bloom.ItemSize] = ix
	s.n++
	if s.staged[r]++; s.staged[r] == spillStage {
		s.unstage(r)
	}
}

// addTag stores one digest with a 4-byte tag (a store of tagRecord).
func (s *digestStore) addTag(d *[bloom.ItemSize]byte, tag uint32) {
	r := rangeOf(d)
	i := int(s.staged[r]) * tagRecord
	st := &s.stage[r]
	*(*[bloom.ItemSize]byte)(st[i : i+bloom.ItemSize]) = *d
	binary.LittleEndian.PutUint32(st[i+bloom.ItemSize:i+tagRecord], tag)
	s.n++
	if s.staged[r]++; s.staged[r] == spillStage {
		s.unstage(r)
	}
}

// unstage moves range r's staged digests to its chunk, storing the chunk
// when it is full.
func (s *digestStore) unstage(r int) {
	n := int(s.staged[r]) * s.rec
	s.staged[r] = 0
	if s.fill[r] == nil {
		s.fill[r] = s.newChunk()
	}
	s.fill[r] = append(s.fill[r], s.stage[r][:n]...)
	if len(s.fill[r]) < spillChunk*s.rec {
		return
	}
	b := s.fill[r]
	s.fill[r] = nil
	if s.err != nil {
		s.free = append(s.free, b[:0])
		return
	}
	s.chunks[r] = append(s.chunks[r], chunkRef{mem: b, n: spillChunk})
	s.held += len(b)
	if s.held > s.budget {
		s.err = s.spill()
	}
}

func (s *digestStore) newChunk() []byte {
	if n := len(s.free); n > 0 {
		b := s.free[n-1]
		s.free = s.free[:n-1]
		return b
	}
	return make([]byte, 0, spillChunk*s.rec)
}

// spill writes the chunks held in memory to the temporary file; their
// buffers are used again.
func (s *digestStore) spill() error {
	if s.file == nil {
		f, err := newSpillFile(s.dir, s.rec)
		if err != nil {
			return err
		}
		s.file = f
	}
	for r := range s.chunks {
		for i, c := range s.chunks[r] {
			if c.mem == nil {
				continue
			}
			off, err := s.file.write(c.mem)
			if err != nil {
				return err
			}
			s.chunks[r][i] = chunkRef{off: off, n: c.n}
			if cap(c.mem) == spillChunk*s.rec {
				s.free = append(s.free, c.mem[:0])
			}
		}
	}
	s.held = 0
	return nil
}

// finish makes the partly filled chunks part of the store, spilling them
// too when the store is over its budget; it returns the first error of add.
func (s *digestStore) finish() error {
	for r := range s.staged {
		if s.staged[r] > 0 {
			s.unstage(r)
		}
	}
	if s.err != nil {
		return s.err
	}
	for r, b := range s.fill {
		if len(b) > 0 {
			s.chunks[r] = append(s.chunks[r], chunkRef{mem: b, n: int32(len(b) / s.rec)})
			s.held += len(b)
			s.fill[r] = nil
		}
	}
	// The free chunk buffers are kept for the next epoch (reset): dropping
	// them made each epoch allocate and clear its chunks again, 2.6 % of a
	// 100 M-row build. A store read once drops them (release).
	if s.held > s.budget {
		return s.spill()
	}
	return nil
}

// release lets the free chunk buffers go, for a store that will only be
// read from now on.
func (s *digestStore) release() { s.free = nil }

// reset empties the store for new digests. The temporary file, if any, is
// written again from its start under a new random key, so that no
// keystream is used twice (overwriting its pages costs the kernel less
// than freeing them and allocating others); the chunks held in memory are
// kept for reuse.
func (s *digestStore) reset() {
	if s.file != nil {
		s.file.rekey()
	}
	for r := range s.chunks {
		for _, c := range s.chunks[r] {
			if c.mem != nil && cap(c.mem) == spillChunk*s.rec {
				s.free = append(s.free, c.mem[:0])
			}
		}
		s.chunks[r] = s.chunks[r][:0]
	}
	s.held, s.n, s.err = 0, 0, nil
}

// spilled reports whether any digest went to a temporary file.
func (s *digestStore) spilled() bool { return s.file != nil }

// close removes the temporary file, if any.
func (s *digestStore) close() {
	if s.file != nil {
		s.file.close()
		s.file = nil
	}
}

// read appends to parts the stored pieces of range r: chunks held in
// memory as they are, chunks in the file read into buf.
func (s *digestStore) read(r int, parts [][]byte, buf []byte) ([][]byte, []byte, error) {
	for _, c := range s.chunks[r] {
		if c.mem != nil {
			parts = append(parts, c.mem)
			continue
		}
		// Extended without clearing: the read overwrites it (clearing
		// every byte read back cost 2.6 % of a 100 M-row build).
		n, need := len(buf), int(c.n)*s.rec
		buf = slices.Grow(buf, need)[:n+need]
		if err := s.file.readAt(buf[n:], c.off); err != nil {
			return nil, nil, err
		}
		parts = append(parts, buf[n:])
	}
	return parts, buf, nil
}

// spillFile is a temporary file of digests that nobody else can read back:
// it has no name while the run lasts (created unnamed with O_TMPFILE where
// the system has it, otherwise removed right after it is created, so a
// SIGKILL leaves nothing behind), and its bytes are encrypted with
// AES-256-CTR under a random key that exists only in this process's memory,
// so that the blocks a file system frees, a swap of the disk or a copy taken
// through /proc while the run lasts hold no digest in the clear: row count,
// each row's indexes and its repeats stay unreadable (docs/threat-model.md).
// It is written at its end and read at any offset (CTR mode's keystream at
// an offset is the one of its block counter): every access to spill files
// goes through write and readAt.
type spillFile struct {
	f *os.File
	// name is the file's name where it could not be removed while open
	// (Windows), "" otherwise.
	name  string
	block cipher.Block
	key   [32]byte
	iv    [aes.BlockSize]byte
	end   int64
	buf   []byte // encrypted bytes being written
	rec   int    // bytes per record, for the error messages
}

// spillPattern names the file in the directory for the moment it has a name
// (only where O_TMPFILE is missing).
const spillPattern = ".leakcheck-spill-*"

func newSpillFile(dir string, rec int) (*spillFile, error) {
	if dir == "" {
		dir = os.TempDir()
	}
	f, name, err := createUnnamed(dir)
	if err != nil {
		return nil, fmt.Errorf("%w (set TMPDIR to a directory with room for about %d bytes per index entry)", err, rec)
	}
	s := &spillFile{f: f, name: name, rec: rec}
	s.rekey()
	return s, nil
}

// rekey draws a new key and IV and makes the file empty: what it held is
// overwritten from its start, and past the new end it can no longer be
// decrypted.
func (s *spillFile) rekey() {
	rand.Read(s.key[:])
	rand.Read(s.iv[:])
	var err error
	if s.block, err = aes.NewCipher(s.key[:]); err != nil {
		panic(err) // a 32-byte key is always valid
	}
	s.end = 0
}

// stream returns the keystream from byte off of the file on.
func (s *spillFile) stream(off int64) cipher.Stream {
	var ctr [aes.BlockSize]byte
	copy(ctr[:], s.iv[:])
	// The counter block is the IV plus the block number, as a 128-bit
	// big-endian addition (cipher.NewCTR's counting).
	lo := binary.BigEndian.Uint64(ctr[8:])
	hi := binary.BigEndian.Uint64(ctr[:8])
	lo2, carry := bits.Add64(lo, uint64(off)/aes.BlockSize, 0)
	binary.BigEndian.PutUint64(ctr[8:], lo2)
	binary.BigEndian.PutUint64(ctr[:8], hi+carry)
	st := cipher.NewCTR(s.block, ctr[:])
	if skip := off % aes.BlockSize; skip > 0 {
		var b [aes.BlockSize]byte
		st.XORKeyStream(b[:skip], b[:skip])
	}
	return st
}

// write encrypts b to the end of the file and returns its offset.
func (s *spillFile) write(b []byte) (int64, error) {
	off := s.end
	if cap(s.buf) < len(b) {
		s.buf = make([]byte, len(b))
	}
	enc := s.buf[:len(b)]
	s.stream(off).XORKeyStream(enc, b)
	if _, err := s.f.WriteAt(enc, off); err != nil {
		return 0, fmt.Errorf("writing temporary file of digests (set TMPDIR to a directory with room for about %d bytes per index entry): %w", s.rec, err)
	}
	s.end += int64(len(b))
	return off, nil
}

// readAt reads and decrypts len(b) bytes at off.
func (s *spillFile) readAt(b []byte, off int64) error {
	if _, err := s.f.ReadAt(b, off); err != nil {
		return fmt.Errorf("reading temporary file of digests: %w", err)
	}
	s.stream(off).XORKeyStream(b, b)
	return nil
}

// close closes the file (which frees it: it has no name) and forgets the
// key.
func (s *spillFile) close() {
	clear(s.key[:])
	s.block = nil
	s.f.Close()
	if s.name != "" {
		os.Remove(s.name)
	}
}

// createRemoved creates a file in dir and removes its name at once, keeping
// it open. Where a system refuses to remove an open file (Windows), the name
// stays until Close, which returns it.
func createRemoved(dir string) (f *os.File, name string, err error) {
	f, err = os.CreateTemp(dir, spillPattern)
	if err != nil {
		return nil, "", fmt.Errorf("creating spill file in %s: %w", dir, err)
	}
	if os.Remove(f.Name()) != nil {
		name = f.Name()
	}
	return f, name, nil
}

// testHookSpilled, when set by a test, is called with each spill file once
// all its digests are written, before they are read back.
var testHookSpilled func(*os.File)

// insertAll inserts every stored digest into f, range by range on workers
// goroutines, and returns how many of each of nix indexes' entries were new
// to the filter.
func insertAll(ctx context.Context, stores []*digestStore, f *bloom.Filter, nix, workers int) ([]uint64, error) {
	if testHookSpilled != nil {
		for _, s := range stores {
			if s.file != nil {
				testHookSpilled(s.file.f)
			}
		}
	}
	mu := make([]sync.Mutex, f.Partitions())
	var next atomic.Int64
	counts := make([][]uint64, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		counts[w] = make([]uint64, nix)
		wg.Add(1)
		go func() {
			defer wg.Done()
			ins := rangeInserter{f: f, mu: mu, newEntries: counts[w]}
			for {
				r := int(next.Add(1) - 1)
				if r >= spillRanges {
					return
				}
				if err := ctx.Err(); err != nil {
					errs[w] = err
					return
				}
				if err := ins.insert(stores, r); err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	total := make([]uint64, nix)
	for _, c := range counts {
		for i, n := range c {
			total[i] += n
		}
	}
	return total, nil
}

// rangeInserter is one insertAll goroutine's state, or one build epoch's.
type rangeInserter struct {
	f          *bloom.Filter
	mu         []sync.Mutex
	newEntries []uint64
	parts      [][]byte
	buf        []byte
	rs         rangeSort
}

// insert inserts the digests of range r: gathered from every store, sorted
// by partition, and added a partition at a time under its lock (a partition
// can span two ranges).
func (ri *rangeInserter) insert(stores []*digestStore, r int) error {
	parts, buf := ri.parts[:0], ri.buf[:0]
	for _, s := range stores {
		var err error
		if parts, buf, err = s.read(r, parts, buf); err != nil {
			return err
		}
	}
	ri.parts, ri.buf = parts, buf
	rs := &ri.rs
	if rs.sort(parts, spillRecord, r, ri.f.Partitions()) == 0 {
		return nil
	}
	rs.each(func(p, lo, hi int) {
		ri.mu[p].Lock()
		ri.f.AddItems(p, rs.items[lo:hi], rs.flag[lo:hi])
		ri.mu[p].Unlock()
	})
	i := 0
	for _, b := range parts {
		for o := 0; o < len(b); o += spillRecord {
			if rs.flag[rs.at[i]] {
				ri.newEntries[b[o+bloom.ItemSize]]++
			}
			i++
		}
	}
	return nil
}
