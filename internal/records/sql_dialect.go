package records

import (
	"fmt"
	"strings"
)

// sqlDialect is the SQL dialect a dump is written in, as far as reading it cares: how strings
// escape, and which statements carry data.
type sqlDialect int

const (
	dialectUnknown  sqlDialect = iota // MySQL-style backslash escapes until the dump says otherwise
	dialectMySQL                      // mysqldump, mariadb-dump: backslash escapes in '…'
	dialectPostgres                   // pg_dump: standard strings, COPY blocks
	dialectSQLite                     // sqlite3 .dump: standard strings, replace(…,char(10))
)

var dialectNames = [...]string{
	dialectUnknown:  "SQL dump",
	dialectMySQL:    "SQL dump (MySQL/MariaDB)",
	dialectPostgres: "SQL dump (PostgreSQL)",
	dialectSQLite:   "SQL dump (SQLite .dump)",
}

// setDialect records the first evidence of the dump's dialect.
func (q *sqlReader) setDialect(d sqlDialect, why string) {
	if q.dialect == dialectUnknown {
		q.dialect, q.why = d, why
	}
}

// detail reports the dialect for Detection.
func (q *sqlReader) detail() (string, string) {
	if q.dialect == dialectUnknown {
		return dialectNames[dialectUnknown], "starts like an SQL statement; strings read with backslash escapes"
	}
	return dialectNames[q.dialect], q.why
}

// noteSwallow is called for each newline inside a quoted value or a raw expression: one
// followed by the start of another INSERT statement means the value ran over rows — its quotes were read with the wrong escaping (a
// name ending in a backslash, read MySQL-style in a dump whose dialect has no backslash
// escapes). Each such row is counted, so that none is lost without a trace.
func (q *sqlReader) noteSwallow(c byte) {
	h := q.s.peekN(13)
	if hasPrefixFold(h, "INSERT INTO ") || hasPrefixFold(h, "REPLACE INTO ") || hasPrefixFold(h, "INSERT IGNORE") {
		q.swallowed++
	}
}

func hasPrefixFold(b []byte, p string) bool {
	return len(b) >= len(p) && strings.EqualFold(string(b[:len(p)]), p)
}

// swallowedRows turns the rows a bad value ran over into row errors: the tuple itself is the
// error returned, the rows it swallowed are queued after it.
func (q *sqlReader) swallowedRows(line int64) error {
	n := q.swallowed
	q.swallowed = 0
	q.swallowedTotal += int64(n)
	for range n {
		q.queue = append(q.queue, pending{err: &RowError{Line: line, Reason: "row inside a quoted value that did not end where expected"}})
	}
	return &RowError{Line: line, Reason: fmt.Sprintf("quoted value ran over later rows: %d of them (its quoting does not match the dump's escaping)", n)}
}

// warnings says when values ran over rows.
func (q *sqlReader) warnings() []string {
	if q.swallowedTotal == 0 {
		return nil
	}
	return []string{fmt.Sprintf("%d rows were inside quoted values that did not end where expected: the dump's string escaping was misread (%s); the row count is not reliable — name the dialect's tool in an issue", q.swallowedTotal, q.dialectName())}
}

func (q *sqlReader) dialectName() string {
	f, _ := q.detail()
	return f
}
