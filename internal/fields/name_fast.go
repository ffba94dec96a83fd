package fields

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
//
// A rewritten name is written into sc (see Scratch), or allocated when sc is nil.
func nameFastASCII(s string, sc *Scratch) (string, bool) {
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
	var scratch [128]byte
	b := scratch[:0]
	if len(s) > len(scratch) {
		b = make([]byte, 0, len(s))
	}
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
	return sc.str(b), true
}

// maxFastTokens bounds the tokens nameFastASCIIV2 sorts on the stack; a name
// with more goes to the slow path.
const maxFastTokens = 16

// Byte classes of nameV2Byte below 'A' (no output byte is one of them).
const (
	nameSep     = 0 // white space, punctuation or a symbol: ends a token
	nameDelete  = 1 // the apostrophe and the grave accent: deleted, joining what they separate
	nameNotFast = 2 // a control byte or not ASCII: the slow path
)

// nameV2Byte maps each byte to what version 2's ASCII fast path makes of it:
// the output byte of a letter (folded to lower case) or digit, or one of the
// classes above.
var nameV2Byte = func() (t [256]byte) {
	for c := range 256 {
		switch {
		case c < 0x20 || c > 0x7e:
			t[c] = nameNotFast
		case c == '\'' || c == '`':
			t[c] = nameDelete
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			t[c] = byte(c)
		case 'A' <= c && c <= 'Z':
			t[c] = byte(c) + 'a' - 'A'
		default:
			t[c] = nameSep
		}
	}
	return t
}()

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
//
// It runs in one pass that writes the folded tokens, one space apart, into a
// buffer on the stack: for most names (no honorific, tokens already in
// order) that buffer is the result.
//
// A rewritten name is written into sc (see Scratch), or allocated when sc is nil.
func nameFastASCIIV2(s string, sc *Scratch) (string, bool) {
	var scratch [128]byte
	buf := scratch[:0]
	if len(s) > len(scratch) {
		buf = make([]byte, 0, len(s))
	}
	type span struct{ lo, hi int32 }
	var spans [maxFastTokens]span
	n, start, anyLetter := 0, -1, false
	for i := 0; i < len(s); i++ {
		c := nameV2Byte[s[i]]
		if c > nameNotFast {
			if start < 0 {
				if n == maxFastTokens {
					return "", false
				}
				if n > 0 {
					buf = append(buf, ' ')
				}
				start = len(buf)
			}
			buf = append(buf, c)
			anyLetter = anyLetter || c >= 'a'
			continue
		}
		switch c {
		case nameNotFast:
			return "", false
		case nameSep:
			if start >= 0 {
				spans[n] = span{int32(start), int32(len(buf))}
				n++
				start = -1
			}
		}
	}
	if start >= 0 {
		spans[n] = span{int32(start), int32(len(buf))}
		n++
	}
	if !anyLetter {
		return "", false
	}
	tok := func(sp span) []byte { return buf[sp.lo:sp.hi] }
	// Drop honorifics unless every token is one.
	kept, sorted := 0, true
	for j, sp := range spans[:n] {
		if !asciiHonorific(tok(sp)) {
			kept++
		}
		if j > 0 && string(tok(sp)) < string(tok(spans[j-1])) {
			sorted = false
		}
	}
	if kept == n || kept == 0 {
		if sorted { // the common case: buf is the name
			if string(buf) == s {
				return s, true
			}
			return sc.str(buf), true
		}
	} else {
		j := 0
		for _, sp := range spans[:n] {
			if !asciiHonorific(tok(sp)) {
				spans[j] = sp
				j++
			}
		}
		n = j
		// The letters may all have been in dropped honorifics ("Dr 42"):
		// the slow path says why that is invalid.
		letter := false
		for _, sp := range spans[:n] {
			for _, c := range tok(sp) {
				letter = letter || c >= 'a'
			}
		}
		if !letter {
			return "", false
		}
	}
	// Insertion sort: names have a few tokens.
	for i := 1; i < n; i++ {
		for j := i; j > 0 && string(tok(spans[j])) < string(tok(spans[j-1])); j-- {
			spans[j], spans[j-1] = spans[j-1], spans[j]
		}
	}
	var outScratch [128]byte
	out := outScratch[:0]
	if len(buf) > len(outScratch) {
		out = make([]byte, 0, len(buf))
	}
	for i, sp := range spans[:n] {
		if i > 0 {
			out = append(out, ' ')
		}
		out = append(out, tok(sp)...)
	}
	if string(out) == s {
		return s, true
	}
	return sc.str(out), true
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
