package cli

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/leakcheck/leakcheck/internal/keyhash"
)

func newKeyCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key",
		Short: "Work with key files (fingerprint)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return withHint(errors.New("'leakcheck key' needs a subcommand"), "run 'leakcheck key fingerprint FILE'")
		},
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "fingerprint FILE",
		Short: "Print a key file's fingerprint, to compare by phone",
		Long: `Print the fingerprint of a key file made by 'leakcheck keygen', so that the
analyst and the registry can read it to each other over the phone and be sure
they hold the same key. The fingerprint reveals nothing about the key.

For a signing key (keygen --signing) it prints the public key instead: that is
what others pass to 'leakcheck verify --signer'.`,
		Example: `  leakcheck key fingerprint engagement.key
  leakcheck key fingerprint analyst.sign > analyst.pub`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runKeyFingerprint(e, args[0]) },
	})
	return cmd
}

func runKeyFingerprint(e *env, path string) error {
	if _, err := os.Stat(path); err != nil && looksLikeKeyMaterial(path) {
		return withHint(errors.New("'key fingerprint' takes the path of a key file, not the key itself"),
			"never put key material on the command line (it shows in ps and shell history); if it was, make a new key")
	}
	key, err := keyhash.LoadKeyFile(path)
	if err == nil {
		defer key.Wipe()
		fmt.Fprintln(e.stdout, key.Fingerprint())
		return nil
	}
	if errors.Is(err, keyhash.ErrKeyFilePermissions) {
		return withHint(err, "the key is the only thing protecting the identifiers in a filter: keep it private")
	}
	priv, serr := keyhash.LoadSigningKeyFile(path)
	if serr != nil {
		return withHint(err, "make a key with 'leakcheck keygen -o FILE' (or 'keygen --signing' for a signing key)")
	}
	defer clear(priv)
	fmt.Fprintln(e.stdout, keyhash.PublicKeyString(priv.Public().(ed25519.PublicKey)))
	return nil
}
