package report

import (
	"fmt"
	"slices"
	"strings"
)

// Registry-only evidence in `source` (docs/report.md, "Where it came from"): custom fields are
// columns the analyst hashed because they look like what only the registry holds (a centre, a
// dose date, the registry's reference number). Matched records that also agree on one are the
// strongest evidence that the dump came from the registry: another database of the same people
// would not carry the registry's own attributes. A sharp snapshot cut aligned with the registry's
// registration dates is strong evidence too (weighSnapshot).

// weighRegistryOnly adds the custom fields' agreement to r.Source. Only an exposed report is
// traced; a field whose values disagree was already counted against by the agreement profile.
func weighRegistryOnly(r *Report) {
	if r.Verdict != Exposed || len(r.Filter.CustomFields) == 0 {
		return
	}
	var agreeing []string
	for _, cf := range r.Filter.CustomFields {
		if a := agreementOf(r, cf.Name); a != nil {
			n := a.effective()
			if n >= MinProfile && a.CI95[1] >= CopyAgreement {
				r.Source.For = append(r.Source.For, fmt.Sprintf("%s, a field only the registry holds, agrees for %s of the %s matched records that hold it (95%% interval %s to %s; compared on %s): the dump carries the registry's own attributes",
					cf.Name, pct(a.Share), num(n), pct(a.CI95[0]), pct(a.CI95[1]), a.Combination))
				agreeing = append(agreeing, cf.Name)
			}
			continue
		}
		for _, ix := range r.Indexes {
			if !slices.Contains(strings.Split(ix.Index, "+"), cf.Name) || !ix.BeyondChance || ix.MatchesWithIdentifier == nil {
				continue
			}
			if m := *ix.MatchesWithIdentifier; m >= MinProfile {
				r.Source.For = append(r.Source.For, fmt.Sprintf("%s registry records match the dump on %s, with %s, a field only the registry holds: the dump carries the registry's own attributes",
					num(m), ix.Index, cf.Name))
				agreeing = append(agreeing, cf.Name)
				break
			}
		}
	}
	if len(agreeing) == 0 || r.Source.Assessment == OtherSource {
		return
	}
	r.Source.Assessment = FromRegistry
	r.Source.Summary = fmt.Sprintf("the registry: the matched records agree with the registry on %s, which only the registry holds", joinAnd(agreeing))
}

func agreementOf(r *Report, field string) *AgreementReport {
	for i := range r.Agreement {
		if r.Agreement[i].Field == field {
			return &r.Agreement[i]
		}
	}
	return nil
}

// weighSnapshot adds a sharp snapshot cut to r.Source: exposed records that stop at a date
// while the registry kept growing. It makes an undetermined source the registry; it does not
// overrule values that disagree with the registry's.
func weighSnapshot(r *Report) {
	if r.Verdict != Exposed {
		return
	}
	for _, d := range r.Dating {
		if d.SnapshotNotAfter == nil {
			continue
		}
		exposedAfter := "none exposed"
		if d.ExposedAfter > 0 {
			exposedAfter = fmt.Sprintf("only %s exposed, as coincidence gives", num(d.ExposedAfter))
		}
		r.Source.For = append(r.Source.For, fmt.Sprintf("the matches stop sharply at %s by %s while the registry kept growing (%s records after it, %s), as a copy of the registry taken then would",
			longDate(*d.LastExposed), d.Column, num(d.After), exposedAfter))
		if r.Source.Assessment == Undetermined && len(r.DumpOnlyFields) == 0 {
			r.Source.Assessment = FromRegistry
			r.Source.Summary = fmt.Sprintf("the registry: the exposed records stop at a date of the registry's own %s, as a copy taken then would", d.Column)
		}
		return
	}
}
