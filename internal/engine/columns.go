package engine

import (
	"fmt"
	"strings"

	"github.com/leakcheck/leakcheck/internal/fields"
)

// checkColumns refuses a run in which a column mapped to a field that an index needs held
// values, none of which was valid: "--field phone=contact.phones" on a column of something
// else would otherwise build a filter without that field's entries, or check nothing for it,
// and exit 0 — a quiet undercount. National ids that are all masked are left to their own
// hint (they form national_id_last4).
func checkColumns(inputs []*Input, accs []*Accounting, need []fields.Field) error {
	for i, in := range inputs {
		a := accs[i]
		for _, f := range need {
			col, ok := in.Mapping.ByField[f]
			if !ok || a.fieldBad[f] == 0 || a.fieldOK[f] > 0 {
				continue
			}
			if f == fields.NationalID && allMasked(a) {
				continue
			}
			first := ""
			for _, e := range a.Examples {
				if strings.HasPrefix(e.Reason, f.String()+": ") {
					first = fmt.Sprintf(" (the first, line %d: %s)", e.Line, strings.TrimPrefix(e.Reason, f.String()+": "))
					break
				}
			}
			return fmt.Errorf("%s: no value of %s is a valid %s: all %d non-empty values were refused%s; a filter or report without them would undercount, so nothing was written — map the right column with --field %s=COLUMN, or leave %s out with --index",
				in.Display(), columnLabel(in.Mapping, col), f, a.fieldBad[f], first, f, f)
		}
	}
	return nil
}

// columnLabel names a column for a message without printing a name that may
// be data: `column "Mobile No"` for a recognised or typed name, else
// Mapping.Label's `column 3`.
func columnLabel(m fields.Mapping, col int) string {
	l := m.Label(col)
	if strings.HasPrefix(l, "column ") {
		return l
	}
	return "column " + l
}

// allMasked reports whether every invalid national_id value was a masked one.
func allMasked(a *Accounting) bool {
	return a.fieldBad[fields.NationalID] == a.maskedIDs
}
