package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/engine"
	"github.com/leakcheck/leakcheck/internal/index"
	"github.com/leakcheck/leakcheck/internal/report"
	"github.com/leakcheck/leakcheck/internal/safefile"
)

type mergeOptions struct {
	keyFlags
	output string
	force  bool
	quiet  bool
	format string
}

func newMergeCmd(e *env) *cobra.Command {
	var o mergeOptions
	cmd := &cobra.Command{
		Use:   "merge --key FILE -o OUT FILTER...",
		Short: "Combine the filters of a sharded dump into one (analyst side)",
		Long: `Combine filters built from parts of one dump into a single filter: the union
of their entries. A large dump can be split into shards and built on several
machines: build the first shard as usual (with --capacity set to the whole
dump's entry count, so that the union keeps the target false-positive rate),
the others with 'build --salt-from FIRST.lcf', then merge them.

Every input's key check and MAC are verified with the key first. The inputs
must have been built with the same key, salt, indexes, normalization, default
phone region and Bloom parameters; anything mismatched is refused with the
reason. The merged filter's entry counts are the sums of the inputs' (an
upper bound when shards share entries). It is not signed: sign it again if the
inputs were.`,
		Example: `  leakcheck build --key engagement.key --capacity 60000000 -o part1.lcf dump_part1.csv
  leakcheck build --key engagement.key --salt-from part1.lcf -o part2.lcf dump_part2.csv
  leakcheck merge --key engagement.key -o dump.lcf part1.lcf part2.lcf`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error { return runMerge(e, o, args) },
	}
	cmd.Flags().StringVar(&o.keyFile, "key", "", "key file (or set "+KeyFileEnv+")")
	o.keyFlags.addPassphraseFlag(cmd)
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "merged filter file to write (required)")
	cmd.Flags().BoolVar(&o.force, "force", false, "replace OUT if it exists")
	cmd.Flags().BoolVarP(&o.quiet, "quiet", "q", false, "print no progress or status lines")
	cmd.Flags().StringVar(&o.format, "format", "text", "summary format: text (on standard error) or json (on standard output, schema leakcheck.merge/v1)")
	cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(summaryFormats, cobra.ShellCompDirectiveNoFileComp))
	cmd.MarkFlagFilename("key")
	cmd.MarkFlagFilename("output", "lcf")
	cmd.ValidArgsFunction = func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"lcf"}, cobra.ShellCompDirectiveFilterFileExt
	}
	return cmd
}

func runMerge(e *env, o mergeOptions, args []string) error {
	if o.output == "" {
		return withHint(errors.New("no output file"), "add -o merged.lcf")
	}
	asJSON, err := parseSummaryFormat(o.format)
	if err != nil {
		return err
	}
	if asJSON && o.output == stdio {
		return withHint(errors.New("--format json prints the summary on standard output, and -o - writes the filter there"),
			"write the merged filter to a file with -o, or leave --format out")
	}
	total, err := o.checkFiles(args)
	if err != nil {
		return err
	}
	defer o.keyFlags.wipe()
	out, err := e.createOutput(o.output, 0o644, !o.force, "a binary filter")
	if err != nil {
		return withHint(err, "pass --force to replace it")
	}
	defer out.Abort()

	prog := e.progress(o.quiet)
	prog.Start(engine.Reading, total)
	var base *unlockedFilter
	defer func() {
		if base != nil {
			base.wipe()
		}
	}()
	for i, p := range args {
		u, err := openUnlocked(e, &o.keyFlags, p)
		if err != nil {
			prog.Finish()
			return err
		}
		if i == 0 {
			base = u
		} else {
			err = base.f.Merge(u.f)
			u.wipe()
			if err != nil {
				prog.Finish()
				return withHint(fmt.Errorf("cannot merge %s with %s: %w", p, args[0], err), mergeHint(err))
			}
		}
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			prog.Advance(st.Size(), 0)
		}
	}
	prog.Finish()

	f := base.f
	f.Header.Created = time.Now().UTC().Truncate(time.Second)
	f.Header.Tool = toolName()
	n, err := f.WriteTo(out, base.keys.MACKey(), nil)
	if err != nil {
		return fmt.Errorf("writing %s: %w", outputName(o.output), err)
	}
	if err := e.ctx.Err(); err != nil {
		return err
	}
	if err := out.Commit(); err != nil {
		return err
	}
	h := f.Header
	if asJSON {
		if err := writeJSON(e.stdout, mergeSummary{filterSummary: summaryOf("leakcheck.merge/v1", o.output, n, f), Inputs: args}); err != nil {
			return err
		}
	} else if !o.quiet {
		e.notef("merged %d filters into %s: %s, %s dump records, false-positive rate %.1e (target %.0e)",
			len(args), outputName(o.output), byteSize(n), report.Thousands(h.Records), f.FalsePositiveRate(), h.Bloom.TargetFPR)
		for _, ix := range h.Indexes {
			fmt.Fprintf(e.stderr, "    %-28s %s entries (at most)\n", ix.Name, report.Thousands(int64(ix.Entries)))
		}
	}
	warnOverCapacity(e, o.output, f)
	return nil
}

// checkFiles refuses a shard named twice (through any link) and an output
// that is one of the inputs or the key; it returns the inputs' total size,
// for the progress.
func (o *mergeOptions) checkFiles(args []string) (total int64, err error) {
	seen := map[string]string{}
	for _, p := range args {
		abs, err := filepath.Abs(p)
		if err != nil {
			return 0, err
		}
		if prev, dup := seen[abs]; dup {
			return 0, withHint(fmt.Errorf("filter %s is given twice (also as %s)", p, prev), "name each shard once: its entries would be counted twice")
		}
		var before []string
		for _, q := range seen {
			before = append(before, q)
		}
		if prev := safefile.SameAs(p, before...); prev != "" { // a symbolic or hard link to it
			return 0, withHint(fmt.Errorf("filter %s is the same file as %s", p, prev), "name each shard once: its entries would be counted twice")
		}
		seen[abs] = p
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			total += st.Size()
		}
	}
	if outAbs, err := filepath.Abs(o.output); err == nil && seen[outAbs] != "" {
		return 0, withHint(fmt.Errorf("output %s is one of the inputs", o.output), "write the merged filter to a new file")
	}
	if same := safefile.SameAs(o.output, append(args, o.keyFlags.path())...); same != "" {
		return 0, withHint(fmt.Errorf("output %s is the same file as %s, which merge reads", o.output, same), "write the merged filter to a new file")
	}
	return total, nil
}

// mergeHint says what to do about a refused merge.
func mergeHint(err error) string {
	if errors.Is(err, bloom.ErrIncompatible) {
		return "only shards of one dump merge: build every shard with the same key, indexes and --region, and all but the first with 'build --salt-from FIRST.lcf'"
	}
	return "see 'leakcheck inspect' of both filters"
}

// warnOverCapacity warns when a filter holds more entries than its Bloom
// parameters were sized for: it still works, with a higher false-positive
// rate, which check uses.
func warnOverCapacity(e *env, path string, f *bloom.Filter) {
	var entries uint64
	for _, ix := range f.Header.Indexes {
		entries += ix.Entries
	}
	if c := f.Header.Bloom.Capacity; entries > c {
		e.notef("warning: %s holds %s entries, more than the %s its Bloom parameters were sized for: its false-positive rate is %.1e, not the target %.0e (check uses the actual rate, so its statistics stay right, but they are weaker)",
			path, report.Thousands(int64(entries)), report.Thousands(int64(c)), f.FalsePositiveRate(), f.Header.Bloom.TargetFPR)
		fmt.Fprintf(e.stderr, "leakcheck: hint: size the first shard for the whole dump with 'build --capacity N' (N = rows × indexes)\n")
	}
}

// shardBase opens the filter named by build --salt-from and makes o build a
// shard compatible with it: its indexes (in its order), its default phone
// region. The key must pass the filter's key check and MAC. A --region,
// --index, --fpr or --capacity that disagrees is refused rather than ignored.
func shardBase(e *env, o *buildOptions, requested []index.Index) (*unlockedFilter, []index.Index, error) {
	if o.capacity > 0 || o.fprSet {
		return nil, nil, withHint(errors.New("--salt-from takes the Bloom parameters from the existing filter: --fpr and --capacity cannot be used with it"),
			"size the first shard for the whole dump with --capacity, then build the others with --salt-from")
	}
	u, err := openUnlocked(e, &o.keyFlags, o.saltFrom)
	if err != nil {
		return nil, nil, err
	}
	h := &u.f.Header
	fail := func(err error, hint string) (*unlockedFilter, []index.Index, error) {
		u.wipe()
		return nil, nil, withHint(err, hint)
	}
	if o.regionSet && !strings.EqualFold(o.region, h.Region) {
		return fail(fmt.Errorf("--region %s differs from %s's default phone region %s", o.region, o.saltFrom, h.Region),
			"leave --region out: a shard takes the existing filter's region")
	}
	o.region = h.Region
	var ixs []index.Index
	for _, hi := range h.Indexes {
		ix, err := index.Parse(hi.Name)
		if err != nil {
			return fail(fmt.Errorf("%s has index %q, unknown to this leakcheck: %w", o.saltFrom, hi.Name, err), "use the leakcheck version that built it")
		}
		ixs = append(ixs, ix)
	}
	if len(requested) > 0 {
		same := len(requested) == len(ixs)
		for i := 0; same && i < len(ixs); i++ {
			same = requested[i].Name() == ixs[i].Name()
		}
		if !same {
			return fail(fmt.Errorf("--index %s differs from %s's indexes %s", indexList(requested), o.saltFrom, indexList(ixs)),
				"leave --index out: a shard takes the existing filter's indexes")
		}
	}
	return u, ixs, nil
}

func indexList(ixs []index.Index) string {
	names := make([]string, len(ixs))
	for i, ix := range ixs {
		names[i] = ix.Name()
	}
	return strings.Join(names, ",")
}

// fixedParams returns the Bloom parameters a build must use instead of
// planning them from its row count: a shard's base filter's, or those planned
// for --capacity; nil otherwise.
func (o *buildOptions) fixedParams(base *unlockedFilter) (*bloom.Params, error) {
	if base != nil {
		p := base.f.Header.Bloom
		return &p, nil
	}
	if o.capacity == 0 {
		return nil, nil
	}
	p, err := bloom.Plan(o.capacity, o.fpr)
	if err != nil {
		return nil, err
	}
	return &p, nil
}
