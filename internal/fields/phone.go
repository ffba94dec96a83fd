package fields

import (
	"errors"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// normalizePhone returns s as E.164. The common Indian shapes take a fast path that gives the
// same answer as the library (phone_test.go checks this on random inputs); everything else goes
// through normalizePhoneSlow.
func (n *Normalizer) normalizePhone(s string, sc *Scratch) (string, error) {
	if n.region == "IN" {
		if e164, ok := phoneFastIN(s, sc); ok {
			return e164, nil
		}
	}
	return n.normalizePhoneSlow(s)
}

// phoneFastIN handles, after removing spaces, '-', '.', '(' and ')', a 10-digit Indian mobile
// number (first digit 6-9) written bare or behind "0", "91", "+91" or "0091". It reports false
// for anything else, including every invalid input: those are left to the library so that the
// error is the same on both paths.
//
// All 10-digit numbers starting with 6-9 are valid Indian mobile numbers in the library's
// metadata, so the fast path needs no further check.
//
// The result is written into sc (see Scratch), or allocated when sc is nil.
func phoneFastIN(s string, sc *Scratch) (string, bool) {
	if len(s) > 32 {
		return "", false
	}
	var buf [16]byte
	d := buf[:0]
	plus := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '-', '.', '(', ')':
		case '+':
			if plus || len(d) > 0 {
				return "", false
			}
			plus = true
		default:
			if c < '0' || c > '9' || len(d) == cap(d) {
				return "", false
			}
			d = append(d, c)
		}
	}
	var national []byte
	switch {
	case plus:
		if len(d) == 12 && d[0] == '9' && d[1] == '1' {
			national = d[2:]
		}
	case len(d) == 10:
		national = d
	case len(d) == 11 && d[0] == '0':
		national = d[1:]
	case len(d) == 12 && d[0] == '9' && d[1] == '1':
		national = d[2:]
	case len(d) == 14 && d[0] == '0' && d[1] == '0' && d[2] == '9' && d[3] == '1':
		national = d[4:]
	}
	if national == nil || national[0] < '6' {
		return "", false
	}
	var out [13]byte
	copy(out[:], "+91")
	copy(out[3:], national)
	return sc.str(out[:]), true
}

// normalizePhoneSlow parses s with the phone number library in the default region and accepts it
// only if the library finds it a valid number (IsValidNumber: it matches a number range in use
// for its country, not just a possible length). Letters are refused outright rather than read as
// a keypad word or an extension marker, and so are extensions.
func (n *Normalizer) normalizePhoneSlow(s string) (string, error) {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return "", invalid(Phone, "letters are not allowed in a phone number")
		}
	}
	num, err := phonenumbers.Parse(s, n.region)
	if err != nil {
		return "", invalid(Phone, phoneParseReason(err))
	}
	if num.GetExtension() != "" {
		return "", invalid(Phone, "extensions are not supported")
	}
	if !phonenumbers.IsValidNumber(num) {
		reason := "not a valid phone number for region " + n.region
		switch phonenumbers.IsPossibleNumberWithReason(num) {
		case phonenumbers.TOO_SHORT:
			reason += " (too short)"
		case phonenumbers.TOO_LONG:
			reason += " (too long)"
		}
		return "", invalid(Phone, reason)
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

// phoneParseReason turns a library error into a reason. The library's messages do not contain
// the input, but they are rewritten anyway so that none ever can.
func phoneParseReason(err error) string {
	switch {
	case errors.Is(err, phonenumbers.ErrInvalidCountryCode):
		return "invalid country code"
	case errors.Is(err, phonenumbers.ErrTooShortNSN), errors.Is(err, phonenumbers.ErrTooShortAfterIDD):
		return "too short to be a phone number"
	case errors.Is(err, phonenumbers.ErrNumTooLong):
		return "too long to be a phone number"
	}
	return "not a phone number"
}
