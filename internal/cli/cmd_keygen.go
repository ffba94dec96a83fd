package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakcheck/leakcheck/internal/keyhash"
)

type keygenOptions struct {
	output  string
	signing bool
	oprf    bool
}

func newKeygenCmd(e *env) *cobra.Command {
	var o keygenOptions
	cmd := &cobra.Command{
		Use:   "keygen -o FILE",
		Short: "Make a new 256-bit key file (mode 0600, never overwrites)",
		Long: `Make a new random 256-bit key and write it to FILE with mode 0600.
leakcheck never overwrites an existing file. Only the key's fingerprint is
printed, so that both parties can compare it over the phone.

Use one key per engagement, share it out of band, and destroy it afterwards.

With --signing, make an Ed25519 signing key instead (for 'build --sign'): the
file holds the private key (mode 0600, never overwritten) and its public key is
printed, for others to check signed filters with 'leakcheck verify --signer'.

With --oprf, make the analyst's OPRF private key (RFC 9497 VOPRF,
ristretto255-SHA512) for the OPRF key mode: 'build --oprf-key' builds filters
that hold its public key, and 'evaluate' answers registries' blinded requests
with it. It never leaves the analyst; nobody else needs a key. Its public key
and fingerprint are printed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runKeygen(e, o) },
	}
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "key file to create (required; \"-\": standard output)")
	cmd.Flags().BoolVar(&o.signing, "signing", false, "make an Ed25519 signing key for 'build --sign' instead of a hashing key")
	cmd.Flags().BoolVar(&o.oprf, "oprf", false, "make an OPRF private key for the OPRF key mode ('build --oprf-key', 'evaluate') instead of a shared key")
	return cmd
}

func runKeygen(e *env, o keygenOptions) error {
	if o.output == "" {
		return withHint(errors.New("no output file"), "run 'leakcheck keygen -o engagement.key'")
	}
	if o.signing && o.oprf {
		return errors.New("--signing and --oprf make different keys: choose one")
	}
	if o.signing {
		return runKeygenSigning(e, o.output)
	}
	if o.oprf {
		return runKeygenOPRF(e, o.output)
	}
	k, err := keyhash.Generate()
	if err != nil {
		return err
	}
	defer k.Wipe()
	now := time.Now()
	info, err := e.writeKey(o.output, func() []byte { return keyhash.EncodeKeyFile(&k, now) },
		func() error { return keyhash.WriteKeyFile(o.output, &k, now) })
	if err != nil {
		return err
	}
	if o.output != stdio {
		fmt.Fprintf(info, "wrote %s (mode 0600)\n", o.output)
	}
	fmt.Fprintf(info, "fingerprint: %s\n", k.Fingerprint())
	return nil
}
