package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/engine"
	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/index"
	"github.com/leakcheck/leakcheck/internal/keyhash"
	"github.com/leakcheck/leakcheck/internal/report"
	"github.com/leakcheck/leakcheck/internal/safefile"
)

type buildOptions struct {
	keyFlags
	inputFlags
	output  string
	indexes []string
	fpr     float64
	region  string
	force   bool
	sign    string
	// saltFrom names an existing filter whose key, salt, indexes, region and
	// Bloom parameters a shard takes (cmd_merge.go); capacity sizes the filter
	// for that many entries instead of the input's rows × indexes.
	saltFrom  string
	capacity  uint64
	oprfKey   string // --oprf-key: the OPRF key mode (cmd_oprf.go)
	regionSet bool   // --region was given
	fprSet    bool   // --fpr was given
	format    string // --format: the summary as text (stderr) or json (stdout)
	entryHash string // --entry-hash: the shared-key mode's entry hash (keyhash.EntryHashes)
	hashSet   bool   // --entry-hash was given
}

// DefaultFPR is the default target false-positive rate (docs/report.md).
const DefaultFPR = 1e-6

func newBuildCmd(e *env) *cobra.Command {
	var o buildOptions
	cmd := &cobra.Command{
		Use:   "build --key FILE -o OUT [flags] INPUT...",
		Short: "Hash a suspected dump into a keyed Bloom filter (analyst side)",
		Long: `Hash the records of a suspected dump into a keyed-hash Bloom filter.

Each record's fields are normalized (phone to E.164, names case-folded, …),
combined into indexes (by default: each identifier present, plus phone+name,
phone+yob, phone+name+yob and phone+name+yob+gender), and each index entry is
hashed with SipHash-2-4-128 under a key derived from --key, the filter's random
salt and the index (--entry-hash hmac-sha256-128: HMAC-SHA256, as filters of
format version 1 were). Only those hashes go into the filter. INPUT "-" reads
standard input.`,
		Example: `  leakcheck build --key engagement.key -o dump.lcf forum_sample.csv
  leakcheck build --key engagement.key -o dump.lcf --index phone --index phone+name+yob dump.csv
  leakcheck build --key engagement.key -o dump.lcf --field phone="Contact No" dump.csv
  leakcheck build --passphrase -o dump.lcf dump.csv        # asks twice, without echo
  leakcheck build --key engagement.key --sign analyst.sign -o dump.lcf dump.csv`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.regionSet, o.fprSet = cmd.Flags().Changed("region"), cmd.Flags().Changed("fpr")
			o.hashSet = cmd.Flags().Changed("entry-hash")
			return runBuild(e, o, args)
		},
	}
	cmd.Flags().StringVar(&o.keyFile, "key", "", "key file (or set "+KeyFileEnv+")")
	o.keyFlags.addPassphraseFlag(cmd)
	cmd.Flags().StringVar(&o.oprfKey, "oprf-key", "", "build in the OPRF key mode with this OPRF key file (made with 'keygen --oprf'): the filter holds its public key, and a registry checks it through 'blind' and 'evaluate' instead of a shared key")
	cmd.Flags().StringVar(&o.saltFrom, "salt-from", "", "build a shard of the dump that FILTER was built from: same key, salt, indexes, region, entry hash and Bloom parameters, so that 'leakcheck merge' can combine them")
	cmd.Flags().Uint64Var(&o.capacity, "capacity", 0, "size the filter for this many entries instead of rows × indexes (for the first shard: the whole dump's count)")
	cmd.Flags().StringVar(&o.sign, "sign", "", "sign the filter with this Ed25519 signing key file (made with 'keygen --signing'); see 'leakcheck verify'")
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "filter file to write (required; \"-\": standard output, never a terminal)")
	cmd.Flags().StringArrayVar(&o.indexes, "index", nil, "index to build, fields joined by + (repeatable; default: see above)")
	cmd.Flags().Float64Var(&o.fpr, "fpr", DefaultFPR, "target false-positive rate of the filter")
	cmd.Flags().StringVar(&o.region, "region", "IN", "default region for phone numbers without a country code")
	cmd.Flags().BoolVar(&o.force, "force", false, "replace OUT if it exists")
	cmd.Flags().StringVar(&o.entryHash, "entry-hash", keyhash.DefaultEntryHash.String(), "keyed hash of the entries, one of "+entryHashList()+
		"; "+keyhash.HMACSHA256.String()+" writes a filter of format version 1, which leakcheck releases older than format version 3 can check")
	cmd.RegisterFlagCompletionFunc("entry-hash", cobra.FixedCompletions(entryHashNames(), cobra.ShellCompDirectiveNoFileComp))
	cmd.Flags().StringVar(&o.format, "format", "text", "summary format: text (on standard error) or json (on standard output, schema leakcheck.build/v1)")
	cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(summaryFormats, cobra.ShellCompDirectiveNoFileComp))
	o.inputFlags.add(cmd)
	return cmd
}

func runBuild(e *env, o buildOptions, args []string) error {
	requested, err := o.validate()
	if err != nil {
		return err
	}
	// Checked here so that a bad --region fails before the passphrase is asked;
	// a shard's normalizer is made again below, once its base is open.
	norm, err := fields.NewNormalizer(o.region)
	if err != nil {
		return err
	}
	signer, err := loadSigner(o.sign)
	if err != nil {
		return err
	}
	defer clear(signer)
	// The output, then the inputs, then the key: a passphrase is asked for
	// only once everything else that can fail without it has been checked.
	if o.output != stdio {
		if same := safefile.SameAs(o.output, append([]string{o.keyFlags.path(), os.Getenv(PassphraseFileEnv), o.sign, o.saltFrom}, args...)...); same != "" {
			return withHint(fmt.Errorf("-o %s is the same file as %s, which build reads", o.output, same), "write the filter to a new file")
		}
	}
	out, err := e.createOutput(o.output, 0o644, !o.force, "a binary filter")
	if err != nil {
		return withHint(err, "pass --force to replace it")
	}
	defer out.Abort()
	ins, err := e.openInputs(args, &o.inputFlags)
	if err != nil {
		return err
	}
	defer engine.CloseAll(ins)
	defer o.keyFlags.wipe()
	bk, err := o.buildKey(e, &requested)
	if err != nil {
		return err
	}
	defer bk.wipe()
	if bk.base != nil {
		// A shard normalizes as the filter it joins (its region and its
		// normalization version), so that the two can merge.
		if norm, err = fields.NewNormalizerVersion(o.region, bk.base.f.Header.Normalization); err != nil {
			return err
		}
	}
	ixs, err := engine.BuildIndexes(ins, requested)
	if err != nil {
		return withHint(err, "choose indexes with --index FIELD+FIELD, or map columns with --field NAME=COLUMN")
	}
	if !o.quiet {
		names := make([]string, len(ixs))
		for i, ix := range ixs {
			names[i] = ix.Name()
		}
		e.notef("indexes: %v", names)
		noteUnhashed(e, ins, ixs)
	}
	res, err := engine.Build(e.ctx, ins, engine.BuildOptions{
		Options:     o.engineOptions(e),
		Indexes:     ixs,
		Normalizer:  norm,
		FPR:         o.fpr,
		Params:      bk.params,
		Keys:        bk.keys,
		Identifiers: bk.ids,
		Header: bloom.Header{
			Created:  time.Now().UTC().Truncate(time.Second),
			Tool:     toolName(),
			Key:      bk.keyInfo,
			Salt:     bk.salt,
			KeyCheck: bk.keys.KeyCheck(),
		},
		Records: o.recordOptions(),
		TempDir: tempDir(),
	})
	if errors.Is(err, engine.ErrChangedInput) {
		return withHint(err, "build reads a file twice (to size the filter, then to hash it) and wrote nothing: let whatever writes the file finish, or build from a copy")
	}
	if err != nil {
		return err
	}
	return o.writeFilter(e, out, res, bk, signer)
}

// validate checks the flags that need no file and returns the requested indexes.
func (o *buildOptions) validate() ([]index.Index, error) {
	if o.output == "" {
		return nil, withHint(fmt.Errorf("no output file"), "add -o dump.lcf, or -o - for standard output")
	}
	asJSON, err := parseSummaryFormat(o.format)
	if err != nil {
		return nil, err
	}
	if asJSON && o.output == stdio {
		return nil, withHint(errors.New("--format json prints the summary on standard output, and -o - writes the filter there"),
			"write the filter to a file with -o, or leave --format out")
	}
	// Custom fields: those --field declares (with their normalizers) first, then any other
	// name an index uses, which addresses a column by its header.
	if _, err := o.inputFlags.mapOptions(); err != nil {
		return nil, err
	}
	if err := fields.DeclareNamed(index.Names(o.indexes)); err != nil {
		return nil, withHint(err, "name built-in fields, or columns by their header in lower case with '_' between words (\"Vaccination Centre\" is vaccination_centre)")
	}
	requested, err := index.ParseAll(o.indexes)
	if err != nil {
		return nil, err
	}
	if _, err := o.hash(); err != nil {
		return nil, err
	}
	if o.oprfKey != "" && o.hashSet {
		return nil, withHint(errors.New("--entry-hash cannot be used with --oprf-key"),
			"the OPRF key mode has its own entry hash ("+bloom.HashOPRF+"); leave --entry-hash out")
	}
	if o.oprfKey != "" && (o.keyFile != "" || o.passphrase || o.saltFrom != "") {
		return nil, withHint(fmt.Errorf("--oprf-key cannot be used with --key, --passphrase or --salt-from"),
			"a filter is in either the shared-key mode (--key or --passphrase) or the OPRF key mode (--oprf-key); shards and merge work in the shared-key mode only")
	}
	return requested, nil
}

// buildKeys are the keys and parameters a new filter is built with.
type buildKeys struct {
	base    *unlockedFilter // the filter a shard joins (--salt-from), or nil
	master  keyhash.Key
	keyInfo bloom.KeyInfo
	salt    []byte
	ids     engine.IdentifierKeys // the OPRF key mode's PRF evaluator
	keys    *keyhash.Keys
	params  *bloom.Params
}

func (bk *buildKeys) wipe() {
	if bk.base != nil {
		bk.base.wipe()
	}
	bk.master.Wipe() // a copy of the base's, for a shard
	if bk.keys != nil {
		bk.keys.Wipe()
	}
}

// buildKey gets the new filter's key: a shard's from the filter it joins
// (which also fixes its indexes), the OPRF key mode's, or the key file's or
// passphrase's with a fresh salt.
func (o *buildOptions) buildKey(e *env, requested *[]index.Index) (*buildKeys, error) {
	bk := &buildKeys{}
	var err error
	switch {
	case o.saltFrom != "":
		if bk.base, *requested, err = shardBase(e, o, *requested); err != nil {
			return nil, err
		}
		bk.master, bk.keyInfo = bk.base.master, bk.base.f.Header.Key
		bk.salt = bytes.Clone(bk.base.f.Header.Salt)
	case o.oprfKey != "":
		sk, err := loadOPRFKey(o.oprfKey)
		if err != nil {
			return nil, err
		}
		if bk.salt, err = keyhash.NewSalt(); err != nil {
			return nil, err
		}
		bk.master, bk.keyInfo, bk.ids = oprfBuildKey(sk, bk.salt)
	default:
		if bk.master, bk.keyInfo, err = o.keyFlags.forBuild(e); err != nil {
			return nil, err
		}
		if bk.salt, err = keyhash.NewSalt(); err != nil {
			bk.master.Wipe()
			return nil, err
		}
	}
	if bk.params, err = o.fixedParams(bk.base); err != nil {
		bk.wipe()
		return nil, err
	}
	if bk.keys, err = o.deriveKeys(bk); err != nil {
		bk.wipe()
		return nil, err
	}
	return bk, nil
}

// deriveKeys derives the new filter's keys for its entry hash: a shard's is
// the filter's it joins, the OPRF key mode's is its own, and otherwise
// --entry-hash says.
func (o *buildOptions) deriveKeys(bk *buildKeys) (*keyhash.Keys, error) {
	hash, err := o.hash()
	if err != nil {
		return nil, err
	}
	switch {
	case bk.ids != nil:
		return keyhash.Derive(&bk.master, bk.salt), nil
	case bk.base != nil:
		base := bk.base.keys.Hash()
		if o.hashSet && hash != base {
			return nil, withHint(fmt.Errorf("--entry-hash %s differs from %s's entry hash %s", hash, o.saltFrom, base),
				"leave --entry-hash out: a shard takes the existing filter's entry hash")
		}
		hash = base
	}
	return keyhash.DeriveFor(hash, &bk.master, bk.salt), nil
}

// hash is the entry hash --entry-hash names.
func (o *buildOptions) hash() (keyhash.EntryHash, error) {
	if o.entryHash == "" { // options made in code (the demo) take the default
		return keyhash.DefaultEntryHash, nil
	}
	h, ok := keyhash.EntryHashOf(o.entryHash)
	if !ok {
		return 0, withHint(fmt.Errorf("unknown --entry-hash %q", o.entryHash), "use one of "+entryHashList())
	}
	return h, nil
}

func entryHashNames() []string {
	names := make([]string, len(keyhash.EntryHashes))
	for i, h := range keyhash.EntryHashes {
		names[i] = h.String()
	}
	return names
}

func entryHashList() string { return strings.Join(entryHashNames(), ", ") }

// writeFilter writes the built filter to out, puts it in place and says what
// was written.
func (o *buildOptions) writeFilter(e *env, out output, res *engine.BuildResult, bk *buildKeys, signer []byte) error {
	f := res.Filter
	var used int64
	for _, a := range res.Sources {
		used += a.Used
	}
	if used == 0 {
		// The accounting says why each row was skipped; without it the error has no reasons.
		report.WriteAccounting(e.stderr, res.Sources)
		return withHint(fmt.Errorf("no row of the input formed any index: nothing to put in a filter"),
			"check the column mapping and the skipped-row reasons above; map columns with --field NAME=COLUMN")
	}
	n, err := f.WriteTo(out, bk.keys.MACKey(), signer)
	if err != nil {
		return withHint(fmt.Errorf("writing %s: %w", outputName(o.output), err),
			"nothing was left behind; free some space (or write elsewhere with -o) and run build again")
	}
	if err := e.ctx.Err(); err != nil {
		return err // interrupted while writing: Run removes the temporary file
	}
	if err := out.Commit(); err != nil {
		return withHint(err, "nothing was left behind; free some space (or write elsewhere with -o) and run build again")
	}
	if o.format == "json" {
		s := buildSummary{filterSummary: summaryOf("leakcheck.build/v1", o.output, n, f),
			DroppedIndexes: append([]string{}, res.Dropped...), Sources: report.SourcesOf(res.Sources)}
		if err := writeJSON(e.stdout, s); err != nil {
			return err
		}
	}
	if !o.quiet {
		hintMaskedIDs(e, res.Sources, f.Header.Indexes)
		if len(res.Dropped) > 0 {
			fmt.Fprintf(e.stderr, "leakcheck: left out index(es) %s: no row formed them\n", strings.Join(res.Dropped, ", "))
		}
		if o.format != "json" {
			printBuildSummary(e, outputName(o.output), n, f, res)
		}
	}
	warnOverCapacity(e, o.output, f)
	if bk.base != nil {
		warnForeignShard(e, o.saltFrom, bk.base.f.Header, f.Header)
	}
	return nil
}

// warnForeignShard warns when a shard built with --salt-from does not look
// like part of the same dump as the filter whose salt it took: other fields,
// or other kinds of unhashed columns. Shards sharing a salt and key set the
// same bits for the same values, so anyone holding both can estimate their
// overlap from the bits alone, without the key (docs/threat-model.md):
// harmless between parts of one dump, a leak between two dumps.
func warnForeignShard(e *env, base string, b, shard bloom.Header) {
	if slices.Equal(b.Fields, shard.Fields) && slices.Equal(b.ColumnKinds, shard.ColumnKinds) {
		return
	}
	e.notef("warning: this shard's fields (%s) are not those of %s (%s): it may not be part of the same dump. "+
		"Filters that share a salt are linkable without the key (their overlap can be estimated from the bits); "+
		"for another dump, build a filter of its own without --salt-from",
		strings.Join(append(slices.Clone(shard.Fields), shard.ColumnKinds...), ", "), base,
		strings.Join(append(slices.Clone(b.Fields), b.ColumnKinds...), ", "))
}

func printBuildSummary(e *env, path string, size int64, f *bloom.Filter, res *engine.BuildResult) {
	h := f.Header
	fmt.Fprintf(e.stderr, "leakcheck: wrote %s: %s, %d partition(s) of %s bits, k=%d, false-positive rate %.1e (target %.0e)\n",
		path, byteSize(size), h.Bloom.Partitions, report.Thousands(int64(h.Bloom.M)), h.Bloom.K, f.FalsePositiveRate(), h.Bloom.TargetFPR)
	if h.Signer != nil {
		fmt.Fprintf(e.stderr, "    signed by Ed25519 public key %s\n", keyhash.PublicKeyString(h.Signer))
	}
	for _, ix := range h.Indexes {
		fmt.Fprintf(e.stderr, "    %-28s %s entries\n", ix.Name, report.Thousands(int64(ix.Entries)))
	}
	report.WriteAccounting(e.stderr, res.Sources)
	// The estimate is within a few percent: say so only beyond its error.
	if dup := res.Rows - res.DistinctRows; dup > res.Rows/10 && dup > 100 {
		e.notef("about %s of the %s rows (%.0f%%) repeat another row byte for byte (estimated while counting); the filter is sized for the distinct ones",
			report.Thousands(dup), report.Thousands(res.Rows), 100*float64(dup)/float64(res.Rows))
	}
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// noteUnhashed lists the columns the filter will not hold and suggests the ones that look like
// registry attributes. Hashing one is opt-in: a key holder can test guesses of its values for
// identifiers they know (docs/threat-model.md). Column names of a file whose header leakcheck
// does not recognise are not printed (they may be a first row of data).
func noteUnhashed(e *env, ins []*engine.Input, ixs []index.Index) {
	for _, in := range ins {
		if !in.HeaderRecognised() {
			continue
		}
		unhashed, like := engine.UnhashedColumns(in, ixs)
		if len(unhashed) == 0 {
			continue
		}
		// Only names leakcheck recognises (a field's, or a registry attribute
		// kind's) are printed; any other may be data (issue 13, item 2).
		var shown []string
		for _, c := range unhashed {
			if i := slices.Index(in.Mapping.Columns, c); i >= 0 && in.Mapping.Named(i) || slices.Contains(like, c) {
				shown = append(shown, fmt.Sprintf("%q", c))
			}
		}
		if hidden := len(unhashed) - len(shown); hidden > 0 {
			shown = append(shown, fmt.Sprintf("%d more whose names leakcheck does not recognise (not shown: they may be data)", hidden))
		}
		e.notef("%s: columns not hashed: %s", in.Display(), strings.Join(shown, ", "))
		if len(like) > 0 {
			ex := fields.ColumnKey(like[0])
			e.notef("hint: %s look like registry attributes; a match on a field only the registry holds is strong evidence that the dump came from it: add one with e.g. --index phone+%s (opt-in: anyone with the key can then test guesses of it for people they know)", quoted(like), ex)
		}
	}
}

func quoted(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
