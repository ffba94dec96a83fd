package bloom

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoldenV3 pins the exact bytes of a small version-3 filter (entry hash
// siphash-2-4-128): golden-v1.lcf's filter with that hash. Its items are
// random 16-byte strings like every entry digest, so the body is the same;
// the version, the header and the checksum and MAC differ.
func TestGoldenV3(t *testing.T) {
	h := testHeader(t, 64, 1e-6)
	h.Hash = HashSipHash
	h.Bloom = legacyParams(64)
	f, err := New(h)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items(1, 40) {
		f.Add(it)
	}
	f.Header.Indexes[0].Entries = 40
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf, testMACKey, nil); err != nil {
		t.Fatal(err)
	}
	want := matchGolden(t, "golden-v3.lcf", buf.Bytes())
	if v := binary.BigEndian.Uint16(want[8:]); v != SipHashVersion {
		t.Fatalf("written as version %d, want %d", v, SipHashVersion)
	}
	v1, err := os.ReadFile(filepath.Join("testdata", "golden-v1.lcf"))
	if err != nil {
		t.Fatal(err)
	}
	if body := h.Bloom.BodySize(); !bytes.Equal(want[len(want)-64-int(body):len(want)-64], v1[len(v1)-64-int(body):len(v1)-64]) {
		t.Fatal("the body differs from golden-v1.lcf's for the same items")
	}
	for _, known := range []bool{true, false} {
		g, err := decode(want, testMACKey, known)
		if err != nil {
			t.Fatal(err)
		}
		if g.Header.Hash != HashSipHash {
			t.Fatalf("hash %q read back", g.Header.Hash)
		}
		for _, it := range items(1, 40) {
			if !g.Test(it) {
				t.Fatal("golden filter lost an item")
			}
		}
	}
}

// TestHashVersions: each entry hash has its version, and a file whose
// version does not match its header's hash is refused by the version check;
// the hash must go with the key source.
func TestHashVersions(t *testing.T) {
	for _, tc := range []struct {
		hash    string
		version int
	}{{HashHMACSHA256, CurrentVersion}, {HashSipHash, SipHashVersion}} {
		h := testHeader(t, 64, 1e-6)
		h.Hash = tc.hash
		f, err := New(h)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := f.WriteTo(&buf, testMACKey, nil); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		if v := int(binary.BigEndian.Uint16(data[8:])); v != tc.version {
			t.Fatalf("%s written as version %d, want %d", tc.hash, v, tc.version)
		}
		for _, v := range []uint16{CurrentVersion, OPRFVersion, SipHashVersion} {
			if int(v) == tc.version {
				continue
			}
			other := bytes.Clone(data)
			binary.BigEndian.PutUint16(other[8:], v)
			if _, err := decode(other, testMACKey, true); checkOf(err) != "version" || !strings.Contains(err.Error(), tc.hash) {
				t.Errorf("%s filter labelled version %d: %v", tc.hash, v, err)
			}
		}
	}
	for _, c := range []struct {
		name string
		edit func(h *Header)
		want string
	}{
		{"SipHash in the OPRF key mode", func(h *Header) {
			h.Key = KeyInfo{Source: KeySourceOPRF, OPRF: &OPRFKey{Suite: OPRFSuite, PublicKey: make([]byte, 32)}}
		}, "does not go with"},
		{"unknown hash", func(h *Header) { h.Hash = "siphash-1-3-128" }, "unknown entry hash"},
	} {
		h := testHeader(t, 64, 1e-6)
		h.Hash = HashSipHash
		c.edit(&h)
		if err := h.validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

// TestMergeRefusesOtherHash: filters of two entry hashes do not merge, and
// the error names the hashes, not the keys.
func TestMergeRefusesOtherHash(t *testing.T) {
	a, b := testHeader(t, 64, 1e-6), testHeader(t, 64, 1e-6)
	b.Hash, b.KeyCheck = HashSipHash, bytes.Repeat([]byte{0x22}, KeyCheckSize)
	fa, err := New(a)
	if err != nil {
		t.Fatal(err)
	}
	fb, err := New(b)
	if err != nil {
		t.Fatal(err)
	}
	err = fa.Merge(fb)
	if !errors.Is(err, ErrIncompatible) || !strings.Contains(err.Error(), "entry hashes hmac-sha256-128 and siphash-2-4-128") {
		t.Fatalf("merge of two hashes: %v", err)
	}
}
