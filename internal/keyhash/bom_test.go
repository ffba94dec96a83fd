package keyhash

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakcheck/leakcheck/internal/oprf"
)

// TestKeyFilesSavedByWindowsEditors (issue 13, item 20): a key file that a
// Windows editor saved with a UTF-8 byte order mark and CRLF line ends is
// read as the same key; one saved as UTF-16 is refused with a message that
// says how to save it, never quoting it. The same holds for signing and OPRF
// key files.
func TestKeyFilesSavedByWindowsEditors(t *testing.T) {
	dir := t.TempDir()
	windows := func(data []byte) []byte {
		return append([]byte{0xef, 0xbb, 0xbf}, bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))...)
	}
	utf16 := func(data []byte) []byte {
		out := []byte{0xff, 0xfe}
		for _, b := range data {
			out = append(out, b, 0)
		}
		return out
	}

	k, _ := Generate()
	p := filepath.Join(dir, "k.key")
	if err := WriteKeyFile(p, &k, time.Unix(0, 0)); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	if got, err := ParseKeyFile(windows(data)); err != nil || got != k {
		t.Errorf("key file with BOM and CRLF: %v", err)
	}
	if _, err := ParseKeyFile(utf16(data)); err == nil || !strings.Contains(err.Error(), "UTF-16") || strings.Contains(err.Error(), "LEAKCHECK") {
		t.Errorf("UTF-16 key file: %v", err)
	}

	priv, _ := GenerateSigningKey()
	sp := filepath.Join(dir, "a.sign")
	if err := WriteSigningKeyFile(sp, priv, time.Unix(0, 0)); err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(sp)
	if got, err := ParseSigningKeyFile(windows(data)); err != nil || !got.Equal(priv) {
		t.Errorf("signing key file with BOM and CRLF: %v", err)
	}

	sk, _ := oprf.GenerateKey(Seeded("bom"))
	op := filepath.Join(dir, "a.oprfkey")
	if err := WriteOPRFKeyFile(op, sk, time.Unix(0, 0)); err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(op)
	if got, err := ParseOPRFKeyFile(windows(data)); err != nil || !bytes.Equal(got.Bytes(), sk.Bytes()) {
		t.Errorf("OPRF key file with BOM and CRLF: %v", err)
	}
}
