package cli_test

// End-to-end tests of leakcheck's security properties, run in process
// through cli.Run: key and passphrase handling, key material refused on the
// command line, signing and verification, and every kind of damaged filter.
// Every case must end in exit 2 with a message naming what failed, and no
// output may hold an identifier, a key or a passphrase.

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/fixtures"
	"github.com/leakcheck/leakcheck/internal/cli"
	"github.com/leakcheck/leakcheck/internal/keyhash"
)

type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.code, r.stdout, r.stderr)
}

// ws is a work directory with the fixtures, a key and a clean environment.
type ws struct {
	t        *testing.T
	dir      string
	key      string // hashing key file
	secrets  []string
	fixtures []string
}

func newWS(t *testing.T) *ws {
	t.Helper()
	t.Setenv(cli.KeyFileEnv, "")
	t.Setenv(cli.PassphraseFileEnv, "")
	w := &ws{t: t, dir: t.TempDir()}
	for _, name := range []string{fixtures.Registry, "dump_leak.csv"} {
		data, err := fs.ReadFile(fixtures.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(w.path(name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ids, err := fixtures.Identifiers()
	if err != nil {
		t.Fatal(err)
	}
	w.fixtures = ids
	w.key = w.keygen("engagement.key")
	return w
}

func (w *ws) path(name string) string { return filepath.Join(w.dir, name) }

// run runs leakcheck in process and checks that no output holds a fixture
// identifier or a registered secret.
func (w *ws) run(args ...string) result {
	w.t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	r := result{code, out.String(), errb.String()}
	all := strings.ToLower(r.stdout + r.stderr)
	for _, s := range w.secrets {
		if strings.Contains(all, strings.ToLower(s)) {
			w.t.Fatalf("leakcheck %q printed a secret:\n%s", args, r)
		}
	}
	for _, id := range w.fixtures {
		if strings.Contains(all, id) {
			w.t.Fatalf("leakcheck %q printed the identifier %s:\n%s", args, id, r)
		}
	}
	return r
}

// want runs leakcheck and requires the exit code and, on stderr, every
// pattern given.
func (w *ws) want(code int, patterns []string, args ...string) result {
	w.t.Helper()
	r := w.run(args...)
	if r.code != code {
		w.t.Fatalf("leakcheck %q: want exit %d, got:\n%s", args, code, r)
	}
	for _, p := range patterns {
		if !regexp.MustCompile(p).MatchString(r.stderr) {
			w.t.Fatalf("leakcheck %q: stderr does not match %q:\n%s", args, p, r)
		}
	}
	return r
}

// keygen makes a hashing key file and registers its material as a secret.
func (w *ws) keygen(name string) string {
	w.t.Helper()
	p := w.path(name)
	w.want(0, nil, "keygen", "-o", p)
	k, err := keyhash.LoadKeyFile(p)
	if err != nil {
		w.t.Fatal(err)
	}
	w.secrets = append(w.secrets, hex.EncodeToString(k[:]))
	return p
}

// signKeygen makes a signing key file and returns its path and public key.
func (w *ws) signKeygen(name string) (string, string) {
	w.t.Helper()
	p := w.path(name)
	r := w.want(0, nil, "keygen", "--signing", "-o", p)
	priv, err := keyhash.LoadSigningKeyFile(p)
	if err != nil {
		w.t.Fatal(err)
	}
	w.secrets = append(w.secrets, hex.EncodeToString(priv.Seed()))
	pub := keyhash.PublicKeyString(priv.Public().(ed25519.PublicKey))
	if !strings.Contains(r.stdout, "public key: "+pub) {
		w.t.Fatalf("keygen --signing does not print the public key:\n%s", r)
	}
	return p, pub
}

// passphrase writes a passphrase file (mode 0600), points
// LEAKCHECK_PASSPHRASE_FILE at it and registers the passphrase as a secret.
func (w *ws) passphrase(pass string) {
	w.t.Helper()
	p := w.path("passphrase.txt")
	os.Remove(p)
	if err := os.WriteFile(p, []byte(pass+"\n"), 0o600); err != nil {
		w.t.Fatal(err)
	}
	w.t.Setenv(cli.PassphraseFileEnv, p)
	w.secrets = append(w.secrets, pass)
}

// build makes a filter from the leak fixture with extra build arguments.
func (w *ws) build(out string, args ...string) string {
	w.t.Helper()
	p := w.path(out)
	w.want(0, nil, append(append([]string{"build", "-q", "-o", p}, args...), w.path("dump_leak.csv"))...)
	return p
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t *testing.T, p string, b []byte) {
	t.Helper()
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestWrongKey(t *testing.T) {
	w := newWS(t)
	lcf := w.build("dump.lcf", "--key", w.key)
	other := w.keygen("other.key")
	for _, args := range [][]string{
		{"check", "-q", "--key", other, "--filter", lcf, w.path(fixtures.Registry)},
		{"inspect", "--verify", "--key", other, lcf},
	} {
		w.want(2, []string{`error: wrong key for .*dump\.lcf.*key check failed`, `hint: .*key fingerprint`}, args...)
	}
	// The right key still works: exposed (exit 1) for the leak fixture.
	w.want(1, nil, "check", "-q", "--key", w.key, "--filter", lcf, w.path(fixtures.Registry))
	// And through the environment.
	t.Setenv(cli.KeyFileEnv, other)
	w.want(2, []string{`wrong key for`}, "inspect", "--verify", lcf)
}

func TestPassphrase(t *testing.T) {
	w := newWS(t)
	w.passphrase("correct horse battery staple")
	lcf := w.build("pass.lcf", "--passphrase")

	// The header records the Argon2id parameters, never the passphrase.
	r := w.want(0, nil, "inspect", "--format", "json", lcf)
	var ins struct {
		Header bloom.Header `json:"header"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &ins); err != nil {
		t.Fatal(err)
	}
	k := ins.Header.Key
	if k.Source != "passphrase" || k.Argon2id == nil || k.Argon2id.Time != keyhash.ArgonTime ||
		k.Argon2id.MemoryKiB != keyhash.ArgonMemoryKiB || k.Argon2id.Threads != keyhash.ArgonThreads || len(k.Argon2id.Salt) != keyhash.ArgonSaltSize {
		t.Fatalf("key info %+v", k)
	}
	if bytes.Contains(readFile(t, lcf), []byte("correct horse")) {
		t.Fatal("the filter holds the passphrase")
	}

	reg := w.path(fixtures.Registry)
	w.want(1, nil, "check", "-q", "--passphrase", "--filter", lcf, reg)
	w.want(0, nil, "inspect", "--verify", "--passphrase", lcf)

	// Wrong passphrase: the key check value fails, exit 2.
	w.passphrase("correct horse battery stapler")
	w.want(2, []string{`error: wrong passphrase for .*pass\.lcf.*key check failed`, `hint: `}, "check", "-q", "--passphrase", "--filter", lcf, reg)
	w.want(2, []string{`error: wrong passphrase for`}, "inspect", "--verify", "--passphrase", lcf)

	// A passphrase filter checked with a key, and the other way round, say
	// which one the filter needs.
	w.want(2, []string{`built from a passphrase, not a key file`, `hint: use --passphrase instead of --key`},
		"check", "-q", "--key", w.key, "--filter", lcf, reg)
	w.want(2, []string{`no passphrase given: filter .* was built from a passphrase`, `hint: add --passphrase`},
		"check", "-q", "--filter", lcf, reg)
	t.Setenv(cli.KeyFileEnv, w.key)
	w.want(2, []string{`built from a passphrase, not a key file \(LEAKCHECK_KEY_FILE is set\)`, `hint: add --passphrase`},
		"inspect", "--verify", lcf)
	t.Setenv(cli.KeyFileEnv, "")
	keyLCF := w.build("key.lcf", "--key", w.key)
	w.want(2, []string{`built with a key file, not a passphrase`, `hint: use --key FILE`},
		"check", "-q", "--passphrase", "--filter", keyLCF, reg)

	// --key and --passphrase together.
	for _, args := range [][]string{
		{"build", "-q", "--key", w.key, "--passphrase", "-o", w.path("both.lcf"), w.path("dump_leak.csv")},
		{"check", "-q", "--key", w.key, "--passphrase", "--filter", keyLCF, reg},
		{"inspect", "--verify", "--key", w.key, "--passphrase", keyLCF},
	} {
		w.want(2, []string{`--key and --passphrase cannot be used together`}, args...)
	}
	if _, err := os.Stat(w.path("both.lcf")); err == nil {
		t.Fatal("a refused build left a filter")
	}
}

func TestPassphraseFileRules(t *testing.T) {
	w := newWS(t)
	dump := w.path("dump_leak.csv")
	out := w.path("x.lcf")

	w.passphrase("qz8x")
	w.want(2, []string{`passphrase is shorter than 12 characters`, `hint: .*random words`}, "build", "-q", "--passphrase", "-o", out, dump)

	w.passphrase("a long enough passphrase")
	p := os.Getenv(cli.PassphraseFileEnv)
	for _, mode := range []os.FileMode{0o640, 0o604, 0o644} {
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		w.want(2, []string{`passphrase file .* is readable by other users \(mode ` + fmt.Sprintf("%04o", mode) + `\); fix with: chmod 600`},
			"build", "-q", "--passphrase", "-o", out, dump)
	}
	os.Chmod(p, 0o600)

	writeFile(t, p, []byte("\n"))
	os.Chmod(p, 0o600)
	w.want(2, []string{`passphrase file .* is empty`}, "build", "-q", "--passphrase", "-o", out, dump)

	t.Setenv(cli.PassphraseFileEnv, w.path("missing"))
	w.want(2, []string{`passphrase file .*missing does not exist`, `hint: LEAKCHECK_PASSPHRASE_FILE must name a file`}, "build", "-q", "--passphrase", "-o", out, dump)
	if _, err := os.Stat(out); err == nil {
		t.Fatal("a refused build left a filter")
	}
}

// TestSecretsNeverEchoed puts key material and passphrases where paths and
// flags belong: each is refused with exit 2 and never printed.
func TestSecretsNeverEchoed(t *testing.T) {
	w := newWS(t)
	lcf := w.build("dump.lcf", "--key", w.key)
	keyLine := strings.TrimSpace(lastLine(readFile(t, w.key)))
	keyHex := strings.TrimPrefix(keyLine, keyhash.KeyPrefix)
	signPath, _ := w.signKeygen("analyst.sign")
	signLine := strings.TrimSpace(lastLine(readFile(t, signPath)))
	w.secrets = append(w.secrets, keyLine, keyHex, signLine)
	reg := w.path(fixtures.Registry)
	dump := w.path("dump_leak.csv")

	notTheKey := `takes the path of a key file, not the key itself`
	neverCL := `hint: never put key material on the command line`
	for _, tc := range []struct {
		args     []string
		patterns []string
	}{
		{[]string{"check", "-q", "--key", keyLine, "--filter", lcf, reg}, []string{"--key " + notTheKey, neverCL}},
		{[]string{"check", "-q", "--key=" + keyLine, "--filter", lcf, reg}, []string{"--key " + notTheKey, neverCL}},
		{[]string{"check", "-q", "--key", keyHex, "--filter", lcf, reg}, []string{"--key " + notTheKey, neverCL}},
		{[]string{"check", "-q", "--key", strings.ToLower(keyHex), "--filter", lcf, reg}, []string{"--key " + notTheKey}},
		{[]string{"build", "-q", "--key", keyLine, "-o", w.path("o.lcf"), dump}, []string{"--key " + notTheKey}},
		{[]string{"inspect", "--verify", "--key", keyHex, lcf}, []string{"--key " + notTheKey}},
		{[]string{"build", "-q", "--key", w.key, "--sign", signLine, "-o", w.path("o.lcf"), dump}, []string{"--sign takes the path of a signing key file, not the key itself", neverCL}},
		{[]string{"verify", "--signer", signLine, lcf}, []string{"--signer takes the signer's public key .* and this is a private key", neverCL}},
		{[]string{"verify", "--signer", signPath, lcf}, []string{"--signer file .* holds a private key", "hint: .*key fingerprint"}},
		{[]string{"key", "fingerprint", keyLine}, []string{"takes the path of a key file, not the key itself"}},
		{[]string{"inspect", keyHex}, []string{"a filter path was expected, and this looks like a key"}},
		{[]string{"verify", keyLine}, []string{"this looks like a key"}},
		{[]string{"keygen", keyLine}, []string{`\[redacted\]`}},
		{[]string{keyLine}, []string{`\[redacted\]`}},
	} {
		w.want(2, tc.patterns, tc.args...)
	}
	t.Setenv(cli.KeyFileEnv, keyLine)
	w.want(2, []string{"LEAKCHECK_KEY_FILE " + notTheKey}, "inspect", "--verify", lcf)
	t.Setenv(cli.KeyFileEnv, "")

	// --passphrase takes no value: one typed after = is never echoed.
	w.secrets = append(w.secrets, "hunter2hunter2")
	w.want(2, []string{`\[redacted\]`, `hint: --passphrase takes no value`},
		"build", "-q", "--passphrase=hunter2hunter2", "-o", w.path("o.lcf"), dump)
	if _, err := os.Stat(w.path("o.lcf")); err == nil {
		t.Fatal("a refused build left a filter")
	}
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}

func TestKeyFilePermissions(t *testing.T) {
	w := newWS(t)
	lcf := w.build("dump.lcf", "--key", w.key)
	signPath, _ := w.signKeygen("analyst.sign")
	other := w.keygen("other.key")
	for _, mode := range []os.FileMode{0o640, 0o604, 0o660, 0o644} {
		os.Chmod(w.key, mode)
		perm := fmt.Sprintf(`\(mode %04o\); fix with: chmod 600 `, mode)
		w.want(2, []string{`key file is readable by other users ` + perm, `hint: .*keep it private`}, "inspect", "--verify", "--key", w.key, lcf)
		w.want(2, []string{`readable by other users`}, "check", "-q", "--key", w.key, "--filter", lcf, w.path(fixtures.Registry))
		w.want(2, []string{`readable by other users`}, "key", "fingerprint", w.key)
		os.Chmod(signPath, mode)
		w.want(2, []string{`signing key file .* is readable by other users ` + perm, `hint: whoever can read the signing key`},
			"build", "-q", "--key", other, "--sign", signPath, "-o", w.path("s.lcf"), w.path("dump_leak.csv"))
	}
	os.Chmod(w.key, 0o600)
	w.want(0, nil, "inspect", "--verify", "--key", w.key, lcf)
}

func TestKeygenAndFingerprint(t *testing.T) {
	w := newWS(t)
	p := w.path("k2.key")
	r := w.want(0, nil, "keygen", "-o", p)
	w.secrets = append(w.secrets, strings.TrimPrefix(lastLine(readFile(t, p)), keyhash.KeyPrefix))
	fp := regexp.MustCompile(`fingerprint: ([0-9a-f]{4}(-[0-9a-f]{4}){4})`).FindStringSubmatch(r.stdout)
	if fp == nil {
		t.Fatalf("keygen prints no fingerprint:\n%s", r)
	}
	if got := w.want(0, nil, "key", "fingerprint", p).stdout; got != fp[1]+"\n" {
		t.Fatalf("key fingerprint printed %q, keygen %q", got, fp[1])
	}
	before := readFile(t, p)
	w.want(2, []string{`already exists; leakcheck never overwrites a key`}, "keygen", "-o", p)
	if !bytes.Equal(before, readFile(t, p)) {
		t.Fatal("keygen changed an existing key file")
	}

	sp, pub := w.signKeygen("analyst.sign")
	st, err := os.Stat(sp)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("signing key file mode %v, %v", st.Mode(), err)
	}
	data := readFile(t, sp)
	if !strings.HasPrefix(lastLine(data), keyhash.SigningKeyPrefix) {
		t.Fatalf("signing key line has no %s prefix", keyhash.SigningKeyPrefix)
	}
	if got := w.want(0, nil, "key", "fingerprint", sp).stdout; got != pub+"\n" {
		t.Fatalf("key fingerprint of a signing key printed %q, want %q", got, pub)
	}
	w.want(2, []string{`already exists; leakcheck never overwrites a signing key`}, "keygen", "--signing", "-o", sp)
	if !bytes.Equal(data, readFile(t, sp)) {
		t.Fatal("keygen --signing changed an existing file")
	}
	w.want(2, []string{`key file .*nothing does not exist`}, "key", "fingerprint", w.path("nothing"))
	w.want(2, []string{`not a leakcheck key`}, "key", "fingerprint", w.path(fixtures.Registry))
}

func TestSignAndVerify(t *testing.T) {
	w := newWS(t)
	sp, pub := w.signKeygen("analyst.sign")
	_, otherPub := w.signKeygen("other.sign")
	if otherPub == pub {
		t.Fatal("two signing keys are the same")
	}
	lcf := w.build("signed.lcf", "--key", w.key, "--sign", sp)
	plain := w.build("plain.lcf", "--key", w.key)

	sum := sha256.Sum256(readFile(t, lcf))
	r := w.want(0, nil, "verify", lcf)
	for _, s := range []string{"sha256 +" + hex.EncodeToString(sum[:]), "signature +OK, Ed25519", "signer +" + pub, "created +20", "not checked: pass --signer"} {
		if !regexp.MustCompile(s).MatchString(r.stdout) {
			t.Fatalf("verify output lacks %q:\n%s", s, r)
		}
	}
	r = w.want(0, nil, "verify", "--signer", pub, lcf)
	if !strings.Contains(r.stdout, "matches --signer") {
		t.Fatalf("verify --signer:\n%s", r)
	}
	pubFile := w.path("analyst.pub")
	writeFile(t, pubFile, []byte(w.want(0, nil, "key", "fingerprint", sp).stdout))
	w.want(0, nil, "verify", "--signer", pubFile, lcf)
	writeFile(t, pubFile, []byte("# the analyst's key, read out by phone\npublic key: "+pub+"\n"))
	w.want(0, nil, "verify", "--signer", pubFile, lcf)
	w.want(0, nil, "inspect", "--verify", "--key", w.key, lcf)

	r = w.want(2, []string{`signed by ` + pub + `, not by the signer given with --signer`, `hint: do not trust`}, "verify", "--signer", otherPub, lcf)
	if r.stdout != "" {
		t.Fatalf("a failed verify printed a report:\n%s", r)
	}
	w.want(2, []string{`plain\.lcf is not signed, and --signer asks for a signature`}, "verify", "--signer", pub, plain)
	r = w.want(0, nil, "verify", plain)
	if !strings.Contains(r.stdout, "none: the filter is not signed") {
		t.Fatalf("verify of an unsigned filter:\n%s", r)
	}
	w.want(2, []string{`neither a public key`}, "verify", "--signer", "abc", lcf)

	// Someone without the keys takes the signed filter and re-signs it with
	// their own key (the MAC they cannot recompute, so they make up one), or
	// strips the signature.
	resigned := w.path("resigned.lcf")
	_, mallory, _ := ed25519.GenerateKey(rand.Reader)
	writeFile(t, resigned, reencode(t, readFile(t, lcf), mallory))
	malloryPub := keyhash.PublicKeyString(mallory.Public().(ed25519.PublicKey))
	r = w.want(0, nil, "verify", resigned)
	if !strings.Contains(r.stdout, malloryPub) {
		t.Fatalf("verify of a re-signed filter does not show the new signer:\n%s", r)
	}
	w.want(2, []string{`signed by ` + malloryPub + `, not by the signer given with --signer`}, "verify", "--signer", pub, resigned)
	w.want(2, []string{`failed the mac check`, `hint: do not trust this filter`}, "inspect", "--verify", "--key", w.key, resigned)
	w.want(2, []string{`failed the mac check`}, "check", "-q", "--key", w.key, "--filter", resigned, w.path(fixtures.Registry))

	stripped := w.path("stripped.lcf")
	writeFile(t, stripped, reencode(t, readFile(t, lcf), nil))
	w.want(2, []string{`is not signed`}, "verify", "--signer", pub, stripped)
	w.want(2, []string{`failed the mac check`}, "inspect", "--verify", "--key", w.key, stripped)
}

// reencode decodes a filter without its key and writes it again with a
// made-up MAC key and the given signer, as someone holding only the file
// could.
func reencode(t *testing.T, data []byte, signer ed25519.PrivateKey) []byte {
	t.Helper()
	d, err := bloom.NewDecoder(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := d.Body(nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	made := make([]byte, 32)
	rand.Read(made)
	if _, err := f.WriteTo(&buf, made, signer); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// layout locates the parts of a filter file (bloom/FORMAT.md §1).
type layout struct {
	size, hdrEnd, bodyEnd, parts, partBytes int
	signed                                  bool
}

func layoutOf(t *testing.T, data []byte) layout {
	t.Helper()
	d, err := bloom.NewDecoder(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	hlen := int(binary.BigEndian.Uint32(data[12:16]))
	p := d.Header.Bloom
	l := layout{size: len(data), hdrEnd: 16 + hlen, parts: p.Partitions, partBytes: 24 + int(p.M/8), signed: d.Header.Signer != nil}
	l.bodyEnd = l.hdrEnd + l.parts*l.partBytes
	return l
}

// region names the part of the file holding byte i and the checks a
// change there may fail. A change inside the JSON header may break its
// syntax or constraints (header), change the size it implies (truncated,
// trailing data) or leave valid JSON that the checksum catches.
func (l layout) region(i int) (string, []string) {
	switch {
	case i < 8:
		return "magic", []string{"magic"}
	case i < 10:
		return "version", []string{"version"}
	case i < 12:
		return "flags", []string{"header"}
	case i < 16:
		return "header length", []string{"header", "truncated"}
	case i < l.hdrEnd:
		return "header", []string{"header", "checksum", "truncated", "trailing data"}
	case i < l.bodyEnd:
		if (i-l.hdrEnd)%l.partBytes < 24 {
			return "partition header", []string{"header"}
		}
		return "body", []string{"checksum"}
	case i < l.bodyEnd+32:
		return "checksum", []string{"checksum"}
	case i < l.bodyEnd+64:
		return "mac", []string{"mac"}
	default:
		return "signature", []string{"signature"}
	}
}

var failedCheck = regexp.MustCompile(`failed the ([a-z ]+) check`)

// TestFlippedByte flips one byte at a time, over every region of a signed
// filter, and requires exit 2 naming the check that failed.
func TestFlippedByte(t *testing.T) {
	w := newWS(t)
	sp, pub := w.signKeygen("analyst.sign")
	lcf := w.build("signed.lcf", "--key", w.key, "--sign", sp)
	orig := readFile(t, lcf)
	l := layoutOf(t, orig)
	if !l.signed || l.size != l.bodyEnd+128 {
		t.Fatalf("unexpected layout %+v", l)
	}
	var positions []int
	for i := 0; i < l.hdrEnd; i++ { // every byte of preamble and header
		positions = append(positions, i)
	}
	for i := l.hdrEnd; i < l.bodyEnd; i += 13 {
		positions = append(positions, i)
	}
	for i := l.hdrEnd; i < l.hdrEnd+24; i++ { // every byte of a partition header
		positions = append(positions, i)
	}
	for i := l.bodyEnd - 40; i < l.size; i++ { // end of body and every trailer byte
		positions = append(positions, i)
	}
	bad := w.path("bad.lcf")
	seen := map[string]map[string]int{}
	runs := 0
	for n, i := range positions {
		flips := []byte{0x01}
		if n%4 == 0 {
			flips = append(flips, 0xff)
		}
		for _, x := range flips {
			runs++
			data := bytes.Clone(orig)
			data[i] ^= x
			writeFile(t, bad, data)
			region, allowed := l.region(i)

			// With the key: every check, the MAC included.
			r := w.run("inspect", "--verify", "--key", w.key, bad)
			got := checkOf(t, r, fmt.Sprintf("inspect --verify, byte %d (%s) ^ %#x", i, region, x))
			if !contains(allowed, got) {
				t.Fatalf("byte %d (%s) ^ %#x: failed the %s check, want one of %v\n%s", i, region, x, got, allowed, r)
			}
			if seen[region] == nil {
				seen[region] = map[string]int{}
			}
			seen[region][got]++

			// Without the key, verify catches everything but a changed MAC,
			// which only the key holder can check.
			if n%3 != 0 && region != "mac" {
				continue
			}
			r = w.run("verify", "--signer", pub, bad)
			if region == "mac" {
				if r.code != 0 {
					t.Fatalf("verify of a filter with a changed MAC byte:\n%s", r)
				}
				continue
			}
			if got2 := checkOf(t, r, fmt.Sprintf("verify, byte %d (%s) ^ %#x", i, region, x)); !contains(allowed, got2) {
				t.Fatalf("verify, byte %d (%s) ^ %#x: failed the %s check, want one of %v\n%s", i, region, x, got2, allowed, r)
			}
		}
	}
	// Each region was hit and the common case named as expected.
	for region, want := range map[string]string{"magic": "magic", "version": "version", "header": "checksum", "body": "checksum",
		"partition header": "header", "checksum": "checksum", "mac": "mac", "signature": "signature"} {
		if seen[region][want] == 0 {
			t.Errorf("region %s: never failed the %s check (got %v)", region, want, seen[region])
		}
	}
	t.Logf("%d flips at %d positions; checks named per region: %v", runs, len(positions), seen)

	// check refuses them too (one position per region).
	for _, i := range []int{0, 9, 11, 15, l.hdrEnd - 30, l.hdrEnd + 3, l.hdrEnd + 100, l.bodyEnd + 5, l.bodyEnd + 40, l.bodyEnd + 100} {
		data := bytes.Clone(orig)
		data[i] ^= 0x01
		writeFile(t, bad, data)
		region, allowed := l.region(i)
		r := w.run("check", "-q", "--key", w.key, "--filter", bad, w.path(fixtures.Registry))
		if got := checkOf(t, r, fmt.Sprintf("check, byte %d (%s)", i, region)); !contains(allowed, got) {
			t.Fatalf("check, byte %d (%s): failed the %s check, want one of %v\n%s", i, region, got, allowed, r)
		}
		if r.stdout != "" {
			t.Fatalf("check of a damaged filter printed a report:\n%s", r)
		}
	}

	// A body change with the public checksum recomputed: only the MAC (with
	// the key) or the signature (without) can tell.
	data := bytes.Clone(orig)
	data[l.hdrEnd+100] ^= 0x01
	s := sha256.Sum256(data[:l.bodyEnd])
	copy(data[l.bodyEnd:], s[:])
	writeFile(t, bad, data)
	w.want(2, []string{`failed the mac check`}, "inspect", "--verify", "--key", w.key, bad)
	w.want(2, []string{`failed the signature check`}, "verify", bad)
}

func checkOf(t *testing.T, r result, what string) string {
	t.Helper()
	if r.code != 2 {
		t.Fatalf("%s: want exit 2, got:\n%s", what, r)
	}
	m := failedCheck.FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("%s: no failed check named:\n%s", what, r)
	}
	return m[1]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestTruncated(t *testing.T) {
	w := newWS(t)
	sp, _ := w.signKeygen("analyst.sign")
	lcf := w.build("signed.lcf", "--key", w.key, "--sign", sp)
	orig := readFile(t, lcf)
	l := layoutOf(t, orig)
	var lengths []int
	for n := 0; n < l.hdrEnd+40; n++ {
		lengths = append(lengths, n)
	}
	for n := l.hdrEnd + 40; n < l.size-200; n += 97 {
		lengths = append(lengths, n)
	}
	for n := l.size - 200; n < l.size; n++ {
		lengths = append(lengths, n)
	}
	bad := w.path("short.lcf")
	for _, n := range lengths {
		writeFile(t, bad, orig[:n])
		want := "truncated"
		if n < 8 {
			want = "magic" // too short to be a filter at all
		}
		for _, args := range [][]string{
			{"inspect", "--verify", "--key", w.key, bad},
			{"verify", bad},
		} {
			r := w.run(args...)
			if got := checkOf(t, r, fmt.Sprintf("%s, %d of %d bytes", args[0], n, l.size)); got != want {
				t.Fatalf("%s, %d of %d bytes: failed the %s check, want %s\n%s", args[0], n, l.size, got, want, r)
			}
			if want == "truncated" && !strings.Contains(r.stderr, "hint: the file is incomplete or damaged") {
				t.Fatalf("no hint for a truncated file:\n%s", r)
			}
		}
	}
	writeFile(t, bad, append(bytes.Clone(orig), 0))
	w.want(2, []string{`failed the trailing data check`}, "inspect", "--verify", "--key", w.key, bad)
}

func TestMagicAndVersion(t *testing.T) {
	w := newWS(t)
	orig := readFile(t, w.build("dump.lcf", "--key", w.key))
	bad := w.path("bad.lcf")

	data := bytes.Clone(orig)
	copy(data, "NOTAFILT")
	writeFile(t, bad, data)
	w.want(2, []string{`failed the magic check: not a leakcheck filter`, `hint: is this a filter made by 'leakcheck build'`}, "inspect", bad)
	w.want(2, []string{`failed the magic check`}, "check", "-q", "--key", w.key, "--filter", w.path(fixtures.Registry), w.path(fixtures.Registry))

	for _, v := range []uint16{0, 1, 2, 4, 0xffff} {
		data := bytes.Clone(orig)
		binary.BigEndian.PutUint16(data[8:], v)
		writeFile(t, bad, data)
		want := fmt.Sprintf(`failed the version check: filter format version %d; this leakcheck reads versions 1 to 3`, v)
		switch v {
		case 1: // HMAC-SHA256's version, on a SipHash filter
			want = `failed the version check: a version-1 filter with key source "keyfile" and entry hash siphash-2-4-128 .those are written as version 3.`
		case 2: // the OPRF key mode's version, on a shared-key filter
			want = `failed the version check: a version-2 filter with key source "keyfile"`
		}
		w.want(2, []string{want, `hint: install the leakcheck version`},
			"check", "-q", "--key", w.key, "--filter", bad, w.path(fixtures.Registry))
		w.want(2, []string{`failed the version check`}, "verify", bad)
	}
}
