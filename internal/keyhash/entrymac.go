package keyhash

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding"
	"encoding/binary"
	"hash"
)

// entryMAC computes HMAC-SHA256 truncated to 16 bytes, with less overhead
// per message than crypto/hmac: the entry hash runs once per index per
// record, tens of millions of times for a large input, and crypto/hmac spends
// more time around the two SHA-256 block computations than in them.
//
// HMAC(K, m) = SHA-256((K ⊕ opad) || SHA-256((K ⊕ ipad) || m)). The states
// after the first block of each hash (K ⊕ ipad and K ⊕ opad) are computed
// once and saved. For each message the inner hash restarts from its saved
// state and is given m already padded as SHA-256 pads it (0x80, zeros, the
// bit length), so that Write processes whole blocks and nothing is left to
// finish; its state is then the inner hash. The outer hash does the same
// with the 32-byte inner hash. Each state is read through the standard
// encoding.BinaryAppender of crypto/sha256, whose layout is checked against
// crypto/hmac when the entryMAC is made: if it ever differs, every message
// goes through crypto/hmac instead.
type entryMAC struct {
	in, out           sha256State
	inSaved, outSaved []byte    // marshaled states after the key block
	blocks            []byte    // padded message
	state             []byte    // marshaled state, reused
	slow              hash.Hash // crypto/hmac, when the fast path is unavailable
	sum               []byte
}

// sha256 marshaled state: "sha\x03", the eight 32-bit words of the state
// (big-endian), the 64-byte buffer, the 64-bit length.
const (
	stateMagic = "sha\x03"
	stateWords = len(stateMagic)
)

// sha256State is a crypto/sha256 hash with its state encoding.
type sha256State interface {
	hash.Hash
	encoding.BinaryUnmarshaler
	encoding.BinaryAppender
}

func newEntryMAC(key []byte) *entryMAC {
	e := &entryMAC{slow: hmac.New(sha256.New, key)}
	var ipad, opad [sha256.BlockSize]byte
	copy(ipad[:], key) // keys here are 32 bytes: no need to hash a long key first
	copy(opad[:], key)
	for i := range ipad {
		ipad[i] ^= 0x36
		opad[i] ^= 0x5c
	}
	in, ok1 := sha256.New().(sha256State)
	out, ok2 := sha256.New().(sha256State)
	if !ok1 || !ok2 || len(key) > sha256.BlockSize {
		return e
	}
	in.Write(ipad[:])
	out.Write(opad[:])
	clear(ipad[:])
	clear(opad[:])
	var err1, err2 error
	e.inSaved, err1 = in.AppendBinary(nil)
	e.outSaved, err2 = out.AppendBinary(nil)
	e.in, e.out = in, out
	if err1 != nil || err2 != nil || !e.selfTest() {
		e.in, e.out = nil, nil
	}
	return e
}

// selfTest compares the fast path with crypto/hmac on messages of every
// length up to three blocks.
func (e *entryMAC) selfTest() bool {
	msg := make([]byte, 3*sha256.BlockSize)
	for i := range msg {
		msg[i] = byte(i*131 + 7)
	}
	for n := 0; n <= len(msg); n++ {
		var a, b [16]byte
		e.sumFast(msg[:n], &a)
		e.sumSlow(msg[:n], &b)
		if a != b {
			return false
		}
	}
	return true
}

// sum16 writes the first 16 bytes of HMAC-SHA256(key, msg) into out.
func (e *entryMAC) sum16(msg []byte, out *[16]byte) {
	if e.in == nil {
		e.sumSlow(msg, out)
		return
	}
	e.sumFast(msg, out)
}

func (e *entryMAC) sumSlow(msg []byte, out *[16]byte) {
	e.slow.Reset()
	e.slow.Write(msg)
	e.sum = e.slow.Sum(e.sum[:0])
	copy(out[:], e.sum)
}

func (e *entryMAC) sumFast(msg []byte, out *[16]byte) {
	// Inner: the saved key block, then msg padded to whole blocks.
	inner := e.finish(e.in, e.inSaved, msg)
	// Outer: the saved key block, then the 32-byte inner hash padded.
	var ih [sha256.Size]byte
	copy(ih[:], inner)
	outer := e.finish(e.out, e.outSaved, ih[:])
	copy(out[:], outer)
	clear(ih[:])
}

// finish restores h to saved (one block hashed), hashes msg with SHA-256
// padding, and returns the resulting state words, big-endian: the hash.
func (e *entryMAC) finish(h sha256State, saved, msg []byte) []byte {
	if err := h.UnmarshalBinary(saved); err != nil {
		panic("keyhash: restoring a SHA-256 state: " + err.Error())
	}
	n := (len(msg) + 1 + 8 + sha256.BlockSize - 1) &^ (sha256.BlockSize - 1)
	if cap(e.blocks) < n {
		e.blocks = make([]byte, n)
	}
	b := e.blocks[:n]
	copy(b, msg)
	b[len(msg)] = 0x80
	clear(b[len(msg)+1 : n-8])
	binary.BigEndian.PutUint64(b[n-8:], uint64(sha256.BlockSize+len(msg))*8)
	h.Write(b)
	clear(b)
	var err error
	e.state, err = h.AppendBinary(e.state[:0])
	if err != nil || string(e.state[:stateWords]) != stateMagic {
		panic("keyhash: unexpected SHA-256 state")
	}
	return e.state[stateWords : stateWords+sha256.Size]
}
