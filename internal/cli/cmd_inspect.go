package cli

import (
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/report"
)

type inspectOptions struct {
	keyFlags
	format string
	verify bool
}

// inspectResult is inspect's JSON output (docs/report.md).
type inspectResult struct {
	Schema            string       `json:"schema"`
	File              string       `json:"file"`
	FormatVersion     int          `json:"format_version"`
	Size              int64        `json:"size"`
	Header            bloom.Header `json:"header"`
	BitsSet           uint64       `json:"bits_set"`
	Bits              uint64       `json:"bits"`
	FillRatio         float64      `json:"fill_ratio"`
	FalsePositiveRate float64      `json:"false_positive_rate"`
	MeanDistinctBits  float64      `json:"mean_distinct_bits"`
	ChecksumOK        bool         `json:"checksum_ok"`
	MACVerified       bool         `json:"mac_verified"`
	SignatureVerified bool         `json:"signature_verified"`
}

func newInspectCmd(e *env) *cobra.Command {
	var o inspectOptions
	cmd := &cobra.Command{
		Use:   "inspect FILTER",
		Short: "Show what a filter holds (no key needed)",
		Long: `Show a filter's header: when and how it was built, its indexes and entry
counts, Bloom parameters, salt and key check value, plus its fill ratio and
false-positive rate, computed for the filter's real geometry (bloom/FORMAT.md
§4.1). The checksum (and any signature) is always
verified; with --verify and the key, the MAC is verified too.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runInspect(e, o, args[0]) },
	}
	cmd.Flags().StringVar(&o.format, "format", "text", "output format: "+summaryFormatList+" (schema leakcheck.inspect/v1)")
	cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(summaryFormats, cobra.ShellCompDirectiveNoFileComp))
	cmd.Flags().BoolVar(&o.verify, "verify", false, "verify the key check value and MAC too (needs --key or --passphrase)")
	cmd.Flags().StringVar(&o.keyFile, "key", "", "key file, for --verify (or set "+KeyFileEnv+")")
	o.keyFlags.addPassphraseFlag(cmd)
	return cmd
}

func runInspect(e *env, o inspectOptions, path string) error {
	asJSON, err := parseSummaryFormat(o.format)
	if err != nil {
		return err
	}
	dec, file, err := openFilter(e, path)
	if err != nil {
		return err
	}
	defer file.Close()
	var macKey []byte
	if o.verify {
		defer o.keyFlags.wipe()
		master, keys, err := o.keyFlags.unlock(e, dec, path)
		if err != nil {
			return err
		}
		defer master.Wipe()
		defer keys.Wipe()
		macKey = keys.MACKey()
	}
	f, err := dec.Body(macKey)
	if err != nil {
		return filterError(path, err)
	}
	ones, total := f.Fill()
	r := inspectResult{
		Schema: "leakcheck.inspect/v1", File: report.Printable(path), FormatVersion: dec.Version, Size: dec.FileSize(),
		Header: printableHeader(f.Header), BitsSet: ones, Bits: total, FillRatio: float64(ones) / float64(total),
		FalsePositiveRate: f.FalsePositiveRate(), MeanDistinctBits: f.Header.Bloom.MeanDistinctBits(), ChecksumOK: true, MACVerified: o.verify,
		SignatureVerified: f.Header.Signer != nil,
	}
	if asJSON {
		return writeJSON(e.stdout, r)
	}
	h := r.Header
	tw := tabwriter.NewWriter(e.stdout, 2, 8, 2, ' ', 0)
	row := func(k, format string, args ...any) {
		fmt.Fprintf(tw, "  %s\t"+format+"\n", append([]any{k}, args...)...)
	}
	fmt.Fprintf(tw, "Filter %s\n", r.File)
	row("format", "version %d, %s", r.FormatVersion, byteSize(r.Size))
	row("created", "%s by %s", h.Created.UTC().Format("2006-01-02 15:04:05 MST"), h.Tool)
	row("normalization", "version %d, default phone region %s", h.Normalization, h.Region)
	switch {
	case h.Key.OPRF != nil:
		row("key", "OPRF key mode (RFC 9497 VOPRF, %s), public key %s", h.Key.OPRF.Suite, hex.EncodeToString(h.Key.OPRF.PublicKey))
	case h.Key.Argon2id != nil:
		a := h.Key.Argon2id
		row("key", "from a passphrase (argon2id, time %d, memory %d MiB, %d threads)", a.Time, a.MemoryKiB/1024, a.Threads)
	default:
		row("key", "from a key file")
	}
	row("entry hash", "%s, salt %s", h.Hash, hex.EncodeToString(h.Salt))
	row("key check", "%s", hex.EncodeToString(h.KeyCheck))
	row("dump records", "%s", report.Thousands(h.Records))
	row("dump fields", "%s", strings.Join(h.Fields, ", "))
	for i, ix := range h.Indexes {
		k := ""
		if i == 0 {
			k = "indexes"
		}
		row(k, "%-28s %s entries", ix.Name, report.Thousands(int64(ix.Entries)))
	}
	row("bloom", "%d partition(s) × %s bits, k=%d, sized for %s entries at %.0e", h.Bloom.Partitions, report.Thousands(int64(h.Bloom.M)), h.Bloom.K, report.Thousands(int64(h.Bloom.Capacity)), h.Bloom.TargetFPR)
	row("fill", "%.2f%% of bits set", 100*r.FillRatio)
	row("bit locations", "%.1f distinct bits per entry on average (of k=%d)", r.MeanDistinctBits, h.Bloom.K)
	row("false positives", "%.2e for this filter's geometry and fill (about 1 in %s)", r.FalsePositiveRate, oneIn(r.FalsePositiveRate))
	integrity := "checksum OK; MAC not verified (use --verify with the key)"
	if r.MACVerified {
		integrity = "checksum OK; key check OK; MAC OK"
	}
	row("integrity", "%s", integrity)
	if h.Signer != nil {
		row("signature", "Ed25519 by %s: OK", hex.EncodeToString(h.Signer))
	} else {
		row("signature", "none")
	}
	return tw.Flush()
}

// printableHeader is h with every string the file controls escaped
// (report.Printable): inspect needs no key, so whoever made the file chose
// them, and a crafted tool name could otherwise clear the screen and forge
// an "integrity … MAC OK" line (issue 13). The header's other strings are
// checked against fixed values by the decoder (bloom/FORMAT.md §2).
func printableHeader(h bloom.Header) bloom.Header {
	h.Tool = report.Printable(h.Tool)
	h.Region = report.Printable(h.Region)
	h.Hash = report.Printable(h.Hash)
	clean := func(ss []string) []string {
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = report.Printable(s)
		}
		if ss == nil {
			return nil
		}
		return out
	}
	h.Fields = clean(h.Fields)
	h.ColumnKinds = clean(h.ColumnKinds)
	h.Indexes = slices.Clone(h.Indexes)
	for i := range h.Indexes {
		h.Indexes[i].Name = report.Printable(h.Indexes[i].Name)
		h.Indexes[i].Fields = clean(h.Indexes[i].Fields)
	}
	if h.Key.OPRF != nil {
		o := *h.Key.OPRF
		o.Suite = report.Printable(o.Suite)
		h.Key.OPRF = &o
	}
	return h
}

// oneIn renders 1/p for people: "a million", "3.2 billion".
func oneIn(p float64) string {
	if p <= 0 {
		return "never"
	}
	x := 1 / p
	switch {
	case x >= 1e12:
		return fmt.Sprintf("%.1e", x)
	case x >= 1e9:
		return fmt.Sprintf("%.1f billion", x/1e9)
	case x >= 1e6:
		return fmt.Sprintf("%.1f million", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.1f thousand", x/1e3)
	}
	return fmt.Sprintf("%.0f", x)
}
