package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/keyhash"
)

// KeyFileEnv names the environment variable that may hold the key file path.
const KeyFileEnv = "LEAKCHECK_KEY_FILE"

// keyFlags are the key options shared by build, check and inspect --verify.
type keyFlags struct {
	keyFile    string
	passphrase bool       // --passphrase (passphrase.go)
	cache      *passCache // shared by copies of the options; see addPassphraseFlag
}

func (k *keyFlags) path() string {
	if k.keyFile != "" {
		return k.keyFile
	}
	return os.Getenv(KeyFileEnv)
}

// load reads the master key named by --key or LEAKCHECK_KEY_FILE.
func (k *keyFlags) load() (keyhash.Key, bloom.KeyInfo, error) {
	p := k.path()
	if p == "" {
		return keyhash.Key{}, bloom.KeyInfo{}, withHint(errors.New("no key given"),
			"pass --key FILE (made with 'leakcheck keygen -o FILE') or set "+KeyFileEnv)
	}
	key, err := keyhash.LoadKeyFile(p)
	if err != nil {
		if errors.Is(err, keyhash.ErrKeyFilePermissions) {
			return key, bloom.KeyInfo{}, withHint(err, "the key is the only thing protecting the identifiers in a filter: keep it private")
		}
		if _, statErr := os.Stat(p); statErr != nil && looksLikeKeyMaterial(p) {
			what := "--key"
			if k.keyFile == "" {
				what = KeyFileEnv
			}
			return key, bloom.KeyInfo{}, withHint(errors.New(what+" takes the path of a key file, not the key itself"),
				"never put key material on the command line (it shows in ps and shell history); if it was, make a new key")
		}
		return key, bloom.KeyInfo{}, err
	}
	return key, bloom.KeyInfo{Source: "keyfile"}, nil
}

// looksLikeKeyMaterial spots a key pasted where a path belongs.
func looksLikeKeyMaterial(s string) bool {
	if strings.HasPrefix(s, keyhash.KeyPrefix) || strings.HasPrefix(s, keyhash.SigningKeyPrefix) {
		return true
	}
	if len(s) < 32 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '-') {
			return false
		}
	}
	return true
}

// filterKeys derives a filter's keys from the master key and checks the key
// check value: a wrong key is an error, never a clean result.
func filterKeys(master *keyhash.Key, h *bloom.Header, filterName string) (*keyhash.Keys, error) {
	keys, err := keyhash.ForHeader(master, h)
	if err != nil {
		return nil, err // the header was validated: cannot happen
	}
	if string(keys.KeyCheck()) != string(h.KeyCheck) {
		keys.Wipe()
		if h.Key.Source == "passphrase" {
			return nil, withHint(fmt.Errorf("wrong passphrase for %s: the filter was built from a different passphrase (key check failed)", filterName),
				"type the passphrase the analyst used: it is compared byte for byte, so case, spaces and keyboard layout matter")
		}
		return nil, withHint(fmt.Errorf("wrong key for %s: the filter was built with a different key (key check failed)", filterName),
			"use the key the analyst built the filter with; compare 'leakcheck key fingerprint KEYFILE' on both sides (by phone)")
	}
	return keys, nil
}
