package fields

import "strings"

// nameFastASCII normalizes a name written in printable ASCII (bytes 0x20 to 0x7E, which covers
// most registries and dumps) the way normalizeNameSlow does, in one pass and one allocation. It
// reports false for anything else, including a name with no letter, so that the error comes from
// the slow path.
//
// For printable ASCII, the slow path's steps reduce to: no control or format characters to
// remove; NFKC changes nothing; case folding maps A-Z to a-z and nothing else; the only
// whitespace is ' '; and every character other than a letter or digit is punctuation or a symbol,
// so trimming removes everything but letters and digits from both ends. name_fast_test.go checks
// the two paths agree.
func nameFastASCII(s string) (string, bool) {
	// Find the first and last letter or digit: everything outside is trimmed.
	lo, hi := -1, -1
	letter := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e {
			return "", false
		}
		lc := c | 0x20
		isLetter := 'a' <= lc && lc <= 'z'
		if isLetter || '0' <= c && c <= '9' {
			if lo < 0 {
				lo = i
			}
			hi = i
			letter = letter || isLetter
		}
	}
	if !letter {
		return "", false
	}
	s = s[lo : hi+1]
	// Already normalized (no upper case, no double space): no copy.
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || c == ' ' && s[i-1] == ' ' {
			clean = false
			break
		}
	}
	if clean {
		return s, true
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case c == ' ' && s[i-1] == ' ':
			continue
		}
		b = append(b, c)
	}
	return string(b), true
}

// maxFastTokens bounds the tokens nameFastASCIIV2 sorts on the stack; a name
// with more goes to the slow path.
const maxFastTokens = 16

// nameFastASCIIV2 normalizes a name written in printable ASCII the way
// normalizeNameV2Slow does, with at most one allocation (none when the name
// is already normalized). It reports false for anything else, including a
// name with no letter or more than maxFastTokens tokens, so that those take
// the slow path.
//
// For printable ASCII the slow path's steps reduce to: the apostrophe and
// the grave accent are deleted; folding maps A-Z to a-z and nothing else;
// every character but a-z and 0-9 is white space, punctuation or a symbol,
// so a separator; and a token is an honorific by the same table.
// name_fast_test.go checks the two paths agree.
func nameFastASCIIV2(s string) (string, bool) {
	var scratch [256]byte
	buf := scratch[:0]
	if len(s) > len(scratch) {
		buf = make([]byte, 0, len(s))
	}
	type span struct{ lo, hi int }
	var spans [maxFastTokens]span
	n, start, anyLetter := 0, -1, false
	end := func() bool { // closes the token that started at start
		if start < 0 {
			return true
		}
		if n == maxFastTokens {
			return false
		}
		spans[n] = span{start, len(buf)}
		n++
		start = -1
		return true
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e {
			return "", false
		}
		if c == '\'' || c == '`' {
			continue
		}
		lc := c | 0x20
		switch {
		case 'a' <= lc && lc <= 'z':
			c = lc
			anyLetter = true
		case '0' <= c && c <= '9':
		default:
			if !end() {
				return "", false
			}
			continue
		}
		if start < 0 {
			start = len(buf)
		}
		buf = append(buf, c)
	}
	if !end() || !anyLetter {
		return "", false
	}
	tok := func(sp span) []byte { return buf[sp.lo:sp.hi] }
	// Drop honorifics unless every token is one.
	kept := 0
	for _, sp := range spans[:n] {
		if !asciiHonorific(tok(sp)) {
			kept++
		}
	}
	if kept > 0 && kept < n {
		j := 0
		for _, sp := range spans[:n] {
			if !asciiHonorific(tok(sp)) {
				spans[j] = sp
				j++
			}
		}
		n = j
	}
	// Insertion sort: names have a few tokens.
	for i := 1; i < n; i++ {
		for j := i; j > 0 && string(tok(spans[j])) < string(tok(spans[j-1])); j-- {
			spans[j], spans[j-1] = spans[j-1], spans[j]
		}
	}
	// The letters may all have been in dropped honorifics ("Dr 42"): the
	// slow path says why that is invalid.
	size, letter := n-1, false
	for _, sp := range spans[:n] {
		size += sp.hi - sp.lo
		for _, c := range tok(sp) {
			letter = letter || c >= 'a'
		}
	}
	if !letter {
		return "", false
	}
	// Already normalized: return s itself.
	if size == len(s) {
		same, pos := true, 0
		for i, sp := range spans[:n] {
			if i > 0 {
				same = same && s[pos] == ' '
				pos++
			}
			same = same && s[pos:pos+sp.hi-sp.lo] == string(tok(sp))
			pos += sp.hi - sp.lo
		}
		if same {
			return s, true
		}
	}
	var b strings.Builder
	b.Grow(size)
	for i, sp := range spans[:n] {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.Write(tok(sp))
	}
	return b.String(), true
}

// asciiHonorific reports whether the lower-case ASCII word w is in
// honorificTokens: a switch, which the compiler turns into a few length and
// byte comparisons, where a map lookup would hash every word.
// TestASCIIHonorific keeps the two lists equal.
func asciiHonorific(w []byte) bool {
	switch string(w) {
	case "shri", "shree", "sri", "sh", "shriman",
		"shrimati", "shreemati", "srimati", "smt", "sushri",
		"kumari", "kum", "km", "ku",
		"mr", "mrs", "ms", "miss", "mister", "master", "mstr", "dr", "doctor", "prof",
		"late", "lt", "swargiya":
		return true
	}
	return false
}
