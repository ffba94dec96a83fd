package records

import (
	"errors"
	"io"
)

// xzGuard watches the bytes of an xz file on their way to the decoder and
// refuses any block whose LZMA2 filter asks for a dictionary over
// maxDecoderMemory, before the decoder sees that block's header: the decoder
// allocates the dictionary whole, whatever a later stream or block asks for.
// It follows the container (xz file format 1.1.0, tukaani.org/xz/xz-file-format.txt)
// without decompressing: stream header, block headers, LZMA2 chunk headers
// (which give each chunk's packed size), block padding and check, index,
// stream footer and stream padding. Bytes it cannot follow are left to the
// decoder, which refuses them.
type xzGuard struct {
	r   io.Reader
	err error // sticky: the dictionary refusal

	state    xzState
	need     int    // bytes still to skip or collect in this state
	buf      []byte // bytes collected (headers)
	check    int    // size of the check field of the current stream
	blockLen int64  // block header and compressed data so far, for the padding
	lost     bool   // the structure could not be followed: pass bytes through
	counted  bool   // index: its record count was read
	indexN   uint64 // index: varints still to read after the count
	indexLen int64  // index: bytes so far
}

type xzState uint8

const (
	xzStreamHeader xzState = iota
	xzBlockOrIndex
	xzBlockHeader
	xzChunk     // at an LZMA2 control byte
	xzChunkHead // collecting an LZMA2 chunk header
	xzSkip      // skipping need bytes of chunk data, then next chunk
	xzBlockPad  // padding and check after the LZMA2 end marker
	xzIndex     // index records
	xzIndexTail // index padding and CRC32, then the footer
	xzStreamPad // zero bytes between streams, or the next stream header
)

// errXzDict is the refusal of a dictionary over maxDecoderMemory.
var errXzDict = errors.New("the xz data asks for a dictionary over 256 MiB: decompress it with xz first")

func newXZGuard(r io.Reader) *xzGuard {
	return &xzGuard{r: r, state: xzStreamHeader, need: 12}
}

func (g *xzGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	if !g.lost {
		for _, b := range p[:n] {
			if g.step(b); g.err != nil {
				return 0, g.err
			}
			if g.lost {
				break
			}
		}
	}
	return n, err
}

// checkSize is the size of a stream's check field for check type id.
func checkSize(id byte) int {
	switch {
	case id == 0:
		return 0
	case id <= 3:
		return 4
	case id <= 6:
		return 8
	case id <= 9:
		return 16
	case id <= 12:
		return 32
	}
	return 64
}

// step consumes one byte of the container.
func (g *xzGuard) step(b byte) {
	switch g.state {
	case xzStreamHeader:
		g.buf = append(g.buf, b)
		if len(g.buf) == 12 {
			g.check = checkSize(g.buf[7] & 0x0f)
			g.buf = g.buf[:0]
			g.state = xzBlockOrIndex
		}
	case xzBlockOrIndex:
		if b == 0 {
			g.state, g.counted, g.indexLen, g.buf = xzIndex, false, 1, g.buf[:0]
			return
		}
		g.state, g.need, g.buf = xzBlockHeader, (int(b)+1)*4-1, append(g.buf[:0], b)
	case xzBlockHeader:
		g.buf = append(g.buf, b)
		if g.need--; g.need == 0 {
			if dictTooLarge(g.buf) {
				g.err = errXzDict
				return
			}
			g.blockLen = int64(len(g.buf))
			g.state = xzChunk
		}
	case xzChunk:
		g.blockLen++
		switch {
		case b == 0:
			g.state, g.need = xzBlockPad, int((4-g.blockLen%4)%4)+g.check
			if g.need == 0 {
				g.state = xzBlockOrIndex
			}
		case b == 1 || b == 2:
			g.state, g.need, g.buf = xzChunkHead, 2, append(g.buf[:0], b)
		case b >= 0x80:
			g.state, g.need, g.buf = xzChunkHead, 4, append(g.buf[:0], b)
			if b >= 0xc0 {
				g.need = 5
			}
		default:
			g.lost = true
		}
	case xzChunkHead:
		g.blockLen++
		g.buf = append(g.buf, b)
		if g.need--; g.need == 0 {
			if g.buf[0] < 0x80 {
				g.need = int(g.buf[1])<<8 | int(g.buf[2]) + 1
			} else {
				g.need = int(g.buf[3])<<8 | int(g.buf[4]) + 1
			}
			g.state = xzSkip
		}
	case xzSkip:
		g.blockLen++
		if g.need--; g.need == 0 {
			g.state = xzChunk
		}
	case xzBlockPad:
		if g.need--; g.need == 0 {
			g.state = xzBlockOrIndex
		}
	case xzIndex:
		// Varints: the record count, then two per record.
		g.indexLen++
		g.buf = append(g.buf, b)
		if b&0x80 != 0 {
			if len(g.buf) >= 9 {
				g.lost = true
			}
			return
		}
		var v uint64
		for i, c := range g.buf {
			v |= uint64(c&0x7f) << (7 * i)
		}
		g.buf = g.buf[:0]
		if !g.counted {
			if v > 1<<40 {
				g.lost = true
				return
			}
			g.counted, g.indexN = true, 2*v
		} else {
			g.indexN--
		}
		if g.indexN == 0 {
			g.state, g.need = xzIndexTail, int((4-g.indexLen%4)%4)+4+12
		}
	case xzIndexTail:
		if g.need--; g.need == 0 {
			g.state = xzStreamPad
		}
	case xzStreamPad:
		if b == 0 {
			return // stream padding (a multiple of 4 bytes; the decoder checks that)
		}
		g.state, g.buf = xzStreamHeader, append(g.buf[:0], b)
	}
}

// dictTooLarge parses a block header (its size byte included) and reports
// whether its LZMA2 filter asks for a dictionary over maxDecoderMemory.
// A header it cannot parse is left to the decoder.
func dictTooLarge(h []byte) bool {
	size := len(h)
	if size < 2 {
		return false
	}
	flags := h[1]
	p := 2
	uvarint := func() (uint64, bool) {
		var v uint64
		for i := 0; i < 9 && p < size; i++ {
			b := h[p]
			p++
			v |= uint64(b&0x7f) << (7 * i)
			if b < 0x80 {
				return v, true
			}
		}
		return 0, false
	}
	if flags&0x40 != 0 {
		if _, ok := uvarint(); !ok {
			return false
		}
	}
	if flags&0x80 != 0 {
		if _, ok := uvarint(); !ok {
			return false
		}
	}
	for range int(flags&3) + 1 {
		id, ok := uvarint()
		if !ok {
			return false
		}
		n, ok := uvarint()
		if !ok || p+int(n) > size {
			return false
		}
		if id == 0x21 && n == 1 {
			code := h[p]
			if code > 40 {
				return false
			}
			dict := uint64(2|code&1) << (code/2 + 11)
			if code == 40 || dict > maxDecoderMemory {
				return true
			}
		}
		p += int(n)
	}
	return false
}
