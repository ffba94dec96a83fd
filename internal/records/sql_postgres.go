package records

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// PostgreSQL: pg_dump's COPY … FROM stdin blocks (tab-separated lines with backslash escapes,
// up to "\."), and dollar-quoted bodies ($$…$$, $tag$…$tag$), which are skipped.

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
