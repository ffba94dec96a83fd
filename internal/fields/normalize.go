package fields

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

const (
	minYear     = 1880 // the earliest year accepted in dob and yob
	maxValueLen = 1024 // longer values (after trimming) are invalid, whatever the field but id
)

// Normalizer turns raw values into their canonical form. It holds the default region used to read
// phone numbers written without a country code. A Normalizer is immutable and safe for
// concurrent use.
type Normalizer struct {
	region    string    // ISO 3166-1 alpha-2, upper case
	maxYear   int       // latest year accepted in dob and yob: the current year at construction
	dateOrder DateOrder // how numeric dates are read (date.go); see WithDateOrder
	version   int       // MinVersion..Version
	regionIN  bool      // region is "IN": Indian mobile numbers take a fast path (fast.go)
}

// NewNormalizer returns a Normalizer of the current Version whose default phone region is region,
// an ISO 3166-1 alpha-2 code such as "IN" (case-insensitive). A region the phone number library
// does not know is an error.
func NewNormalizer(region string) (*Normalizer, error) {
	return NewNormalizerVersion(region, Version)
}

// NewNormalizerVersion is NewNormalizer for normalization version version, MinVersion to
// Version: a filter is checked with the version it was built with.
func NewNormalizerVersion(region string, version int) (*Normalizer, error) {
	if version < MinVersion || version > Version {
		return nil, fmt.Errorf("normalization version %d is not implemented (this leakcheck implements versions %d to %d)", version, MinVersion, Version)
	}
	r := strings.ToUpper(strings.TrimSpace(region))
	if !phonenumbers.GetSupportedRegions()[r] {
		return nil, fmt.Errorf("unknown region %q: want an ISO 3166-1 alpha-2 code such as IN", region)
	}
	return &Normalizer{
		region:   r,
		maxYear:  time.Now().Year(),
		version:  version,
		regionIN: r == "IN",
	}, nil
}

// Region returns the default region, upper case (e.g. "IN").
func (n *Normalizer) Region() string { return n.region }

// Version returns the normalization version n implements.
func (n *Normalizer) Version() int { return n.version }

// sciNotation matches a number in exponent form, as a spreadsheet shows a long number
// (2.34568E+11), with its digits past the mantissa's lost.
var sciNotation = regexp.MustCompile(`^[0-9](\.[0-9]+)?[eE]\+?[0-9]+$`)

// hasExponentLetter reports whether s holds an 'e' or 'E': a byte loop, where
// strings.ContainsAny builds a byte set on every call (a tenth of a phone's
// normalization).
func hasExponentLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i]|0x20 == 'e' {
			return true
		}
	}
	return false
}

// floatDigits drops the ".0" that pandas writes after a whole number in a float column
// (a phone or Aadhaar column with a missing value becomes float64: 9876543210.0).
func floatDigits(s string) string {
	d, ok := strings.CutSuffix(s, ".0")
	if !ok || d == "" {
		return s
	}
	for _, c := range d {
		if c < '0' || c > '9' {
			return s
		}
	}
	return d
}

// Normalize returns the canonical form of raw for field f, or an *Invalid error whose reason
// never contains raw. A blank raw value, or a placeholder such as "NA", "null" or "-" (see
// docs/normalization.md), returns ("", nil): the value is missing, not invalid. An ID is only
// trimmed. Any other value that is not valid UTF-8, or longer than 1024 bytes, is invalid.
func (n *Normalizer) Normalize(f Field, raw string) (string, error) {
	return n.normalize(f, raw, nil)
}

// NormalizeInto is Normalize with the values its fast paths rewrite (a phone
// number, a name) written into sc instead of allocated: they are valid until
// sc.Reset (see Scratch). The values are the same as Normalize's.
func (n *Normalizer) NormalizeInto(sc *Scratch, f Field, raw string) (string, error) {
	return n.normalize(f, raw, sc)
}

// normalize tries the front fast path of f (fast.go), which answers the
// common shapes of a value, and otherwise the general path, normalizeRef.
func (n *Normalizer) normalize(f Field, raw string, sc *Scratch) (string, error) {
	if out, ok := n.normalizeFast(f, raw, sc); ok {
		return out, nil
	}
	return n.normalizeRef(f, raw, sc)
}

// normalizeRef is the general path: the reference the fast paths of
// fast.go are checked against, and the one that answers every value they
// decline.
func (n *Normalizer) normalizeRef(f Field, raw string, sc *Scratch) (string, error) {
	if !f.valid() {
		return "", fmt.Errorf("fields: unknown field %d", int(f))
	}
	s := strings.TrimSpace(raw)
	if f == ID {
		return s, nil
	}
	if s == "" || isPlaceholder(s) {
		return "", nil
	}
	if len(s) > maxValueLen {
		return "", invalid(f, fmt.Sprintf("longer than %d bytes", maxValueLen))
	}
	if !utf8.ValidString(s) {
		return "", invalid(f, "not valid UTF-8")
	}
	if f == Phone || f == NationalID {
		// The exponent's letter first: the regular expression costs more
		// than the rest of a phone's normalization.
		if hasExponentLetter(s) && sciNotation.MatchString(s) {
			return "", invalid(f, "digits lost in a spreadsheet (written as a number in exponent form, such as 2.34568E+11): they cannot be recovered; export the column as text from the source")
		}
		s = floatDigits(s)
	}
	var out string
	var err error
	if spec, ok := f.Custom(); ok {
		out, err = n.normalizeCustom(f, spec, s)
	}
	switch f {
	case Phone:
		out, err = n.normalizePhone(s, sc)
	case NationalID:
		out, err = normalizeNationalID(s)
	case NationalIDLast4:
		out, err = normalizeNationalIDLast4(s)
	case Email:
		out, err = normalizeEmail(s)
	case Name:
		if n.version >= 2 {
			out, err = normalizeNameV2(s, sc)
		} else {
			out, err = normalizeName(s, sc)
		}
	case DOB:
		out, err = n.normalizeDOB(s)
	case YOB:
		out, err = n.normalizeYOB(s)
	case Gender:
		out, err = normalizeGender(s)
	}
	if err != nil {
		return "", err
	}
	// A value that normalizes to a placeholder ("(NA)" as a name becomes "na") is missing too;
	// otherwise normalizing the output again would not give the output.
	if isPlaceholder(out) {
		return "", nil
	}
	return out, nil
}

// placeholders are values that spreadsheets and exports write for "no value". They are compared
// case-insensitively after trimming and count as missing, like a blank cell.
var placeholders = []string{
	"-", "--", "---", "na", "n/a", "n.a.", "#n/a", "nan", "nil", "null", "none", "undefined",
}

func isPlaceholder(s string) bool {
	if s == "" || len(s) > len("undefined") {
		return false
	}
	switch s[0] | 0x20 { // every placeholder starts with one of these, in either case
	case '-', 'n', '#', 'u':
	default:
		return false
	}
	// Every placeholder is ASCII and has no 'k' or 's' (which Unicode
	// folds the Kelvin sign and the long s to), so strings.EqualFold with
	// one is equality with s's ASCII letters lower-cased (TestIsPlaceholder
	// checks this against EqualFold).
	var b [len("undefined")]byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	switch string(b[:len(s)]) {
	case "-", "--", "---", "na", "n/a", "n.a.", "#n/a", "nan", "nil", "null", "none", "undefined":
		return true
	}
	return false
}

// normalizeEmail lower-cases s and checks its shape: one '@', a non-empty local part, and a
// domain of two or more non-empty dot-separated labels. Nothing else is rewritten (no removal
// of dots or "+tags": providers differ on what they ignore).
func normalizeEmail(s string) (string, error) {
	s = strings.ToLower(s)
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return "", invalid(Email, "contains spaces or control characters")
		}
	}
	at := strings.IndexByte(s, '@')
	if at < 0 || strings.IndexByte(s[at+1:], '@') >= 0 {
		return "", invalid(Email, "exactly one '@' expected")
	}
	local, domain := s[:at], s[at+1:]
	if local == "" {
		return "", invalid(Email, "empty local part before '@'")
	}
	if !strings.Contains(domain, ".") {
		return "", invalid(Email, "domain has no dot")
	}
	for label := range strings.SplitSeq(domain, ".") {
		if label == "" {
			return "", invalid(Email, "domain has an empty label")
		}
	}
	return s, nil
}

var folder = cases.Fold() // stateless, safe for concurrent use

// normalizeName is the version-1 name rule. It applies, in order: removal of invisible control and format characters (Unicode
// Cc and Cf, except whitespace), NFKC, Unicode full case folding, NFKC again (folding can leave
// a string that is not in NFKC), collapsing every run of whitespace to one space, and trimming
// whitespace, punctuation and symbols from both ends. The result must contain a letter.
// Honorifics and inner punctuation stay: "Dr. Anita Sharma" → "dr. anita sharma".
func normalizeName(s string, sc *Scratch) (string, error) {
	if out, ok := nameFastASCII(s, sc); ok {
		return out, nil
	}
	return normalizeNameSlow(s)
}

// normalizeNameSlow is normalizeName for any input (name_fast.go takes the common ones).
func normalizeNameSlow(s string) (string, error) {
	s = strings.Map(func(r rune) rune {
		if (unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r)) && !unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	s = norm.NFKC.String(s)
	s = strings.Map(foldCherokee, folder.String(s))
	s = norm.NFKC.String(s)
	s = strings.Join(strings.Fields(s), " ")
	s = strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
	})
	if !strings.ContainsFunc(s, unicode.IsLetter) {
		return "", invalid(Name, "contains no letter")
	}
	return s, nil
}

// foldCherokee corrects golang.org/x/text/cases Fold (v0.43.0) for Cherokee, which it folds to
// the small letters; Unicode's CaseFolding.txt folds them to the capitals (the capitals were
// encoded first, and case folding is stable). Folding capitals to small letters and leaving small
// letters alone made Fold swap the two, so that a name never settled.
func foldCherokee(r rune) rune {
	switch {
	case r >= 0xAB70 && r <= 0xABBF: // CHEROKEE SMALL LETTER A .. YA
		return r - 0xAB70 + 0x13A0
	case r >= 0x13F8 && r <= 0x13FD: // CHEROKEE SMALL LETTER YE .. MV
		return r - 8
	}
	return r
}

// normalizeYOB accepts a 4-digit year, optionally followed by ".0", ".00"… as spreadsheets
// write numbers, between minYear and the current year.
func (n *Normalizer) normalizeYOB(s string) (string, error) {
	if i := strings.IndexByte(s, '.'); i >= 0 {
		if i+1 == len(s) || strings.Trim(s[i+1:], "0") != "" {
			return "", invalid(YOB, "4-digit year expected")
		}
		s = s[:i]
	}
	if len(s) != 4 || !allDigits(s) {
		return "", invalid(YOB, "4-digit year expected")
	}
	y, _ := strconv.Atoi(s)
	if err := n.checkYear(YOB, y); err != nil {
		return "", err
	}
	return s, nil
}

func (n *Normalizer) checkYear(f Field, y int) error {
	if y < minYear || y > n.maxYear {
		return invalid(f, fmt.Sprintf("year out of range %d..%d", minYear, n.maxYear))
	}
	return nil
}

// YOBFromDOB returns the year of a normalized dob ("1990-03-12" → "1990"), or "" if dob is not
// in normalized form.
func YOBFromDOB(dob string) string {
	if len(dob) != len("2006-01-02") || dob[4] != '-' || !allDigits(dob[:4]) {
		return ""
	}
	return dob[:4]
}

// genders maps spellings of gender to M, F or O. Keys are lower-case with everything but
// letters and combining marks removed (so "Non-Binary", "third gender" and "M." all work).
var genders = map[string]string{
	"m": "M", "male": "M", "man": "M", "boy": "M", "purush": "M", "पुरुष": "M",
	"f": "F", "female": "F", "woman": "F", "girl": "F", "mahila": "F", "stri": "F", "stree": "F",
	"महिला": "F", "स्त्री": "F",
	"o": "O", "other": "O", "others": "O", "transgender": "O", "trans": "O", "t": "O", "tg": "O",
	"thirdgender": "O", "nonbinary": "O", "x": "O", "anya": "O", "अन्य": "O", "kinnar": "O",
	"किन्नर": "O", "ट्रांसजेंडर": "O",
}

func normalizeGender(s string) (string, error) {
	key := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsMark(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, norm.NFC.String(s))
	if g, ok := genders[key]; ok {
		return g, nil
	}
	return "", invalid(Gender, "not a recognized gender (want M, F or O or a common spelling of them)")
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
