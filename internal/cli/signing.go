package cli

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"github.com/leakcheck/leakcheck/internal/safefile"
	"io"
	"os"
	"strings"
	"time"

	"github.com/leakcheck/leakcheck/internal/keyhash"
)

// runKeygenSigning makes an Ed25519 signing key file (keygen --signing).
func runKeygenSigning(e *env, path string) error {
	priv, err := keyhash.GenerateSigningKey()
	if err != nil {
		return err
	}
	defer clear(priv)
	now := time.Now()
	info, err := e.writeKey(path, func() []byte { return keyhash.EncodeSigningKeyFile(priv, now) },
		func() error { return keyhash.WriteSigningKeyFile(path, priv, now) })
	if err != nil {
		return err
	}
	pub := keyhash.PublicKeyString(priv.Public().(ed25519.PublicKey))
	if path != stdio {
		fmt.Fprintf(info, "wrote %s (Ed25519 signing key, mode 0600)\n", path)
	}
	fmt.Fprintf(info, "public key: %s\n", pub)
	return nil
}

// loadSigner reads the signing key for build --sign; "" means no signing.
// The caller clears the key.
func loadSigner(path string) (ed25519.PrivateKey, error) {
	if path == "" {
		return nil, nil
	}
	if _, err := os.Stat(path); err != nil && looksLikeKeyMaterial(path) {
		return nil, withHint(errors.New("--sign takes the path of a signing key file, not the key itself"),
			"never put key material on the command line (it shows in ps and shell history); if it was, make a new signing key with 'leakcheck keygen --signing -o FILE'")
	}
	priv, err := keyhash.LoadSigningKeyFile(path)
	if err != nil {
		if errors.Is(err, keyhash.ErrPrivateFilePermissions) {
			return nil, withHint(err, "whoever can read the signing key can sign filters in your name: keep it private")
		}
		return nil, withHint(err, "make a signing key with 'leakcheck keygen --signing -o analyst.sign'")
	}
	return priv, nil
}

// maxPublicKeyFileSize bounds what --signer reads from a file.
const maxPublicKeyFileSize = 64 << 10

// parseSigner reads verify's --signer: a public key as 64 hex digits, or a
// file whose first line that is not blank or a # comment holds one
// (optionally after "public key:", as keygen --signing prints it).
func parseSigner(v string) (ed25519.PublicKey, error) {
	if pub, err := keyhash.ParsePublicKey(v); err == nil {
		return pub, nil
	}
	if strings.HasPrefix(v, keyhash.SigningKeyPrefix) || strings.HasPrefix(v, keyhash.KeyPrefix) {
		return nil, withHint(errors.New("--signer takes the signer's public key (or a file holding it), and this is a private key"),
			"never put key material on the command line (it shows in ps and shell history); if it was, make a new key")
	}
	f, err := safefile.OpenRead(v)
	if err != nil {
		if looksLikeKeyMaterial(v) {
			return nil, withHint(errors.New("--signer is neither a public key (64 hex digits) nor a file"),
				"pass the public key that 'leakcheck keygen --signing' printed, or 'leakcheck key fingerprint SIGNING-KEY-FILE' prints")
		}
		return nil, withHint(fmt.Errorf("--signer %s is neither a public key (64 hex digits) nor a readable file", v),
			"pass the public key that 'leakcheck keygen --signing' printed, or a file holding it")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPublicKeyFileSize))
	if err != nil {
		return nil, fmt.Errorf("reading --signer file %s: %w", v, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if strings.HasPrefix(s, keyhash.SigningKeyPrefix) || strings.HasPrefix(s, keyhash.KeyPrefix) {
			return nil, withHint(fmt.Errorf("--signer file %s holds a private key", v),
				"give the public key instead: 'leakcheck key fingerprint "+v+"' prints it; the private signing key never needs to leave the analyst")
		}
		s = strings.TrimSpace(strings.TrimPrefix(s, "public key:"))
		pub, err := keyhash.ParsePublicKey(s)
		if err != nil {
			return nil, fmt.Errorf("--signer file %s: %w", v, err)
		}
		return pub, nil
	}
	return nil, fmt.Errorf("--signer file %s holds no public key", v)
}
