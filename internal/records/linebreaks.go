package records

import (
	"fmt"
	"regexp"
	"strconv"
)

// psql's unaligned output (psql -A) and sqlite3's default list mode write values as they are,
// separated by "|", with no quoting: a value holding a line break splits its row into two
// lines, neither with the header's number of fields. No reader can undo that exactly (the
// pieces are ragged rows, skipped and counted), but the analyst must be told that the row
// count is not what it seems. lineBreaks watches the field counts of unquoted rows for runs
// of short rows whose fields add up, across the line breaks, to the header's, and reads psql's
// "(N rows)" footer, which is not a row, to compare its count with the rows read.
type lineBreaks struct {
	run     int   // fields so far of a possible run of pieces
	runRows int64 // rows in the run
	pieces  int64 // rows that were pieces of a row split by line breaks
	rows    int64 // unquoted rows seen
	psql    int64 // rows psql's footer says it printed; -1 when there is none
	hasFoot bool
}

var psqlFooter = regexp.MustCompile(`^\((\d+) rows?\)\r?$`)

// footer reports psql's "(N rows)" line in "|"-separated text of several columns.
func (l *lineBreaks) footer(data []byte, delim byte, want int) bool {
	if delim != '|' || want < 2 || len(data) > 32 || data[0] != '(' {
		return false
	}
	m := psqlFooter.FindSubmatch(data)
	if m == nil {
		return false
	}
	n, err := strconv.ParseInt(string(m[1]), 10, 64)
	if err != nil {
		return false
	}
	l.psql, l.hasFoot = n, true
	return true
}

// row notes an unquoted row of n fields.
func (l *lineBreaks) row(n, want int) {
	l.rows++
	if l.run > 0 && n < want && l.run+n-1 <= want {
		l.run += n - 1
		l.runRows++
		if l.run == want {
			l.pieces += l.runRows
			l.run, l.runRows = 0, 0
		}
		return
	}
	l.run, l.runRows = n, 1
	if n >= want {
		// A whole row may still be the first piece of one whose last value has a line
		// break; the run goes on only if a short row follows.
		l.run = want
	}
}

// warnings says what was found, in fixed phrases with counts. The advice depends on the
// delimiter: tab-separated pieces whose breaks a backslash escapes are mysqldump --tab or
// SELECT … INTO OUTFILE data, which --format-in tsv reads exactly.
func (l *lineBreaks) warnings(delim byte) []string {
	var out []string
	if l.pieces > 0 {
		advice := "export with psql --csv or sqlite3 -csv -header instead"
		if delim == '\t' {
			advice = "if a backslash ends the broken lines (mysqldump --tab, SELECT … INTO OUTFILE), read it exactly with --format-in tsv (or keep the .sql mysqldump --tab wrote beside it); otherwise export as CSV (psql --csv, sqlite3 -csv -header, mariadb --batch)"
		}
		out = append(out, fmt.Sprintf("%d lines look like pieces of rows split by unescaped line breaks in values (as psql -A and sqlite3's list mode write them): they were read as separate, mostly ragged rows, so the row count is not reliable; %s", l.pieces, advice))
	}
	if l.hasFoot && l.psql != l.rows {
		out = append(out, fmt.Sprintf("psql's footer says %d rows, but %d lines were read as rows: values hold unescaped line breaks, so the row count is not reliable; export with psql --csv instead", l.psql, l.rows))
	}
	return out
}

func (d *delimitedReader) warnings() []string { return d.lines.warnings(d.s.delim) }
