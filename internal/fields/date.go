package fields

import (
	"strconv"
	"strings"
)

// Reasons a dob is refused. They are constants so that tests can match on them.
const (
	reasonDateFormat   = "unrecognized date format"
	reasonTwoDigitYear = "ambiguous: two-digit year"
	reasonMonthDay     = "ambiguous date: looks like month/day order"
	reasonMonth        = "month out of range 1..12"
	reasonDay          = "day out of range for the month"
)

// normalizeDOB returns s as "YYYY-MM-DD". It accepts
//
//	y-m-d  with '-', '/' or '.'            1990-03-12, 1990/3/12
//	d-m-y  with '-', '/' or '.'            12/03/1990, 12-3-1990, 12.03.1990
//	d Mon y, Mon d y with English months   12 Mar 1990, 12-Mar-1990, 12th March 1990, March 12, 1990
//
// each optionally followed by a time after ' ' or 'T' ("1990-03-12T00:00:00Z",
// "12/03/1990 00:00"), which is ignored together with any zone: the date is taken as written.
//
// Numeric dates with the year last are day-first (the Indian convention). When both of the first
// two numbers are 12 or less, that is the reading taken; when the second is over 12 and the first
// is not, the date is month-first and refused as ambiguous rather than guessed. Two-digit years
// are refused. The date must exist and its year be within minYear..the current year.
func (n *Normalizer) normalizeDOB(s string) (string, error) {
	date, ok := cutTime(s)
	if !ok {
		return "", invalid(DOB, reasonDateFormat)
	}
	toks, ok := tokenizeDate(date)
	if !ok {
		return "", invalid(DOB, reasonDateFormat)
	}
	var y, m, d string
	switch {
	case len(toks) == 3 && toks[0].num && toks[1].num && toks[2].num:
		if toks[1].sep != toks[2].sep || !strings.Contains("-/.", toks[1].sep) || len(toks[1].sep) != 1 {
			return "", invalid(DOB, reasonDateFormat)
		}
		short := len(toks[1].text) <= 2
		switch {
		case len(toks[0].text) == 4 && short && len(toks[2].text) <= 2:
			y, m, d = toks[0].text, toks[1].text, toks[2].text
		case len(toks[0].text) <= 2 && short && len(toks[2].text) == 4:
			d, m, y = toks[0].text, toks[1].text, toks[2].text
			if atoi(m) > 12 && atoi(d) >= 1 && atoi(d) <= 12 {
				return "", invalid(DOB, reasonMonthDay)
			}
		case len(toks[0].text) <= 2 && short && len(toks[2].text) == 2:
			return "", invalid(DOB, reasonTwoDigitYear)
		default:
			return "", invalid(DOB, reasonDateFormat)
		}
	case len(toks) == 3 && toks[0].num && !toks[1].num && toks[2].num:
		d, m, y = toks[0].text, monthNumber(toks[1].text), toks[2].text
	case len(toks) == 3 && !toks[0].num && toks[1].num && toks[2].num:
		m, d, y = monthNumber(toks[0].text), toks[1].text, toks[2].text
	default:
		return "", invalid(DOB, reasonDateFormat)
	}
	if m == "" || len(d) > 2 {
		return "", invalid(DOB, reasonDateFormat)
	}
	switch len(y) {
	case 4:
	case 2:
		return "", invalid(DOB, reasonTwoDigitYear)
	default:
		return "", invalid(DOB, reasonDateFormat)
	}
	yi, mi, di := atoi(y), atoi(m), atoi(d)
	if mi < 1 || mi > 12 {
		return "", invalid(DOB, reasonMonth)
	}
	if err := n.checkYear(DOB, yi); err != nil {
		return "", err
	}
	if di < 1 || di > daysIn(yi, mi) {
		return "", invalid(DOB, reasonDay)
	}
	b := []byte("0000-00-00")
	b[0], b[1], b[2], b[3] = byte('0'+yi/1000), byte('0'+yi/100%10), byte('0'+yi/10%10), byte('0'+yi%10)
	b[5], b[6] = byte('0'+mi/10), byte('0'+mi%10)
	b[8], b[9] = byte('0'+di/10), byte('0'+di%10)
	return string(b), nil
}

// atoi converts a string of at most 4 ASCII digits.
func atoi(s string) int {
	v, _ := strconv.Atoi(s)
	return v
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

var months = map[string]string{
	"jan": "1", "january": "1", "feb": "2", "february": "2", "mar": "3", "march": "3",
	"apr": "4", "april": "4", "may": "5", "jun": "6", "june": "6", "jul": "7", "july": "7",
	"aug": "8", "august": "8", "sep": "9", "sept": "9", "september": "9", "oct": "10",
	"october": "10", "nov": "11", "november": "11", "dec": "12", "december": "12",
}

// monthNumber returns the month number of an English month name or abbreviation
// (case-insensitive), or "".
func monthNumber(word string) string {
	return months[strings.ToLower(word)]
}

type dateToken struct {
	text string
	num  bool   // ASCII digits; otherwise ASCII letters
	sep  string // the separator characters before the token
}

// tokenizeDate splits s into runs of ASCII digits and runs of ASCII letters, separated by runs of
// " -/.,". An ordinal suffix (st, nd, rd, th) right after a number is dropped. Any other
// character, or a separator at either end, fails.
func tokenizeDate(s string) ([]dateToken, bool) {
	var toks []dateToken
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case isDigit(c) || isASCIILetter(c):
			j := i
			for j < len(s) && isDigit(s[j]) == isDigit(c) && (isDigit(s[j]) || isASCIILetter(s[j])) {
				j++
			}
			toks = append(toks, dateToken{text: s[i:j], num: isDigit(c), sep: s[start:i]})
			if len(toks) > 4 {
				return nil, false
			}
			i, start = j, j
		case strings.IndexByte(" -/.,", c) >= 0:
			i++
		default:
			return nil, false
		}
	}
	if len(toks) == 0 || toks[0].sep != "" || start != len(s) {
		return nil, false
	}
	out := toks[:0]
	for _, t := range toks {
		if len(out) > 0 && !t.num && t.sep == "" && out[len(out)-1].num && isOrdinal(t.text) {
			continue
		}
		out = append(out, t)
	}
	return out, true
}

func isOrdinal(s string) bool {
	switch strings.ToLower(s) {
	case "st", "nd", "rd", "th":
		return true
	}
	return false
}

// cutTime removes a time of day from the end of s: one or two digits, ':', two digits,
// optionally ':' and two digits and a fraction, optionally a zone (Z, UTC, GMT, ±hh, ±hhmm,
// ±hh:mm) or AM/PM, written after ' ' or 'T'. It reports false if s has a ':' but no such time.
func cutTime(s string) (string, bool) {
	colon := strings.IndexByte(s, ':')
	if colon < 0 {
		return s, true
	}
	j := colon
	for j > 0 && isDigit(s[j-1]) {
		j--
	}
	if colon-j < 1 || colon-j > 2 || j < 2 {
		return s, false
	}
	if c := s[j-1]; c != ' ' && c != 'T' && c != 't' {
		return s, false
	}
	if !validTime(s[j:]) {
		return s, false
	}
	return strings.TrimRight(s[:j-1], " "), true
}

func validTime(t string) bool {
	digits := func(n int) (int, bool) {
		if len(t) < n || !allDigits(t[:n]) {
			return 0, false
		}
		v := atoi(t[:n])
		t = t[n:]
		return v, true
	}
	h, ok := digits(2)
	if !ok {
		if h, ok = digits(1); !ok {
			return false
		}
	}
	if len(t) == 0 || t[0] != ':' {
		return false
	}
	t = t[1:]
	m, ok := digits(2)
	if !ok || h > 23 || m > 59 {
		return false
	}
	if len(t) > 0 && t[0] == ':' {
		t = t[1:]
		if sec, ok := digits(2); !ok || sec > 60 {
			return false
		}
		if len(t) > 0 && t[0] == '.' {
			t = t[1:]
			k := 0
			for k < len(t) && k < 9 && isDigit(t[k]) {
				k++
			}
			if k == 0 {
				return false
			}
			t = t[k:]
		}
	}
	t = strings.TrimLeft(t, " ")
	switch strings.ToUpper(t) {
	case "", "Z", "UTC", "GMT", "AM", "PM":
		return true
	}
	if t[0] != '+' && t[0] != '-' {
		return false
	}
	t = t[1:]
	switch {
	case len(t) == 2 && allDigits(t):
	case len(t) == 4 && allDigits(t):
	case len(t) == 5 && t[2] == ':' && allDigits(t[:2]) && allDigits(t[3:]):
	default:
		return false
	}
	return true
}

func isDigit(c byte) bool       { return c >= '0' && c <= '9' }
func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
