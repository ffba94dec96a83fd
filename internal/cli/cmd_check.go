package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

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
	filter  string   // the filter checkOne checks against
	filters []string // --filter values: filter files or directories of *.lcf
	format  string
	matches string
	region  string
	failOn  string
	output  string
	// hideMapping skips printing the registry's column mapping (printed for
	// the first filter only when there are several).
	hideMapping bool
	oprfCheck   // --response and --state: the OPRF key mode (cmd_oprf.go)
}

func newCheckCmd(e *env) *cobra.Command {
	var o checkOptions
	cmd := &cobra.Command{
		Use:   "check --key FILE --filter FILTER... [flags] REGISTRY...",
		Short: "Check registry records against a dump's filter (registry side)",
		Long: `Check the registry's own records against a filter built from a suspected dump.

Every registry record is normalized and hashed exactly as build did, then tested
against the filter. The report gives, per index: records checked, matches,
matches chance alone would give, an overlap estimate with a 95% interval, the
p-value under "no overlap", and the share of the dump's entries matched; then
the provenance evidence and a verdict: exposed, not_exposed or inconclusive.

--filter may be repeated, and may name a directory (every *.lcf in it): the
registry is then checked against each filter in turn, with one report per
filter and a summary table. Every filter's key check and MAC are verified
before any registry record is read.

--format text (default), json (schema leakcheck.report/v1 for one filter file,
leakcheck.check/v1 for several), junit (one test case per filter, for CI) or
html (one self-contained page for people). docs/report.md documents them.

Exit codes: 0 no verdict meets --fail-on; 1 some verdict does (by default:
exposed); 2 error (including a filter that could not be checked).`,
		Example: `  leakcheck check --key engagement.key --filter dump.lcf registry.csv
  leakcheck check --key engagement.key --filter dump.lcf --format json --matches matched.csv registry.csv
  leakcheck check --key engagement.key --filter filters/ --format junit -o leakcheck.xml registry.csv
  leakcheck check --key engagement.key --filter a.lcf --filter b.lcf --fail-on inconclusive registry.csv
  leakcheck check --key engagement.key --filter dump.lcf --format html -o report.html registry.csv`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runCheck(e, o, args) },
	}
	cmd.Flags().StringVar(&o.keyFile, "key", "", "key file (or set "+KeyFileEnv+")")
	o.keyFlags.addPassphraseFlag(cmd)
	cmd.Flags().StringArrayVar(&o.filters, "filter", nil, "filter file built by 'leakcheck build', or a directory of *.lcf filters (repeatable; required)")
	cmd.Flags().StringVar(&o.format, "format", "text", "report format: text, json, junit or html")
	cmd.Flags().StringVar(&o.failOn, "fail-on", report.FailOnExposed, "verdicts that make the check fail (exit 1): exposed, inconclusive (exposed or inconclusive) or never")
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "write the report to this file instead of standard output")
	cmd.Flags().StringVar(&o.matches, "matches", "", "write the matched registry records' ids to this CSV file")
	cmd.Flags().StringVar(&o.region, "region", "", "default phone region (default: the filter's)")
	o.inputFlags.add(cmd)
	o.oprfCheck.add(cmd)
	cmd.MarkFlagFilename("filter", "lcf")
	cmd.MarkFlagFilename("key")
	cmd.MarkFlagFilename("output")
	cmd.MarkFlagFilename("matches", "csv")
	cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json", "junit", "html"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{report.FailOnExposed, report.FailOnInconclusive, report.FailOnNever}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runCheck(e *env, o checkOptions, args []string) error {
	switch o.format {
	case "text", "json", "junit", "html":
	default:
		return fmt.Errorf("unknown --format %q: use text, json, junit or html", o.format)
	}
	failOn, err := report.ParseFailOn(o.failOn)
	if err != nil {
		return err
	}
	if o.filter != "" { // set by callers inside leakcheck, not by a flag
		o.filters = append([]string{o.filter}, o.filters...)
	}
	paths, multi, err := filterPaths(o.filters)
	if err != nil {
		return err
	}
	defer o.keyFlags.wipe()
	if multi {
		if o.response != "" {
			return withHint(errors.New("--response answers one filter's request: it works with one filter only"), "run check once per filter")
		}
		if o.matches != "" {
			return withHint(errors.New("--matches works with one filter only"),
				"run check once per filter to get each filter's matched records")
		}
		if slices.Contains(args, "-") {
			return withHint(errors.New("standard input (-) can be read only once, and several filters each read the registry"),
				"save the registry to a file and name the file")
		}
		// Every filter must pass its key check and MAC before anything is
		// concluded from any of them.
		for _, p := range paths {
			u, err := openUnlocked(e, &o.keyFlags, p)
			if err != nil {
				return err
			}
			u.wipe()
		}
	}
	out, commit, err := e.reportOutput(o.output)
	if err != nil {
		return err
	}
	defer commit(false)

	c := report.NewCheck(failOn)
	for i, p := range paths {
		co := o
		co.filter, co.hideMapping = p, i > 0
		if multi && !o.quiet {
			e.notef("filter %d of %d: %s", i+1, len(paths), p)
		}
		rep, err := checkOne(e, co, args)
		if err != nil {
			var se *engine.StrictError
			if !multi || e.ctx.Err() != nil || errors.As(err, &se) {
				return err
			}
			// This filter could not be checked (say, the registry can form
			// none of its indexes): say so, go on with the others, exit 2.
			e.printError(fmt.Errorf("filter %s: %w", p, err))
			c.AddError(p, err)
			continue
		}
		c.Add(rep)
		if o.format == "text" {
			if multi {
				fmt.Fprintf(out, "=== filter %d of %d: %s\n\n", i+1, len(paths), p)
			}
			if err := report.WriteText(out, rep); err != nil {
				return err
			}
			if multi {
				fmt.Fprintln(out)
			}
		}
	}
	switch o.format {
	case "text":
		if multi {
			err = report.WriteSummaryText(out, c)
		}
	case "json":
		if multi {
			err = report.WriteCheckJSON(out, c)
		} else {
			err = report.WriteJSON(out, c.Reports[0])
		}
	case "junit":
		err = report.WriteJUnit(out, c, report.JUnitOptions{Tool: "leakcheck " + version()})
	case "html":
		err = report.WriteHTML(out, c, report.HTMLOptions{Tool: "leakcheck " + version(), Generated: time.Now()})
	}
	if err != nil {
		return err
	}
	if err := commit(true); err != nil {
		return err
	}
	if o.output != "" && !o.quiet {
		e.notef("wrote %s", o.output)
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

// reportOutput returns where a report goes: standard output, or the file
// named by -o, written in full or not at all. commit(true) puts the file in
// place; commit(false) discards it (and does nothing after commit(true)).
func (e *env) reportOutput(path string) (io.Writer, func(ok bool) error, error) {
	if path == "" {
		return e.stdout, func(bool) error { return nil }, nil
	}
	f, err := safefile.Create(path, 0o644, false)
	if err != nil {
		return nil, nil, err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	return w, func(ok bool) error {
		if !ok {
			f.Abort()
			return nil
		}
		if err := w.Flush(); err != nil {
			f.Abort()
			return fmt.Errorf("writing %s: %w", path, err)
		}
		return f.Commit()
	}, nil
}

// printError prints an error and its hints the way Run does, for errors that
// do not end the command.
func (e *env) printError(err error) {
	fmt.Fprintf(e.stderr, "leakcheck: error: %v\n", err)
	var he *hintError
	if errors.As(err, &he) {
		for _, h := range he.hints {
			fmt.Fprintf(e.stderr, "leakcheck: hint: %s\n", h)
		}
	}
}

// checkOne checks the registry against one filter and returns the report.
func checkOne(e *env, o checkOptions, args []string) (*report.Report, error) {
	if o.filter == "" {
		return nil, withHint(fmt.Errorf("no filter given"), "add --filter dump.lcf")
	}
	u, err := openUnlocked(e, &o.keyFlags, o.filter)
	if err != nil {
		return nil, err
	}
	defer u.wipe()
	f, keys := u.f, u.keys
	region := f.Header.Region
	if o.region != "" && o.region != region {
		region = o.region
		e.notef("warning: phone numbers without a country code are read as region %s, but the filter was built with %s; such numbers will not match", region, f.Header.Region)
	}
	norm, err := fields.NewNormalizer(region)
	if err != nil {
		return nil, err
	}

	inFlags := o.inputFlags
	inFlags.quiet = inFlags.quiet || o.hideMapping
	ins, err := e.openInputs(args, &inFlags)
	if err != nil {
		return nil, err
	}
	defer engine.CloseAll(ins)
	var matchesOut *safefile.File
	if o.matches != "" {
		if matchesOut, err = safefile.Create(o.matches, 0o600, false); err != nil {
			return nil, err
		}
		defer matchesOut.Abort()
	}
	ids, err := o.oprfCheck.keys(e, u, o.filter, ins)
	if err != nil {
		return nil, err
	}
	res, err := engine.Check(e.ctx, ins, engine.CheckOptions{
		Options:     o.engineOptions(e),
		Normalizer:  norm,
		Keys:        keys,
		Filter:      f,
		WantMatches: matchesOut != nil,
		Identifiers: ids,
	})
	if err == nil {
		err = o.oprfCheck.after(ids, res)
	}
	if err != nil {
		return nil, err
	}
	rep := report.Build(o.filter, f.Header, f.FalsePositiveRate(), res)
	rep.Filter.KeyFingerprint = u.master.Fingerprint()
	if matchesOut != nil {
		w := bufio.NewWriter(matchesOut)
		if err := report.WriteMatchesCSV(w, res.Matches); err != nil {
			return nil, err
		}
		if err := w.Flush(); err != nil {
			return nil, fmt.Errorf("writing %s: %w", o.matches, err)
		}
		if err := matchesOut.Commit(); err != nil {
			return nil, err
		}
	}
	return rep, nil
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
// different normalization version, a wrong key or a damaged or altered file
// is an error. The caller wipes the result.
func openUnlocked(e *env, k *keyFlags, path string) (*unlockedFilter, error) {
	dec, file, err := openFilter(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	h := &dec.Header
	if err := engine.DeclareHeaderFields(h); err != nil {
		return nil, withHint(fmt.Errorf("filter %s: %w", path, err), "give --field NAME=COLUMN without a normalizer: the filter says how its custom fields were normalized")
	}
	if h.Normalization != fields.Version {
		return nil, withHint(fmt.Errorf("filter %s was built with normalization version %d; this leakcheck normalizes with version %d, so the same person would hash differently", path, h.Normalization, fields.Version),
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

func writeReport(e *env, format string, rep *report.Report) error {
	switch format {
	case "json":
		return report.WriteJSON(e.stdout, rep)
	default:
		return report.WriteText(e.stdout, rep)
	}
}
