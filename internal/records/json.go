package records

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"unicode/utf8"
)

// JSON input comes in two shapes, both read as a stream of objects, each object one record:
//
//   - JSON Lines: one object per line. A line that is not a valid object is a bad row, and
//     reading goes on with the next line.
//   - JSON text: an array of objects ([{…},{…}]) or objects one after another ({…} {…}), laid
//     out in any way. Objects are found by a scanner that follows strings and brackets, so
//     one object is held at a time; a bad object is a bad row and reading goes on after it.
//
// Nested objects are flattened to dotted keys ({"user":{"phone":…}} gives "user.phone"); an
// array value is kept as its compact JSON text; numbers keep their digits as written; true and
// false are "true" and "false"; null is an empty value. Columns are found as keyed.go says.

// maxJSONDepth bounds the nesting of objects inside a record.
const maxJSONDepth = 32

// flattenJSON appends the pairs of the JSON object data to out. It returns a reason when data
// is not one valid object; the reason never holds content.
func flattenJSON(data []byte, out []pair) ([]pair, string) {
	if bytes.IndexByte(data, 0) >= 0 {
		return out, "NUL byte"
	}
	if !utf8.Valid(data) {
		return out, "invalid UTF-8"
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return out, "invalid JSON"
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return out, "not a JSON object"
	}
	out, reason := flattenObject(dec, "", 1, out)
	if reason != "" {
		return out, reason
	}
	if _, err := dec.Token(); err != io.EOF {
		return out, "invalid JSON" // data after the object
	}
	return out, ""
}

// flattenObject reads the members of an object whose '{' dec has just read, through its '}'.
func flattenObject(dec *json.Decoder, prefix string, depth int, out []pair) ([]pair, string) {
	if depth > maxJSONDepth {
		return out, "objects nested more than 32 deep"
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return out, "invalid JSON"
		}
		key, ok := tok.(string)
		if !ok {
			return out, "invalid JSON"
		}
		if strings.IndexByte(key, 0) >= 0 {
			return out, "NUL byte"
		}
		key = prefix + key
		tok, err = dec.Token()
		if err != nil {
			return out, "invalid JSON"
		}
		var v string
		switch t := tok.(type) {
		case json.Delim:
			if t == '{' {
				var reason string
				start := len(out)
				if out, reason = flattenObject(dec, key+".", depth+1, out); reason != "" {
					return out, reason
				}
				out = unwrapExtJSON(out, start, key)
				continue
			}
			// An array: kept as its compact JSON text.
			var b strings.Builder
			if reason := compactArray(dec, &b); reason != "" {
				return out, reason
			}
			v = b.String()
		case string:
			if strings.IndexByte(t, 0) >= 0 {
				return out, "NUL byte"
			}
			v = t
		case json.Number:
			v = string(t)
		case bool:
			v = "false"
			if t {
				v = "true"
			}
		case nil:
			v = ""
		}
		out = append(out, pair{key, v})
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return out, "invalid JSON"
	}
	return out, ""
}

// compactArray writes the rest of an array whose '[' dec has just read, as compact JSON.
func compactArray(dec *json.Decoder, b *strings.Builder) string {
	b.WriteByte('[')
	// Stack of open containers; in an object, keys and values alternate.
	stack := []byte{'['}
	first := []bool{true}
	isKey := []bool{false}
	for len(stack) > 0 {
		if len(stack) > maxJSONDepth {
			return "objects nested more than 32 deep"
		}
		tok, err := dec.Token()
		if err != nil {
			return "invalid JSON"
		}
		top := len(stack) - 1
		if d, ok := tok.(json.Delim); ok && (d == ']' || d == '}') {
			b.WriteByte(byte(d))
			stack, first, isKey = stack[:top], first[:top], isKey[:top]
			if top > 0 && stack[top-1] == '{' {
				isKey[top-1] = true
			}
			continue
		}
		if stack[top] == '{' {
			if isKey[top] {
				if !first[top] {
					b.WriteByte(',')
				}
			} else {
				b.WriteByte(':')
			}
		} else if !first[top] {
			b.WriteByte(',')
		}
		first[top] = false
		valueDone := true
		switch t := tok.(type) {
		case json.Delim:
			b.WriteByte(byte(t))
			stack = append(stack, byte(t))
			first = append(first, true)
			isKey = append(isKey, t == '{')
			valueDone = false
		case string:
			q, _ := json.Marshal(t)
			b.Write(q)
		case json.Number:
			b.WriteString(string(t))
		case bool:
			if t {
				b.WriteString("true")
			} else {
				b.WriteString("false")
			}
		case nil:
			b.WriteString("null")
		}
		if stack[top] == '{' {
			if isKey[top] {
				isKey[top] = false
			} else if valueDone {
				isKey[top] = true
			}
		}
	}
	return ""
}

// jsonLines reads JSON Lines.
type jsonLines struct {
	lines *lineReader
	pairs []pair
}

func (j *jsonLines) next() (int64, []pair, error) {
	for {
		data, line, tooLong, err := j.lines.next()
		if err != nil {
			return 0, nil, err
		}
		if tooLong {
			return line, nil, &RowError{Line: line, Reason: "line longer than " + sizeString(j.lines.max) + " limit"}
		}
		if len(bytes.TrimSpace(data)) == 0 {
			continue
		}
		var reason string
		j.pairs, reason = flattenJSON(data, j.pairs[:0])
		if reason != "" {
			return line, nil, &RowError{Line: line, Reason: reason}
		}
		return line, j.pairs, nil
	}
}

// jsonStream reads a JSON array of objects, or objects one after another.
type jsonStream struct {
	r       *bufio.Reader
	line    int64
	max     int
	array   bool // inside the top-level array
	started bool
	done    bool // after the array's ']'
	buf     []byte
	pairs   []pair
}

func newJSONStream(r io.Reader, max int) *jsonStream {
	return &jsonStream{r: bufio.NewReaderSize(r, 64<<10), line: 1, max: max}
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// skipSpace skips white space (and, in the array, commas between elements) and returns the
// next byte without consuming it.
func (j *jsonStream) skipSpace(commas bool) (byte, error) {
	for {
		c, err := j.r.ReadByte()
		if err != nil {
			return 0, err
		}
		if c == '\n' {
			j.line++
		}
		if isJSONSpace(c) || commas && c == ',' {
			continue
		}
		j.r.UnreadByte()
		return c, nil
	}
}

func (j *jsonStream) next() (int64, []pair, error) {
	if !j.started {
		j.started = true
		c, err := j.skipSpace(false)
		if err == io.EOF {
			return 0, nil, io.EOF
		}
		if err != nil {
			return 0, nil, err
		}
		if c == '[' {
			j.r.ReadByte()
			j.array = true
		}
	}
	for {
		c, err := j.skipSpace(true)
		if err == io.EOF {
			if j.array && !j.done {
				j.done = true
				return j.line, nil, &RowError{Line: j.line, Reason: "JSON array not closed at end of input"}
			}
			return 0, nil, io.EOF
		}
		if err != nil {
			return 0, nil, err
		}
		if j.done {
			// Data after the array: read it as one bad value, so it is counted.
			line, _, _, err := j.value()
			if err != nil {
				return 0, nil, err
			}
			return line, nil, &RowError{Line: line, Reason: "data after the end of the JSON array"}
		}
		if j.array && c == ']' {
			j.r.ReadByte()
			j.done = true
			continue
		}
		line, data, reason, err := j.value()
		if err != nil {
			return 0, nil, err
		}
		if reason == "unterminated JSON value" {
			j.done = true // the input ended inside it: nothing follows
		}
		if reason == "" {
			j.pairs, reason = flattenJSON(data, j.pairs[:0])
		}
		if reason != "" {
			return line, nil, &RowError{Line: line, Reason: reason}
		}
		return line, j.pairs, nil
	}
}

// value reads one JSON value starting at the next byte, following strings and brackets. It
// returns its bytes, or a reason when it is too long or ends with the input. Bytes past the
// limit are dropped as they are read.
func (j *jsonStream) value() (line int64, data []byte, reason string, err error) {
	line = j.line
	j.buf = j.buf[:0]
	over := false
	add := func(c byte) {
		if over {
			return
		}
		if len(j.buf) >= j.max {
			over = true
			j.buf = j.buf[:0]
			return
		}
		j.buf = append(j.buf, c)
	}
	depth := 0
	inString, escaped := false, false
	for {
		c, err := j.r.ReadByte()
		if err == io.EOF {
			if depth > 0 || inString {
				return line, nil, "unterminated JSON value", nil
			}
			break
		}
		if err != nil {
			return 0, nil, "", err
		}
		if inString {
			if c == '\n' {
				j.line++
			}
			add(c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
				if depth == 0 {
					return j.valueEnd(line, over)
				}
			}
			continue
		}
		if depth == 0 && len(j.buf) > 0 || depth == 0 && over {
			// A scalar ends at white space or a delimiter.
			if isJSONSpace(c) || c == ',' || c == ']' || c == '[' || c == '{' || c == '}' {
				j.r.UnreadByte()
				return j.valueEnd(line, over)
			}
		}
		if c == '\n' {
			j.line++
		}
		add(c)
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth <= 0 {
				return j.valueEnd(line, over)
			}
		}
	}
	return j.valueEnd(line, over)
}

func (j *jsonStream) valueEnd(line int64, over bool) (int64, []byte, string, error) {
	if over {
		return line, nil, "JSON value longer than " + sizeString(j.max) + " limit", nil
	}
	return line, j.buf, "", nil
}
