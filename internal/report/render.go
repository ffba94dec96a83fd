package report

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/leakcheck/leakcheck/internal/engine"
)

// WriteJSON writes the report as one indented JSON object (schema
// leakcheck.report/v1, docs/report.md).
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report for people: verdict first, then the tables.
func WriteText(w io.Writer, r *Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "VERDICT: %s\n  %s.\n\n", strings.ToUpper(strings.ReplaceAll(r.Verdict, "_", " ")), r.Reason)
	f := r.Filter
	fmt.Fprintf(&b, "Filter %s: built %s from %d dump records; fields %s\n", f.File, f.Created.UTC().Format("2006-01-02 15:04 MST"), f.Records, strings.Join(f.Fields, ", "))
	fmt.Fprintf(&b, "  false-positive rate %s (target %s), normalization v%d, phone region %s", sci(f.FalsePositiveRate), sci(f.TargetFPR), f.Normalization, f.Region)
	if f.KeyFingerprint != "" {
		fmt.Fprintf(&b, ", key %s", f.KeyFingerprint)
	}
	b.WriteString("\n\n")

	tw := tabwriter.NewWriter(&b, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "INDEX\tCHECKED\tMATCHES\tBY CHANCE\tOVERLAP (95% CI)\tP-VALUE\tDUMP ENTRIES MATCHED")
	for _, x := range r.Indexes {
		if x.Status != "checked" {
			fmt.Fprintf(tw, "%s\tnot checked: %s\t\t\t\t\t\n", x.Index, x.WhyNotChecked)
			continue
		}
		share := "-"
		if x.DumpEntries > 0 {
			share = fmt.Sprintf("≈%s of %d", pct(x.DumpShareMatched), x.DumpEntries)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%.0f (%.0f–%.0f)\t%s\t%s\n", x.Index, x.Checked, x.Matches,
			fmtFloat(x.ExpectedFalsePositives), x.OverlapEstimate, x.OverlapLow, x.OverlapHigh, pvalue(x.PValue), share)
	}
	tw.Flush()

	if len(r.Provenance) > 0 {
		b.WriteString("\nPROVENANCE: of the registry records whose identifier matched, how many also match on more fields\n")
		tw = tabwriter.NewWriter(&b, 2, 8, 2, ' ', 0)
		for _, p := range r.Provenance {
			fmt.Fprintf(tw, "  %s → %s\t%d of %d\t%s (95%% CI %s–%s)\tchance alone: %s\n", p.Base, p.Combination, p.CombinationMatched, p.BaseMatched,
				pct(p.Share), pct(p.ShareLow), pct(p.ShareHigh), fmtFloat(p.ExpectedByChance))
		}
		tw.Flush()
	}
	if len(r.DumpOnlyFields) > 0 {
		fmt.Fprintf(&b, "\nThe dump holds fields the registry does not: %s.\n", strings.Join(r.DumpOnlyFields, ", "))
	}
	b.WriteString("\nREGISTRY ROWS\n")
	WriteAccounting(&b, r.Registry.Sources)
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteAccounting writes what became of every row of each input.
func WriteAccounting(w io.Writer, accs []*engine.Accounting) {
	for _, a := range accs {
		fmt.Fprintf(w, "  %s: %d rows read, %d used, %d skipped", a.Source, a.Read, a.Used, a.SkippedTotal())
		if len(a.Skipped) > 0 {
			fmt.Fprintf(w, " (%s)", counts(a.Skipped))
		}
		fmt.Fprintln(w)
		if len(a.Invalid) > 0 {
			fmt.Fprintf(w, "    values that did not normalize: %s\n", counts(a.Invalid))
		}
		if a.Dropped > 0 {
			fmt.Fprintf(w, "    values dropped: %d (keys first seen after the columns were fixed from the first records)\n", a.Dropped)
		}
		if a.Truncated {
			fmt.Fprintf(w, "    TRUNCATED INPUT: %s; the rows after it are missing (read with --allow-partial)\n", a.TruncatedReason)
		}
		for _, e := range a.ExampleLines() {
			fmt.Fprintf(w, "    %s\n", e)
		}
	}
}

func counts(m map[string]int64) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s: %d", k, m[k]))
	}
	return strings.Join(parts, "; ")
}

func sci(x float64) string {
	if x == 0 {
		return "0"
	}
	return fmt.Sprintf("%.1e", x)
}

func pvalue(p float64) string {
	switch {
	case p == 0:
		return "<1e-300"
	case p >= 0.01:
		return fmt.Sprintf("%.2f", p)
	}
	return fmt.Sprintf("%.1e", p)
}

// WriteMatchesCSV writes the matched registry records: source, line, id and
// the indexes they matched. It holds registry ids, which the operator asked
// for; never dump data.
func WriteMatchesCSV(w io.Writer, ms []engine.Match) error {
	if _, err := io.WriteString(w, "source,line,id,indexes\n"); err != nil {
		return err
	}
	for _, m := range ms {
		if _, err := fmt.Fprintf(w, "%s,%d,%s,%s\n", csvField(m.Source), m.Line, csvField(m.ID), csvField(strings.Join(m.Indexes, " "))); err != nil {
			return err
		}
	}
	return nil
}

func csvField(s string) string {
	// Neutralise spreadsheet formulas first: a quoted "=…" is still a formula to a
	// spreadsheet. (Source names can come from zip member names, ids from the registry.)
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		s = "'" + s
	}
	if strings.ContainsAny(s, ",\"\r\n") || strings.HasPrefix(s, " ") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}
