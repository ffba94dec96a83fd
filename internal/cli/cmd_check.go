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
	filter  string
	format  string
	matches string
	region  string
}

func newCheckCmd(e *env) *cobra.Command {
	var o checkOptions
	cmd := &cobra.Command{
		Use:   "check --key FILE --filter FILTER [flags] REGISTRY...",
		Short: "Check registry records against a dump's filter (registry side)",
		Long: `Check the registry's own records against a filter built from a suspected dump.

Every registry record is normalized and hashed exactly as build did, then tested
against the filter. The report gives, per index: records checked, matches,
matches chance alone would give, an overlap estimate with a 95% interval, the
p-value under "no overlap", and the share of the dump's entries matched; then
the provenance evidence and a verdict: exposed, not_exposed or inconclusive.

Exit codes: 0 not exposed (or inconclusive), 1 exposed, 2 error.`,
		Example: `  leakcheck check --key engagement.key --filter dump.lcf registry.csv
  leakcheck check --key engagement.key --filter dump.lcf --format json --matches matched.csv registry.csv`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runCheck(e, o, args) },
	}
	cmd.Flags().StringVar(&o.keyFile, "key", "", "key file (or set "+KeyFileEnv+")")
	cmd.Flags().StringVar(&o.filter, "filter", "", "filter file built by 'leakcheck build' (required)")
	cmd.Flags().StringVar(&o.format, "format", "text", "report format: text or json")
	cmd.Flags().StringVar(&o.matches, "matches", "", "write the matched registry records' ids to this CSV file")
	cmd.Flags().StringVar(&o.region, "region", "", "default phone region (default: the filter's)")
	o.inputFlags.add(cmd)
	return cmd
}

func runCheck(e *env, o checkOptions, args []string) error {
	if o.format != "text" && o.format != "json" {
		return fmt.Errorf("unknown --format %q: use text or json", o.format)
	}
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
	master, _, err := o.keyFlags.load()
	if err != nil {
		return nil, err
	}
	defer master.Wipe()
	keys, err := filterKeys(&master, h, o.filter)
	if err != nil {
		return nil, err
	}
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
