package records

import (
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
//
// The reader is split by what it reads: this file holds the reader and the statements that
// set up a table (CREATE TABLE, the choice of table); sql_lex.go the lexer every dialect
// shares; sql_mysql.go INSERT … VALUES; sql_postgres.go COPY blocks and dollar quotes;
// sql_sqlite.go sqlite3's replace(…,char(10)); sql_dialect.go how the dialect is learnt and
// what a misread one costs.

// sqlTable is what a dump says about one table.
type sqlTable struct {
	name    string
	columns []string // from CREATE TABLE, or the first INSERT or COPY with a column list
	created bool     // columns come from CREATE TABLE
	rows    bool     // the dump has rows for it
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
