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
