package keyhash

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"time"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/oprf"
)

// This file holds the OPRF key mode (bloom/FORMAT.md §5.4): the analyst's
// OPRF key file, the PRF input of an identifier value, the public master
// key from which an OPRF filter's key check and MAC keys are derived, and
// the entry digest keyed with an identifier's PRF output.

// OPRFKeyPrefix starts the one key line of an OPRF key file.
const OPRFKeyPrefix = "LEAKCHECK-OPRF-KEY-1-"

const maxOPRFKeyFileSize = 4 << 10

// EncodeOPRFKeyFile returns the text of an OPRF key file: comment lines
// (creation time, suite and public key) and the key line, the serialized
// private scalar in upper-case hex. The caller clears the result.
func EncodeOPRFKeyFile(sk *oprf.PrivateKey, created time.Time) []byte {
	var b bytes.Buffer
	b.Grow(256)
	pk := sk.Public()
	fmt.Fprintf(&b, "# leakcheck OPRF key (RFC 9497 VOPRF, %s), created %s\n", oprf.Suite, created.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "# public key: %s\n", hex.EncodeToString(pk[:]))
	raw := sk.Bytes()
	enc := make([]byte, hex.EncodedLen(len(raw)))
	hex.Encode(enc, raw)
	for i, c := range enc {
		if c >= 'a' {
			enc[i] = c - 'a' + 'A'
		}
	}
	b.WriteString(OPRFKeyPrefix)
	b.Write(enc)
	b.WriteByte('\n')
	clear(raw)
	clear(enc)
	return b.Bytes()
}

// ParseOPRFKeyFile reads an OPRF private key from the text of an OPRF key
// file. Errors never quote the file's content.
func ParseOPRFKeyFile(data []byte) (*oprf.PrivateKey, error) {
	var sk *oprf.PrivateKey
	data, err := keyFileText(data)
	if err != nil {
		return nil, err
	}
	line := 0
	for l := range bytes.Lines(data) {
		line++
		s := bytes.TrimSpace(l)
		if len(s) == 0 || s[0] == '#' {
			continue
		}
		if !bytes.HasPrefix(s, []byte(OPRFKeyPrefix)) {
			if bytes.HasPrefix(s, []byte(KeyPrefix)) {
				return nil, fmt.Errorf("line %d is a shared hashing key, not an OPRF key (make one with 'leakcheck keygen --oprf')", line)
			}
			return nil, fmt.Errorf("line %d is not a leakcheck OPRF key (OPRF keys start with %s; make one with 'leakcheck keygen --oprf')", line, OPRFKeyPrefix)
		}
		if sk != nil {
			return nil, fmt.Errorf("line %d: more than one key in the file", line)
		}
		h := s[len(OPRFKeyPrefix):]
		raw := make([]byte, oprf.ScalarSize)
		if hex.DecodedLen(len(h)) != oprf.ScalarSize {
			return nil, fmt.Errorf("line %d: malformed OPRF key (want %d hex digits after %s)", line, 2*oprf.ScalarSize, OPRFKeyPrefix)
		}
		if _, err := hex.Decode(raw, h); err != nil {
			clear(raw)
			return nil, fmt.Errorf("line %d: malformed OPRF key (want %d hex digits after %s)", line, 2*oprf.ScalarSize, OPRFKeyPrefix)
		}
		var err error
		sk, err = oprf.ParsePrivateKey(raw)
		clear(raw)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
	}
	if sk == nil {
		return nil, fmt.Errorf("no OPRF key line (OPRF keys start with %s; make one with 'leakcheck keygen --oprf')", OPRFKeyPrefix)
	}
	return sk, nil
}

// LoadOPRFKeyFile reads an OPRF key file; like ssh, it refuses a file that
// group or others may read.
func LoadOPRFKeyFile(path string) (*oprf.PrivateKey, error) {
	data, err := readPrivateFile(path, "OPRF key file", maxOPRFKeyFileSize)
	if err != nil {
		return nil, err
	}
	defer clear(data)
	sk, err := ParseOPRFKeyFile(data)
	if err != nil {
		return nil, fmt.Errorf("reading OPRF key file %s: %w", path, err)
	}
	return sk, nil
}

// WriteOPRFKeyFile writes a new OPRF key file with mode 0600; it never
// overwrites an existing file.
func WriteOPRFKeyFile(path string, sk *oprf.PrivateKey, created time.Time) error {
	data := EncodeOPRFKeyFile(sk, created)
	defer clear(data)
	return writeNewPrivateFile(path, "OPRF key", data)
}

// GenerateOPRF returns a new random OPRF private key.
func GenerateOPRF() (*oprf.PrivateKey, error) { return oprf.GenerateKey(Random) }

// OPRFMaster is the master key of an OPRF filter: SHA-256 over a context
// string and the filter's OPRF public key. It is public on purpose — the
// registry derives the filter's key check and MAC keys from it without any
// secret — so the MAC of an OPRF filter detects damage and binds the header
// (with the public key) to the body, but anyone can recompute it:
// authenticity comes from the DLEQ proofs of every evaluation and from
// --sign.
func OPRFMaster(pk []byte) Key {
	h := sha256.New()
	h.Write([]byte("leakcheck oprf filter key v1\x00"))
	h.Write(pk)
	var k Key
	h.Sum(k[:0])
	return k
}

// OPRFInputContext starts every PRF input.
const OPRFInputContext = "leakcheck oprf v1\x00"

// AppendOPRFInput appends to dst the PRF input of an identifier value in the
// filter with the given salt:
//
//	"leakcheck oprf v1" || 0x00 || salt || u8 len(field) || field || u16be len(value) || value
//
// The salt makes PRF outputs good for one filter only; the field name keeps
// a phone and an email with the same text apart.
func AppendOPRFInput(dst, salt []byte, field, value string) []byte {
	dst = append(dst, OPRFInputContext...)
	dst = append(dst, salt...)
	dst = append(dst, byte(len(field)))
	dst = append(dst, field...)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(value)))
	return append(dst, value...)
}

// IdentifierKey is an identifier's PRF output: the HMAC key of the entries
// of every index it anchors.
type IdentifierKey = oprf.Output

// KeyedEntry computes entry digests in OPRF mode: the entry message of
// Hasher.Entry under HMAC-SHA256 keyed with the PRF output of the index's
// first identifying field (its anchor), truncated to bloom.ItemSize bytes.
// Not safe for concurrent use.
type KeyedEntry struct {
	mac   hash.Hash
	key   IdentifierKey
	keyed bool
	buf   []byte
	sum   []byte
}

// Entry writes into out the digest of one index entry keyed with key.
func (k *KeyedEntry) Entry(key *IdentifierKey, index string, values []string, out *[bloom.ItemSize]byte) {
	if !k.keyed || k.key != *key {
		k.key, k.keyed = *key, true
		k.mac = hmac.New(sha256.New, k.key[:])
	} else {
		k.mac.Reset()
	}
	b := append(k.buf[:0], byte(len(index)))
	b = append(b, index...)
	for _, v := range values {
		b = binary.BigEndian.AppendUint16(b, uint16(len(v)))
		b = append(b, v...)
	}
	k.buf = b
	k.mac.Write(b)
	k.sum = k.mac.Sum(k.sum[:0])
	copy(out[:], k.sum)
	clear(b)
}

// Wipe forgets the last identifier key.
func (k *KeyedEntry) Wipe() {
	clear(k.key[:])
	k.keyed = false
	k.mac = nil
}

// DirectOPRF is the key holder's identifier keys: it evaluates the PRF with
// the private key (one hash to the group and one scalar multiplication per
// value). Safe for concurrent use.
type DirectOPRF struct {
	Private *oprf.PrivateKey
	Salt    []byte
}

// Key sets out to the PRF output of value of the named field.
func (d *DirectOPRF) Key(field, value string, out *IdentifierKey) error {
	in := AppendOPRFInput(make([]byte, 0, 64+len(value)), d.Salt, field, value)
	err := d.Private.Evaluate(in, out)
	clear(in)
	return err
}
