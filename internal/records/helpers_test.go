package records

import (
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
)

// allReasonsRE lists every row error reason of every reader. A reason outside it could be
// carrying content.
var allReasonsRE = regexp.MustCompile(`^(` + strings.Join([]string{
	`ragged row: \d+ fields, (header|table) has \d+`,
	`NUL byte`, `invalid UTF-8`,
	`bare quote in unquoted field`, `extraneous character after closing quote`, `unterminated quote`,
	`(line|record|row|JSON value) longer than \d+ (bytes|byte|KiB|MiB|GiB) limit`,
	`invalid JSON`, `not a JSON object`, `objects nested more than 32 deep`,
	`unterminated JSON value`, `JSON array not closed at end of input`, `data after the end of the JSON array`,
	`row not closed at end of input`, `malformed row`, `INSERT without VALUES is not read`,
	`bad cell reference`, `shared string index out of range`,
	`quoted value ran over later rows: \d+ of them \(its quoting does not match the dump's escaping\)`,
	`row inside a quoted value that did not end where expected`,
}, "|") + `)$`)

// bytesSource is a Source held in memory, so tests and fuzzing need no files.
func bytesSource(name string, data []byte) *Source {
	return &Source{Name: name, Size: int64(len(data)), kind: srcBytes, data: data}
}

// drain reads r to the end: the results, and the fatal error that ended it (nil at io.EOF).
// It fails the test when a record's values do not match the columns or a reason is unknown.
func drain(t testing.TB, r Reader) ([]result, error) {
	t.Helper()
	var out []result
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		var re *RowError
		switch {
		case errors.As(err, &re):
			if !allReasonsRE.MatchString(re.Reason) {
				t.Fatalf("unknown row error reason %q", re.Reason)
			}
			out = append(out, bad(re.Line, re.Reason))
		case err != nil:
			return out, err
		default:
			if len(rec.Values) != len(r.Columns()) {
				t.Fatalf("line %d: %d values for %d columns", rec.Line, len(rec.Values), len(r.Columns()))
			}
			out = append(out, result{Line: rec.Line, Values: append([]string{}, rec.Values...)})
		}
	}
}

// readBytes opens data as a source and reads it all.
func readBytes(t testing.TB, data string, opts Options) (cols []string, got []result, err error) {
	t.Helper()
	r, c, err := bytesSource("t", []byte(data)).Open(opts)
	if err != nil {
		return nil, nil, err
	}
	defer c.Close()
	got, err = drain(t, r)
	return r.Columns(), got, err
}

// readTable is a table test: the input, options, and the columns and results wanted, or the
// error wanted from Open (err) or from reading (fatal).
type readTable struct {
	name  string
	in    string
	opts  Options
	cols  []string
	want  []result
	err   string
	fatal string
}

func runReadTable(t *testing.T, tests []readTable) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cols, got, err := readBytes(t, tt.in, tt.opts)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want %q", err, tt.err)
				}
				return
			}
			if tt.fatal != "" {
				if err == nil || !strings.Contains(err.Error(), tt.fatal) {
					t.Fatalf("fatal error = %v, want %q (got %v)", err, tt.fatal, got)
				}
			} else if err != nil {
				t.Fatalf("error: %v", err)
			}
			if tt.cols != nil && strings.Join(cols, "|") != strings.Join(tt.cols, "|") {
				t.Errorf("columns %q, want %q", cols, tt.cols)
			}
			if !equalResults(got, tt.want) {
				t.Errorf("records:\n got %v\nwant %v", got, tt.want)
			}
			if tt.fatal == "" {
				n, err := bytesSource("t", []byte(tt.in)).Count(tt.opts)
				if err != nil || n != int64(len(got)) {
					t.Errorf("Count = %d, %v; Next gave %d results", n, err, len(got))
				}
			}
		})
	}
}

func equalResults(a, b []result) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Line != b[i].Line || a[i].Reason != b[i].Reason || (a[i].Values == nil) != (b[i].Values == nil) ||
			strings.Join(a[i].Values, "\x00") != strings.Join(b[i].Values, "\x00") {
			return false
		}
	}
	return true
}
