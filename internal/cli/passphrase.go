package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/keyhash"
)

// PassphraseFileEnv names the environment variable that may name a file
// holding the passphrase, for automation and tests. The file must have mode
// 0600. There is deliberately no variable that holds the passphrase itself:
// a process's environment is readable by the same user's other processes and
// ends up in crash reports and CI logs.
const PassphraseFileEnv = "LEAKCHECK_PASSPHRASE_FILE"

// MinPassphraseChars is the shortest passphrase build accepts. It is a floor
// against accidents, not a strength meter: see docs/threat-model.md.
const MinPassphraseChars = 12

// passCache keeps a passphrase typed once for the whole command (check with
// several filters asks once), and each key stretched from it, by Argon2id
// parameters, so that a filter opened twice (checked for its MAC before
// the registry is read, then checked) pays for Argon2id once. keyFlags.wipe
// clears it.
type passCache struct {
	pass []byte
	keys map[string]keyhash.Key
}

// stretches counts Argon2id derivations of existing filters' keys (for tests).
var stretches atomic.Int64

// stretched returns the key pass stretches to under p, deriving it at most
// once per command. The caller may wipe its copy.
func (k *keyFlags) stretched(pass []byte, p *bloom.Argon2id) (keyhash.Key, error) {
	id := fmt.Sprintf("%d/%d/%d/%x", p.Time, p.MemoryKiB, p.Threads, p.Salt)
	if k.cache != nil {
		if key, ok := k.cache.keys[id]; ok {
			return key, nil
		}
	}
	stretches.Add(1)
	key, err := keyhash.FromPassphrase(pass, p)
	if err != nil || k.cache == nil {
		return key, err
	}
	if k.cache.keys == nil {
		k.cache.keys = map[string]keyhash.Key{}
	}
	k.cache.keys[id] = key
	return key, nil
}

// addPassphraseFlag registers --passphrase. Call it where the command's
// options are declared, so that every copy of the options shares one cache.
func (k *keyFlags) addPassphraseFlag(cmd *cobra.Command) {
	k.cache = &passCache{}
	cmd.Flags().BoolVar(&k.passphrase, "passphrase", false,
		"derive the key from a passphrase typed at the terminal (Argon2id) instead of --key; for automation set "+PassphraseFileEnv+" to a mode-0600 file")
}

// wipe clears a cached passphrase.
func (k *keyFlags) wipe() {
	if k.cache != nil {
		clear(k.cache.pass)
		k.cache.pass = nil
		for id := range k.cache.keys {
			k.cache.keys[id] = keyhash.Key{}
			delete(k.cache.keys, id)
		}
	}
}

func (k *keyFlags) exclusive() error {
	if k.passphrase && k.keyFile != "" {
		return withHint(errors.New("--key and --passphrase cannot be used together"),
			"a filter's key comes from either a key file or a passphrase: give only the one it was built with")
	}
	return nil
}

// forBuild returns the master key for a new filter and what the header says
// about it. With --passphrase it asks twice and stretches the passphrase with
// fresh Argon2id parameters, which go into the header.
func (k *keyFlags) forBuild(e *env) (keyhash.Key, bloom.KeyInfo, error) {
	if err := k.exclusive(); err != nil {
		return keyhash.Key{}, bloom.KeyInfo{}, err
	}
	if !k.passphrase {
		return k.load()
	}
	pass, err := k.readPassphrase(e, "passphrase for the new filter: ", true)
	if err != nil {
		return keyhash.Key{}, bloom.KeyInfo{}, err
	}
	defer clear(pass)
	params, err := keyhash.NewArgon2id()
	if err != nil {
		return keyhash.Key{}, bloom.KeyInfo{}, err
	}
	key, err := keyhash.FromPassphrase(pass, params)
	if err != nil {
		return key, bloom.KeyInfo{}, err
	}
	return key, bloom.KeyInfo{Source: "passphrase", Argon2id: params}, nil
}

// forFilter returns the master key the filter with header h needs: from the
// key file, or from the passphrase stretched with the header's Argon2id
// parameters. Asking for the wrong kind is an error that says which the
// filter needs.
func (k *keyFlags) forFilter(e *env, h *bloom.Header, name string) (keyhash.Key, error) {
	if err := k.exclusive(); err != nil {
		return keyhash.Key{}, err
	}
	switch h.Key.Source {
	case "passphrase":
		if !k.passphrase {
			if k.keyFile != "" {
				return keyhash.Key{}, withHint(fmt.Errorf("filter %s was built from a passphrase, not a key file", name),
					"use --passphrase instead of --key")
			}
			if k.path() != "" {
				return keyhash.Key{}, withHint(fmt.Errorf("filter %s was built from a passphrase, not a key file (%s is set)", name, KeyFileEnv),
					"add --passphrase")
			}
			return keyhash.Key{}, withHint(fmt.Errorf("no passphrase given: filter %s was built from a passphrase", name),
				"add --passphrase and type the passphrase the analyst gave you")
		}
		pass, cached, err := k.filterPassphrase(e, name)
		if err != nil {
			return keyhash.Key{}, err
		}
		if !cached {
			defer clear(pass)
		}
		key, err := k.stretched(pass, h.Key.Argon2id)
		if err != nil {
			return key, withHint(fmt.Errorf("filter %s: %w", name, err),
				"the filter's passphrase parameters are unusable: ask the analyst for the filter again")
		}
		return key, nil
	case bloom.KeySourceOPRF:
		if k.passphrase || k.keyFile != "" {
			return keyhash.Key{}, withHint(fmt.Errorf("filter %s is in the OPRF key mode: it is checked without a shared key", name),
				"drop --key/--passphrase; the registry runs 'leakcheck blind', the analyst 'leakcheck evaluate', and the registry 'leakcheck check --response FILE --state FILE'")
		}
		return keyhash.OPRFMaster(h.Key.OPRF.PublicKey), nil
	default: // "keyfile"; the decoder refuses any other source
		if k.passphrase {
			return keyhash.Key{}, withHint(fmt.Errorf("filter %s was built with a key file, not a passphrase", name),
				"use --key FILE (or set "+KeyFileEnv+") instead of --passphrase")
		}
		key, _, err := k.load()
		return key, err
	}
}

// unlock gets the key the filter needs and checks it against the filter's
// key check value. When the check fails it reads the rest of the file
// first, so that a damaged file is reported as damaged rather than as a
// wrong key. The caller wipes both keys.
func (k *keyFlags) unlock(e *env, dec *bloom.Decoder, name string) (keyhash.Key, *keyhash.Keys, error) {
	master, err := k.forFilter(e, &dec.Header, name)
	if err != nil {
		master.Wipe()
		return master, nil, err
	}
	keys, err := filterKeys(&master, &dec.Header, name)
	if err != nil {
		master.Wipe()
		if _, berr := dec.Body(nil); berr != nil {
			return master, nil, filterError(name, berr)
		}
		return master, nil, err
	}
	return master, keys, nil
}

// filterPassphrase returns the passphrase for an existing filter, asking
// only once per command.
func (k *keyFlags) filterPassphrase(e *env, name string) (pass []byte, cached bool, err error) {
	if k.cache != nil && k.cache.pass != nil {
		return k.cache.pass, true, nil
	}
	pass, err = k.readPassphrase(e, "passphrase for "+name+": ", false)
	if err != nil {
		return nil, false, err
	}
	if k.cache != nil {
		k.cache.pass = pass
		return pass, true, nil
	}
	return pass, false, nil
}

// readPassphrase reads the passphrase from the file named by
// LEAKCHECK_PASSPHRASE_FILE, or else from the terminal without echo (twice
// when confirm is set). The caller clears the result.
func (k *keyFlags) readPassphrase(e *env, prompt string, confirm bool) ([]byte, error) {
	if p := os.Getenv(PassphraseFileEnv); p != "" {
		pass, err := keyhash.ReadPassphraseFile(p)
		if err != nil {
			if errors.Is(err, keyhash.ErrPrivateFilePermissions) {
				return nil, withHint(err, "the passphrase protects every identifier in the filter: keep its file private")
			}
			return nil, withHint(err, PassphraseFileEnv+" must name a file holding the passphrase (mode 0600); unset it to type the passphrase instead")
		}
		if confirm {
			if err := newPassphraseOK(pass); err != nil {
				clear(pass)
				return nil, err
			}
		}
		return pass, nil
	}
	pass, err := promptPassphrase(e.ctx, e.stdin, e.stderr, prompt)
	if err != nil {
		return nil, err
	}
	if len(pass) == 0 {
		return nil, errors.New("empty passphrase")
	}
	if confirm {
		// A new passphrase too short is refused before it is asked again.
		if err := newPassphraseOK(pass); err != nil {
			clear(pass)
			return nil, err
		}
		again, err := promptPassphrase(e.ctx, e.stdin, e.stderr, "same passphrase again: ")
		if err != nil {
			clear(pass)
			return nil, err
		}
		same := bytes.Equal(pass, again)
		clear(again)
		if !same {
			clear(pass)
			return nil, withHint(errors.New("the two passphrases differ"), "run the command again and type the same passphrase twice")
		}
	}
	return pass, nil
}

// newPassphraseOK refuses a passphrase for a new filter that is shorter than
// MinPassphraseChars.
func newPassphraseOK(pass []byte) error {
	if utf8.RuneCount(pass) < MinPassphraseChars {
		return withHint(fmt.Errorf("the passphrase is shorter than %d characters", MinPassphraseChars),
			"anyone holding the filter can try passphrases offline: use five or more random words (a diceware list), or use 'leakcheck keygen' and --key instead")
	}
	return nil
}

// errNoTerminal is returned when there is no terminal to ask on.
var errNoTerminal = errors.New("--passphrase needs a terminal to ask for the passphrase, and there is none")

// promptPassphrase asks for a passphrase on the terminal with echo off: on
// standard input when it is a terminal, else on /dev/tty (so that input
// data may come on standard input). An interrupt restores the terminal.
func promptPassphrase(ctx context.Context, stdin io.Reader, stderr io.Writer, prompt string) ([]byte, error) {
	var in *os.File
	var out io.Writer
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		in, out = f, stderr
	} else {
		tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
		if err != nil {
			return nil, withHint(errNoTerminal,
				"run leakcheck in a terminal; for automation, set "+PassphraseFileEnv+" to a file (mode 0600) holding the passphrase, or use --key FILE")
		}
		defer tty.Close()
		if !term.IsTerminal(int(tty.Fd())) {
			return nil, withHint(errNoTerminal, "run leakcheck in a terminal, or use --key FILE")
		}
		in, out = tty, tty
	}
	fd := int(in.Fd())
	state, err := term.GetState(fd)
	if err != nil {
		return nil, fmt.Errorf("reading the passphrase: %w", err)
	}
	fmt.Fprintf(out, "leakcheck: %s", prompt)
	type result struct {
		b   []byte
		err error
	}
	ch := make(chan result, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		ch <- result{b, err}
	}()
	select {
	case r := <-ch:
		fmt.Fprintln(out)
		if r.err != nil {
			clear(r.b)
			return nil, fmt.Errorf("reading the passphrase: %w", r.err)
		}
		return r.b, nil
	case <-ctx.Done():
		term.Restore(fd, state)
		fmt.Fprintln(out)
		return nil, ctx.Err()
	}
}
