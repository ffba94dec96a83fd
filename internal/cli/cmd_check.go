package cli

import (
	"bufio"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/leakcheck/leakcheck/internal/engine"
	"github.com/leakcheck/leakcheck/internal/fields"
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
	cmd.MarkFlagFilename("filter", "lcf")
	cmd.MarkFlagFilename("key")
	cmd.MarkFlagFilename("output")
	cmd.MarkFlagFilename("matches", "csv")
	cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json", "junit", "html"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{report.FailOnExposed, report.FailOnInconclusive, report.FailOnNever}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runCheck(e *env, o checkOptions, args []string) error {
	if o.format != "text" && o.format != "json" {
		return fmt.Errorf("unknown --format %q: use text or json", o.format)
	}
	defer o.keyFlags.wipe()
	rep, err := checkOne(e, o, args)
	if err != nil {
		return err
	}
	if err := writeReport(e, o.format, rep); err != nil {
		return err
	}
	if rep.Verdict == report.Exposed {
		return &exitError{ExitExposed}
	}
	return nil
}

// checkOne checks the registry against one filter and returns the report.
func checkOne(e *env, o checkOptions, args []string) (*report.Report, error) {
	if o.filter == "" {
		return nil, withHint(fmt.Errorf("no filter given"), "add --filter dump.lcf")
	}
	dec, file, err := openFilter(o.filter)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	h := &dec.Header
	if h.Normalization != fields.Version {
		return nil, withHint(fmt.Errorf("filter %s was built with normalization version %d; this leakcheck normalizes with version %d, so the same person would hash differently", o.filter, h.Normalization, fields.Version),
			"use the leakcheck version the analyst used (see 'leakcheck inspect "+o.filter+"')")
	}
	region := h.Region
	if o.region != "" {
		region = o.region
	}
	norm, err := fields.NewNormalizer(region)
	if err != nil {
		return nil, err
	}
	master, keys, err := o.keyFlags.unlock(e, dec, o.filter)
	if err != nil {
		return nil, err
	}
	defer master.Wipe()
	defer keys.Wipe()
	f, err := dec.Body(keys.MACKey())
	if err != nil {
		return nil, filterError(o.filter, err)
	}
	file.Close()

	ins, err := e.openInputs(args, &o.inputFlags)
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
	res, err := engine.Check(e.ctx, ins, engine.CheckOptions{
		Options:     o.engineOptions(e),
		Normalizer:  norm,
		Keys:        keys,
		Filter:      f,
		WantMatches: matchesOut != nil,
	})
	if err != nil {
		return nil, err
	}
	rep := report.Build(o.filter, f.Header, f.FalsePositiveRate(), res)
	rep.Filter.KeyFingerprint = master.Fingerprint()
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

func writeReport(e *env, format string, rep *report.Report) error {
	switch format {
	case "json":
		return report.WriteJSON(e.stdout, rep)
	default:
		return report.WriteText(e.stdout, rep)
	}
}
