package bloom

import (
	"hash"
	"io"
	"sync"
)

// feeder hashes a filter body in chunks on other goroutines, one per hash
// (the checksum and the MAC), while the caller decodes (Body) or encodes
// (WriteTo) the next chunk: loading or writing a filter then takes about one
// SHA-256 pass over it instead of two passes plus the decoding, one after
// the other.
type feeder struct {
	chans  []chan feedChunk
	done   sync.WaitGroup
	slots  [4]feedSlot
	next   int
	closed bool
}

// feedSlot is one chunk buffer; busy counts the hashes still reading it.
type feedSlot struct {
	buf  []byte
	busy sync.WaitGroup
}

type feedChunk struct {
	b    []byte
	busy *sync.WaitGroup
}

const feedChunkSize = 256 << 10

func newFeeder(hs ...hash.Hash) *feeder {
	f := &feeder{}
	for i := range f.slots {
		f.slots[i].buf = make([]byte, feedChunkSize)
	}
	for _, h := range hs {
		ch := make(chan feedChunk, len(f.slots))
		f.chans = append(f.chans, ch)
		f.done.Add(1)
		go func() {
			defer f.done.Done()
			for c := range ch {
				h.Write(c.b)
				c.busy.Done()
			}
		}()
	}
	return f
}

// buffer returns the next chunk buffer (feedChunkSize bytes), once the
// hashes are done with it. The caller fills a prefix of it and passes that
// to submit before asking for another.
func (f *feeder) buffer() []byte {
	s := &f.slots[f.next]
	s.busy.Wait()
	return s.buf
}

// submit hands b, a prefix of the buffer last returned, to the hashes.
func (f *feeder) submit(b []byte) {
	s := &f.slots[f.next]
	f.next = (f.next + 1) % len(f.slots)
	s.busy.Add(len(f.chans))
	for _, ch := range f.chans {
		ch <- feedChunk{b, &s.busy}
	}
}

// read reads n ≤ feedChunkSize bytes from r, hands them to the hashes and
// returns them. They stay valid until the next call.
func (f *feeder) read(r io.Reader, n int) ([]byte, error) {
	b := f.buffer()[:n]
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, err
	}
	f.submit(b)
	return b, nil
}

// close waits until the hashes have taken every chunk. It may be called
// more than once.
func (f *feeder) close() {
	if f.closed {
		return
	}
	f.closed = true
	for _, ch := range f.chans {
		close(ch)
	}
	f.done.Wait()
}
