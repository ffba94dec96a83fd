package fields

import (
	"math/bits"
	"unsafe"
)

// The front fast paths. normalize tries normalizeFast first, on the raw
// value, before any of the general path's steps (trimming, placeholder, length
// and UTF-8 checks, the exponent test, the field's normalizer, the output's
// placeholder check). Each fast path recognises one common shape exactly
// (printable ASCII, a phone number of digits and separators, a 4-digit year, a
// numeric date) and answers only with a value that the general path would
// return for the same input; for anything else, and for every value that is
// missing or invalid, it declines and the general path (normalizeRef) answers,
// so its errors and skip reasons stay the general path's. What each fast path
// can leave out of the general path's steps, and why, is said beside it.
// fast_test.go and FuzzFastPathMatchesReference check the two paths agree.

// asciiSpace marks the bytes strings.TrimSpace trims that are ASCII.
var asciiSpace = [256]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// trimASCII returns strings.TrimSpace(s) when it can tell it from ASCII alone:
// s without the ASCII white space at its ends, provided what remains begins
// and ends with an ASCII byte (TrimSpace would test a non-ASCII end for a
// Unicode space). It reports false otherwise.
func trimASCII(s string) (string, bool) {
	// Both ends printable ASCII other than ' ' (0x21-0x7F): nothing to trim.
	if len(s) > 0 && s[0]-0x21 < 0x5f && s[len(s)-1]-0x21 < 0x5f {
		return s, true
	}
	return trimASCIIEnds(s)
}

// trimASCIIEnds is trimASCII for a value that starts or ends with a byte
// that may be white space.
func trimASCIIEnds(s string) (string, bool) {
	lo, hi := 0, len(s)
	for lo < hi && asciiSpace[s[lo]] {
		lo++
	}
	for hi > lo && asciiSpace[s[hi-1]] {
		hi--
	}
	if lo < hi && (s[lo] >= 0x80 || s[hi-1] >= 0x80) {
		return "", false
	}
	return s[lo:hi], true
}

// normalizeFast is the front fast path of field f (see above): ok is false
// whenever the general path must answer.
func (n *Normalizer) normalizeFast(f Field, raw string, sc *Scratch) (string, bool) {
	switch f {
	case Phone:
		if n.regionIN {
			return phoneFastRaw(raw, sc)
		}
	case Name:
		return n.nameFast(raw, sc)
	case YOB:
		return n.yobFast(raw)
	case DOB:
		return n.dobFast(raw, sc)
	case Gender:
		return genderFast(raw)
	}
	return "", false
}

// phoneFastRaw is phoneFastIN on a raw value. The registry's shape, ten bare
// digits starting 6-9, is answered at once. Otherwise the value is trimmed
// and a pandas ".0" dropped as the general path does; the general path's
// other steps have nothing to do for a value phoneFastIN accepts: it holds
// only ASCII digits and " -.()+" (so it is valid UTF-8, has no exponent
// letter, and, with ten digits or more, is no placeholder) and is at most 32
// bytes long; and no "+91…" output is a placeholder.
func phoneFastRaw(raw string, sc *Scratch) (string, bool) {
	if len(raw) == 10 && raw[0]-'6' <= '9'-'6' && allDigits(raw[1:]) {
		return sc.e164IN(raw), true
	}
	s, ok := trimASCII(raw)
	if !ok {
		return "", false
	}
	s = floatDigits(s)
	// The common shapes at once: digits only (behind 0, 91 or 0091), or
	// "+91" and a space or '-' before the 10 digits. phoneFrontIN gives
	// the same answer for them, in a slower loop.
	national := ""
	switch {
	case allDigits(s):
		switch {
		case len(s) == 10:
			national = s
		case len(s) == 11 && s[0] == '0':
			national = s[1:]
		case len(s) == 12 && s[:2] == "91":
			national = s[2:]
		case len(s) == 14 && s[:4] == "0091":
			national = s[4:]
		default:
			return "", false // no other run of digits is a mobile number here
		}
	case len(s) >= 13 && s[:3] == "+91":
		national = s[3:]
		if national[0] == ' ' || national[0] == '-' {
			national = national[1:]
		}
		if len(national) != 10 || !allDigits(national) {
			return phoneFrontIN(s, sc)
		}
	default:
		return phoneFrontIN(s, sc)
	}
	if national[0] < '6' {
		return "", false
	}
	return sc.e164IN(national), true
}

// Classes of phoneByte, bits that a pass over the value can OR together.
const (
	phoneDigit = 1 << iota
	phonePlus
	phoneOther // not in an Indian mobile number as phoneFastIN reads it
	// phoneSep (0): ' ', '-', '.', '(' and ')', which phoneFastIN drops
)

var phoneByte = func() (t [256]uint8) {
	for c := range t {
		t[c] = phoneOther
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = phoneDigit
	}
	for _, c := range " -.()" {
		t[c] = 0
	}
	t['+'] = phonePlus
	return t
}()

// phoneFrontIN is phoneFastIN (the same shapes, the same result) in one pass
// without branches on the bytes: every byte is written to the digits and
// only a digit advances them; what may not be there (another byte, a second
// '+', a '+' after a digit) is noted in bits and looked at once, after.
func phoneFrontIN(s string, sc *Scratch) (string, bool) {
	if len(s) > 32 {
		return "", false
	}
	var d [32]byte
	nd := 0
	var block, bad, plusN uint8
	for i := 0; i < len(s); i++ {
		c := s[i]
		k := phoneByte[c]
		d[nd&31] = c
		bad |= k & (block | phoneOther) // a '+' after a digit or a '+', or another byte
		block |= (k | k<<1) & phonePlus // after a digit or a '+', a '+' is bad
		plusN |= k & phonePlus
		nd += int(k & phoneDigit)
	}
	if bad != 0 || nd > 16 {
		return "", false
	}
	plus := plusN != 0
	var national []byte
	switch {
	case plus:
		if nd == 12 && d[0] == '9' && d[1] == '1' {
			national = d[2:12]
		}
	case nd == 10:
		national = d[:10]
	case nd == 11 && d[0] == '0':
		national = d[1:11]
	case nd == 12 && d[0] == '9' && d[1] == '1':
		national = d[2:12]
	case nd == 14 && d[0] == '0' && d[1] == '0' && d[2] == '9' && d[3] == '1':
		national = d[4:14]
	}
	if national == nil || national[0] < '6' {
		return "", false
	}
	return sc.e164IN(unsafeString(national)), true
}

// nameFast is the printable-ASCII name fast path of n's version on a raw
// value. The general path's steps around the name's own: the value is
// trimmed; a blank or placeholder value is left to the general path (it is
// missing); so is one longer than maxValueLen. A value the ASCII fast path
// accepts is printable ASCII, so valid UTF-8. An output that is a placeholder
// ("null" from "NULL.") is missing, so left to the general path too.
func (n *Normalizer) nameFast(raw string, sc *Scratch) (string, bool) {
	if len(raw) > maxValueLen {
		return "", false
	}
	s, ok := trimASCII(raw)
	if !ok || s == "" || maybePlaceholder(s) {
		return "", false
	}
	var out string
	if n.version >= 2 {
		out, ok = nameFrontV2(s, sc)
	} else {
		out, ok = nameFastASCII(s, sc)
	}
	if !ok || maybePlaceholder(out) {
		return "", false
	}
	return out, true
}

// maxFrontName is the longest name nameFrontV2 takes: most are far shorter.
const maxFrontName = 64

// nameFrontV2 is nameFastASCIIV2 for the common names: printable ASCII of at
// most maxFrontName bytes, with at most maxFastTokens tokens, and a letter
// outside the honorifics it drops. It reports false for the rest, which the
// general path answers (nameFastASCIIV2, or the slow path).
//
// It writes the folded tokens, one space apart, straight into sc's spare
// room (or a buffer on the stack when sc is nil): for a name with no
// honorific whose tokens are in order, that is the result, kept without a
// copy; otherwise the kept tokens are joined in order after them.
func nameFrontV2(s string, sc *Scratch) (string, bool) {
	if len(s) > maxFrontName {
		return "", false
	}
	var stack [2 * maxFrontName]byte
	var buf []byte
	if sc != nil {
		buf = sc.spare(2 * maxFrontName)
	} else {
		buf = stack[:]
	}
	var ends [maxFastTokens]uint8
	j, n, ok := nameSimpleWords(s, buf, &ends)
	if !ok {
		if j, n, ok = nameTokens(s, buf, &ends); !ok {
			return "", false
		}
	}
	// The tokens that are not honorifics, and whether they are in order.
	var kept [maxFastTokens]span
	nk, sorted := 0, true
	lo := 0
	for k := range n {
		hi := int(ends[k])
		tok := buf[lo:hi]
		if !maybeHonorific(tok) || !asciiHonorific(tok) {
			if nk > 0 && tokenLess(tok, buf[kept[nk-1].lo:kept[nk-1].hi]) {
				sorted = false
			}
			kept[nk] = span{uint8(lo), uint8(hi)}
			nk++
		}
		lo = hi + 1
	}
	switch {
	case nk == 0:
		return "", false // only honorifics, which then stay: nameFastASCIIV2
	case nk == n && sorted:
		if string(buf[:j]) == s {
			return s, true
		}
		if sc != nil {
			return sc.commit(0, j), true
		}
		return string(buf[:j]), true
	}
	out := joinTokens(buf[j:j], buf[:j], kept[:nk], sorted)
	if nk < n && !hasLetter(out) {
		return "", false // "Dr 42": the slow path says why it is invalid
	}
	if sc != nil {
		return sc.commit(j, len(out)), true
	}
	return string(out), true
}

// maybePlaceholder is isPlaceholder, answered inline for most values: those
// longer than any placeholder.
func maybePlaceholder(s string) bool {
	return len(s) <= len("undefined") && isPlaceholder(s)
}

// span is a token's place in a buffer.
type span struct{ lo, hi uint8 }

// joinTokens appends to dst the tokens of src at spans, sorted unless
// sorted says they are, one space apart.
func joinTokens(dst, src []byte, spans []span, sorted bool) []byte {
	if len(spans) == 2 && !sorted { // given name and surname, the other way round
		dst = append(dst, src[spans[1].lo:spans[1].hi]...)
		dst = append(dst, ' ')
		return append(dst, src[spans[0].lo:spans[0].hi]...)
	}
	tok := func(sp span) []byte { return src[sp.lo:sp.hi] }
	if !sorted {
		for i := 1; i < len(spans); i++ { // insertion sort: names have a few tokens
			for j := i; j > 0 && tokenLess(tok(spans[j]), tok(spans[j-1])); j-- {
				spans[j], spans[j-1] = spans[j-1], spans[j]
			}
		}
	}
	for i, sp := range spans {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, tok(sp)...)
	}
	return dst
}

// hasLetter reports whether the folded name b holds a letter.
func hasLetter(b []byte) bool {
	for _, c := range b {
		if c >= 'a' {
			return true
		}
	}
	return false
}

// tokenLess reports whether the token a sorts before b (both non-empty) as
// strings do, deciding most pairs on their first byte.
func tokenLess(a, b []byte) bool {
	if a[0] != b[0] {
		return a[0] < b[0]
	}
	return string(a) < string(b)
}

// Byte classes of nameClass.
const (
	nameLetter = 1 << iota // A-Z, a-z
	nameDigit              // 0-9
	nameSpace              // ' '
	nameOther              // anything else
)

// nameClass and nameFold classify and fold the bytes of a name for
// nameSimpleWords.
var nameClass, nameFold = func() (cl, fold [256]byte) {
	for c := range 256 {
		fold[c] = byte(c)
		switch {
		case 'a' <= c && c <= 'z':
			cl[c] = nameLetter
		case 'A' <= c && c <= 'Z':
			cl[c], fold[c] = nameLetter, byte(c)+'a'-'A'
		case '0' <= c && c <= '9':
			cl[c] = nameDigit
		case c == ' ':
			cl[c] = nameSpace
		default:
			cl[c] = nameOther
		}
	}
	return cl, fold
}()

// nameSimpleWords is nameTokens for the commonest names: ASCII letters and
// digits in words separated by spaces, with a letter. It folds s into buf in
// one pass without branches (a word's length cannot be guessed) and notes
// the spaces in a bit mask; it reads the words' ends from the mask, moving
// the words together where a run of spaces separated them. It reports false
// for any other s (nameTokens reads those), or when s has more than
// maxFastTokens words.
func nameSimpleWords(s string, buf []byte, ends *[maxFastTokens]uint8) (j, n int, ok bool) {
	if len(s) == 0 || len(s) > maxFrontName || len(buf) < len(s) {
		return 0, 0, false
	}
	var cl byte
	var spaces uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		buf[i] = nameFold[c]
		cl |= nameClass[c]
		spaces |= uint64(nameClass[c]>>2) << i // nameSpace is 1<<2
	}
	last := uint64(1) << (len(s) - 1)
	if cl&(nameOther|nameLetter) != nameLetter || spaces&(1|last) != 0 {
		return 0, 0, false // not letters, digits and inner spaces only
	}
	first := spaces &^ (spaces << 1) // the first space of each run
	final := spaces &^ (spaces >> 1) // the last
	n = bits.OnesCount64(first) + 1
	if n > maxFastTokens {
		return 0, 0, false
	}
	lo := 0
	for k := range n - 1 {
		hi := bits.TrailingZeros64(first)
		first &= first - 1
		if j != lo {
			copy(buf[j:], buf[lo:hi])
		}
		j += hi - lo
		ends[k] = uint8(j)
		buf[j] = ' '
		j++
		lo = bits.TrailingZeros64(final) + 1
		final &= final - 1
	}
	if j != lo {
		copy(buf[j:], buf[lo:len(s)])
	}
	j += len(s) - lo
	ends[n-1] = uint8(j)
	return j, n, true
}

// nameTokens writes the folded tokens of s into buf, one space apart (never
// more bytes than s has: each space stands for at least one separator), and
// notes where each token ends, in one pass. It reports false when s has a
// byte that is not printable ASCII, no letter, or more than maxFastTokens
// tokens.
func nameTokens(s string, buf []byte, ends *[maxFastTokens]uint8) (j, n int, ok bool) {
	in := false
	var bits byte
	for i := 0; i < len(s); i++ {
		c := nameV2Byte[s[i]]
		if c > nameNotFast {
			if !in {
				if n == maxFastTokens {
					return 0, 0, false
				}
				if n > 0 {
					buf[j] = ' '
					j++
				}
				in = true
			}
			buf[j] = c
			j++
			bits |= c
			continue
		}
		if c == nameNotFast {
			return 0, 0, false
		}
		if c == nameSep && in {
			ends[n] = uint8(j)
			n++
			in = false
		}
	}
	if in {
		ends[n] = uint8(j)
		n++
	}
	if bits&0x40 == 0 { // no letter (a-z have bit 0x40; digits and ' ' do not)
		return 0, 0, false
	}
	return j, n, true
}

// honorificLens has, for the first two letters of each ASCII honorific
// (each taken modulo 32), a bit for its length: maybeHonorific's filter,
// which spares most words asciiHonorific's comparisons.
var honorificLens = func() (t [32][32]uint16) {
	for _, h := range honorificTokens {
		if h[0] < 0x80 {
			t[h[0]&31][h[1]&31] |= 1 << len(h)
		}
	}
	return t
}()

// maybeHonorific reports false for a lower-case ASCII word that cannot be an
// ASCII honorific; true means it may be one (asciiHonorific says).
func maybeHonorific(w []byte) bool {
	return len(w) >= 2 && len(w) < 16 && honorificLens[w[0]&31][w[1]&31]>>len(w)&1 != 0
}

// yobFast answers a year of birth written as 4 ASCII digits, optionally
// followed by '.' and one or more '0's, in range: normalizeYOB's result for
// it. Such a value is no placeholder and ASCII, and neither is the year it
// gives; one longer than maxValueLen (many '0's) is left to the general
// path, which refuses it.
func (n *Normalizer) yobFast(raw string) (string, bool) {
	s := raw
	if len(s) != 4 {
		var ok bool
		if s, ok = trimASCII(raw); !ok || len(s) < 4 || len(s) > maxValueLen {
			return "", false
		}
		if len(s) > 4 {
			if s[4] != '.' || len(s) == 5 {
				return "", false
			}
			for i := 5; i < len(s); i++ {
				if s[i] != '0' {
					return "", false
				}
			}
			s = s[:4]
		}
	}
	y, ok := digits4(s)
	if !ok || y < minYear || y > n.maxYear {
		return "", false
	}
	return s, true
}

// digits4 returns the value of s, 4 ASCII digits.
func digits4(s string) (int, bool) {
	if len(s) != 4 {
		return 0, false
	}
	a, b, c, d := s[0]-'0', s[1]-'0', s[2]-'0', s[3]-'0'
	if a > 9 || b > 9 || c > 9 || d > 9 {
		return 0, false
	}
	return int(a)*1000 + int(b)*100 + int(c)*10 + int(d), true
}

// genderFast answers an ASCII gender spelling: for ASCII, the general path's
// key (NFC, then the letters lower-cased, everything else dropped) is the
// ASCII letters lower-cased. A placeholder ("none", "n/a"), an unknown
// spelling or a value longer than 32 bytes is left to the general path.
func genderFast(raw string) (string, bool) {
	s, ok := trimASCII(raw)
	if !ok || s == "" || len(s) > 32 || isPlaceholder(s) {
		return "", false
	}
	var buf [32]byte
	k := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return "", false
		}
		if lc := c | 0x20; 'a' <= lc && lc <= 'z' {
			buf[k] = lc
			k++
		}
	}
	g, ok := genders[string(buf[:k])]
	return g, ok
}

// dateFront is what the date fast paths read of a raw value: the value
// trimmed of ASCII space and of a time that cutTime removes. It reports
// false for a value the general path must answer: longer than maxValueLen,
// with a non-ASCII end, or with a time cutTime does not take.
func dateFront(raw string) (string, bool) {
	if len(raw) > maxValueLen {
		return "", false
	}
	s, ok := trimASCII(raw)
	if !ok {
		return "", false
	}
	return cutTime(s)
}

// dobFast answers a numeric date, d/m/yyyy or yyyy/m/d with one of "-/."
// twice, optionally followed by a time that normalizeDOB's own cutTime
// removes ("1990-03-12T00:00:00Z", "12/03/1990 00:00"), that reads one way
// in n's date order and exists in range: normalizeDOB's result for it. Such
// a value is no placeholder and ASCII, and its output is neither; a value
// longer than maxValueLen (spaces before a zone can make one) is left to
// the general path, which refuses it.
func (n *Normalizer) dobFast(raw string, sc *Scratch) (string, bool) {
	s, ok := dateFront(raw)
	if !ok {
		return "", false
	}
	y, m, d, _, ok := n.numericDate(s, false)
	if !ok {
		return "", false
	}
	var b [10]byte
	b[0], b[1], b[2], b[3] = byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	b[4], b[7] = '-', '-'
	b[5], b[6] = byte('0'+m/10), byte('0'+m%10)
	b[8], b[9] = byte('0'+d/10), byte('0'+d%10)
	return sc.str(b[:]), true
}

// dobYearFast is DOBYear for the values dobFast answers, and for those that
// only an unknown day-month order stops it from answering (DOBYear reads
// them day-first, as numericDate does when told to): the 4 digits of the
// year, as written, which are those of the normalized date.
func (n *Normalizer) dobYearFast(raw string) (string, bool) {
	s, ok := dateFront(raw)
	if !ok {
		return "", false
	}
	_, _, _, yearFirst, ok := n.numericDate(s, true)
	switch {
	case !ok:
		return "", false
	case yearFirst:
		return s[:4], true
	}
	return s[len(s)-4:], true
}

// numericDate reads s as normalizeDOB reads a numeric date with no time:
// three runs of ASCII digits, of 4, 1-2 and 1-2 digits (year first) or 1-2,
// 1-2 and 4 (year last, day and month in n's date order), separated by the
// same one of '-', '/' and '.'. It reports false for any other value and for
// every date normalizeDOB refuses (no such month or day, a year out of
// range, an order that cannot be told), except that with dmyIfAmbiguous a
// date whose order cannot be told is read day-first, as DOBYear does.
func (n *Normalizer) numericDate(s string, dmyIfAmbiguous bool) (y, m, d int, yearFirst, ok bool) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	n1 := i
	if n1 == 0 || n1 == 3 || n1 > 4 || i == len(s) {
		return 0, 0, 0, false, false
	}
	sep := s[i]
	if sep != '-' && sep != '/' && sep != '.' {
		return 0, 0, 0, false, false
	}
	i++
	j := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	n2 := i - j
	if n2 == 0 || n2 > 2 || i == len(s) || s[i] != sep {
		return 0, 0, 0, false, false
	}
	i++
	k := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	n3 := i - k
	if i != len(s) || n3 == 0 || n3 == 3 || n3 > 4 {
		return 0, 0, 0, false, false
	}
	a, b, c := smallAtoi(s[:n1]), smallAtoi(s[j:j+n2]), smallAtoi(s[k:])
	switch {
	case n1 == 4 && n3 <= 2:
		y, m, d, yearFirst = a, b, c, true
	case n1 <= 2 && n3 == 4:
		y = c
		switch n.dateOrder {
		case DMY:
			d, m = a, b
		case MDY:
			d, m = b, a
		case YMD:
			return 0, 0, 0, false, false
		default: // as dayMonth
			switch {
			case a == b || a > 12 || a < 1 || b < 1:
				d, m = a, b
			case b > 12:
				d, m = b, a
			case dmyIfAmbiguous:
				d, m = a, b
			default:
				return 0, 0, 0, false, false
			}
		}
	default:
		return 0, 0, 0, false, false
	}
	if m < 1 || m > 12 || y < minYear || y > n.maxYear || d < 1 || d > daysIn(y, m) {
		return 0, 0, 0, false, false
	}
	return y, m, d, yearFirst, true
}

// smallAtoi is the value of s, 1 to 4 ASCII digits.
func smallAtoi(s string) int {
	v := 0
	for i := 0; i < len(s); i++ {
		v = v*10 + int(s[i]-'0')
	}
	return v
}

// unsafeString is b as a string without a copy, for a callee that only
// copies it.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
