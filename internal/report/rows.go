package report

import (
	"fmt"
)

// Rows versus people (docs/report.md, "Rows, people and counts"): the registry's counts are of
// records (rows), the dump's of distinct entries. Family members who share a phone are separate
// registry records but one phone number of the dump; a dump's duplicate rows are one entry.
// rowsAndPeople says so, per identifier index, with the numbers, so that no one quotes "212
// people" for 212 registry records that hold 200 phone numbers.
func rowsAndPeople(r *Report, m *model) []string {
	out := []string{}
	for _, x := range r.Indexes {
		ix, ok := m.ixs[x.Index]
		if !ok || x.Status != Checked || len(ix.Fields) != 1 || !ix.Fields[0].Identifying() {
			continue
		}
		word := identifierWord(x.Index)
		if r.Filter.Records > 0 {
			s := fmt.Sprintf("the dump's %s rows hold %s distinct %ss", num(r.Filter.Records), num(int64(x.DumpEntries)), word)
			if int64(x.DumpEntries) < r.Filter.Records {
				s += fmt.Sprintf(": rows with the same %s (duplicate rows, or people sharing one) are one entry, and rows without one none", word)
			}
			out = append(out, s)
		}
		if x.Matches == 0 {
			continue
		}
		about := ""
		if !x.DumpEntriesExact {
			about = "about "
		}
		s := fmt.Sprintf("%s registry records (rows) match on %s; they hold %s%s distinct %ss of the dump", num(x.Matches), x.Index, about, num(int64(x.DumpEntriesMatched)), word)
		if extra := x.Matches - int64(x.DumpEntriesMatched); extra > 0 {
			s += fmt.Sprintf(": %s%s records share a %s with another matched record (family members, or the registry's duplicate rows), and every count of records here counts them apart", about, num(extra), word)
		}
		out = append(out, s)
	}
	return out
}

// writeRowsText writes the rows-and-people sentences, wrapped.
func writeRowsText(p *prose, r *Report) {
	if len(r.RowsAndPeople) == 0 {
		return
	}
	p.b.WriteString("\nROWS AND PEOPLE\n")
	for _, s := range r.RowsAndPeople {
		p.para("  ", "    ", capitalize(s)+".")
	}
}
