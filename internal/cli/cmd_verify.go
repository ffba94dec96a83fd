package cli

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/keyhash"
	"github.com/leakcheck/leakcheck/internal/safefile"
)

type verifyOptions struct {
	signer string
	format string
}

// verifyResult is verify's JSON output (schema leakcheck.verify/v1,
// docs/commands.schema.json). It is printed only when the filter verified:
// any failure is an error (exit 2) on standard error.
type verifyResult struct {
	Schema     string    `json:"schema"`
	File       string    `json:"file"`
	SHA256     string    `json:"sha256"`
	Created    time.Time `json:"created"`
	ChecksumOK bool      `json:"checksum_ok"`
	Signed     bool      `json:"signed"`
	// Signer is the public key the filter is signed by (64 hex digits).
	Signer string `json:"signer,omitempty"`
	// SignerChecked says --signer was given, and the filter is signed by it.
	SignerChecked bool `json:"signer_checked"`
	// MACChecked is always false: the MAC needs the hashing key (inspect --verify).
	MACChecked bool `json:"mac_checked"`
}

func newVerifyCmd(e *env) *cobra.Command {
	var o verifyOptions
	cmd := &cobra.Command{
		Use:   "verify FILTER [--signer PUBKEY|FILE]",
		Short: "Check a filter's checksum and signature (no key needed)",
		Long: `Check a filter's SHA-256 checksum and its Ed25519 signature, without the
hashing key, and print who signed it, when it says it was built, and the
SHA-256 of the whole file.

An analyst who publishes a signed filter (or just its SHA-256) commits to the
data they held at that time without revealing it: later, anyone can check that
a filter is the one that was published and who signed it. See
docs/threat-model.md.

With --signer, the filter must be signed by that public key (64 hex digits, or
a file holding them, as 'leakcheck keygen --signing' and 'leakcheck key
fingerprint' print them). Without --signer, a signature only shows that
whoever holds the key in the filter's header signed it: anyone can make a key.

The MAC needs the hashing key: check it with 'leakcheck inspect --verify'.

Exit codes: 0 verified; 2 damaged, bad signature, unsigned (with --signer),
signed by someone else, or any other error.`,
		Example: `  leakcheck verify dump.lcf
  leakcheck verify --signer 3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29 dump.lcf
  leakcheck verify --signer analyst.pub dump.lcf`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runVerify(e, o, args[0]) },
	}
	cmd.Flags().StringVar(&o.signer, "signer", "", "expected signer: Ed25519 public key as 64 hex digits, or a file holding it")
	cmd.Flags().StringVar(&o.format, "format", "text", "output format: "+summaryFormatList+" (schema leakcheck.verify/v1)")
	cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(summaryFormats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runVerify(e *env, o verifyOptions, path string) error {
	asJSON, err := parseSummaryFormat(o.format)
	if err != nil {
		return err
	}
	var want ed25519.PublicKey
	if o.signer != "" {
		var err error
		if want, err = parseSigner(o.signer); err != nil {
			return err
		}
	}
	if _, err := os.Stat(path); err != nil && looksLikeKeyMaterial(path) {
		return withHint(errors.New("verify takes the path of a filter, and this looks like a key"),
			"never put key material on the command line (it shows in ps and shell history); if it was, make a new key")
	}
	var file io.Reader = e.stdin // "-": the filter on standard input
	size := int64(-1)
	if path != stdio {
		f, err := safefile.OpenRead(path) // a named pipe must not block
		if err != nil {
			return fmt.Errorf("opening filter: %w", err)
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return fmt.Errorf("reading filter %s: %w", path, err)
		}
		if st.Mode().IsRegular() {
			size = st.Size()
		}
		file = f
	}
	// The decoder reads the file to its end (it checks for trailing data),
	// so this hashes exactly the bytes that were verified.
	whole := sha256.New()
	dec, err := bloom.NewDecoder(io.TeeReader(file, whole), size)
	if err != nil {
		return filterError(path, err)
	}
	f, err := dec.Body(nil)
	if err != nil {
		return filterError(path, err)
	}
	h := f.Header
	if want != nil {
		if h.Signer == nil {
			return withHint(fmt.Errorf("filter %s is not signed, and --signer asks for a signature", path),
				"ask the analyst for the filter they signed ('leakcheck build --sign')")
		}
		if !bytes.Equal(want, h.Signer) {
			return withHint(fmt.Errorf("filter %s is signed by %s, not by the signer given with --signer", path, keyhash.PublicKeyString(h.Signer)),
				"do not trust this filter as the analyst's: someone else signed it")
		}
	}
	sum := hex.EncodeToString(whole.Sum(nil))
	if asJSON {
		r := verifyResult{Schema: "leakcheck.verify/v1", File: path, SHA256: sum, Created: h.Created.UTC(), ChecksumOK: true,
			Signed: h.Signer != nil, SignerChecked: want != nil}
		if h.Signer != nil {
			r.Signer = keyhash.PublicKeyString(h.Signer)
		}
		return writeJSON(e.stdout, r)
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 8, 2, ' ', 0)
	row := func(k, format string, args ...any) {
		fmt.Fprintf(tw, "  %s\t"+format+"\n", append([]any{k}, args...)...)
	}
	fmt.Fprintf(tw, "Filter %s\n", path)
	row("sha256", "%s", sum)
	row("created", "%s (stated by whoever built it; publishing the sha256 proves a date)", h.Created.UTC().Format("2006-01-02 15:04:05 MST"))
	row("checksum", "OK")
	switch {
	case h.Signer == nil:
		row("signature", "none: the filter is not signed")
	default:
		row("signature", "OK, Ed25519")
		row("signer", "%s", keyhash.PublicKeyString(h.Signer))
	}
	switch {
	case want == nil && h.Signer != nil:
		row("expected signer", "not checked: pass --signer with the analyst's public key to know who signed")
	case want != nil:
		row("expected signer", "matches --signer")
	}
	row("mac", "not checked here (needs the hashing key: 'leakcheck inspect --verify')")
	return tw.Flush()
}
