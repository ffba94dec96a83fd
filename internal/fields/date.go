package fields

import (
	"fmt"
	"strconv"
	"strings"
)

// Reasons a dob is refused. They are constants so that tests can match on them.
const (
	reasonDateFormat   = "unrecognized date format"
	reasonTwoDigitYear = "ambiguous: two-digit year"
	reasonMonth        = "month out of range 1..12"
	reasonDay          = "day out of range for the month"
	// ReasonAmbiguousOrder is the reason for a numeric date whose day and month are both 12
	// or less (and differ) when the column's date order is not known.
	ReasonAmbiguousOrder = "ambiguous date: day and month could be either way round (the column's order is unknown; pass --date-order)"
	reasonNotYearFirst   = "not a year-first date (the column's order is year-month-day)"
)

// DateOrder is the order of day, month and year in a column's numeric dates, such as
// 03/04/1990: the 3rd of April day-first, the 4th of March month-first. Dates with a month
// name, and year-first dates with a 4-digit year (1990-04-03), read the same in every order.
type DateOrder int

const (
	// DateOrderUnknown reads every date that can be read only one way (25/12/1990 is
	// day-first, 12/25/1990 month-first) and refuses the rest as ambiguous: nothing is guessed.
	DateOrderUnknown DateOrder = iota
	DMY                        // day/month/year, the Indian and European order
	MDY                        // month/day/year, the US order
	YMD                        // year-month-day only: a year-last date is refused
)

// DateOrders lists the orders by name, for flag help and validation.
var DateOrders = []string{"dmy", "mdy", "ymd"}

func (o DateOrder) String() string {
	switch o {
	case DMY:
		return "dmy"
	case MDY:
		return "mdy"
	case YMD:
		return "ymd"
	}
	return "unknown"
}

// Describe says the order in words: "day-first (dmy)".
func (o DateOrder) Describe() string {
	switch o {
	case DMY:
		return "day-first (dmy)"
	case MDY:
		return "month-first (mdy)"
	case YMD:
		return "year-first (ymd)"
	}
	return "unknown"
}

// ParseDateOrder parses "dmy", "mdy" or "ymd" (any case); "" and "auto" are DateOrderUnknown,
// which lets the engine detect each column's order from its values.
func ParseDateOrder(s string) (DateOrder, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return DateOrderUnknown, nil
	case "dmy":
		return DMY, nil
	case "mdy":
		return MDY, nil
	case "ymd":
		return YMD, nil
	}
	return DateOrderUnknown, fmt.Errorf("unknown date order %q: use dmy, mdy or ymd", s)
}

// WithDateOrder returns a Normalizer that reads numeric dates in order o.
func (n *Normalizer) WithDateOrder(o DateOrder) *Normalizer {
	c := *n
	c.dateOrder = o
	return &c
}

// DateOrder returns the order in which n reads numeric dates.
func (n *Normalizer) DateOrder() DateOrder { return n.dateOrder }

// DateEvidence counts what a sample of a column's dates says about their order: dates that
// read only day-first (a first number over 12), only month-first (a second number over 12),
// year-first, and either way (both 12 or less and different).
type DateEvidence struct {
	DayFirst, MonthFirst, YearFirst, Either int
}

// Add classifies one raw value; values that are not numeric dates are ignored.
func (ev *DateEvidence) Add(raw string) {
	date, ok := cutTime(strings.TrimSpace(raw))
	if !ok {
		return
	}
	toks, ok := tokenizeDate(date)
	if !ok || len(toks) != 3 || !toks[0].num || !toks[1].num || !toks[2].num {
		return
	}
	a, b := atoi(toks[0].text), atoi(toks[1].text)
	switch {
	case len(toks[0].text) == 4:
		ev.YearFirst++
	case len(toks[2].text) != 4:
	case a > 12 && b >= 1 && b <= 12:
		ev.DayFirst++
	case b > 12 && a >= 1 && a <= 12:
		ev.MonthFirst++
	case a >= 1 && a <= 12 && b >= 1 && b <= 12 && a != b:
		ev.Either++
	}
}

// Order is the column's order the evidence shows: day-first when some dates can only be
// day-first and none only month-first, and the reverse; year-first when every numeric date is
// year-first. Otherwise (no evidence, or both kinds) DateOrderUnknown, so that ambiguous dates
// are refused rather than guessed; Mixed reports the second case.
func (ev DateEvidence) Order() DateOrder {
	switch {
	case ev.DayFirst > 0 && ev.MonthFirst == 0:
		return DMY
	case ev.MonthFirst > 0 && ev.DayFirst == 0:
		return MDY
	case ev.YearFirst > 0 && ev.DayFirst == 0 && ev.MonthFirst == 0 && ev.Either == 0:
		return YMD
	}
	return DateOrderUnknown
}

// Mixed reports dates that can only be day-first alongside dates that can only be month-first.
func (ev DateEvidence) Mixed() bool { return ev.DayFirst > 0 && ev.MonthFirst > 0 }

// normalizeDOB returns s as "YYYY-MM-DD". It accepts
//
//	y-m-d  with '-', '/' or '.'            1990-03-12, 1990/3/12
//	d-m-y or m-d-y with '-', '/' or '.'    12/03/1990, 3-12-1990, 12.03.1990
//	d Mon y, Mon d y with English months   12 Mar 1990, 12-Mar-1990, 12th March 1990, March 12, 1990
//
// each optionally followed by a time after ' ' or 'T' ("1990-03-12T00:00:00Z",
// "12/03/1990 00:00"), which is ignored together with any zone: the date is taken as written.
//
// Numeric dates with the year last are read in the normalizer's DateOrder. With
// DateOrderUnknown a date that can be read only one way is read that way (25/12/1990,
// 12/25/1990) and one whose first two numbers are both 12 or less and differ is refused as
// ambiguous rather than guessed. Two-digit years are refused. The date must exist and its year
// be within minYear..the current year.
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
			var why string
			if d, m, why = n.dayMonth(toks[0].text, toks[1].text); why != "" {
				return "", invalid(DOB, why)
			}
			y = toks[2].text
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

// dayMonth reads the first two numbers of a year-last date in the normalizer's order, and
// says why not when it cannot.
func (n *Normalizer) dayMonth(a, b string) (day, month, why string) {
	switch n.dateOrder {
	case DMY:
		return a, b, ""
	case MDY:
		return b, a, ""
	case YMD:
		return "", "", reasonNotYearFirst
	}
	ai, bi := atoi(a), atoi(b)
	switch {
	case ai == bi || ai > 12 || ai < 1 || bi < 1:
		return a, b, "" // day-first, or invalid either way (the checks below say why)
	case bi > 12:
		return b, a, "" // can only be month-first
	}
	return "", "", ReasonAmbiguousOrder
}

// DOBYear returns the year of a raw date of birth as "YYYY": the year of its normalized form,
// or, for a date that is only ambiguous in its day and month order, its year all the same
// (03/04/1990 is of 1990 either way).
func (n *Normalizer) DOBYear(raw string) (string, error) {
	if y, ok := n.dobYearFast(raw); ok {
		return y, nil
	}
	return n.dobYearRef(raw)
}

// dobYearRef is DOBYear's general path, the reference for dobYearFast.
func (n *Normalizer) dobYearRef(raw string) (string, error) {
	v, err := n.Normalize(DOB, raw)
	if inv, ok := err.(*Invalid); ok && inv.Reason == ReasonAmbiguousOrder {
		v, err = n.WithDateOrder(DMY).Normalize(DOB, raw)
	}
	if err != nil || v == "" {
		return "", err
	}
	return YOBFromDOB(v), nil
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
