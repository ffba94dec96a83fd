package fields

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Names, version 2 (docs/normalization.md, "name → folded tokens"): the
// version-1 folding, then apostrophes deleted, every other punctuation or
// symbol character a separator between tokens, honorific and title tokens
// dropped, and the tokens sorted, so that "Kumar, Ravi", "Shri Ravi Kumar"
// and "RAVI KUMAR" are one name: "kumar ravi".

// honorifics are the tokens version 2 drops from a name (after folding):
// titles and forms of address in English and Hindi, in Latin letters and in
// Devanagari. A name made only of them keeps them.
var honorifics = map[string]bool{}

// HonorificTokens lists honorifics in the order docs/normalization.md gives
// them.
var honorificTokens = []string{
	// Shri, Shree, Sri, Sh (abbreviation), Shriman
	"shri", "shree", "sri", "sh", "shriman",
	// Shrimati, Smt, Srimati, Sushri
	"shrimati", "shreemati", "srimati", "smt", "sushri",
	// Kumari (Miss) and its abbreviations
	"kumari", "kum", "km", "ku",
	// English
	"mr", "mrs", "ms", "miss", "mister", "master", "mstr", "dr", "doctor", "prof",
	// Late (deceased): Late, Lt, Swargiya
	"late", "lt", "swargiya",
	// Devanagari: श्री श्रीमान श्रीमती सुश्री कुमारी कु डॉ डा स्व स्वर्गीय
	"श्री", "श्रीमान", "श्रीमती", "सुश्री", "कुमारी", "कु", "डॉ", "डा", "स्व", "स्वर्गीय",
}

func init() {
	for _, h := range honorificTokens {
		honorifics[h] = true
	}
}

// isApostrophe reports the characters version 2 deletes from a name, joining
// what they separate (O'Brien, D’Souza): the ASCII apostrophe and grave
// accent, the acute accent, the curly single quotes and their fullwidth forms.
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '`', '\u00b4', '\u2018', '\u2019', '\uff07', '\uff40':
		return true
	}
	return false
}

// isNameSeparator reports the characters that separate the tokens of a
// version-2 name: white space, punctuation and symbols.
func isNameSeparator(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
}

// normalizeNameV2 is the version-2 name rule: the ASCII fast path when it
// applies (its result in sc, see Scratch), else normalizeNameV2Slow.
func normalizeNameV2(s string, sc *Scratch) (string, error) {
	if out, ok := nameFastASCIIV2(s, sc); ok {
		return out, nil
	}
	return normalizeNameV2Slow(s)
}

// normalizeNameV2Slow is the version-2 name rule for any input.
func normalizeNameV2Slow(s string) (string, error) {
	s = strings.Map(func(r rune) rune {
		if (unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r)) && !unicode.IsSpace(r) || isApostrophe(r) {
			return -1
		}
		return r
	}, s)
	s = norm.NFKC.String(s)
	s = strings.Map(foldCherokee, folder.String(s))
	s = norm.NFKC.String(s)
	tokens := dropHonorifics(strings.FieldsFunc(s, isNameSeparator))
	slices.Sort(tokens)
	out := strings.Join(tokens, " ")
	if !strings.ContainsFunc(out, unicode.IsLetter) {
		return "", invalid(Name, "contains no letter")
	}
	return out, nil
}

// dropHonorifics removes the honorific tokens, unless every token is one.
func dropHonorifics(tokens []string) []string {
	kept := tokens[:0:0]
	for _, t := range tokens {
		if !honorifics[t] {
			kept = append(kept, t)
		}
	}
	if len(kept) == 0 {
		return tokens
	}
	return kept
}
