package keyhash

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/oprf"
)

func TestOPRFKeyFileRoundTrip(t *testing.T) {
	sk, err := oprf.GenerateKey(Seeded("oprf key file"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "a.oprfkey")
	if err := WriteOPRFKeyFile(p, sk, time.Unix(0, 0)); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
	got, err := LoadOPRFKeyFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), sk.Bytes()) {
		t.Fatal("key changed in the round trip")
	}
	if err := WriteOPRFKeyFile(p, sk, time.Unix(0, 0)); err == nil {
		t.Fatal("overwrote a key file")
	}
	os.Chmod(p, 0o644)
	if _, err := LoadOPRFKeyFile(p); err == nil {
		t.Fatal("loaded a world-readable key file")
	}
	secret := strings.ToUpper(hex.EncodeToString(sk.Bytes()))
	for name, text := range map[string]string{
		"shared key":   KeyPrefix + strings.Repeat("AB", 32) + "\n",
		"short":        OPRFKeyPrefix + secret[:60] + "\n",
		"not a scalar": OPRFKeyPrefix + strings.Repeat("FF", 32) + "\n",
		"zero":         OPRFKeyPrefix + strings.Repeat("00", 32) + "\n",
		"two keys":     OPRFKeyPrefix + secret + "\n" + OPRFKeyPrefix + secret + "\n",
		"empty":        "# nothing\n",
	} {
		_, err := ParseOPRFKeyFile([]byte(text))
		if err == nil {
			t.Errorf("%s: parsed", name)
			continue
		}
		if strings.Contains(err.Error(), secret[:16]) || strings.Contains(err.Error(), "ABAB") {
			t.Errorf("%s: error quotes the key: %v", name, err)
		}
	}
}

// TestOPRFEntryVector pins the OPRF key mode's entry digest (FORMAT.md §5.4)
// to an independent computation with crypto/hmac.
func TestOPRFEntryVector(t *testing.T) {
	salt := bytes.Repeat([]byte{0xff}, 32)
	in := AppendOPRFInput(nil, salt, "phone", "+919876543210")
	want := append([]byte("leakcheck oprf v1\x00"), salt...)
	want = append(want, 5)
	want = append(want, "phone"...)
	want = append(want, 0, 13)
	want = append(want, "+919876543210"...)
	if !bytes.Equal(in, want) {
		t.Fatalf("PRF input %x", in)
	}
	var key IdentifierKey
	for i := range key {
		key[i] = byte(i)
	}
	var k KeyedEntry
	var out [bloom.ItemSize]byte
	k.Entry(&key, "phone+name", []string{"+919876543210", "asha"}, &out)
	msg := append([]byte{10}, "phone+name"...)
	msg = append(msg, 0, 13)
	msg = append(msg, "+919876543210"...)
	msg = append(msg, 0, 4)
	msg = append(msg, "asha"...)
	m := hmac.New(sha256.New, key[:])
	m.Write(msg)
	if !bytes.Equal(out[:], m.Sum(nil)[:bloom.ItemSize]) {
		t.Fatalf("entry %x", out)
	}
	// The same key again takes the reset path.
	var again [bloom.ItemSize]byte
	k.Entry(&key, "phone+name", []string{"+919876543210", "asha"}, &again)
	if again != out {
		t.Fatal("second entry under the same key differs")
	}
}
