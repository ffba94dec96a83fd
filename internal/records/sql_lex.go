package records

import (
	"bufio"
	"errors"
	"io"
	"strconv"
	"strings"
)

// The SQL lexer every dialect shares: bytes with line numbers, white space and comments (#
// only outside PostgreSQL and SQLite), identifiers bare or quoted with ` or ", statements
// skipped to their ";", quoted strings with or without backslash escapes (as the dialect says),
// raw expressions, and hex literals.

// sqlScanner reads bytes with line numbers.
type sqlScanner struct {
	r    *bufio.Reader
	line int64
	err  error // a read error other than io.EOF
	last byte
}

func (s *sqlScanner) readByte() (byte, bool) {
	c, err := s.r.ReadByte()
	if err != nil {
		if err != io.EOF && s.err == nil {
			s.err = err
		}
		return 0, false
	}
	if c == '\n' {
		s.line++
	}
	s.last = c
	return c, true
}

func (s *sqlScanner) unread() {
	s.r.UnreadByte()
	if s.last == '\n' {
		s.line--
	}
}

func (s *sqlScanner) peek() (byte, bool) {
	c, ok := s.readByte()
	if ok {
		s.unread()
	}
	return c, ok
}

func (s *sqlScanner) peekN(n int) []byte {
	b, _ := s.r.Peek(n)
	return b
}

func isSQLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

func newSQLScanner(r io.Reader) *sqlScanner {
	return &sqlScanner{r: bufio.NewReaderSize(r, 64<<10), line: 1}
}

// skipSpace skips white space and comments. It looks ahead with Peek rather than reading and
// unreading, since a bufio.Reader cannot unread after a Peek.
func (q *sqlReader) skipSpace() {
	s := q.s
	for {
		b := s.peekN(2)
		if len(b) == 0 {
			return
		}
		switch c := b[0]; {
		case isSQLSpace(c):
			s.readByte()
		case c == '-' && len(b) > 1 && b[1] == '-', c == '#' && !q.pg:
			q.skipLine()
		case c == '/' && len(b) > 1 && b[1] == '*':
			if string(s.peekN(3)) == "/*!" {
				q.setDialect(dialectMySQL, "versioned comment /*!…*/")
			}
			s.readByte()
			s.readByte()
			q.skipBlockComment()
		default:
			return
		}
	}
}

func (q *sqlReader) skipLine() {
	for {
		c, ok := q.s.readByte()
		if !ok || c == '\n' {
			return
		}
	}
}

func (q *sqlReader) skipBlockComment() {
	prev := byte(0)
	for {
		c, ok := q.s.readByte()
		if !ok || prev == '*' && c == '/' {
			return
		}
		prev = c
	}
}

// word reads an unquoted identifier or keyword ("" if none).
func (q *sqlReader) word() string {
	var b []byte
	for {
		c, ok := q.s.readByte()
		if !ok {
			break
		}
		if !isIdentByte(c) {
			q.s.unread()
			break
		}
		if len(b) < 256 {
			b = append(b, c)
		}
	}
	return string(b)
}

// ident reads an identifier, quoted with ` or " or bare; ok is false when there is none.
func (q *sqlReader) ident() (string, bool) {
	c, ok := q.s.peek()
	if !ok {
		return "", false
	}
	if c == '`' || c == '"' || c == '[' {
		if c == '`' {
			q.setDialect(dialectMySQL, "names quoted with backticks")
		}
		q.s.readByte()
		end := c
		if c == '[' {
			end = ']'
		}
		var b []byte
		for {
			d, ok := q.s.readByte()
			if !ok {
				return "", false
			}
			if d == end {
				if n, _ := q.s.peek(); n == end && end != ']' {
					q.s.readByte()
				} else {
					break
				}
			}
			if len(b) < 256 {
				b = append(b, d)
			}
		}
		return string(b), true
	}
	w := q.word()
	return w, w != ""
}

// qualifiedName reads name or schema.name (parts joined by ".").
func (q *sqlReader) qualifiedName() (string, bool) {
	var parts []string
	for {
		q.skipSpace()
		id, ok := q.ident()
		if !ok {
			return "", false
		}
		parts = append(parts, id)
		q.skipSpace()
		if c, _ := q.s.peek(); c != '.' {
			return strings.Join(parts, "."), true
		}
		q.s.readByte()
	}
}

// identList reads "(a, b, c)" after the "(" has been read.
func (q *sqlReader) identList() ([]string, bool) {
	var out []string
	for {
		q.skipSpace()
		id, ok := q.ident()
		if !ok {
			return nil, false
		}
		out = append(out, id)
		q.skipSpace()
		c, ok := q.s.readByte()
		switch {
		case !ok:
			return nil, false
		case c == ')':
			return out, true
		case c != ',':
			return nil, false
		}
		if len(out) > maxColumns {
			return nil, false
		}
	}
}

// skipStatement skips to just after the next ";" outside quotes and comments.
func (q *sqlReader) skipStatement() {
	s := q.s
	for {
		c, ok := s.readByte()
		if !ok {
			return
		}
		switch c {
		case ';':
			return
		case '\'', '"', '`':
			q.skipQuoted(c, c == '\'' && !q.pg || c == '"' && !q.pg)
		case '-':
			if string(s.peekN(1)) == "-" {
				q.skipLine()
			}
		case '#':
			if !q.pg {
				q.skipLine()
			}
		case '/':
			if string(s.peekN(1)) == "*" {
				s.readByte()
				q.skipBlockComment()
			}
		case '$':
			q.skipDollarQuoted()
		}
	}
}

// skipQuoted skips a quoted string whose opening quote was read.
func (q *sqlReader) skipQuoted(quote byte, backslash bool) {
	for {
		c, ok := q.s.readByte()
		if !ok {
			return
		}
		switch {
		case backslash && c == '\\':
			q.s.readByte()
		case c == quote:
			if n, _ := q.s.peek(); n == quote {
				q.s.readByte()
				continue
			}
			return
		}
	}
}

func identLen(b []byte) int {
	for i, c := range b {
		if !isIdentByte(c) {
			return i
		}
	}
	return len(b)
}

// expression reads raw text up to the "," or ")" that ends the value, following parentheses
// and quotes.
func (q *sqlReader) expression() string {
	depth := 0
	for {
		c, ok := q.s.readByte()
		if !ok {
			return "row not closed at end of input"
		}
		switch c {
		case '(':
			depth++
		case ')':
			if depth == 0 {
				q.s.unread()
				return ""
			}
			depth--
		case ',':
			if depth == 0 {
				q.s.unread()
				return ""
			}
		case '\'', '"':
			q.add(c)
			if !q.str(c, !q.pg) {
				return "unterminated quote"
			}
			q.add(c)
			continue
		case ';':
			if depth == 0 {
				q.s.unread()
				return "malformed row"
			}
		case '\n':
			q.noteSwallow(c)
		}
		q.add(c)
	}
}

// str reads a quoted string whose opening quote was read, unescaping it into q.buf. It returns
// false at the end of input.
func (q *sqlReader) str(quote byte, backslash bool) bool {
	s := q.s
	for {
		c, ok := s.readByte()
		if !ok {
			return false
		}
		switch {
		case c == quote:
			if n, _ := s.peek(); n == quote {
				s.readByte()
				q.add(quote)
				continue
			}
			return true
		case c == '\\' && backslash:
			e, ok := s.readByte()
			if !ok {
				return false
			}
			switch e {
			case '0':
				q.add(0)
			case 'b':
				q.add('\b')
			case 'n':
				q.add('\n')
			case 'r':
				q.add('\r')
			case 't':
				q.add('\t')
			case 'Z':
				q.add(0x1a)
			case '%', '_':
				q.add('\\', e)
			default:
				q.add(e)
			}
		case c == '\n':
			q.add(c)
			q.noteSwallow(c)
		default:
			q.add(c)
		}
	}
}

func hexDecode(b []byte) ([]byte, error) {
	if len(b)%2 != 0 {
		return nil, errors.New("odd length")
	}
	out := make([]byte, len(b)/2)
	for i := range out {
		v, err := strconv.ParseUint(string(b[2*i:2*i+2]), 16, 8)
		if err != nil {
			return nil, err
		}
		out[i] = byte(v)
	}
	return out, nil
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
