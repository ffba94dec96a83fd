package cli

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakcheck/leakcheck/exchange"
	"github.com/leakcheck/leakcheck/internal/engine"
	"github.com/leakcheck/leakcheck/internal/oprfexchange"

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
	now := time.Now()
	info, err := e.writeKey(path, func() []byte { return keyhash.EncodeOPRFKeyFile(sk, now) },
		func() error { return keyhash.WriteOPRFKeyFile(path, sk, now) })
	if err != nil {
		return err
	}
	pk := sk.Public()
	master := keyhash.OPRFMaster(pk[:])
	if path != stdio {
		fmt.Fprintf(info, "wrote %s (mode 0600)\n", path)
	}
	fmt.Fprintf(info, "public key: %s\nfingerprint: %s\n", hex.EncodeToString(pk[:]), master.Fingerprint())
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

// oprfCheck is check's side of the OPRF key mode: --response and --state.
type oprfCheck struct {
	response, state string
	rows            []exchange.InputDigest // what blind read
}

func (c *oprfCheck) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&c.response, "response", "", "OPRF key mode: the analyst's response to this registry's request ('leakcheck evaluate'), or - for standard input")
	cmd.Flags().StringVar(&c.state, "state", "", "OPRF key mode: the state file 'leakcheck blind' wrote with the request")
	cmd.MarkFlagFilename("response", "lcr")
	cmd.MarkFlagFilename("state", "lcs")
}

// keys verifies and finalizes the response for a filter in the OPRF key
// mode; for a shared-key filter it returns nil.
func (c *oprfCheck) keys(e *env, u *unlockedFilter, filterPath string, ins []*engine.Input) (engine.IdentifierKeys, error) {
	h := &u.f.Header
	if !h.IsOPRF() {
		if c.response != "" || c.state != "" {
			return nil, withHint(errors.New("--response and --state are for filters in the OPRF key mode; this filter is in the shared-key mode"), "check it with --key FILE (or --passphrase)")
		}
		return nil, nil
	}
	if c.response == "" || c.state == "" {
		return nil, withHint(fmt.Errorf("filter %s is in the OPRF key mode: check needs --response and --state", filterPath),
			"run 'leakcheck blind --filter "+filterPath+" --state FILE -o request.lcq REGISTRY…', have the analyst run 'leakcheck evaluate', then 'leakcheck check --filter "+filterPath+" --response response.lcr --state FILE REGISTRY…'")
	}
	st, closeState, err := openState(c.state)
	if err != nil {
		return nil, err
	}
	defer closeState()
	defer st.Wipe()
	if !bytes.Equal(st.Header.PublicKey, h.Key.OPRF.PublicKey) || !bytes.Equal(st.Header.Salt, h.Salt) {
		return nil, withHint(fmt.Errorf("state file %s was made for another filter than %s", c.state, filterPath), "use the state file blind wrote for this filter")
	}
	if err := sameRegistry(c.state, st.Header.Inputs, ins); err != nil {
		return nil, err
	}
	c.rows = st.Header.Inputs
	in, _, closeIn, err := e.binaryInput(c.response, "response")
	if err != nil {
		return nil, err
	}
	defer closeIn()
	resp, err := exchange.NewResponseReader(in)
	if err != nil {
		return nil, exchangeError("response", c.response, err)
	}
	pk := oprf.PublicKey(h.Key.OPRF.PublicKey)
	keys, err := oprfexchange.Finalize(e.ctx, st, resp, &pk, 0)
	if err != nil {
		var fe *exchange.FormatError
		if errors.As(err, &fe) && fe.What == "state file" { // its blinded elements are read beside the response
			return nil, exchangeError("state file", c.state, err)
		}
		if fe := exchangeError("response", c.response, err); fe != err {
			return nil, fe
		}
		return nil, withHint(fmt.Errorf("response %s refused: %w", displayPath(c.response), err),
			"nothing was concluded: the response must be the analyst's evaluation, with the filter's OPRF key, of exactly the request blind wrote with this state file")
	}
	return keys, nil
}

// after refuses a check that did not read what blind read.
func (c *oprfCheck) after(ids engine.IdentifierKeys, res *engine.CheckResult) error {
	k, ok := ids.(*oprfexchange.Keys)
	if !ok {
		return nil
	}
	for i, a := range res.Sources {
		if i < len(c.rows) && a.Read != c.rows[i].Rows {
			return withHint(fmt.Errorf("%s: %d rows read, blind read %d: the registry changed since 'leakcheck blind'", a.Source, a.Read, c.rows[i].Rows), "run blind and evaluate again on the registry as it is now")
		}
	}
	if n := k.Unused(); n > 0 {
		return withHint(fmt.Errorf("%d identifier values that blind read are no longer in the registry: it changed since 'leakcheck blind'", n), "run blind and evaluate again on the registry as it is now")
	}
	return nil
}

func displayPath(p string) string {
	if p == "-" {
		return "from standard input"
	}
	return p
}

// openState opens a state file, which must be private to its owner, and
// reads it up to its blinded elements (Finalize reads those batch by batch).
func openState(path string) (*exchange.StateReader, func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("opening state file: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		f.Close()
		return nil, nil, withHint(fmt.Errorf("state file %s is readable by other users (mode %04o)", path, perm), "fix with: chmod 600 "+path+"; it holds the blinding secrets of the registry's identifiers")
	}
	size := int64(-1)
	if fi.Mode().IsRegular() {
		size = fi.Size()
	}
	st, err := exchange.NewStateReader(f, size)
	if err != nil {
		f.Close()
		return nil, nil, exchangeError("state file", path, err)
	}
	return st, func() { f.Close() }, nil
}

// sameRegistry refuses registry inputs that differ from those blind read:
// other names, or a regular file whose size or SHA-256 changed.
func sameRegistry(statePath string, was []exchange.InputDigest, ins []*engine.Input) error {
	hint := "run blind and evaluate again on the registry as it is now, or check the registry blind read"
	if len(was) != len(ins) {
		return withHint(fmt.Errorf("blind read %d registry inputs, check was given %d (state file %s)", len(was), len(ins), statePath), hint)
	}
	now, err := inputDigests(ins, nil)
	if err != nil {
		return err
	}
	for i := range was {
		switch {
		case was[i].Name != now[i].Name:
			return withHint(fmt.Errorf("registry input %d is %s; blind read %s", i+1, now[i].Name, was[i].Name), hint)
		case was[i].SHA256 != nil && (now[i].Size != was[i].Size || !bytes.Equal(now[i].SHA256, was[i].SHA256)):
			return withHint(fmt.Errorf("registry file %s changed since 'leakcheck blind' (its size or SHA-256 differs)", now[i].Name), hint)
		}
	}
	return nil
}

// probeOPRF returns the key holder's PRF evaluator for probing a filter in
// the OPRF key mode (nil for a shared-key filter). Only the holder of the
// filter's OPRF key can probe such a filter directly: anyone else needs an
// evaluation for each identifier, like any registry lookup.
func probeOPRF(path string, u *unlockedFilter, keyPath string) (*keyhash.DirectOPRF, error) {
	h := &u.f.Header
	if !h.IsOPRF() {
		if keyPath != "" {
			return nil, withHint(fmt.Errorf("filter %s is in the shared-key mode; --oprf-key is for filters built with --oprf-key", path), "probe it with --key FILE")
		}
		return nil, nil
	}
	if keyPath == "" {
		return nil, withHint(fmt.Errorf("filter %s is in the OPRF key mode: only the holder of its OPRF key can probe it directly", path),
			"the analyst probes with --oprf-key FILE; a registry tests its identifiers through 'leakcheck blind', the analyst's 'leakcheck evaluate' and 'check --response'")
	}
	sk, err := loadOPRFKey(keyPath)
	if err != nil {
		return nil, err
	}
	if pk := sk.Public(); !bytes.Equal(pk[:], h.Key.OPRF.PublicKey) {
		return nil, withHint(fmt.Errorf("wrong OPRF key for %s: the filter was built with another (its public key differs)", path), "use the OPRF key the filter was built with")
	}
	return &keyhash.DirectOPRF{Private: sk, Salt: h.Salt}, nil
}
