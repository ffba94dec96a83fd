// Package keyhash holds leakcheck's secrets and the one function that touches
// identifiers with them: key files, passphrase stretching, the per-filter key
// derivation (HKDF-SHA256) and the keyed hash of an index entry
// (SipHash-2-4-128 under a key per index, or HMAC-SHA256 truncated to 128
// bits in version-1 filters). bloom/FORMAT.md specifies all of it.
package keyhash

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
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

// Keys are the per-filter keys derived from a master key and a filter's salt
// for one entry hash.
type Keys struct {
	hash EntryHash
	// entry is HMACSHA256's entry key, or SipHash128's HKDF pseudorandom
	// key from which each index's key is expanded.
	entry, check, mac []byte
}

// HKDF info strings, one per derived key.
const (
	infoEntry = "leakcheck v1 entry"
	infoCheck = "leakcheck v1 key check"
	infoMAC   = "leakcheck v1 mac"
	// infoIndexEntry, a zero byte and an index name are the info of that
	// index's SipHash key.
	infoIndexEntry = "leakcheck v3 siphash-2-4-128 entry"
)

// Key check messages, one per entry hash: the key check value binds the
// hash, so that a filter read with another hash fails it like a wrong key.
const (
	keyCheckV1 = "leakcheck key check v1"
	keyCheckV3 = "leakcheck key check v3 siphash-2-4-128"
)

// Derive derives the keys of the filter with the given salt for the
// HMAC-SHA256 entry hash of version-1 filters (and for the key check and MAC
// of the OPRF key mode): HKDF-SHA256(ikm = master, salt = salt, info =
// purpose), 32 bytes each. New shared-key filters use DeriveFor.
func Derive(master *Key, salt []byte) *Keys { return DeriveFor(HMACSHA256, master, salt) }

// DeriveFor derives the keys of the filter with the given salt and entry hash.
func DeriveFor(hash EntryHash, master *Key, salt []byte) *Keys {
	d := func(info string) []byte {
		out := make([]byte, 32)
		if _, err := io.ReadFull(hkdf.New(sha256.New, master[:], salt, []byte(info)), out); err != nil {
			panic("hkdf: " + err.Error()) // cannot happen for 32 bytes
		}
		return out
	}
	k := &Keys{hash: hash, check: d(infoCheck), mac: d(infoMAC)}
	switch hash {
	case SipHash128:
		// HKDF-Extract once; each index's key is HKDF-Expand of it (indexKey).
		k.entry = hkdf.Extract(sha256.New, master[:], salt)
	case HMACSHA256:
		k.entry = d(infoEntry)
	default:
		panic(fmt.Sprintf("keyhash: unknown entry hash %d", hash))
	}
	return k
}

// ForHeader derives the keys of a filter for the entry hash its header
// names. It does not compare the key check value: see KeyCheck.
func ForHeader(master *Key, h *bloom.Header) (*Keys, error) {
	hash, ok := EntryHashOf(h.Hash)
	if h.Hash == bloom.HashOPRF {
		// The OPRF key mode's key check and MAC keys are version 1's (FORMAT.md §5.4).
		hash, ok = HMACSHA256, true
	}
	if !ok {
		return nil, fmt.Errorf("unknown entry hash %q", h.Hash)
	}
	return DeriveFor(hash, master, h.Salt), nil
}

// Hash is the entry hash the keys are for.
func (k *Keys) Hash() EntryHash { return k.hash }

// KeyCheck is the key check value stored in a filter: the first 16 bytes of
// HMAC-SHA256(check key, message), where the message names the entry hash
// (FORMAT.md §5.2). It tells a wrong key from a clean result without
// revealing the key.
func (k *Keys) KeyCheck() []byte {
	m := hmac.New(sha256.New, k.check)
	if k.hash == SipHash128 {
		m.Write([]byte(keyCheckV3))
	} else {
		m.Write([]byte(keyCheckV1))
	}
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
