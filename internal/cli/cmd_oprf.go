package cli

import (
	"encoding/hex"
	"fmt"
	"time"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/keyhash"
	"github.com/leakcheck/leakcheck/internal/oprf"
)

// This file holds the OPRF key mode's key handling (docs/threat-model.md):
// keygen --oprf and build --oprf-key.

func runKeygenOPRF(e *env, path string) error {
	sk, err := keyhash.GenerateOPRF()
	if err != nil {
		return err
	}
	if err := keyhash.WriteOPRFKeyFile(path, sk, time.Now()); err != nil {
		return err
	}
	pk := sk.Public()
	master := keyhash.OPRFMaster(pk[:])
	fmt.Fprintf(e.stdout, "wrote %s (mode 0600)\npublic key: %s\nfingerprint: %s\n", path, hex.EncodeToString(pk[:]), master.Fingerprint())
	return nil
}

// loadOPRFKey reads the analyst's OPRF key file.
func loadOPRFKey(path string) (*oprf.PrivateKey, error) {
	sk, err := keyhash.LoadOPRFKeyFile(path)
	if err != nil {
		return nil, withHint(err, "make one with 'leakcheck keygen --oprf -o analyst.oprfkey' (mode 0600; it never leaves the analyst)")
	}
	return sk, nil
}

// oprfBuildKey is what build needs in the OPRF key mode: the public master
// key the filter's key check and MAC keys come from, the header's key info,
// and the evaluator of identifier keys.
func oprfBuildKey(sk *oprf.PrivateKey, salt []byte) (keyhash.Key, bloom.KeyInfo, *keyhash.DirectOPRF) {
	pk := sk.Public()
	info := bloom.KeyInfo{Source: bloom.KeySourceOPRF, OPRF: &bloom.OPRFKey{Suite: bloom.OPRFSuite, PublicKey: pk[:]}}
	return keyhash.OPRFMaster(pk[:]), info, &keyhash.DirectOPRF{Private: sk, Salt: salt}
}
