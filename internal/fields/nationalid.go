package fields

import (
	"fmt"
	"strings"
)

// Verhoeff tables: d is the multiplication table of the dihedral group D5, p the position
// permutations, inv the inverses.
var (
	verhoeffD = [10][10]byte{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		{1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
		{2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
		{3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
		{4, 0, 1, 2, 3, 9, 5, 6, 7, 8},
		{5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
		{6, 5, 9, 8, 7, 1, 0, 4, 3, 2},
		{7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
		{8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
		{9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
	}
	verhoeffP = [8][10]byte{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		{1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
		{5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
		{8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
		{9, 4, 5, 3, 1, 2, 6, 8, 7, 0},
		{4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
		{2, 7, 9, 3, 8, 0, 6, 4, 1, 5},
		{7, 0, 4, 6, 9, 1, 3, 2, 5, 8},
	}
	verhoeffInv = [10]byte{0, 4, 3, 2, 1, 5, 6, 7, 8, 9}
)

// verhoeffValid reports whether the ASCII digit string s ends in a correct Verhoeff check digit.
func verhoeffValid(s string) bool {
	var c byte
	for i := 0; i < len(s); i++ {
		c = verhoeffD[c][verhoeffP[i%8][s[len(s)-1-i]-'0']]
	}
	return c == 0
}

// verhoeffDigit returns the check digit to append to the ASCII digit string s.
func verhoeffDigit(s string) byte {
	var c byte
	for i := 0; i < len(s); i++ {
		c = verhoeffD[c][verhoeffP[(i+1)%8][s[len(s)-1-i]-'0']]
	}
	return '0' + verhoeffInv[c]
}

// MaskedLast4 reports whether raw looks like a masked national ID and if so returns its last 4
// digits. Masked means: after trimming and removing spaces and '-', 4 to 8 mask characters
// ('X', 'x', '*', '#' or '•') followed by exactly 4 ASCII digits, as in "XXXX XXXX 1234",
// "xxxxxxxx1234", "********1234" or "XXXX-XXXX-1234".
func MaskedLast4(raw string) (last4 string, ok bool) {
	s := stripSpaceDash(strings.TrimSpace(raw))
	if len(s) < 4 || !allDigits(s[len(s)-4:]) {
		return "", false
	}
	masks := 0
	for _, r := range s[:len(s)-4] {
		switch r {
		case 'X', 'x', '*', '#', '•':
			masks++
		default:
			return "", false
		}
	}
	if masks < 4 || masks > 8 {
		return "", false
	}
	return s[len(s)-4:], true
}

func stripSpaceDash(s string) string {
	if !strings.ContainsAny(s, " -") {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s)
}

// MaskedIDReason is why a masked national ID (XXXX XXXX 1234) is not a
// national_id: callers count masked IDs by it (it can still form
// national_id_last4).
const MaskedIDReason = "masked ID: only the last 4 digits are present"

// normalizeNationalID returns the 12 digits of an Aadhaar number written with or without spaces
// and '-', after checking that the first digit is 2-9 and the last is its Verhoeff check digit.
func normalizeNationalID(s string) (string, error) {
	if _, ok := MaskedLast4(s); ok {
		return "", invalid(NationalID, MaskedIDReason)
	}
	d := stripSpaceDash(s)
	if !allDigits(d) {
		return "", invalid(NationalID, "only digits, spaces and '-' are allowed")
	}
	if len(d) != 12 {
		return "", invalid(NationalID, fmt.Sprintf("12 digits expected, got %d", len(d)))
	}
	if d[0] == '0' || d[0] == '1' {
		return "", invalid(NationalID, "first digit cannot be 0 or 1")
	}
	if !verhoeffValid(d) {
		return "", invalid(NationalID, "fails the Verhoeff check")
	}
	return d, nil
}

// normalizeNationalIDLast4 returns the last 4 digits of a masked ID, of exactly 4 digits (a
// column that holds only the last 4), or of a full valid national ID.
func normalizeNationalIDLast4(s string) (string, error) {
	if last4, ok := MaskedLast4(s); ok {
		return last4, nil
	}
	if len(s) == 4 && allDigits(s) {
		return s, nil
	}
	id, err := normalizeNationalID(s)
	if err != nil {
		return "", invalid(NationalIDLast4,
			"neither a masked ID, 4 digits, nor a valid national ID ("+err.(*Invalid).Reason+")")
	}
	return id[len(id)-4:], nil
}
