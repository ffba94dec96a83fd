package bloom

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

func oprfHeader(t *testing.T) Header {
	h := testHeader(t, 64, 1e-6)
	h.Hash = HashOPRF
	h.Key = KeyInfo{Source: KeySourceOPRF, OPRF: &OPRFKey{Suite: OPRFSuite, PublicKey: bytes.Repeat([]byte{7}, 32)}}
	return h
}

// TestOPRFHeader: an OPRF filter is written as version 2 and read back; the
// mode's header members are checked for consistency.
func TestOPRFHeader(t *testing.T) {
	f, err := New(oprfHeader(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items(1, 30) {
		f.Add(it)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf, testMACKey, nil); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if v := binary.BigEndian.Uint16(data[8:]); v != OPRFVersion {
		t.Fatalf("written as version %d", v)
	}
	got, err := decode(data, testMACKey, true)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Header.IsOPRF() || !bytes.Equal(got.Header.Key.OPRF.PublicKey, f.Header.Key.OPRF.PublicKey) {
		t.Fatal("OPRF key info lost")
	}
	v1 := bytes.Clone(data)
	binary.BigEndian.PutUint16(v1[8:], 1)
	if _, err := decode(v1, testMACKey, true); checkOf(err) != "version" {
		t.Fatalf("OPRF filter labelled version 1: %v", err)
	}

	bad := []struct {
		name string
		edit func(h *Header)
		want string
	}{
		{"shared-key hash", func(h *Header) { h.Hash = HashHMACSHA256 }, "does not go with"},
		{"OPRF hash with a key file", func(h *Header) { h.Key = KeyInfo{Source: KeySourceFile} }, "does not go with"},
		{"no public key", func(h *Header) { h.Key.OPRF = nil }, "without oprf public key"},
		{"short public key", func(h *Header) { h.Key.OPRF.PublicKey = h.Key.OPRF.PublicKey[:31] }, "31 bytes"},
		{"other suite", func(h *Header) { h.Key.OPRF.Suite = "P256-SHA256" }, "unknown OPRF suite"},
		{"argon2id too", func(h *Header) { h.Key.Argon2id = &Argon2id{} }, "not a passphrase"},
	}
	for _, c := range bad {
		h := oprfHeader(t)
		c.edit(&h)
		if err := h.validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}
