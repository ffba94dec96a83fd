package keyhash

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// SigningKeyPrefix starts the one key line of an Ed25519 signing key file.
const SigningKeyPrefix = "LEAKCHECK-SIGNING-KEY-1-"

// maxSigningKeyFileSize bounds how much of a supposed signing key file is read.
const maxSigningKeyFileSize = 64 << 10

// GenerateSigningKey returns a new Ed25519 private key.
func GenerateSigningKey() (ed25519.PrivateKey, error) {
	_, priv, err := ed25519.GenerateKey(Random)
	if err != nil {
		return nil, fmt.Errorf("reading random bytes: %w", err)
	}
	return priv, nil
}

// PublicKeyString is how leakcheck shows an Ed25519 public key: 64 lower-case
// hex digits (the same as 'leakcheck inspect' prints for a filter's signer).
func PublicKeyString(pub ed25519.PublicKey) string { return hex.EncodeToString(pub) }

// ParsePublicKey parses a public key written as 64 hex digits.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	s = strings.TrimSpace(s)
	if len(s) != 2*ed25519.PublicKeySize {
		return nil, fmt.Errorf("an Ed25519 public key is %d hex digits, got %d characters", 2*ed25519.PublicKeySize, len(s))
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("an Ed25519 public key is %d hex digits; this is not hex", 2*ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(b), nil
}

// EncodeSigningKeyFile returns the text of a signing key file: two comment
// lines (creation time and public key) and the key line, which holds the
// 32-byte Ed25519 seed in upper-case hex. The caller clears the result.
func EncodeSigningKeyFile(priv ed25519.PrivateKey, created time.Time) []byte {
	var b bytes.Buffer
	b.Grow(256)
	fmt.Fprintf(&b, "# leakcheck Ed25519 signing key, created %s\n", created.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "# public key: %s\n", PublicKeyString(priv.Public().(ed25519.PublicKey)))
	seed := priv.Seed()
	enc := make([]byte, hex.EncodedLen(len(seed)))
	hex.Encode(enc, seed)
	for i, c := range enc {
		if c >= 'a' {
			enc[i] = c - 'a' + 'A'
		}
	}
	b.WriteString(SigningKeyPrefix)
	b.Write(enc)
	b.WriteByte('\n')
	clear(seed)
	clear(enc)
	return b.Bytes()
}

// ParseSigningKeyFile reads a signing key from the text of a signing key
// file. Errors never quote the file's content.
func ParseSigningKeyFile(data []byte) (ed25519.PrivateKey, error) {
	var priv ed25519.PrivateKey
	data, err := keyFileText(data)
	if err != nil {
		return nil, err
	}
	line := 0
	// bytes.Lines yields sub-slices of data: no copy of the key is made
	// that the caller's clear would miss.
	for l := range bytes.Lines(data) {
		line++
		s := bytes.TrimSpace(l)
		if len(s) == 0 || s[0] == '#' {
			continue
		}
		if !bytes.HasPrefix(s, []byte(SigningKeyPrefix)) {
			if bytes.HasPrefix(s, []byte(KeyPrefix)) {
				return nil, fmt.Errorf("line %d is a hashing key, not a signing key (make a signing key with 'leakcheck keygen --signing')", line)
			}
			return nil, fmt.Errorf("line %d is not a leakcheck signing key (signing keys start with %s; make one with 'leakcheck keygen --signing')", line, SigningKeyPrefix)
		}
		if priv != nil {
			clear(priv)
			return nil, fmt.Errorf("line %d: more than one key in the file", line)
		}
		h := s[len(SigningKeyPrefix):]
		seed := make([]byte, ed25519.SeedSize)
		if hex.DecodedLen(len(h)) != ed25519.SeedSize {
			return nil, fmt.Errorf("line %d: malformed signing key (want %d hex digits after %s)", line, 2*ed25519.SeedSize, SigningKeyPrefix)
		}
		if _, err := hex.Decode(seed, h); err != nil {
			clear(seed)
			return nil, fmt.Errorf("line %d: malformed signing key (want %d hex digits after %s)", line, 2*ed25519.SeedSize, SigningKeyPrefix)
		}
		priv = ed25519.NewKeyFromSeed(seed)
		clear(seed)
	}
	if priv == nil {
		return nil, fmt.Errorf("no signing key line (signing keys start with %s; make one with 'leakcheck keygen --signing')", SigningKeyPrefix)
	}
	return priv, nil
}

// LoadSigningKeyFile reads and parses a signing key file. Like ssh, it
// refuses a file that group or others may read. The caller clears the key.
func LoadSigningKeyFile(path string) (ed25519.PrivateKey, error) {
	data, err := readPrivateFile(path, "signing key file", maxSigningKeyFileSize)
	if err != nil {
		return nil, err
	}
	defer clear(data)
	priv, err := ParseSigningKeyFile(data)
	if err != nil {
		return nil, fmt.Errorf("reading signing key file %s: %w", path, err)
	}
	return priv, nil
}

// WriteSigningKeyFile writes a new signing key file with mode 0600; it never
// overwrites an existing file.
func WriteSigningKeyFile(path string, priv ed25519.PrivateKey, created time.Time) error {
	data := EncodeSigningKeyFile(priv, created)
	defer clear(data)
	return writeNewPrivateFile(path, "signing key", data)
}
