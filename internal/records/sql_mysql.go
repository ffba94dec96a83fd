package records

import (
	"bytes"
	"fmt"
	"strings"
)

// INSERT … VALUES (…),(…): the data statements of mysqldump and mariadb-dump, which pg_dump
// --inserts and sqlite3 .dump write too (their strings differ only in the lexer's backslash
// rule). MySQL's character set introducers (_utf8mb4'…', _binary '…') and its X'…' and 0x…
// literals are read here.

// insert reads an INSERT or REPLACE statement up to its first tuple.
func (q *sqlReader) insert(line int64) error {
	for {
		q.skipSpace()
		w := q.s.peekN(1)
		if len(w) == 0 || !isIdentByte(w[0]) {
			break
		}
		// Modifiers and INTO; anything else is the table name.
		b, _ := q.s.r.Peek(14)
		word := strings.ToUpper(string(b[:identLen(b)]))
		if word != "LOW_PRIORITY" && word != "DELAYED" && word != "HIGH_PRIORITY" && word != "IGNORE" && word != "INTO" {
			break
		}
		q.word()
	}
	name, cols, ok := q.tableAndColumns()
	if !ok {
		q.skipStatement()
		return q.s.err
	}
	kw := strings.ToUpper(q.word())
	read, err := q.begin(name, cols, line)
	if err != nil {
		return err
	}
	if !read {
		q.skipStatement()
		return q.s.err
	}
	if kw != "VALUES" && kw != "VALUE" {
		q.skipStatement()
		if q.s.err != nil {
			return q.s.err
		}
		return &RowError{Line: line, Reason: "INSERT without VALUES is not read"}
	}
	q.inInsert, q.stmtLine = true, line
	return nil
}

// tuple reads the next tuple of the current INSERT. ok is false when the statement ended.
func (q *sqlReader) tuple() (rec Record, err error, ok bool) {
	q.skipSpace()
	c, more := q.s.readByte()
	if more && c == ',' {
		q.skipSpace()
		c, more = q.s.readByte()
	}
	switch {
	case !more:
		q.inInsert = false
		if q.s.err != nil {
			return Record{}, q.s.err, true
		}
		return Record{}, nil, false
	case c == ';':
		q.inInsert = false
		return Record{}, nil, false
	case c != '(':
		// ON DUPLICATE KEY UPDATE, RETURNING, or something unreadable: the rest of the
		// statement holds no rows we can read.
		q.s.unread()
		q.skipStatement()
		q.inInsert = false
		return Record{}, nil, false
	}
	line := q.s.line
	n, reason := q.readTuple()
	if q.s.err != nil {
		return Record{}, q.s.err, true
	}
	if q.swallowed > 0 {
		return Record{}, q.swallowedRows(line), true
	}
	if reason == "" && q.columns == nil && n <= maxColumns {
		q.learnColumns(n)
	}
	if reason == "" && n != len(q.stmtCols) {
		reason = fmt.Sprintf("ragged row: %d fields, table has %d", n, len(q.stmtCols))
	}
	if reason != "" {
		if reason == "unterminated quote" || reason == "row not closed at end of input" {
			q.inInsert = false
		}
		return Record{}, &RowError{Line: line, Reason: reason}, true
	}
	return q.record(line), nil, true
}

// record makes a Record from the values in q.buf, in table column order.
func (q *sqlReader) record(line int64) Record {
	clear(q.values)
	rec := Record{Line: line, Values: q.values}
	if len(q.stmtCols) == 0 {
		return rec
	}
	all := string(q.buf)
	start := 0
	for i, end := range q.ends {
		v := all[start:end]
		start = end
		if i >= len(q.stmtCols) {
			break
		}
		if j := q.stmtCols[i]; j >= 0 && j < len(q.values) {
			q.values[j] = v
		} else if v != "" {
			rec.Dropped++
		}
	}
	return rec
}

// readTuple reads the values of a tuple whose "(" was read, through its ")", into q.buf and q.ends.
// It returns the number of values, or a reason for a bad tuple (after skipping past it).
func (q *sqlReader) readTuple() (int, string) {
	q.buf, q.ends = q.buf[:0], q.ends[:0]
	n := 0
	tooLong := false
	for {
		q.skipSpace()
		reason := q.value()
		if reason != "" {
			if reason != "unterminated quote" {
				q.skipTuple()
			}
			return n, reason
		}
		n++
		if len(q.buf) > q.max {
			tooLong = true
			q.buf = q.buf[:0]
		}
		if !tooLong && n <= maxColumns {
			q.ends = append(q.ends, len(q.buf))
		}
		q.skipSpace()
		c, ok := q.s.readByte()
		switch {
		case !ok:
			return n, "row not closed at end of input"
		case c == ')':
			if tooLong {
				return n, "row longer than " + sizeString(q.max) + " limit"
			}
			return n, ""
		case c != ',':
			q.skipTuple()
			return n, "malformed row"
		}
	}
}

// skipTuple skips to just after the ")" that closes the current tuple.
func (q *sqlReader) skipTuple() {
	depth := 0
	for {
		c, ok := q.s.readByte()
		if !ok {
			return
		}
		switch c {
		case '(':
			depth++
		case ')':
			if depth == 0 {
				return
			}
			depth--
		case '\'', '"':
			q.skipQuoted(c, !q.pg)
		case ';':
			if depth == 0 {
				q.s.unread()
				return
			}
		}
	}
}

// add appends to the current value unless the row is already over the limit.
func (q *sqlReader) add(b ...byte) {
	if len(q.buf) <= q.max {
		q.buf = append(q.buf, b...)
	}
}

// value reads one value into q.buf.
func (q *sqlReader) value() string {
	c, ok := q.s.peek()
	if !ok {
		return "row not closed at end of input"
	}
	switch {
	case c == '\'' || c == '"':
		q.s.readByte()
		if !q.str(c, !q.pg) {
			return "unterminated quote"
		}
	case (c == 'E' || c == 'e') && string(q.s.peekN(2)[1:]) == "'":
		q.s.readByte()
		q.s.readByte()
		if !q.str('\'', true) {
			return "unterminated quote"
		}
	case (c == 'N' || c == 'n') && string(q.s.peekN(2)[1:]) == "'":
		q.s.readByte()
		q.s.readByte()
		if !q.str('\'', !q.pg) {
			return "unterminated quote"
		}
	case (c == 'R' || c == 'r') && strings.EqualFold(string(q.s.peekN(8)), "replace("):
		if r := q.replaceCall(); r != "" {
			return r
		}
	case (c == 'X' || c == 'x') && string(q.s.peekN(2)[1:]) == "'":
		q.s.readByte()
		q.s.readByte()
		start := len(q.buf)
		if !q.str('\'', false) {
			return "unterminated quote"
		}
		if len(q.buf) <= q.max {
			if b, err := hexDecode(q.buf[start:]); err == nil {
				q.buf = append(q.buf[:start], b...)
			}
		}
	case c == '_':
		// A character set introducer: _utf8mb4'…', _binary '…'.
		w := q.word()
		q.skipSpace()
		if c, _ := q.s.peek(); c == '\'' || c == '"' {
			q.s.readByte()
			if !q.str(c, !q.pg) {
				return "unterminated quote"
			}
		} else {
			q.add([]byte(w)...)
			return q.expression()
		}
	case c == ',' || c == ')':
		return "malformed row" // an empty value
	default:
		start := len(q.buf)
		if r := q.expression(); r != "" {
			return r
		}
		v := bytes.TrimSpace(q.buf[start:])
		switch strings.ToUpper(string(v)) {
		case "NULL", "DEFAULT":
			q.buf = q.buf[:start]
		case "TRUE":
			q.buf = append(q.buf[:start], "true"...)
		case "FALSE":
			q.buf = append(q.buf[:start], "false"...)
		default:
			q.buf = append(q.buf[:start], v...)
		}
		return ""
	}
	// After a string: a PostgreSQL cast, or other trailing text, is dropped.
	q.skipSpace()
	if c, _ := q.s.peek(); c != ',' && c != ')' {
		save := len(q.buf)
		if r := q.expression(); r != "" {
			return r
		}
		q.buf = q.buf[:save]
	}
	return ""
}

// tableAndColumns reads a table name and an optional parenthesised column
// list, as INSERT INTO and COPY have them.
func (q *sqlReader) tableAndColumns() (name string, cols []string, ok bool) {
	if name, ok = q.qualifiedName(); !ok {
		return "", nil, false
	}
	q.skipSpace()
	if c, _ := q.s.peek(); c == '(' {
		q.s.readByte()
		if cols, ok = q.identList(); !ok {
			return "", nil, false
		}
		q.skipSpace()
	}
	return name, cols, true
}
