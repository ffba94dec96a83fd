package fields

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Custom fields are fields declared at run time for any column of a dump or a registry: a
// vaccination centre, a dose date, the registry's own reference number masked to its last
// digits. Each has a name (lower case letters, digits and '_', not a built-in name) and a Kind
// that picks its normalizer. The filter header stores every custom field's name and kind (never
// a value), so that check normalizes the registry's column the same way.
//
// A custom field is a Field like the built-ins: its value is above every built-in, and it sorts
// after them, by name (Compare), so that the canonical name of an index does not depend on the
// order in which a process declared its fields. Declarations are process-wide: one leakcheck
// command declares the fields of its flags and of its filter's header once, before it reads.

// MaxFields bounds the number of fields, built-in and custom, that one process can know: a
// record's valid fields are a 64-bit set.
const MaxFields = 64

// Kind is the normalizer of a custom field.
type Kind uint8

// The kinds of custom field.
const (
	KindText   Kind = iota + 1 // NFKC, case-folded, whitespace collapsed, surrounding punctuation trimmed
	KindDigits                 // the decimal digits only, in any script, as ASCII; at least one
	KindDate                   // a calendar date read as dob is, "YYYY-MM-DD"
	KindYear                   // a year, "YYYY"
	KindLast                   // the last N digits of a value, masked ("XXXXXXXX1234") or not
)

// MaxLastDigits bounds N in a last-N-digits field.
const MaxLastDigits = 12

// CustomSpec declares a custom field: its name, its kind and, for KindLast, how many trailing
// digits it keeps.
type CustomSpec struct {
	Name string
	Kind Kind
	Last int // N of KindLast, 1..MaxLastDigits; 0 otherwise
}

// Normalizer returns the kind as written in flags and in the filter header: "text", "digits",
// "date", "year" or "lastN" (e.g. "last4").
func (s CustomSpec) Normalizer() string {
	switch s.Kind {
	case KindText:
		return "text"
	case KindDigits:
		return "digits"
	case KindDate:
		return "date"
	case KindYear:
		return "year"
	case KindLast:
		return "last" + strconv.Itoa(s.Last)
	}
	return fmt.Sprintf("Kind(%d)", int(s.Kind))
}

// String returns "NAME:KIND", e.g. "vaccination_centre:text".
func (s CustomSpec) String() string { return s.Name + ":" + s.Normalizer() }

// KindNames lists the kinds for help and error messages.
const KindNames = "text, digits, date, year, lastN (N = 1 to 12)"

// ParseKind reads a kind as written by Normalizer.
func ParseKind(s string) (Kind, int, error) {
	switch k := strings.ToLower(strings.TrimSpace(s)); k {
	case "text":
		return KindText, 0, nil
	case "digits":
		return KindDigits, 0, nil
	case "date":
		return KindDate, 0, nil
	case "year":
		return KindYear, 0, nil
	default:
		if rest, ok := strings.CutPrefix(k, "last"); ok {
			if n, err := strconv.Atoi(rest); err == nil && n >= 1 && n <= MaxLastDigits && strconv.Itoa(n) == rest {
				return KindLast, n, nil
			}
		}
	}
	return 0, 0, fmt.Errorf("unknown normalizer %q (normalizers: %s)", s, KindNames)
}

var customName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// lastSuffix matches a name that asks for its last N digits, e.g. "reference_last4".
var lastSuffix = regexp.MustCompile(`_last([1-9][0-9]?)$`)

// ColumnKey is the name by which a column can be addressed as a custom field: its header,
// NFKC-normalized, lower case, with every run of characters other than letters and digits
// replaced by one '_' and none at the ends. "Vaccination Centre" becomes "vaccination_centre",
// "Dose 1" becomes "dose_1".
func ColumnKey(column string) string {
	var b strings.Builder
	under := false
	for _, r := range norm.NFKC.String(column) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			under = false
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		under = true
	}
	return b.String()
}

// GuessKind is the kind given to a custom field declared without one: lastN for a name ending
// in "_lastN", date for a name with "date" or "dose" in it, year for one with "year", and text
// otherwise.
func GuessKind(name string) (Kind, int) {
	if m := lastSuffix.FindStringSubmatch(name); m != nil {
		if n, _ := strconv.Atoi(m[1]); n <= MaxLastDigits {
			return KindLast, n
		}
	}
	switch {
	case strings.Contains(name, "date") || strings.Contains(name, "dose"):
		return KindDate, 0
	case strings.Contains(name, "year"):
		return KindYear, 0
	}
	return KindText, 0
}

// ParseCustomSpec reads "NAME" or "NAME:KIND". Without a kind, GuessKind picks one.
func ParseCustomSpec(s string) (CustomSpec, error) {
	name, kind, hasKind := strings.Cut(strings.TrimSpace(s), ":")
	name = strings.ToLower(strings.TrimSpace(name))
	if err := checkCustomName(name); err != nil {
		return CustomSpec{}, err
	}
	var spec CustomSpec
	spec.Name = name
	if hasKind {
		k, n, err := ParseKind(kind)
		if err != nil {
			return CustomSpec{}, fmt.Errorf("field %s: %w", name, err)
		}
		spec.Kind, spec.Last = k, n
	} else {
		spec.Kind, spec.Last = GuessKind(name)
	}
	return spec, nil
}

func checkCustomName(name string) error {
	if !customName.MatchString(name) {
		return fmt.Errorf("field name %q: a custom field is named with lower-case letters, digits and '_', starting with a letter (at most 64)", name)
	}
	for _, b := range fieldNames {
		if name == b {
			return fmt.Errorf("field name %q is a built-in field", name)
		}
	}
	// A name that reads as a built-in field's column name ("mobile", "aadhaar") is most likely
	// meant as that field; the record id's names ("registration_id") are allowed, because the
	// id is never hashed and a registry's reference number is a custom field's best use.
	if f, ok := synonymField[headerKey(name)]; ok && f != ID {
		return fmt.Errorf("unknown field %q: it reads as a column name of the built-in field %s (write --field %s=COLUMN)", name, f, f)
	}
	return nil
}

// registry holds the custom fields declared in this process.
var registry struct {
	sync.RWMutex
	specs  []CustomSpec // by Field - numFields
	byName map[string]Field
}

// Declare returns the Field of a custom field, declaring it on first use. Declaring a name again
// with the same kind returns the same Field; with another kind it is an error, because the
// same value would hash differently.
func Declare(spec CustomSpec) (Field, error) {
	if err := checkCustomName(spec.Name); err != nil {
		return 0, err
	}
	if _, _, err := ParseKind(spec.Normalizer()); err != nil {
		return 0, fmt.Errorf("field %s: %w", spec.Name, err)
	}
	registry.Lock()
	defer registry.Unlock()
	if f, ok := registry.byName[spec.Name]; ok {
		if old := registry.specs[f-numFields]; old != spec {
			return 0, fmt.Errorf("field %s is declared both as %s and as %s", spec.Name, old.Normalizer(), spec.Normalizer())
		}
		return f, nil
	}
	if numFields+len(registry.specs) >= MaxFields {
		return 0, fmt.Errorf("field %s: at most %d custom fields", spec.Name, MaxFields-numFields)
	}
	if registry.byName == nil {
		registry.byName = map[string]Field{}
	}
	f := Field(numFields + len(registry.specs))
	registry.specs = append(registry.specs, spec)
	registry.byName[spec.Name] = f
	return f, nil
}

// Lookup returns the custom field called name, if one is declared.
func Lookup(name string) (Field, bool) {
	registry.RLock()
	defer registry.RUnlock()
	f, ok := registry.byName[name]
	return f, ok
}

// Custom returns the declaration of f and whether f is a custom field.
func (f Field) Custom() (CustomSpec, bool) {
	if f < numFields { // inlined: a built-in field (every value normalized asks)
		return CustomSpec{}, false
	}
	return f.declared()
}

func (f Field) declared() (CustomSpec, bool) {
	registry.RLock()
	defer registry.RUnlock()
	i := int(f - numFields)
	if i >= len(registry.specs) {
		return CustomSpec{}, false
	}
	return registry.specs[i], true
}

// IsCustom reports whether f is a custom field.
func (f Field) IsCustom() bool {
	_, ok := f.Custom()
	return ok
}

// customFields returns the declared custom fields sorted by name.
func customFields() []Field {
	registry.RLock()
	defer registry.RUnlock()
	out := make([]Field, 0, len(registry.specs))
	for i := range registry.specs {
		out = append(out, Field(numFields+i))
	}
	sortFields(out)
	return out
}

// Compare orders fields canonically: built-ins in their declared order, then custom fields by
// name. It returns a negative number when a sorts before b, as cmp.Compare does.
func Compare(a, b Field) int {
	ac, bc := a >= numFields, b >= numFields
	switch {
	case !ac && !bc:
		return int(a) - int(b)
	case !ac:
		return -1
	case !bc:
		return 1
	}
	return strings.Compare(a.String(), b.String())
}

func sortFields(fs []Field) {
	// Insertion sort: a handful of fields, and no import cycle through slices' generic sort
	// being a concern here either way.
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && Compare(fs[j-1], fs[j]) > 0; j-- {
			fs[j-1], fs[j] = fs[j], fs[j-1]
		}
	}
}

// normalizeCustom normalizes a value of a custom field. s is trimmed, non-blank, valid UTF-8
// and within the length limit.
func (n *Normalizer) normalizeCustom(f Field, spec CustomSpec, s string) (string, error) {
	switch spec.Kind {
	case KindText:
		return normalizeText(f, s)
	case KindDigits:
		d := asciiDigits(s)
		if d == "" {
			return "", invalid(f, "no digits")
		}
		return d, nil
	case KindDate:
		v, err := n.normalizeDOB(s)
		return v, rename(err, f)
	case KindYear:
		v, err := n.normalizeYOB(s)
		return v, rename(err, f)
	case KindLast:
		d := asciiDigits(trailingDigits(s))
		if len(d) < spec.Last {
			return "", invalid(f, fmt.Sprintf("fewer than %d digits at its end", spec.Last))
		}
		return d[len(d)-spec.Last:], nil
	}
	return "", fmt.Errorf("fields: field %s has an unknown kind", spec.Name)
}

// rename makes an *Invalid from a shared normalizer name the custom field.
func rename(err error, f Field) error {
	if inv, ok := err.(*Invalid); ok {
		return invalid(f, inv.Reason)
	}
	return err
}

var textFold = cases.Fold()

// normalizeText is the text normalizer: NFKC, case-folded, every run of white space one ASCII
// space, and punctuation and symbols trimmed from both ends.
func normalizeText(f Field, s string) (string, error) {
	s = textFold.String(norm.NFKC.String(s))
	s = strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
	s = strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r)
	})
	if s == "" {
		return "", invalid(f, "nothing left but punctuation")
	}
	// Folding can denormalize; NFKC again makes the result a fixed point.
	return norm.NFKC.String(s), nil
}

// asciiDigits keeps the decimal digits of s, in any script, as ASCII digits.
func asciiDigits(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKC.String(s) {
		if d, ok := digitValue(r); ok {
			b.WriteByte(byte('0' + d))
		}
	}
	return b.String()
}

// trailingDigits returns the end of s from its last character that is neither a digit, a space
// nor a '-': "XXXXXXXX1234" gives "1234", "ref 12-34" gives "12-34".
func trailingDigits(s string) string {
	rs := []rune(norm.NFKC.String(s))
	i := len(rs)
	for i > 0 {
		r := rs[i-1]
		if _, ok := digitValue(r); ok || r == ' ' || r == '-' {
			i--
			continue
		}
		break
	}
	return string(rs[i:])
}

// digitValue returns the value of a decimal digit in any script.
func digitValue(r rune) (int, bool) {
	if r >= '0' && r <= '9' {
		return int(r - '0'), true
	}
	if !unicode.Is(unicode.Nd, r) {
		return 0, false
	}
	// Decimal digits come in contiguous runs of ten, each starting at a zero (some runs follow
	// each other, as the mathematical digits do).
	k := 0
	for unicode.Is(unicode.Nd, r-rune(k)-1) {
		k++
	}
	return k % 10, true
}

// NormalizeText normalizes s as a text custom field is (placeholders and blanks give ""), for
// grouping a registry column's values.
func NormalizeText(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || isPlaceholder(s) || len(s) > maxValueLen || !utf8.ValidString(s) {
		return "", nil
	}
	return normalizeText(Field(-1), s)
}
