package report

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable returns s with everything a terminal, a browser or an XML or
// CSV reader could take for something else than text escaped in Go's
// notation: control characters (ESC, CR, LF, TAB, DEL, C1), format
// characters such as the bidirectional overrides, unassigned code points and
// bytes that are not UTF-8 become \n, \r, \t, \x1b or \u202e. Every string
// a file controls (a filter header's tool, region and fields, a file or zip
// member name, a column name) goes through it before any output shows it,
// so that a crafted file cannot clear a screen, move the cursor or forge a
// line of leakcheck's own (issue 13). A string without such characters is
// returned as it is.
func Printable(s string) string { return escape(s, false) }

// PrintableLines is Printable for text of several lines: it keeps line
// feeds and tabs, and escapes the rest. Use it on leakcheck's own text
// whose file-controlled parts went through Printable already, as a second
// guard.
func PrintableLines(s string) string { return escape(s, true) }

func escape(s string, lines bool) string {
	ok := func(r rune) bool {
		return r == ' ' || (unicode.IsPrint(r) && r != utf8.RuneError) || (lines && (r == '\n' || r == '\t'))
	}
	clean := true
	for _, r := range s {
		if !ok(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case ok(r):
			b.WriteString(s[i : i+n])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += n
	}
	return b.String()
}

// printableAll applies Printable to each string of ss, in a new slice.
func printableAll(ss []string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = Printable(s)
	}
	return out
}
