// Package keyhash holds leakcheck's secrets and the one function that touches
// identifiers with them: key files, passphrase stretching, the per-filter key
// derivation (HKDF-SHA256) and the keyed hash of an index entry
// (HMAC-SHA256, truncated to 128 bits). bloom/FORMAT.md specifies all of it.
package keyhash

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/hkdf"

	"github.com/leakcheck/leakcheck/bloom"
)

// Random is the source of every key, salt and signing key leakcheck makes.
// It is crypto/rand's reader; tests replace it with a seeded reader so that
// their filters, and so their false positives, are the same on every run.
var Random io.Reader = rand.Reader

// NewSalt returns a fresh random filter salt.
func NewSalt() ([]byte, error) {
	salt := make([]byte, bloom.SaltSize)
	if _, err := io.ReadFull(Random, salt); err != nil {
		return nil, fmt.Errorf("reading random bytes: %w", err)
	}
	return salt, nil
}

// KeySize is the size of a master key in bytes.
const KeySize = 32

// Key is a master key: 256 random bits from keygen, or a stretched passphrase.
type Key [KeySize]byte

// Generate returns a new random key.
func Generate() (Key, error) {
	var k Key
	if _, err := io.ReadFull(Random, k[:]); err != nil {
		return k, fmt.Errorf("reading random bytes: %w", err)
	}
	return k, nil
}

// Wipe overwrites the key bytes with zeros.
func (k *Key) Wipe() { clear(k[:]) }

// Fingerprint identifies a key without revealing it, for two parties to
// compare over the phone: 80 bits of SHA-256 over a context string and the
// key, as five groups of four hex digits.
func (k *Key) Fingerprint() string {
	h := sha256.New()
	h.Write([]byte("leakcheck key fingerprint v1\x00"))
	h.Write(k[:])
	s := hex.EncodeToString(h.Sum(nil)[:10])
	var groups []string
	for i := 0; i < len(s); i += 4 {
		groups = append(groups, s[i:i+4])
	}
	return strings.Join(groups, "-")
}

// Argon2id parameters for new passphrase-derived filters (RFC 9106's second
// recommended option: 64 MiB, 3 passes).
const (
	ArgonTime      = 3
	ArgonMemoryKiB = 64 * 1024
	ArgonThreads   = 4
	ArgonSaltSize  = 16
)

// NewArgon2id returns parameters with a fresh random salt.
func NewArgon2id() (*bloom.Argon2id, error) {
	salt := make([]byte, ArgonSaltSize)
	if _, err := io.ReadFull(Random, salt); err != nil {
		return nil, fmt.Errorf("reading random bytes: %w", err)
	}
	return &bloom.Argon2id{Time: ArgonTime, MemoryKiB: ArgonMemoryKiB, Threads: ArgonThreads, Salt: salt}, nil
}

// FromPassphrase stretches a passphrase into a key with Argon2id.
func FromPassphrase(pass []byte, p *bloom.Argon2id) (Key, error) {
	var k Key
	switch {
	case p == nil:
		return k, errors.New("no argon2id parameters")
	case len(pass) == 0:
		return k, errors.New("empty passphrase")
	}
	if err := p.Validate(); err != nil {
		return k, fmt.Errorf("argon2id parameters out of range: %w", err)
	}
	out := argon2.IDKey(pass, p.Salt, p.Time, p.MemoryKiB, p.Threads, KeySize)
	copy(k[:], out)
	clear(out)
	return k, nil
}

// Keys are the per-filter keys derived from a master key and a filter's salt.
type Keys struct {
	entry, check, mac []byte
}

// HKDF info strings, one per derived key.
const (
	infoEntry = "leakcheck v1 entry"
	infoCheck = "leakcheck v1 key check"
	infoMAC   = "leakcheck v1 mac"
)

// Derive derives the entry, key-check and MAC keys of the filter with the
// given salt: HKDF-SHA256(ikm = master, salt = salt, info = purpose), 32 bytes each.
func Derive(master *Key, salt []byte) *Keys {
	d := func(info string) []byte {
		out := make([]byte, 32)
		if _, err := io.ReadFull(hkdf.New(sha256.New, master[:], salt, []byte(info)), out); err != nil {
			panic("hkdf: " + err.Error()) // cannot happen for 32 bytes
		}
		return out
	}
	return &Keys{entry: d(infoEntry), check: d(infoCheck), mac: d(infoMAC)}
}

// KeyCheck is the key check value stored in a filter: the first 16 bytes of
// HMAC-SHA256(check key, "leakcheck key check v1"). It tells a wrong key
// from a clean result without revealing the key.
func (k *Keys) KeyCheck() []byte {
	m := hmac.New(sha256.New, k.check)
	m.Write([]byte("leakcheck key check v1"))
	return m.Sum(nil)[:bloom.KeyCheckSize]
}

// MACKey is the key of the filter file's HMAC-SHA256.
func (k *Keys) MACKey() []byte { return k.mac }

// Wipe overwrites the derived keys with zeros.
func (k *Keys) Wipe() {
	clear(k.entry)
	clear(k.check)
	clear(k.mac)
}

// MaxValueSize is the longest normalized value an entry can hold.
const MaxValueSize = 1<<16 - 1

// Hasher computes entry digests. It is not safe for concurrent use: give
// each goroutine its own (NewHasher is cheap).
type Hasher struct {
	mac *entryMAC
	buf []byte
}

// NewHasher returns a Hasher keyed with the entry key.
func (k *Keys) NewHasher() *Hasher {
	return &Hasher{mac: newEntryMAC(k.entry), buf: make([]byte, 0, 128)}
}

// Entry writes into out the digest of one index entry: HMAC-SHA256 under the
// entry key of the message
//
//	u8 len(index) || index || for each value: u16be len(value) || value
//
// truncated to bloom.ItemSize bytes. index is the canonical index name and
// values are the normalized field values in the index's field order.
func (h *Hasher) Entry(index string, values []string, out *[bloom.ItemSize]byte) {
	b := append(h.buf[:0], byte(len(index)))
	b = append(b, index...)
	for _, v := range values {
		b = binary.BigEndian.AppendUint16(b, uint16(len(v)))
		b = append(b, v...)
	}
	h.buf = b
	h.mac.sum16(b, out)
	clear(b)
}
