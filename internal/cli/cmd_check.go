package cli

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/engine"
	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/keyhash"
	"github.com/leakcheck/leakcheck/internal/report"
	"github.com/leakcheck/leakcheck/internal/safefile"
)

type checkOptions struct {
	keyFlags
	inputFlags
	reproduce []string // the flags the HTML report's reproduction steps repeat (reproduceFlags)
	filters   []string // --filter values: filter files or directories of *.lcf
	formats   []string // --format values: FMT or FMT=FILE
	matches   string
	region    string
	failOn    string
	output    string
	force     bool // replace existing -o, --format FMT=FILE and --matches files
	// hideMapping skips printing the registry's column mapping (printed for
	// the first filter only when there are several).
	hideMapping bool
	oprfCheck   // --response and --state: the OPRF key mode (cmd_oprf.go)
	groupFlags  // --group-by and --min-group (groups.go)
}

func newCheckCmd(e *env) *cobra.Command {
	var o checkOptions
	cmd := &cobra.Command{
		Use:   "check --key FILE --filter FILTER... [flags] REGISTRY...",
		Short: "Check registry records against a dump's filter (registry side)",
		Long: `Check the registry's own records against a filter built from a suspected dump.

Every registry record is normalized and hashed exactly as build did, then tested
against the filter. The report answers three questions: is the registry's
people's data in the dump (verdict exposed, not_exposed or inconclusive, with
how many records and a 95% interval, or the smallest exposure the check would
have found); what the dump is (registry records, mixed, identifiers only or
unrelated); and where it came from (the registry, another source or
undetermined, with the evidence for and against). The verdict rests on
registry records that match an identifier and a distinguishing combination
together, against filter false alarms plus the registry's own coincidences
(docs/report.md); per-index counts follow.

--filter may be repeated, and may name a directory (every *.lcf in it): the
registry is then read once and every row checked against each filter, with
one report per filter and a summary table (filters too large to be held in
memory together are checked in as few passes as fit). Every filter is read
and its key check and MAC verified once, before any registry record is read.

--format text (default), json (schema leakcheck.report/v2 for one filter file,
leakcheck.check/v2 for several), junit (one test case per filter, for CI) or
html (one self-contained page for people). docs/report.md documents them.
--format may be repeated as FMT=FILE to write several reports from one check
("-" is standard output); a --format without =FILE goes to -o, or to standard
output.

Exit codes: 0 no verdict meets --fail-on; 1 some verdict does (by default:
exposed); 2 error (including a filter that could not be checked).`,
		Example: `  leakcheck check --key engagement.key --filter dump.lcf registry.csv
  leakcheck check --key engagement.key --filter dump.lcf --format json --matches matched.csv registry.csv
  leakcheck check --key engagement.key --filter filters/ --format junit -o leakcheck.xml registry.csv
  leakcheck check --key engagement.key --filter a.lcf --filter b.lcf --fail-on inconclusive registry.csv
  leakcheck check --key engagement.key --filter dump.lcf --format html -o report.html registry.csv
  leakcheck check --key engagement.key --filter filters/ --format junit=leakcheck.xml --format html=report.html --format text registry.csv`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.reproduce = reproduceFlags(cmd.Flags())
			return runCheck(e, o, args)
		},
	}
	cmd.Flags().StringVar(&o.keyFile, "key", "", "key file (or set "+KeyFileEnv+")")
	o.keyFlags.addPassphraseFlag(cmd)
	cmd.Flags().StringArrayVar(&o.filters, "filter", nil, "filter file built by 'leakcheck build', or a directory of *.lcf filters (repeatable; required)")
	cmd.Flags().StringArrayVar(&o.formats, "format", nil, "report format: "+strings.Join(report.FormatNames(), ", ")+"; FMT=FILE writes it to FILE (repeatable: one check, several reports; default text)")
	cmd.Flags().StringVar(&o.failOn, "fail-on", report.FailOnExposed, "verdicts that make the check fail (exit 1): exposed, inconclusive (exposed or inconclusive) or never")
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "write the report to this file instead of standard output (\"-\": standard output)")
	cmd.Flags().StringVar(&o.matches, "matches", "", "write the matched registry records' ids to this CSV file")
	cmd.Flags().BoolVar(&o.force, "force", false, "replace report and --matches files that already exist (never an input, filter or key)")
	cmd.Flags().StringVar(&o.region, "region", "", "default phone region (default: the filter's)")
	o.groupFlags.add(cmd)
	o.inputFlags.add(cmd)
	o.oprfCheck.add(cmd)
	cmd.MarkFlagFilename("filter", "lcf")
	cmd.MarkFlagFilename("key")
	cmd.MarkFlagFilename("output")
	cmd.MarkFlagFilename("matches", "csv")
	cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(report.FormatNames(), cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{report.FailOnExposed, report.FailOnInconclusive, report.FailOnNever}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runCheck(e *env, o checkOptions, args []string) error {
	outs, err := o.reportOutputs()
	if err != nil {
		return err
	}
	failOn, err := report.ParseFailOn(o.failOn)
	if err != nil {
		return err
	}
	paths, multi, err := filterPaths(o.filters)
	if err != nil {
		return err
	}
	if multi && o.response != "" {
		return withHint(errors.New("--response answers one filter's request: it works with one filter only"), "run check once per filter")
	}
	if err := checkStdin(paths, multi, o.matches, args); err != nil {
		return err
	}
	if err := o.checkOutputs(outs, paths, args); err != nil {
		return err
	}
	defer o.keyFlags.wipe()
	filters, err := unlockAll(e, &o.keyFlags, paths)
	if err != nil {
		return err
	}
	defer filters.wipe()
	w, err := e.openReportOutputs(outs, !o.force)
	if err != nil {
		return err
	}
	defer w.abort()

	c := report.NewCheck(failOn)
	if err := checkPasses(e, o, filters, multi, args, c); err != nil {
		return err
	}
	opts := report.WriteOptions{Multi: multi, Tool: "leakcheck " + version(), Generated: time.Now(), Reproduce: o.reproduce}
	if err := w.write(c, opts); err != nil {
		return err
	}
	if !o.quiet {
		e.printWritten(w, c)
	}
	if n := c.Errors(); n > 0 {
		return withHint(fmt.Errorf("%d of %d filters could not be checked (see above); the others' reports are complete", n, len(paths)),
			"exit code 2: nothing may be concluded about the filters that were not checked")
	}
	if c.Failed {
		return &exitError{ExitExposed}
	}
	return nil
}

// checkOutputs refuses a report or matches file that is one of the inputs,
// a filter, the key or passphrase file, or another output (through any link):
// --force replaces an existing output, never one of these.
func (o *checkOptions) checkOutputs(outs []reportOut, filters, registry []string) error {
	protected := append(append([]string{o.keyFlags.path(), os.Getenv(PassphraseFileEnv), o.response, o.state}, filters...), registry...)
	type named struct{ flag, path string }
	var files []named
	for _, out := range outs {
		if out.path != stdio {
			files = append(files, named{"report file", out.path})
		}
	}
	if o.matches != "" && o.matches != stdio {
		files = append(files, named{"--matches", o.matches})
	}
	for i, f := range files {
		if same := safefile.SameAs(f.path, protected...); same != "" {
			return withHint(fmt.Errorf("%s %s is the same file as %s, which check reads", f.flag, f.path, same),
				"write the report and the matches to new files")
		}
		for _, g := range files[:i] {
			if f.path == g.path || safefile.SameAs(f.path, g.path) != "" {
				return withHint(fmt.Errorf("%s %s and %s %s name the same file", g.flag, g.path, f.flag, f.path),
					"give each output its own file")
			}
		}
	}
	return nil
}

// checkStdin refuses what would read standard input twice, or not at all.
func checkStdin(paths []string, multi bool, matches string, args []string) error {
	if multi && matches != "" {
		return withHint(errors.New("--matches works with one filter only"),
			"run check once per filter to get each filter's matched records")
	}
	if slices.Contains(paths, "-") && slices.Contains(args, "-") {
		return withHint(errors.New("standard input (-) can be read only once: it cannot be both the filter and the registry"),
			"save one of them to a file and name the file")
	}
	return nil
}

// filterPaths expands the --filter values: files as given, directories to
// the *.lcf files in them, in name order, each path once. multi is set when
// there may be more than one filter (more than one value, or a directory),
// which selects the multi-filter output forms even for one filter.
func filterPaths(values []string) (paths []string, multi bool, err error) {
	if len(values) == 0 {
		return nil, false, withHint(errors.New("no filter given"), "add --filter dump.lcf (repeatable), or --filter DIR for every *.lcf in DIR")
	}
	multi = len(values) > 1
	seen := map[string]bool{}
	add := func(p string) {
		if c := filepath.Clean(p); !seen[c] {
			seen[c] = true
			paths = append(paths, p)
		}
	}
	for _, v := range values {
		st, err := os.Stat(v)
		if err != nil || !st.IsDir() {
			add(v) // openFilter reports a missing file
			continue
		}
		multi = true
		ents, err := os.ReadDir(v)
		if err != nil {
			return nil, false, fmt.Errorf("reading filter directory: %w", err)
		}
		n := 0
		for _, ent := range ents {
			if ent.Type().IsRegular() && strings.EqualFold(filepath.Ext(ent.Name()), ".lcf") {
				add(filepath.Join(v, ent.Name()))
				n++
			}
		}
		if n == 0 {
			return nil, false, withHint(fmt.Errorf("directory %s holds no *.lcf filter", v), "filters made by 'leakcheck build' end in .lcf")
		}
	}
	return paths, multi, nil
}

// printError prints an error and its hints the way Run does, for errors that
// do not end the command.
func (e *env) printError(err error) {
	fmt.Fprintf(e.stderr, "leakcheck: error: %s\n", report.PrintableLines(err.Error()))
	var he *hintError
	if errors.As(err, &he) {
		for _, h := range he.hints {
			fmt.Fprintf(e.stderr, "leakcheck: hint: %s\n", report.PrintableLines(h))
		}
	}
}

// checkPasses checks the registry against every filter, reading it once
// for as many filters as fit in memory together (unlockedBudget: all of
// them, but for a folder of very large filters), and adds each filter's
// report, or its error, to c in the filters' order. With several filters,
// one that cannot be checked is reported and the others go on.
func checkPasses(e *env, o checkOptions, fs *unlockedFilters, multi bool, args []string, c *report.Check) error {
	passes := fs.passes()
	if len(passes) > 1 && slices.Contains(args, stdio) {
		return withHint(fmt.Errorf("the %d filters do not fit in memory together, so the registry would be read more than once, and standard input (-) can be read only once", len(fs.paths)),
			"save the registry to a file and name the file")
	}
	for k, pass := range passes {
		if multi && !o.quiet {
			if len(passes) == 1 {
				e.notef("checking %d filters in one pass over the registry", len(pass))
			} else {
				e.notef("pass %d of %d over the registry: filters %d to %d of %d (they do not fit in memory together)", k+1, len(passes), pass[0]+1, pass[len(pass)-1]+1, len(fs.paths))
			}
		}
		co := o
		co.hideMapping = k > 0
		reps, errs, err := checkPass(e, co, fs, pass, args)
		if err != nil {
			return err
		}
		for j, i := range pass {
			if errs[j] == nil {
				c.Add(reps[j])
				continue
			}
			if !multi {
				return errs[j]
			}
			// This filter could not be checked (say, the registry can form
			// none of its indexes): say so, go on with the others, exit 2.
			e.printError(fmt.Errorf("filter %s: %w", fs.paths[i], errs[j]))
			c.AddError(fs.paths[i], errs[j])
		}
	}
	return nil
}

// lane is one filter's part of a pass over the registry.
type lane struct {
	path     string
	u        *unlockedFilter
	norm     *fields.Normalizer
	ids      engine.IdentifierKeys
	grouping *engine.Grouping
}

// checkPass reads the registry once and checks it against the filters
// numbered pass. err stops the whole check (a read error, --strict, an
// interruption); errs[j] is filter pass[j]'s own.
func checkPass(e *env, o checkOptions, fs *unlockedFilters, pass []int, args []string) (reps []*report.Report, errs []error, err error) {
	us := make([]*unlockedFilter, len(pass))
	for j, i := range pass {
		if us[j], err = fs.get(e, i); err != nil {
			return nil, nil, err
		}
		defer fs.release(i)
	}
	inFlags := o.inputFlags
	inFlags.quiet = inFlags.quiet || o.hideMapping
	ins, err := e.openInputs(args, &inFlags)
	if err != nil {
		return nil, nil, err
	}
	defer engine.CloseAll(ins)
	var matchesOut output
	if o.matches != "" { // one filter only (checkStdin)
		if matchesOut, err = e.createOutput(o.matches, 0o600, !o.force, ""); err != nil {
			return nil, nil, err
		}
		defer matchesOut.Abort()
	}
	reps, errs = make([]*report.Report, len(pass)), make([]error, len(pass))
	lanes := make([]*lane, len(pass))
	var opts []engine.CheckOptions
	var pos []int // lane j's place among opts
	for j, i := range pass {
		l, co, err := o.prepareLane(e, fs.paths[i], us[j], ins)
		if err != nil {
			errs[j] = err
			continue
		}
		co.WantMatches = matchesOut != nil
		lanes[j] = l
		opts = append(opts, co)
		pos = append(pos, j)
	}
	if len(opts) == 0 {
		return reps, errs, nil
	}
	res, lerrs, err := engine.CheckMany(e.ctx, ins, o.engineOptions(e), opts)
	if err != nil {
		return nil, nil, err
	}
	for k, j := range pos {
		if lerrs[k] != nil {
			var none *engine.NothingCheckedError
			if errors.As(lerrs[k], &none) {
				report.WriteAccounting(e.stderr, none.Sources) // the reasons the error points at
			}
			errs[j] = lerrs[k]
			continue
		}
		reps[j], errs[j] = o.finishLane(lanes[j], res[k])
		if errs[j] == nil && matchesOut != nil {
			errs[j] = writeMatches(matchesOut, o.matches, res[k].Matches)
		}
	}
	return reps, errs, nil
}

// prepareLane readies one filter's check: the normalizer of its own
// version and region, the OPRF key mode's identifiers, the grouping.
func (o *checkOptions) prepareLane(e *env, path string, u *unlockedFilter, ins []*engine.Input) (*lane, engine.CheckOptions, error) {
	f := u.f
	region := f.Header.Region
	if o.region != "" && o.region != region {
		region = o.region
		e.notef("warning: phone numbers without a country code are read as region %s, but the filter was built with %s; such numbers will not match", region, f.Header.Region)
	}
	// The filter's own normalization version: a version-1 filter's names
	// are normalized the version-1 way.
	norm, err := fields.NewNormalizerVersion(region, f.Header.Normalization)
	if err != nil {
		return nil, engine.CheckOptions{}, err
	}
	l := &lane{path: path, u: u, norm: norm}
	if l.ids, err = o.oprfCheck.keys(e, u, path, ins); err != nil {
		return nil, engine.CheckOptions{}, err
	}
	if l.grouping, err = o.groupFlags.grouping(ins, norm); err != nil {
		return nil, engine.CheckOptions{}, err
	}
	return l, engine.CheckOptions{
		Normalizer:  norm,
		Keys:        u.keys,
		Filter:      f,
		Identifiers: l.ids,
		Observe:     observe(l.grouping),
		TempDir:     tempDir(),
	}, nil
}

// finishLane turns one filter's counts into its report.
func (o *checkOptions) finishLane(l *lane, res *engine.CheckResult) (*report.Report, error) {
	if err := o.oprfCheck.after(l.ids, res); err != nil {
		return nil, err
	}
	f := l.u.f
	rep := report.Build(l.path, f.Header, f.FalsePositiveRate(), res)
	rep.Filter.KeyFingerprint = l.u.master.Fingerprint()
	if err := o.groupFlags.addGroups(rep, l.grouping); err != nil {
		return nil, err
	}
	return rep, nil
}

// writeMatches writes the matched records' ids to --matches and puts the
// file in place.
func writeMatches(out output, name string, ms []engine.Match) error {
	w := bufio.NewWriter(out)
	if err := report.WriteMatchesCSV(w, ms); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", outputName(name), err)
	}
	return out.Commit()
}

// checkOne checks the registry against one unlocked filter, which it wipes,
// and returns the report (the demo's check).
func checkOne(e *env, o checkOptions, path string, u *unlockedFilter, args []string) (*report.Report, error) {
	fs := &unlockedFilters{paths: []string{path}, k: &o.keyFlags, u: []*unlockedFilter{u}, sizes: []uint64{u.f.Header.Bloom.BodySize()}}
	reps, errs, err := checkPass(e, o, fs, []int{0}, args)
	if err != nil {
		return nil, err
	}
	return reps[0], errs[0]
}

// unlockedFilter is a filter whose normalization version, key check, MAC
// (and any signature) passed, with the keys that unlocked it.
type unlockedFilter struct {
	f      *bloom.Filter
	master keyhash.Key
	keys   *keyhash.Keys
}

func (u *unlockedFilter) wipe() {
	u.master.Wipe()
	u.keys.Wipe()
}

// openUnlocked reads the filter at path and verifies it with the key: a
// normalization version this leakcheck does not implement, a wrong key or a
// damaged or altered file is an error. The caller wipes the result.
func openUnlocked(e *env, k *keyFlags, path string) (*unlockedFilter, error) {
	dec, file, err := openFilter(e, path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	h := &dec.Header
	if err := engine.DeclareHeaderFields(h); err != nil {
		return nil, withHint(fmt.Errorf("filter %s: %w", path, err), "give --field NAME=COLUMN without a normalizer: the filter says how its custom fields were normalized")
	}
	if h.Normalization < fields.MinVersion || h.Normalization > fields.Version {
		return nil, withHint(fmt.Errorf("filter %s was built with normalization version %d; this leakcheck implements versions %d to %d, and under another version the same person would hash differently", path, h.Normalization, fields.MinVersion, fields.Version),
			"use the leakcheck version the analyst used (see 'leakcheck inspect "+path+"')")
	}
	master, keys, err := k.unlock(e, dec, path)
	if err != nil {
		return nil, err
	}
	f, err := dec.Body(keys.MACKey())
	if err != nil {
		master.Wipe()
		keys.Wipe()
		return nil, filterError(path, err)
	}
	return &unlockedFilter{f: f, master: master, keys: keys}, nil
}

// unlockedBudget bounds the memory that filters unlocked ahead of their
// check may hold. Within it, every filter is read, verified and unlocked once
// (a passphrase filter's Argon2id runs once); beyond it, a filter is verified
// first and read and unlocked again for its check, so that a folder of large
// filters never needs them all in memory at once.
const unlockedBudget = 1 << 30

// unlockedFilters are the filters of a check, every one of them verified
// (normalization version, key check, MAC, signature) before any registry
// row is read.
type unlockedFilters struct {
	paths []string
	k     *keyFlags
	u     []*unlockedFilter // nil once released, or when over the budget
	sizes []uint64          // each filter's Bloom body, in bytes
}

// unlockAll opens and verifies every filter, keeping them for the check
// while they fit in unlockedBudget (standard input is always kept: it cannot
// be read again).
func unlockAll(e *env, k *keyFlags, paths []string) (*unlockedFilters, error) {
	fs := &unlockedFilters{paths: paths, k: k, u: make([]*unlockedFilter, len(paths)), sizes: make([]uint64, len(paths))}
	var held uint64
	for i, p := range paths {
		u, err := openUnlocked(e, k, p)
		if err != nil {
			fs.wipe()
			return nil, err
		}
		size := u.f.Header.Bloom.BodySize()
		fs.sizes[i] = size
		if i > 0 && held+size > unlockedBudget && p != "-" {
			u.wipe()
			continue
		}
		held += size
		fs.u[i] = u
	}
	return fs, nil
}

// passes groups the filters, in order, into passes over the registry:
// filters whose bodies fit in unlockedBudget together share a pass (every
// filter, unless they are very large), and a pass holds at least one.
func (fs *unlockedFilters) passes() [][]int {
	var out [][]int
	var held uint64
	for i, size := range fs.sizes {
		if len(out) == 0 || held+size > unlockedBudget && len(out[len(out)-1]) > 0 {
			out = append(out, nil)
			held = 0
		}
		out[len(out)-1] = append(out[len(out)-1], i)
		held += size
	}
	return out
}

// get returns filter i, reading it again if it was not kept.
func (fs *unlockedFilters) get(e *env, i int) (*unlockedFilter, error) {
	if u := fs.u[i]; u != nil {
		return u, nil
	}
	u, err := openUnlocked(e, fs.k, fs.paths[i])
	if err != nil {
		return nil, err
	}
	fs.u[i] = u
	return u, nil
}

// release drops filter i once it has been checked.
func (fs *unlockedFilters) release(i int) {
	if u := fs.u[i]; u != nil {
		u.wipe()
		fs.u[i] = nil
	}
}

func (fs *unlockedFilters) wipe() {
	for i := range fs.u {
		fs.release(i)
	}
}

// reproducing lists the check flags that shape what is read and counted: the HTML report's
// reproduction steps repeat them, so that the command it prints gives the same report. (Key,
// filter and registry inputs, and --group-by, the steps write from the report itself; the others
// choose outputs or speed.)
var reproducing = []string{"region", "field", "columns", "header-row", "date-order", "encoding", "exclude",
	"format-in", "sheet", "table", "max-line-bytes", "allow-partial", "strict", "min-group"}

// reproduceFlags returns the reproducing flags set on the command line, in the order listed,
// each as one shell-quoted "--name value" (a bool flag as "--name").
func reproduceFlags(fs *pflag.FlagSet) []string {
	var out []string
	for _, name := range reproducing {
		f := fs.Lookup(name)
		if f == nil || !f.Changed {
			continue
		}
		if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
			if f.Value.String() == "true" {
				out = append(out, "--"+name)
			}
			continue
		}
		sv, ok := f.Value.(pflag.SliceValue)
		switch {
		case !ok:
			out = append(out, "--"+name+" "+report.ShellQuote(f.Value.String()))
		case f.Value.Type() == "stringSlice":
			out = append(out, "--"+name+" "+report.ShellQuote(strings.Join(sv.GetSlice(), ",")))
		default:
			for _, v := range sv.GetSlice() {
				out = append(out, "--"+name+" "+report.ShellQuote(v))
			}
		}
	}
	return out
}
