package records

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// SQLite: sqlite3 .dump writes a string holding line breaks as replace('…\n…','\n',char(10))
// (nested for \r); replaceCall evaluates it.

// replaceCall reads sqlite3's replace('…\n…','\n',char(10)), which .dump writes for a string
// holding line breaks (nested for \r), and leaves the string with the replacement made.
func (q *sqlReader) replaceCall() string {
	for range len("replace(") {
		q.s.readByte()
	}
	start := len(q.buf)
	q.skipSpace()
	if r := q.value(); r != "" {
		return r
	}
	q.skipSpace()
	if c, _ := q.s.readByte(); c != ',' {
		return "malformed row"
	}
	q.skipSpace()
	if c, _ := q.s.readByte(); c != '\'' {
		return "malformed row"
	}
	p := len(q.buf)
	if !q.str('\'', false) {
		return "unterminated quote"
	}
	pat := string(q.buf[p:])
	q.buf = q.buf[:p]
	q.skipSpace()
	if c, _ := q.s.readByte(); c != ',' {
		return "malformed row"
	}
	q.skipSpace()
	if !strings.EqualFold(string(q.s.peekN(5)), "char(") {
		return "malformed row"
	}
	for range 5 {
		q.s.readByte()
	}
	var repl []byte
	for {
		q.skipSpace()
		w := q.word()
		n, err := strconv.Atoi(w)
		if err != nil || n < 0 || n > utf8.MaxRune {
			return "malformed row"
		}
		repl = utf8.AppendRune(repl, rune(n))
		q.skipSpace()
		c, _ := q.s.readByte()
		if c == ')' {
			break
		}
		if c != ',' {
			return "malformed row"
		}
	}
	q.skipSpace()
	if c, _ := q.s.readByte(); c != ')' {
		return "malformed row"
	}
	if len(q.buf) <= q.max && pat != "" {
		v := bytes.ReplaceAll(q.buf[start:], []byte(pat), repl)
		q.buf = append(q.buf[:start], v...)
	}
	return ""
}
