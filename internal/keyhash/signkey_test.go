package keyhash

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSigningKeyFileRoundTrip(t *testing.T) {
	priv, err := GenerateSigningKey()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "analyst.sign")
	if err := WriteSigningKeyFile(p, priv, time.Unix(0, 0)); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v", st.Mode(), err)
	}
	data, _ := os.ReadFile(p)
	pub := PublicKeyString(priv.Public().(ed25519.PublicKey))
	if !bytes.Contains(data, []byte("# public key: "+pub+"\n")) {
		t.Fatalf("no public key comment:\n%s", data)
	}
	if !bytes.Contains(data, []byte(SigningKeyPrefix+strings.ToUpper(hex.EncodeToString(priv.Seed()))+"\n")) {
		t.Fatalf("no key line:\n%s", data)
	}
	got, err := LoadSigningKeyFile(p)
	if err != nil || !got.Equal(priv) {
		t.Fatalf("load: %v", err)
	}
	if err := WriteSigningKeyFile(p, priv, time.Now()); err == nil || !strings.Contains(err.Error(), "never overwrites") {
		t.Fatalf("overwrite: %v", err)
	}
	if again, _ := os.ReadFile(p); !bytes.Equal(again, data) {
		t.Fatal("the existing file changed")
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(p), ".leakcheck-key-*")); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
	os.Chmod(p, 0o640)
	if _, err := LoadSigningKeyFile(p); !errors.Is(err, ErrPrivateFilePermissions) || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("group-readable: %v", err)
	}
}

func TestParseSigningKeyFileErrorsNeverQuote(t *testing.T) {
	seed := strings.Repeat("AB", 32)
	for _, tc := range []struct{ data, want string }{
		{"", "no signing key line"},
		{"# only a comment\n", "no signing key line"},
		{"hello " + seed + "\n", "line 1 is not a leakcheck signing key"},
		{KeyPrefix + seed + "\n", "line 1 is a hashing key, not a signing key"},
		{SigningKeyPrefix + seed[:10] + "\n", "line 1: malformed signing key"},
		{SigningKeyPrefix + strings.Repeat("ZZ", 32) + "\n", "line 1: malformed signing key"},
		{SigningKeyPrefix + seed + "\n" + SigningKeyPrefix + seed + "\n", "line 2: more than one key"},
	} {
		_, err := ParseSigningKeyFile([]byte(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.data, err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), seed[:16]) || strings.Contains(err.Error(), "ZZZZ") {
			t.Errorf("error quotes the key: %v", err)
		}
	}
	if _, err := ParseSigningKeyFile([]byte("\r\n# c\r\n  " + SigningKeyPrefix + seed + "  \r\n")); err != nil {
		t.Errorf("CRLF and spaces: %v", err)
	}
}

func TestParsePublicKey(t *testing.T) {
	priv, _ := GenerateSigningKey()
	pub := priv.Public().(ed25519.PublicKey)
	s := PublicKeyString(pub)
	for _, in := range []string{s, strings.ToUpper(s), " " + s + "\n"} {
		if got, err := ParsePublicKey(in); err != nil || !got.Equal(pub) {
			t.Errorf("%q: %v", in, err)
		}
	}
	for _, in := range []string{"", s[:62], s + "00", strings.Repeat("g", 64)} {
		if _, err := ParsePublicKey(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestReadPassphraseFile(t *testing.T) {
	dir := t.TempDir()
	write := func(content string, mode os.FileMode) string {
		p := filepath.Join(dir, "pass")
		os.Remove(p)
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, mode)
		return p
	}
	for content, want := range map[string]string{
		"correct horse\n":   "correct horse",
		"correct horse\r\n": "correct horse",
		"correct horse":     "correct horse",
		" spaced  out \n":   " spaced  out ",
		"two lines\n\n":     "two lines\n",
		"अनीता शर्मा पासवर्ड\n": "अनीता शर्मा पासवर्ड",
	} {
		got, err := ReadPassphraseFile(write(content, 0o600))
		if err != nil || string(got) != want {
			t.Errorf("%q: got %q, %v; want %q", content, got, err, want)
		}
	}
	for _, content := range []string{"", "\n", "\r\n"} {
		if _, err := ReadPassphraseFile(write(content, 0o600)); err == nil || !strings.Contains(err.Error(), "is empty") {
			t.Errorf("%q: %v", content, err)
		}
	}
	if _, err := ReadPassphraseFile(write("secret words here\n", 0o644)); !errors.Is(err, ErrPrivateFilePermissions) {
		t.Errorf("mode 0644: %v", err)
	} else if strings.Contains(err.Error(), "secret") {
		t.Errorf("error quotes the passphrase: %v", err)
	}
	if _, err := ReadPassphraseFile(write(strings.Repeat("x", MaxPassphraseSize+1), 0o600)); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("oversized: %v", err)
	}
	if _, err := ReadPassphraseFile(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing: %v", err)
	}
	if _, err := ReadPassphraseFile(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("directory: %v", err)
	}
}
