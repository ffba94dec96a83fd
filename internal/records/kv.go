package records

import (
	"bytes"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Key-value text is the shape of chat-bot and Telegram exports: one record per block of
// "Key: Value" lines,
//
//	👤 Beneficiary Name: Rani Fernandes
//	📱 Mobile: 89957-59995
//	🎂 Year of Birth: 1997
//
// A record ends at a blank line, at a separator line (one with no letter or digit, such as
// "━━━━━" or "-----"), or where a key it already holds comes again. A key may be preceded by
// emoji, bullets, list numbers ("1.") or Markdown emphasis, and is separated from its value by
// ":" (or "："), " - " or "=", whichever comes first. Keys that differ only in case and spacing
// are one column. Lines that are not "key: value" (titles such as "🔎 Result 2 of 5") are not
// data and are ignored. A record is bad as a whole when one of its lines is over the length
// limit, holds a NUL byte or is not valid UTF-8.

// kvLine splits one line into a key and a value; ok is false when the line is not of that shape.
func kvLine(s string) (key, value string, ok bool) {
	s = strings.TrimSpace(s)
	rest := strings.TrimLeftFunc(s, notLetterOrDigit)
	deco := s[:len(s)-len(rest)]
	// A list number: "1. Name: …", "2) Mobile: …".
	if i := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' }); i > 0 && i <= 3 &&
		(rest[i] == '.' || rest[i] == ')') {
		rest = strings.TrimLeftFunc(rest[i+1:], notLetterOrDigit)
	}
	sep, width := -1, 0
	for _, c := range []struct {
		s string
	}{{":"}, {"："}, {" - "}, {" – "}, {" — "}, {"="}} {
		if i := strings.Index(rest, c.s); i >= 0 && (sep < 0 || i < sep) {
			sep, width = i, len(c.s)
		}
	}
	if sep <= 0 {
		return "", "", false
	}
	key = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(rest[:sep]), "*_`~"))
	value = strings.TrimSpace(rest[sep+width:])
	if strings.Contains(deco, "**") || strings.Contains(deco, "__") {
		value = strings.TrimSpace(strings.TrimLeft(value, "*_"))
	}
	if !validKey(key) {
		return "", "", false
	}
	return key, value, true
}

func notLetterOrDigit(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// validKey accepts short labels: a letter first, then letters, marks, digits, spaces and a few
// punctuation marks, at most 6 words and 64 bytes, and no run of 6 digits (a label never holds
// a phone number, so such a line is data, not a key).
func validKey(k string) bool {
	if k == "" || len(k) > 64 {
		return false
	}
	r, _ := utf8.DecodeRuneInString(k)
	if !unicode.IsLetter(r) {
		return false
	}
	digits, words := 0, 1
	for _, r := range k {
		switch {
		case r >= '0' && r <= '9':
			digits++
			if digits >= 6 {
				return false
			}
			continue
		case r == ' ':
			words++
		case unicode.IsLetter(r), unicode.IsMark(r), strings.ContainsRune("._-/()'#&+", r):
		default:
			return false
		}
		digits = 0
	}
	return words <= 6
}

// isSeparatorLine reports a non-blank line with no letter or digit ("━━━━", "-----", "* * *").
func isSeparatorLine(s string) bool {
	return strings.TrimSpace(s) != "" && strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	}) < 0
}

// kvBlocks reads key-value blocks.
type kvBlocks struct {
	lines     *lineReader
	pairs     []pair
	keys      map[string]bool // folded keys of the current record
	carry     *pair           // the first pair of the next record, read while ending this one
	carryLine int64
	eof       bool
}

func newKVBlocks(lines *lineReader) *kvBlocks {
	return &kvBlocks{lines: lines, keys: map[string]bool{}}
}

func (k *kvBlocks) next() (int64, []pair, error) {
	k.pairs = k.pairs[:0]
	clear(k.keys)
	var start int64   // line of the record's first pair
	var size int      // bytes of the record's lines
	reason := ""      // the record is bad
	var badLine int64 // first line of a bad record with no pair yet
	if k.carry != nil {
		k.pairs = append(k.pairs, *k.carry)
		k.keys[foldKey(k.carry.key)] = true
		start, size = k.carryLine, len(k.carry.key)+len(k.carry.value)
		k.carry = nil
	}
	end := func() (int64, []pair, error) {
		if reason != "" {
			line := start
			if line == 0 || badLine != 0 && badLine < line {
				line = badLine
			}
			return line, nil, &RowError{Line: line, Reason: reason}
		}
		return start, k.pairs, nil
	}
	for !k.eof {
		data, line, tooLong, err := k.lines.next()
		if err != nil {
			if err == io.EOF {
				k.eof = true
				break
			}
			return 0, nil, err
		}
		if tooLong {
			if reason == "" {
				reason = "line longer than " + sizeString(k.lines.max) + " limit"
				badLine = line
			}
			continue
		}
		if len(bytes.TrimSpace(data)) == 0 {
			if len(k.pairs) > 0 || reason != "" {
				return end()
			}
			continue
		}
		if r := validate(data); r != "" {
			if reason == "" {
				reason, badLine = r, line
			}
			continue
		}
		s := string(data)
		if isSeparatorLine(s) {
			if len(k.pairs) > 0 || reason != "" {
				return end()
			}
			continue
		}
		key, value, ok := kvLine(s)
		if !ok {
			continue // a title or other text: not data
		}
		fk := foldKey(key)
		if k.keys[fk] {
			// A key again: this line starts the next record.
			k.carry, k.carryLine = &pair{key, value}, line
			return end()
		}
		k.keys[fk] = true
		size += len(key) + len(value)
		if size > k.lines.max {
			if reason == "" {
				reason = "record longer than " + sizeString(k.lines.max) + " limit"
				badLine = line
			}
			k.pairs = k.pairs[:0]
			continue
		}
		if start == 0 {
			start = line
		}
		if reason == "" {
			k.pairs = append(k.pairs, pair{key, value})
		}
	}
	if len(k.pairs) > 0 || reason != "" {
		return end()
	}
	return 0, nil, io.EOF
}
