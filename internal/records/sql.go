package records

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// SQL dumps are read statement by statement, as a stream:
//
//   - MySQL/MariaDB: INSERT [IGNORE] INTO t [(cols)] VALUES (…),(…); (also REPLACE INTO). Each
//     tuple is a record, at the line where its "(" is. Column names come from the INSERT, or
//     else from the CREATE TABLE for t, or else are column_1, column_2, ….
//   - PostgreSQL: COPY t (cols) FROM stdin; then tab-separated lines up to "\.", each a
//     record; \N is NULL; backslash escapes. pg_dump --inserts output is read as INSERTs.
//
// Strings may be '…' or "…" with '' and backslash escapes (backslashes are literal once the dump
// says SET standard_conforming_strings = on, as pg_dump does, except in E'…'); NULL is an
// empty value; numbers, TRUE/FALSE and other expressions are kept as written; a PostgreSQL cast
// (…::date) is dropped. Comments (--, #, /* */), other statements and PostgreSQL dollar-quoted
// bodies are skipped. Values are not checked for NUL bytes or UTF-8 at the row level: binary
// columns are common in dumps, so a value that is not text fails only its own field.
//
// Only one table is read. Options.Table names it; otherwise the dump must hold rows of exactly
// one table (for a file this is checked by a first pass; for standard input, rows of a second
// table are a fatal error).

// sqlTable is what a dump says about one table.
type sqlTable struct {
	name    string
	columns []string // from CREATE TABLE, or the first INSERT or COPY with a column list
	created bool     // columns come from CREATE TABLE
	rows    bool     // the dump has rows for it
}

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

// sqlReader reads the rows of one table of an SQL dump.
type sqlReader struct {
	s       *sqlScanner
	max     int
	want    string // Options.Table, or the table chosen by the first pass; "" = the first with rows
	strict  bool   // rows of another table are an error (no table named, no first pass)
	pg      bool   // PostgreSQL or SQLite: backslashes literal in '…', # is not a comment
	dialect sqlDialect
	why     string // what decided the dialect
	tables  map[string]*sqlTable
	order   []string // tables with rows, in order of first rows
	chosen  *sqlTable
	columns []string

	// Inside a data statement of the chosen table.
	inInsert bool
	inCopy   bool
	stmtCols []int // statement column → column index, -1 = dropped
	stmtLine int64

	// swallowed counts the statements and tuples a quoted value ran over (see str).
	swallowed      int
	swallowedTotal int64

	buf    []byte // values of the current row, concatenated
	ends   []int
	values []string
	queue  []pending // results read by newSQLReader
	err    error     // sticky
}

func newSQLScanner(r io.Reader) *sqlScanner {
	return &sqlScanner{r: bufio.NewReaderSize(r, 64<<10), line: 1}
}

// newSQLReader reads up to the first row of the table to read. table is the table to read ("":
// the first that has rows); strict makes rows of any other table an error when table is "".
func newSQLReader(r io.Reader, max int, table string, strict bool) (*sqlReader, error) {
	q := &sqlReader{s: newSQLScanner(r), max: max, want: table, strict: strict, tables: map[string]*sqlTable{}}
	// Statements up to the first data statement of the table.
	for q.chosen == nil {
		n := len(q.queue)
		err := q.statement()
		switch {
		case err == io.EOF && table != "":
			return nil, fmt.Errorf("no rows for table %q in the dump%s", table, q.tableList())
		case err == io.EOF:
			return nil, ErrNoRecords
		case isRowError(err):
			q.queue = slices.Insert(q.queue, n, pending{err: err}) // before rows it swallowed
		case err != nil:
			return nil, err
		}
	}
	// No column names anywhere: the first good row says how many columns there are.
	for q.columns == nil {
		n := len(q.queue)
		rec, err := q.next()
		switch {
		case err == nil:
			q.queue = append(q.queue, pending{line: rec.Line, values: slices.Clone(rec.Values)})
		case isRowError(err):
			q.queue = slices.Insert(q.queue, n, pending{err: err}) // before rows it swallowed
		case err == io.EOF:
			return nil, q.noRows()
		default:
			return nil, err
		}
	}
	return q, nil
}

// noRows is the error of a dump whose rows for the table are all bad: it says how many and
// why the first was, rather than that the input is empty.
func (q *sqlReader) noRows() error {
	var first *RowError
	n := 0
	for _, p := range q.queue {
		if re, ok := p.err.(*RowError); ok {
			if first == nil {
				first = re
			}
			n++
		}
	}
	if first == nil {
		return ErrNoRecords
	}
	return fmt.Errorf("no readable row: all %d rows of the table are bad, the first at line %d: %s", n, first.Line, first.Reason)
}

func isRowError(err error) bool {
	var re *RowError
	return errors.As(err, &re)
}

func (q *sqlReader) tableList() string {
	if len(q.order) == 0 {
		return " (no table has rows)"
	}
	return " (tables with rows: " + quoteNames(q.order) + ")"
}

// quoteNames lists table or sheet names for a message. Names are schema, not data, but a
// name holding a long number or an "@" is shown as "?" in case it is someone's phone number or
// email address.
func quoteNames(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		digits := 0
		for _, r := range n {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		if digits >= 6 || strings.Contains(n, "@") {
			q[i] = "?"
		} else {
			q[i] = strconv.Quote(n)
		}
	}
	return strings.Join(q, ", ")
}

func (q *sqlReader) Columns() []string { return q.columns }

func (q *sqlReader) BytesRead() int64 { return 0 } // the source wrapper counts bytes

func (q *sqlReader) Next() (Record, error) {
	if len(q.queue) > 0 {
		p := q.queue[0]
		q.queue = q.queue[1:]
		if p.err != nil {
			return Record{}, p.err
		}
		copy(q.values, p.values)
		return Record{Line: p.line, Values: q.values}, nil
	}
	if q.err != nil {
		return Record{}, q.err
	}
	rec, err := q.next()
	if err != nil && !isRowError(err) {
		q.err = err
	}
	return rec, err
}

// next returns the next row of the chosen table.
func (q *sqlReader) next() (Record, error) {
	for {
		switch {
		case q.inInsert:
			rec, err, ok := q.tuple()
			if ok {
				return rec, err
			}
		case q.inCopy:
			rec, err, ok := q.copyLine()
			if ok {
				return rec, err
			}
		default:
			if err := q.statement(); err != nil {
				return Record{}, err
			}
		}
	}
}

// readErr is the fatal error after the scanner stopped: a read error, or nil at EOF.
func (q *sqlReader) readErr() error {
	if q.s.err != nil {
		return q.s.err
	}
	return io.EOF
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

// skipDollarQuoted skips a PostgreSQL $tag$…$tag$ string whose first "$" was read, if it is one.
func (q *sqlReader) skipDollarQuoted() {
	head := q.s.peekN(65)
	end := bytes.IndexByte(head, '$')
	if end < 0 {
		return
	}
	for _, c := range head[:end] {
		if !isIdentByte(c) || c == '$' {
			return
		}
	}
	tag := "$" + string(head[:end]) + "$"
	for range end + 1 {
		q.s.readByte()
	}
	// Find the closing tag.
	matched := 0
	for {
		c, ok := q.s.readByte()
		if !ok {
			return
		}
		switch {
		case c == tag[matched]:
			matched++
			if matched == len(tag) {
				return
			}
		case c == tag[0]:
			matched = 1
		default:
			matched = 0
		}
	}
}

// statement reads one statement at the top level. It returns io.EOF at the end of input, a
// fatal error, or nil; q.inInsert or q.inCopy is set when a data statement of the chosen table
// begins.
func (q *sqlReader) statement() error {
	q.skipSpace()
	line := q.s.line
	c, ok := q.s.peek()
	if !ok {
		return q.readErr()
	}
	switch {
	case c == ';':
		q.s.readByte()
		return nil
	case c == '\\':
		q.skipLine() // a psql meta-command such as \connect
		return nil
	case !isIdentByte(c):
		q.skipStatement()
		return q.s.err
	}
	switch kw := strings.ToUpper(q.word()); kw {
	case "INSERT", "REPLACE":
		return q.insert(line)
	case "CREATE":
		q.create()
	case "COPY":
		return q.copyStmt(line)
	case "SET":
		q.set()
	case "PRAGMA":
		// sqlite3's .dump starts with PRAGMA foreign_keys=OFF: SQLite strings have no
		// backslash escapes.
		q.setDialect(dialectSQLite, "PRAGMA statement")
		q.pg = true
		q.skipStatement()
	case "LOCK":
		q.setDialect(dialectMySQL, "LOCK TABLES")
		q.skipStatement()
	default:
		q.skipStatement()
	}
	return q.s.err
}

// set reads a SET statement for the settings that change how strings are read.
func (q *sqlReader) set() {
	var b []byte
	for {
		c, ok := q.s.readByte()
		if !ok || c == ';' {
			break
		}
		if c == '\'' || c == '"' {
			continue
		}
		if len(b) < 512 {
			b = append(b, c)
		}
	}
	s := strings.ToLower(string(b))
	s = strings.Join(strings.Fields(strings.NewReplacer("=", " ", "to", " ").Replace(s)), " ")
	switch {
	case strings.Contains(s, "standard_conforming_strings on"):
		q.setDialect(dialectPostgres, "SET standard_conforming_strings")
		q.pg = true
	case strings.Contains(s, "standard_conforming_strings off"):
		q.pg = false
	case strings.Contains(s, "no_backslash_escapes"):
		q.pg = true
	}
}

// create reads CREATE TABLE for its column names; other CREATE statements are skipped.
func (q *sqlReader) create() {
	q.skipSpace()
	w := strings.ToUpper(q.word())
	for w == "TEMPORARY" || w == "TEMP" || w == "UNLOGGED" || w == "OR" || w == "REPLACE" {
		q.skipSpace()
		w = strings.ToUpper(q.word())
	}
	if w != "TABLE" {
		q.skipStatement()
		return
	}
	name, ok := q.qualifiedName()
	if ok && strings.EqualFold(name, "IF") {
		q.skipSpace()
		q.word() // NOT
		q.skipSpace()
		q.word() // EXISTS
		name, ok = q.qualifiedName()
	}
	if !ok {
		q.skipStatement()
		return
	}
	q.skipSpace()
	if c, _ := q.s.peek(); c != '(' {
		q.skipStatement()
		return
	}
	q.s.readByte()
	var cols []string
	for {
		q.skipSpace()
		c, ok := q.s.peek()
		if !ok {
			return
		}
		if c == ')' {
			q.s.readByte()
			break
		}
		id, ok := q.ident()
		if !ok {
			q.skipStatement()
			return
		}
		switch strings.ToUpper(id) {
		case "PRIMARY", "KEY", "INDEX", "UNIQUE", "CONSTRAINT", "FOREIGN", "FULLTEXT", "SPATIAL",
			"CHECK", "EXCLUDE", "LIKE", "PERIOD":
		default:
			if len(cols) < maxColumns {
				cols = append(cols, id)
			}
		}
		// Skip the rest of the definition, to the "," or ")" at this level.
		if end := q.skipDefinition(); end == ')' {
			break
		} else if end == 0 {
			return
		}
	}
	q.skipStatement()
	t := q.table(name)
	if len(cols) > 0 && !t.rows {
		t.columns, t.created = cols, true
	}
}

// skipDefinition skips to the "," or ")" that ends a column definition and returns it (0 at
// the end of input).
func (q *sqlReader) skipDefinition() byte {
	depth := 0
	for {
		c, ok := q.s.readByte()
		if !ok {
			return 0
		}
		switch c {
		case '(':
			depth++
		case ')':
			if depth == 0 {
				return ')'
			}
			depth--
		case ',':
			if depth == 0 {
				return ','
			}
		case '\'', '"', '`':
			q.skipQuoted(c, c == '\'' && !q.pg)
		}
	}
}

// setColumns fixes the columns of the table read.
func (q *sqlReader) setColumns(cols []string) {
	q.columns = cols
	q.chosen.columns = cols
	q.values = make([]string, len(cols))
}

// learnColumns names the columns column_1 … column_n when the dump gives no names, from the
// first row of n values.
func (q *sqlReader) learnColumns(n int) {
	cols := make([]string, n)
	q.stmtCols = q.stmtCols[:0]
	for i := range n {
		cols[i] = "column_" + strconv.Itoa(i+1)
		q.stmtCols = append(q.stmtCols, i)
	}
	q.setColumns(cols)
}

func (q *sqlReader) table(name string) *sqlTable {
	t := q.tables[name]
	if t == nil {
		t = &sqlTable{name: name}
		q.tables[name] = t
	}
	return t
}

// matchTable reports whether a table name in the dump is the one asked for: the same name, or
// the same last part ("users" for "public.users"), ignoring case when nothing matches exactly.
func matchTable(name, want string) bool {
	if name == want {
		return true
	}
	last := name[strings.LastIndexByte(name, '.')+1:]
	return last == want || strings.EqualFold(name, want) || strings.EqualFold(last, want)
}

// begin records that table name has rows with the statement's column list cols (nil when the
// statement names none) and decides whether they are read. It returns true when they are.
func (q *sqlReader) begin(name string, cols []string, line int64) (bool, error) {
	t := q.table(name)
	if !t.rows {
		t.rows = true
		q.order = append(q.order, name)
		if !t.created && cols != nil {
			t.columns = cols
		}
	}
	switch {
	case q.chosen == t:
	case q.chosen == nil && (q.want == "" || matchTable(name, q.want)):
		q.chosen = t
		if t.columns != nil {
			q.setColumns(t.columns)
		}
	case q.chosen == nil:
		return false, nil
	case q.want == "" && q.strict:
		return false, fmt.Errorf("line %d: the dump holds rows of several tables (%s); choose one with --table", line, quoteNames(q.order))
	default:
		return false, nil
	}
	// Map the statement's columns to the table's.
	q.stmtCols = q.stmtCols[:0]
	if cols == nil {
		for i := range q.columns {
			q.stmtCols = append(q.stmtCols, i)
		}
		return true, nil
	}
	if q.columns == nil {
		q.setColumns(cols)
	}
	for _, c := range cols {
		i := slices.Index(q.columns, c)
		if i < 0 {
			i = slices.IndexFunc(q.columns, func(s string) bool { return strings.EqualFold(s, c) })
		}
		q.stmtCols = append(q.stmtCols, i)
	}
	return true, nil
}

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

func identLen(b []byte) int {
	for i, c := range b {
		if !isIdentByte(c) {
			return i
		}
	}
	return len(b)
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

// copyStmt reads a COPY … FROM stdin statement; its data lines follow.
func (q *sqlReader) copyStmt(line int64) error {
	q.setDialect(dialectPostgres, "COPY … FROM stdin")
	name, cols, ok := q.tableAndColumns()
	if !ok {
		q.skipStatement()
		return q.s.err
	}
	if !strings.EqualFold(q.word(), "FROM") {
		q.skipStatement() // COPY … TO, or COPY (query)
		return q.s.err
	}
	q.skipSpace()
	if !strings.EqualFold(q.word(), "stdin") {
		q.skipStatement() // from a file: no data here
		return q.s.err
	}
	// Options up to ";": only the text format is read.
	var opts []byte
	for {
		c, ok := q.s.readByte()
		if !ok || c == ';' {
			break
		}
		if len(opts) < 256 {
			opts = append(opts, c)
		}
	}
	q.skipLine()
	o := strings.ToLower(string(opts))
	unsupported := strings.Contains(o, "csv") || strings.Contains(o, "binary") || strings.Contains(o, "delimiter")
	read, err := q.begin(name, cols, line)
	if err != nil {
		return err
	}
	if !read {
		q.skipCopyData()
		return q.s.err
	}
	if unsupported {
		return fmt.Errorf("line %d: COPY with csv, binary or delimiter options is not supported", line)
	}
	q.inCopy = true
	return nil
}

// copyRaw reads one data line of a COPY block; end is true at "\." or the end of input.
func (q *sqlReader) copyRaw() (data []byte, line int64, tooLong, end bool) {
	line = q.s.line
	q.buf = q.buf[:0]
	for {
		chunk, err := q.s.r.ReadSlice('\n')
		if len(chunk) > 0 {
			q.s.last = chunk[len(chunk)-1]
		}
		if len(q.buf)+len(chunk) <= q.max+2 {
			q.buf = append(q.buf, chunk...)
		} else {
			tooLong = true
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			if err != io.EOF && q.s.err == nil {
				q.s.err = err
			}
			if len(q.buf) == 0 && !tooLong {
				return nil, line, false, true
			}
		} else {
			q.s.line++
		}
		break
	}
	data = bytes.TrimSuffix(q.buf, []byte("\n"))
	data = bytes.TrimSuffix(data, []byte("\r"))
	if !tooLong && string(data) == `\.` {
		return nil, line, false, true
	}
	return data, line, tooLong || len(data) > q.max, false
}

func (q *sqlReader) skipCopyData() {
	for {
		if _, _, _, end := q.copyRaw(); end {
			return
		}
	}
}

// copyLine reads the next data line of the current COPY. ok is false when the block ended.
func (q *sqlReader) copyLine() (rec Record, err error, ok bool) {
	data, line, tooLong, end := q.copyRaw()
	if end {
		q.inCopy = false
		if q.s.err != nil {
			return Record{}, q.s.err, true
		}
		return Record{}, nil, false
	}
	if tooLong {
		return Record{}, &RowError{Line: line, Reason: "line longer than " + sizeString(q.max) + " limit"}, true
	}
	// Split on tabs and unescape, into a fresh buffer (data aliases q.buf).
	fields := bytes.Split(data, []byte{'\t'})
	if q.columns == nil && len(fields) <= maxColumns {
		q.learnColumns(len(fields))
	}
	if len(fields) != len(q.stmtCols) {
		return Record{}, &RowError{Line: line, Reason: fmt.Sprintf("ragged row: %d fields, table has %d", len(fields), len(q.stmtCols))}, true
	}
	var out []byte
	q.ends = q.ends[:0]
	for _, f := range fields {
		if string(f) != `\N` {
			out = copyUnescape(out, f)
		}
		q.ends = append(q.ends, len(out))
	}
	q.buf = out
	return q.record(line), nil, true
}

// copyUnescape appends a COPY text-format field with its backslash escapes decoded.
func copyUnescape(out, f []byte) []byte {
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '\\' || i+1 == len(f) {
			out = append(out, c)
			continue
		}
		i++
		switch e := f[i]; e {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'v':
			out = append(out, '\v')
		case 'x':
			j := i + 1
			for j < len(f) && j < i+3 && isHex(f[j]) {
				j++
			}
			if j == i+1 {
				out = append(out, 'x')
				continue
			}
			v, _ := strconv.ParseUint(string(f[i+1:j]), 16, 8)
			out = append(out, byte(v))
			i = j - 1
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j := i
			for j < len(f) && j < i+3 && f[j] >= '0' && f[j] <= '7' {
				j++
			}
			v, _ := strconv.ParseUint(string(f[i:j]), 8, 16)
			out = append(out, byte(v))
			i = j - 1
		default:
			out = append(out, e)
		}
	}
	return out
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// sqlTables makes a first pass over a dump and returns the names of the tables that have rows,
// in order.
func sqlTables(r io.Reader, max int) ([]string, error) {
	q := &sqlReader{s: newSQLScanner(r), max: max, want: "\x00", tables: map[string]*sqlTable{}}
	for {
		err := q.statement()
		if err == io.EOF {
			return q.order, nil
		}
		if err != nil {
			return q.order, err
		}
	}
}
