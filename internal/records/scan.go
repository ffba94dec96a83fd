package records

import (
	"bytes"
	"io"
)

// This file finds record boundaries in delimited text; delimited.go splits records into fields.
//
// Boundaries depend only on quoting, never on cell content or on the size limit, so Count
// (which only finds boundaries) and Next (which also splits and checks fields) always agree on
// how many records there are.

const (
	initialBufSize = 64 << 10
	maxEmptyReads  = 100
)

// Quote states of the boundary scanner.
const (
	stFieldStart    = iota // at the start of a field: a quote opens a quoted field
	stUnquoted             // inside an unquoted field: a quote is bare and changes nothing
	stQuoted               // inside a quoted field: newlines and delimiters are data
	stQuoteInQuoted        // just after a quote inside a quoted field: closing or first half of ""
)

// rawRecord is the text of one record as found by scanner.scan.
type rawRecord struct {
	data   []byte // record bytes without the line terminator; valid until the next scan
	line   int64  // physical line where the record starts
	quoted bool   // data contains a quote, so fields need the full parser
	skip   string // non-empty: the record is skipped for this reason and data is nil
}

// scanner reads delimited text record by record from a buffer that grows to at most about
// max+2 bytes (a record of max bytes plus CRLF). Longer records are discarded while scanning.
type scanner struct {
	window
	line  int64 // physical line number of buf[r]
	delim byte
}

func newScanner(src io.Reader, max int) *scanner {
	return &scanner{window: newWindow(src, max), line: 1}
}

// skipBOM drops a UTF-8 byte order mark at the start of the input.
func (s *scanner) skipBOM() error {
	for s.w-s.r < 3 && !s.eof {
		if err := s.fill(); err != nil {
			return err
		}
	}
	if bytes.HasPrefix(s.buf[s.r:s.w], []byte("\xef\xbb\xbf")) {
		s.r += 3
	}
	return nil
}

// delimiterCandidates in order of preference when counts tie.
var delimiterCandidates = [...]byte{',', ';', '\t', '|'}

// detectDelimiter picks the most frequent candidate outside quotes on the header line (the first
// non-blank line), comma when none occurs. Leading blank lines are consumed. It reads at most
// max+2 bytes of the header; an over-long header is reported by the following scan.
func (s *scanner) detectDelimiter() (byte, error) {
	var counts [len(delimiterCandidates)]int
	inQuote := false
	off := 0
	for {
		buf := s.buf[s.r:s.w]
		for off < len(buf) {
			c := buf[off]
			off++
			switch c {
			case '"':
				inQuote = !inQuote
			case '\n':
				if inQuote {
					continue
				}
				if len(trimCR(buf[:off-1])) > 0 {
					return pickDelimiter(counts), nil
				}
				s.r += off
				s.line++
				buf = s.buf[s.r:s.w]
				off = 0
			default:
				if !inQuote {
					for k, d := range delimiterCandidates {
						if c == d {
							counts[k]++
						}
					}
				}
			}
		}
		if s.eof || off > s.max+1 {
			return pickDelimiter(counts), nil
		}
		if err := s.fill(); err != nil {
			return 0, err
		}
	}
}

func pickDelimiter(counts [len(delimiterCandidates)]int) byte {
	best := 0
	for k := range counts {
		if counts[k] > counts[best] {
			best = k
		}
	}
	return delimiterCandidates[best]
}

func trimCR(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1]
	}
	return b
}

// peekLine returns the next line without its newline if the buffer holds all of it and it is
// not over the limit. It consumes nothing; takeLine does.
func (s *scanner) peekLine() ([]byte, bool) {
	buf := s.buf[s.r:s.w]
	i := bytes.IndexByte(buf, '\n')
	if i < 0 || i > s.max+1 {
		return nil, false
	}
	return buf[:i], true
}

// takeLine consumes a line of n bytes (without its newline) from peekLine and returns its
// line number.
func (s *scanner) takeLine(n int) int64 {
	start := s.line
	s.r += n + 1
	s.line++
	return start
}

// scan returns the next non-blank record, io.EOF at the end of input, or a read error.
func (s *scanner) scan() (rawRecord, error) {
	for {
		// Fast path: a whole line in the buffer whose quotes all close is a whole record.
		if line, ok := s.peekLine(); ok {
			q := bytes.IndexByte(line, '"')
			if q < 0 || !quoteOpenAtEnd(line, q, s.delim) {
				start := s.takeLine(len(line))
				line = trimCR(line)
				switch {
				case len(line) == 0:
					continue // blank line
				case len(line) > s.max:
					return rawRecord{line: start, skip: s.tooLong(false)}, nil
				}
				return rawRecord{data: line, line: start, quoted: q >= 0}, nil
			}
		}
		rec, blank, err := s.slowScan()
		if err != nil || !blank {
			return rec, err
		}
	}
}

// quoteOpenAtEnd reports whether a line whose first quote is at q ends inside a quoted field,
// so that its record goes on to the next line. It follows the same states as slowScan, jumping
// from quote to quote: outside a quoted field, a quote opens one only at the start of a field.
func quoteOpenAtEnd(line []byte, q int, delim byte) bool {
	for {
		if q > 0 && line[q-1] != delim {
			// A bare quote in an unquoted field: it changes nothing.
			q++
		} else {
			// An opening quote: find the closing one, skipping doubled quotes.
			q++
			for {
				j := bytes.IndexByte(line[q:], '"')
				if j < 0 {
					return true
				}
				q += j + 1
				if q == len(line) || line[q] != '"' {
					break
				}
				q++
			}
		}
		j := bytes.IndexByte(line[q:], '"')
		if j < 0 {
			return false
		}
		q += j
	}
}

// slowScan finds the end of the record at buf[r] byte by byte, following quotes across lines
// and reading more input as needed. Once the record passes the size limit its bytes are dropped
// as they are scanned. blank reports an empty line, which is consumed but is not a record.
func (s *scanner) slowScan() (rec rawRecord, blank bool, err error) {
	rec.line = s.line
	st := stFieldStart
	off := 0            // scan position relative to r
	var newlines int64  // newlines inside quoted fields so far
	discarding := false // the record is over the limit; buf[r:r+off] has been dropped
	for {
		buf := s.buf[s.r:s.w]
		for off < len(buf) {
			if st == stQuoted {
				j := bytes.IndexByte(buf[off:], '"')
				if j < 0 {
					newlines += int64(bytes.Count(buf[off:], newline))
					off = len(buf)
					break
				}
				newlines += int64(bytes.Count(buf[off:off+j], newline))
				off += j + 1
				st = stQuoteInQuoted
				continue
			}
			c := buf[off]
			off++
			switch c {
			case '\n':
				s.r += off
				s.line += newlines + 1
				if discarding {
					rec.skip = s.tooLong(newlines > 0)
					return rec, false, nil
				}
				return s.finish(rec, buf[:off-1], newlines > 0)
			case s.delim:
				st = stFieldStart
			case '"':
				rec.quoted = true
				if st != stUnquoted { // opening quote, or the second half of ""
					st = stQuoted
				}
			default:
				st = stUnquoted
			}
		}
		if !discarding && off > s.max+1 {
			discarding = true
		}
		if discarding {
			s.r += off
			off = 0
		}
		if !s.eof {
			if err := s.fill(); err != nil {
				return rec, false, err
			}
			continue
		}
		// End of input inside this record.
		if off == 0 && !discarding {
			return rec, false, io.EOF
		}
		data := s.buf[s.r:s.w]
		s.r = s.w
		s.line += newlines
		switch {
		case st == stQuoted:
			rec.skip = "unterminated quote"
			return rec, false, nil
		case discarding:
			rec.skip = s.tooLong(newlines > 0)
			return rec, false, nil
		}
		return s.finish(rec, data, newlines > 0)
	}
}

var newline = []byte{'\n'}

// finish checks a complete record held in the buffer.
func (s *scanner) finish(rec rawRecord, data []byte, multiLine bool) (rawRecord, bool, error) {
	data = trimCR(data)
	switch {
	case len(data) == 0:
		return rec, true, nil
	case len(data) > s.max:
		rec.skip = s.tooLong(multiLine)
		return rec, false, nil
	}
	rec.data = data
	return rec, false, nil
}

func (s *scanner) tooLong(multiLine bool) string {
	if multiLine {
		return "record longer than " + sizeString(s.max) + " limit"
	}
	return "line longer than " + sizeString(s.max) + " limit"
}
