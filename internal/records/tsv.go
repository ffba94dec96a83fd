package records

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Tab-separated text with backslash escapes is what `mariadb --batch`, `mysqldump --tab`,
// `SELECT … INTO OUTFILE` and PostgreSQL's `COPY … TO` (text format) write: fields are never
// quoted (a `"` is part of the value), and a tab, line break, carriage return or backslash in
// a value is written `\t`, `\n`, `\r`, `\\`; `\N` alone is NULL (read as empty) and `\0` is a
// NUL byte (dropped: no identifier holds one). Other escapes (`\b`, `\Z`, `\x`) keep the
// character after the backslash, as MariaDB and PostgreSQL read them.
//
// The format is chosen with --format-in tsv, or detected in tab-separated text whose first
// 64 KiB hold a field that is exactly `\N` or a `\\` (plain tab-separated text seldom does).
//
// `mysqldump --tab DIR` writes each table as TABLE.txt (data, no header) beside TABLE.sql (its
// CREATE TABLE): a .txt file read as tab-separated text with a .sql beside it that creates one
// table takes its column names from there, and its first line is data.

const fmtTSV = "tsv"

// looksEscaped reports whether the head of tab-separated text holds backslash escapes.
func looksEscaped(head []byte) bool {
	for _, line := range bytes.Split(head, []byte{'\n'}) {
		for _, f := range bytes.Split(bytes.TrimSuffix(line, []byte{'\r'}), []byte{'\t'}) {
			if string(f) == `\N` {
				return true
			}
		}
	}
	return bytes.Contains(head, []byte(`\\`))
}

// unescapeTSV decodes a field's escapes in place in vals.
func unescapeTSV(vals []string) {
	for i, v := range vals {
		if strings.IndexByte(v, '\\') < 0 {
			continue
		}
		if v == `\N` {
			vals[i] = ""
			continue
		}
		var b strings.Builder
		b.Grow(len(v))
		for j := 0; j < len(v); j++ {
			c := v[j]
			if c != '\\' || j+1 == len(v) {
				b.WriteByte(c)
				continue
			}
			j++
			switch v[j] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '0':
			default:
				b.WriteByte(v[j])
			}
		}
		vals[i] = b.String()
	}
}

// maxSchemaBytes bounds the .sql read beside a mysqldump --tab .txt file.
const maxSchemaBytes = 4 << 20

// tabSchema returns the column names from the .sql file beside path, written by
// mysqldump --tab: the columns of its one CREATE TABLE. ok is false when there is no such file
// or it does not create exactly one table (mysqldump names both files after the table; a
// renamed pair still matches when the .sql creates one table with as many columns as the
// .txt's first line has fields).
func tabSchema(path string, max int) (sqlName string, cols []string, ok bool) {
	if !strings.EqualFold(filepath.Ext(path), ".txt") {
		return "", nil, false
	}
	sqlPath := strings.TrimSuffix(path, filepath.Ext(path)) + ".sql"
	f, err := os.Open(sqlPath)
	if err != nil {
		return "", nil, false
	}
	defer f.Close()
	q := &sqlReader{s: newSQLScanner(bufio.NewReader(io.LimitReader(f, maxSchemaBytes))), max: max, tables: map[string]*sqlTable{}}
	for {
		if err := q.statement(); err == io.EOF {
			break
		} else if err != nil && !isRowError(err) {
			return "", nil, false
		}
	}
	var found []string
	n := 0
	for _, t := range q.tables {
		if t.created {
			n++
			found = t.columns
		}
	}
	if n != 1 || len(found) == 0 {
		return "", nil, false
	}
	return displayPath(filepath.Base(sqlPath)), found, true
}
