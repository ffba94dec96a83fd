package report

import (
	"strings"

	"github.com/leakcheck/leakcheck/internal/engine"
)

// Stable codes for the reasons a registry row is skipped or a value does not
// normalize. The sentences are for people and may be reworded; the codes are
// for programs and do not change within a schema version. A code is the
// reason's words in lower case joined by "_", with numbers and everything
// after the first ':' or '(' left out ("ragged row: 3 fields, header has 6"
// → "ragged_row"), except where skipCodes names it.

var skipCodes = map[string]string{
	engine.NoIndexReason: "no_index",
}

func skipCode(reason string) string {
	if c, ok := skipCodes[reason]; ok {
		return c
	}
	return codeOf(reason)
}

// splitInvalid splits an invalid-value key "field: reason".
func splitInvalid(key string) (field, reason string) {
	if i := strings.Index(key, ": "); i > 0 {
		return key[:i], key[i+2:]
	}
	return "", key
}

func codeOf(reason string) string {
	if i := strings.IndexAny(reason, ":("); i > 0 {
		reason = reason[:i]
	}
	var words []string
	for _, w := range strings.FieldsFunc(strings.ToLower(reason), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) {
		if strings.Trim(w, "0123456789") == "" {
			continue // a number: the code must not depend on it
		}
		words = append(words, w)
	}
	if len(words) == 0 {
		return "other"
	}
	return strings.Join(words, "_")
}

// ReasonCode is the stable code of a reason sentence (see codeOf), for the
// machine-readable output of other commands (probe --format jsonl).
func ReasonCode(reason string) string { return skipCode(reason) }
