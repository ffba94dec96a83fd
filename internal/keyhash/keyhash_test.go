package keyhash

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakcheck/leakcheck/bloom"
)

// TestVectors pins the key derivation, key check value and entry hash to
// values computed independently (Python's hmac and hashlib with a
// hand-written RFC 5869 HKDF), as FORMAT.md §5 specifies them.
func TestVectors(t *testing.T) {
	var master Key
	for i := range master {
		master[i] = byte(i)
	}
	salt := bytes.Repeat([]byte{0xff}, 32)
	k := Derive(&master, salt)
	if got := hex.EncodeToString(k.MACKey()); got != "1f17fb23a0c9773e646c37fe822032eb08ac4c4d52ad4d4d982697e8f3515a6b" {
		t.Errorf("MAC key %s", got)
	}
	if got := hex.EncodeToString(k.KeyCheck()); got != "dcd3288f7a9e3fc788717bc957791799" {
		t.Errorf("key check %s", got)
	}
	h := k.NewHasher()
	for _, tc := range []struct {
		index  string
		values []string
		want   string
	}{
		{"phone", []string{"+919876543210"}, "ed94666e2b81436780557515e1f0b215"},
		{"phone+name", []string{"+919876543210", "anita sharma"}, "250518d1315a2dd7e41798835b93de75"},
		{"phone+name+yob+gender", []string{"+919876543210", "अनीता शर्मा", "1990", "F"}, "20c6d1422859841d40f99ece5b081c55"},
	} {
		var out [bloom.ItemSize]byte
		h.Entry(tc.index, tc.values, &out)
		if got := hex.EncodeToString(out[:]); got != tc.want {
			t.Errorf("Entry(%s) = %s, want %s", tc.index, got, tc.want)
		}
	}
	if got := master.Fingerprint(); got != "16e7-147c-bd3f-f63d-0dcd" {
		t.Errorf("fingerprint %s", got)
	}
}

// TestEncodingUnambiguous: moving bytes between values, or between the
// index name and a value, changes the digest.
func TestEncodingUnambiguous(t *testing.T) {
	for _, hash := range EntryHashes {
		t.Run(hash.String(), func(t *testing.T) { testEncodingUnambiguous(t, hash) })
	}
}

func testEncodingUnambiguous(t *testing.T, hash EntryHash) {
	var master Key
	k := DeriveFor(hash, &master, make([]byte, 32))
	h := k.NewHasher()
	seen := map[[bloom.ItemSize]byte]string{}
	for _, tc := range []struct {
		index  string
		values []string
	}{
		{"phone+name", []string{"ab", "c"}},
		{"phone+name", []string{"a", "bc"}},
		{"phone+name", []string{"abc", ""}},
		{"phone", []string{"abc"}},
		{"phone+yob", []string{"ab", "c"}},
		{"phone+yob", []string{"abc"}},
		{"email", []string{"abc"}},
	} {
		var out [bloom.ItemSize]byte
		h.Entry(tc.index, tc.values, &out)
		desc := tc.index + ":" + strings.Join(tc.values, "|")
		if prev, dup := seen[out]; dup {
			t.Errorf("%s and %s hash alike", prev, desc)
		}
		seen[out] = desc
	}
}

// TestKeyCheckBindsHash: the same key and salt give another key check value
// under another entry hash, so a filter read with the wrong hash fails the
// key check instead of hashing every value the wrong way; ForHeader picks
// the header's hash.
func TestKeyCheckBindsHash(t *testing.T) {
	var master Key
	salt := bytes.Repeat([]byte{7}, 32)
	a, b := DeriveFor(HMACSHA256, &master, salt), DeriveFor(SipHash128, &master, salt)
	if bytes.Equal(a.KeyCheck(), b.KeyCheck()) {
		t.Fatal("the key check value does not depend on the entry hash")
	}
	for _, tc := range []struct {
		name string
		want EntryHash
	}{{bloom.HashHMACSHA256, HMACSHA256}, {bloom.HashSipHash, SipHash128}, {bloom.HashOPRF, HMACSHA256}} {
		k, err := ForHeader(&master, &bloom.Header{Hash: tc.name, Salt: salt})
		if err != nil || k.Hash() != tc.want {
			t.Errorf("ForHeader(%s) = %v, %v; want %v", tc.name, k.Hash(), err, tc.want)
		}
	}
	if _, err := ForHeader(&master, &bloom.Header{Hash: "md5", Salt: salt}); err == nil {
		t.Error("ForHeader accepted an unknown hash")
	}
	for _, h := range EntryHashes {
		if got, ok := EntryHashOf(h.String()); !ok || got != h {
			t.Errorf("EntryHashOf(%s) = %v, %v", h, got, ok)
		}
	}
}

func TestSaltSeparatesFilters(t *testing.T) {
	var master Key
	a := Derive(&master, bytes.Repeat([]byte{1}, 32))
	b := Derive(&master, bytes.Repeat([]byte{2}, 32))
	if bytes.Equal(a.KeyCheck(), b.KeyCheck()) || bytes.Equal(a.MACKey(), b.MACKey()) {
		t.Fatal("different salts gave the same keys")
	}
}

func TestKeyFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "k.key")
	k, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteKeyFile(path, &k, time.Now()); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode().Perm())
	}
	got, err := LoadKeyFile(path)
	if err != nil || got != k {
		t.Fatalf("round trip: %v", err)
	}
	if err := WriteKeyFile(path, &k, time.Now()); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("overwrite allowed: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("left temp files behind: %v", entries)
	}
	os.Chmod(path, 0o640)
	if _, err := LoadKeyFile(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("group-readable key accepted: %v", err)
	}
}

func TestParseKeyFileErrorsNeverQuote(t *testing.T) {
	secret := "LEAKCHECK-KEY-1-" + strings.Repeat("AB", 31) + "ZZ"
	for _, in := range []string{"", "# only comments\n", secret + "\n", "hello world\n", secret[:20] + "\n",
		"LEAKCHECK-KEY-1-" + strings.Repeat("00", 32) + "\nLEAKCHECK-KEY-1-" + strings.Repeat("00", 32) + "\n"} {
		_, err := ParseKeyFile([]byte(in))
		if err == nil {
			t.Fatalf("%q accepted", in)
		}
		if strings.Contains(err.Error(), "ABAB") || (in != "" && strings.Contains(err.Error(), strings.TrimSpace(in)) && strings.TrimSpace(in) != "") {
			t.Fatalf("error quotes the file: %v", err)
		}
	}
}

func FuzzParseKeyFile(f *testing.F) {
	var k Key
	f.Add(EncodeKeyFile(&k, time.Unix(0, 0)))
	f.Add([]byte("LEAKCHECK-KEY-1-\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		key, err := ParseKeyFile(in)
		if err == nil {
			again, err := ParseKeyFile(EncodeKeyFile(&key, time.Unix(0, 0)))
			if err != nil || again != key {
				t.Fatalf("re-encode: %v", err)
			}
		}
	})
}

func BenchmarkEntry(b *testing.B) {
	byHash(b, func(b *testing.B, keys *Keys) {
		h := keys.NewHasher()
		var out [bloom.ItemSize]byte
		vals := []string{"+919876543210", "anita sharma", "1990"}
		b.ReportAllocs()
		for b.Loop() {
			h.Entry("phone+name+yob", vals, &out)
		}
	})
}
