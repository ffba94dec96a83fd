package keyhash

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/dchest/siphash"
	"golang.org/x/crypto/hkdf"

	"github.com/leakcheck/leakcheck/bloom"
)

// EntryHash is the keyed hash of a filter's entries (FORMAT.md §5.3, §5.5).
type EntryHash uint8

// Entry hashes of the shared-key mode.
const (
	// HMACSHA256 is HMAC-SHA256 under the filter's entry key, truncated to
	// 128 bits: version-1 filters (bloom.HashHMACSHA256).
	HMACSHA256 EntryHash = iota + 1
	// SipHash128 is SipHash-2-4 with 128-bit output under a key per index:
	// version-3 filters (bloom.HashSipHash), four to six times cheaper.
	SipHash128
)

// DefaultEntryHash is the entry hash of new shared-key filters.
const DefaultEntryHash = SipHash128

// EntryHashes are the entry hashes build can write, the default first: the
// one list behind the --entry-hash flag's help, validation and completion.
var EntryHashes = []EntryHash{SipHash128, HMACSHA256}

// String is the hash's name in a filter header and on the command line.
func (h EntryHash) String() string {
	switch h {
	case HMACSHA256:
		return bloom.HashHMACSHA256
	case SipHash128:
		return bloom.HashSipHash
	}
	return fmt.Sprintf("EntryHash(%d)", uint8(h))
}

// EntryHashOf returns the shared-key entry hash a header names.
func EntryHashOf(name string) (EntryHash, bool) {
	for _, h := range EntryHashes {
		if h.String() == name {
			return h, true
		}
	}
	return 0, false
}

// MaxValueSize is the longest normalized value an entry can hold.
const MaxValueSize = 1<<16 - 1

// Hasher computes entry digests. It is not safe for concurrent use: give
// each goroutine its own (NewHasher is cheap).
type Hasher struct {
	keys *Keys
	mac  *entryMAC // HMACSHA256's, shared by its index hashers
	ixs  []*IndexHasher
}

// NewHasher returns a Hasher keyed with the entry key.
func (k *Keys) NewHasher() *Hasher {
	h := &Hasher{keys: k}
	if k.hash == HMACSHA256 {
		h.mac = newEntryMAC(k.entry)
	}
	return h
}

// Entry writes into out the digest of one index entry (FORMAT.md §5.3 or
// §5.5): index is the canonical index name and values are the normalized
// field values in the index's field order. A caller that hashes many entries
// of the same indexes keeps their Index hashers instead.
func (h *Hasher) Entry(index string, values []string, out *[bloom.ItemSize]byte) {
	h.Index(index).Entry(values, out)
}

// Index returns the hasher of the entries of the named index, made on first
// use: for SipHash128 it holds the index's key, for HMACSHA256 the encoded
// index name that starts every message. It shares h's state, so it is used on
// h's goroutine only.
func (h *Hasher) Index(name string) *IndexHasher {
	for _, x := range h.ixs {
		if x.name == name {
			return x
		}
	}
	x := &IndexHasher{name: name}
	switch h.keys.hash {
	case SipHash128:
		x.sip = true
		x.k0, x.k1 = h.keys.indexKey(name)
	default:
		x.mac = h.mac
		x.buf = append(make([]byte, 0, 128), byte(len(name)))
		x.buf = append(x.buf, name...)
		x.prefix = len(x.buf)
	}
	h.ixs = append(h.ixs, x)
	return x
}

// indexKey is the SipHash key of an index's entries, as SipHash's two 64-bit
// key words: HKDF-SHA256(master, salt, info = "leakcheck v3 siphash-2-4-128
// entry" || 0x00 || index name), 16 bytes, read little-endian as the SipHash
// reference reads its key.
func (k *Keys) indexKey(name string) (k0, k1 uint64) {
	info := append([]byte(infoIndexEntry+"\x00"), name...)
	var key [16]byte
	if _, err := io.ReadFull(hkdf.Expand(sha256.New, k.entry, info), key[:]); err != nil {
		panic("hkdf: " + err.Error()) // cannot happen for 16 bytes
	}
	k0, k1 = binary.LittleEndian.Uint64(key[:8]), binary.LittleEndian.Uint64(key[8:])
	clear(key[:])
	return k0, k1
}

// IndexHasher computes the entry digests of one index.
type IndexHasher struct {
	name   string
	sip    bool
	k0, k1 uint64    // SipHash128: the index's key
	mac    *entryMAC // HMACSHA256
	buf    []byte    // the message: HMACSHA256's index prefix, then the values
	prefix int       // length of the prefix
}

// Entry writes into out the digest of the entry of these values, the
// normalized values of the index's fields in its field order. The message is
//
//	for each value: u16be len(value) || value
//
// hashed with SipHash-2-4-128 under the index's key (the two 64-bit output
// words little-endian, as the reference writes them), or, for HMACSHA256,
// prefixed with u8 len(index) || index and hashed with HMAC-SHA256 under the
// entry key, truncated to bloom.ItemSize bytes.
func (x *IndexHasher) Entry(values []string, out *[bloom.ItemSize]byte) {
	b := x.message(values)
	if x.sip {
		h0, h1 := siphash.Hash128(x.k0, x.k1, b)
		binary.LittleEndian.PutUint64(out[:8], h0)
		binary.LittleEndian.PutUint64(out[8:], h1)
	} else {
		x.mac.sum16(b, out)
	}
	// The buffer keeps the values until the next entry overwrites them, as
	// the caller's strings keep them: clearing it would protect nothing that
	// is not in memory anyway, and costs as much as the rest of the message's
	// assembly (docs/threat-model.md, "Memory", promises to clear keys).
}

// message encodes the message of an entry in x.buf and returns it.
func (x *IndexHasher) message(values []string) []byte {
	b := x.buf[:x.prefix]
	for _, v := range values {
		b = binary.BigEndian.AppendUint16(b, uint16(len(v)))
		b = append(b, v...)
	}
	x.buf = b
	return b
}
