package fields

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Mapping says which input column feeds which field.
type Mapping struct {
	Columns []string      // the input's column names, as given
	ByField map[Field]int // field -> column index (only unambiguous ones)
	// Also holds further columns of a field a person can have several of (see
	// Field.MultiColumn): "alternate_mobile" beside "mobile". A record then has several values
	// of the field, and matches on any of them.
	Also      map[Field][]int
	Ambiguous map[Field][]string // field -> the 2+ columns that all look like it (no override given)
	Unmapped  []string           // columns that map to no field

	// shown[i] is how column i may be named in messages (see Label);
	// ambiguous and unmapped hold the column indexes behind Ambiguous and
	// Unmapped.
	shown     []label
	ambiguous map[Field][]int
	unmapped  []int
}

// ColumnsOf returns every column of field f: ByField's, then Also's.
func (m Mapping) ColumnsOf(f Field) []int {
	i, ok := m.ByField[f]
	if !ok {
		return nil
	}
	return append([]int{i}, m.Also[f]...)
}

// label says how much of a column's name a message may show. A header row
// that leakcheck does not recognise may be the first record of a file without
// one, and a JSON object keyed by person ("{\"Asha Verma\": {\"mobile\": …}}")
// has data in its key paths: only the parts of a name that are one of the
// header names leakcheck knows (headerSynonyms), or that the user typed in an
// override, are ever printed.
type label uint8

const (
	labelHidden  label = iota // "column 3"
	labelSegment              // column 3 ("….mobile"): only the recognised last segment
	labelFull                 // "Mobile No"
)

// headerSynonyms lists, per field, the header names that map to it, in the form headerKey
// produces: lower case, letters, combining marks and digits only. A name belongs to one field
// only (TestSynonymsDisjoint).
var headerSynonyms = map[Field][]string{
	Phone: {
		"phone", "phoneno", "phonenumber", "phonenum", "mobile", "mobileno", "mobilenumber",
		"mobilenum", "mobilephone", "mob", "mobno", "contact", "contactno", "contactnumber", "cell",
		"cellno", "cellnumber", "cellphone", "msisdn", "telephone", "telephoneno",
		"telephonenumber", "tel", "telno", "whatsapp", "whatsappno", "whatsappnumber",
		"registeredmobile", "registeredmobileno", "registeredmobilenumber", "primarymobile",
		"usermobile", "userphone", "phones", "phonenumbers", "mobiles", "mobilenumbers",
		"मोबाइल", "मोबाइलनंबर", "मोबाइलनम्बर", "फोन", "फ़ोन", "फोननंबर", "फ़ोननंबर",
	},
	NationalID: {
		"nationalid", "nationalidnumber", "nationalidno", "aadhaar", "aadhar", "aadhaarno",
		"aadhaarnumber", "aadharno", "aadharnumber", "aadhaarcard", "aadharcard", "aadhaarcardno",
		"aadharcardno", "aadhaarcardnumber", "aadharcardnumber", "aadhaarid", "aadharid",
		"aadhaaruid", "uid", "uidai", "uidno", "uidnumber", "idnumber", "photoidnumber",
		"photoidno", "aadhaarsankhya", "आधार", "आधारनंबर", "आधारसंख्या", "आधारकार्ड",
	},
	NationalIDLast4: {
		"aadhaarlast4", "aadharlast4", "aadhaarlast4digits", "aadharlast4digits", "last4",
		"last4digits", "idlast4", "uidlast4", "maskedaadhaar", "maskedaadhar",
		"maskedaadhaarnumber", "maskedaadharnumber", "aadhaarmasked", "aadharmasked", "maskedid",
		"maskedidnumber", "maskeduid", "maskedphotoidnumber",
	},
	Email: {
		"email", "emailid", "emailaddress", "emailaddr", "mail", "mailid", "useremail", "emails", "ईमेल",
	},
	Name: {
		"name", "fullname", "beneficiaryname", "beneficiary", "nameofbeneficiary", "personname",
		"applicantname", "patientname", "recipientname", "citizenname", "holdername",
		"nameasperaadhaar", "nameasperaadhar", "nameasperid", "nameasperphotoid", "naam",
		"नाम", "पूरानाम", "लाभार्थीकानाम",
	},
	DOB: {
		"dob", "dateofbirth", "birthdate", "birthday", "bdate", "dobddmmyyyy",
		"dateofbirthddmmyyyy", "janmtithi", "जन्मतिथि", "जन्मदिनांक",
	},
	YOB: {
		"yob", "yearofbirth", "birthyear", "byear", "year", "janmvarsh", "जन्मवर्ष",
	},
	Gender: {
		"gender", "sex", "ling", "लिंग",
	},
	ID: {
		"id", "recordid", "beneficiaryid", "beneficiaryreferenceid", "beneficiaryrefid",
		"referenceid", "refid", "registrationid", "registrationno", "regid", "uuid", "rowid",
		"userid", "recordno",
	},
}

var synonymField = func() map[string]Field {
	m := make(map[string]Field)
	for f, names := range headerSynonyms {
		for _, n := range names {
			m[headerKey(n)] = f
		}
	}
	return m
}()

// headerKey is the form in which headers are compared: NFKC, lower case, and only letters,
// combining marks (needed by Indic scripts) and digits kept. "Mobile Number", "mobile_number"
// and "MOBILE-NUMBER" all become "mobilenumber".
func headerKey(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, norm.NFKC.String(s))
}

// matchKind says how well a column name matches a field.
type matchKind int

const (
	noMatch   matchKind = iota
	fullMatch           // the whole name is a synonym: "Mobile No"
	weakMatch           // the last dot-separated segment is ("user.phone"), or the name without trailing digits ("Name2")
	// altMatch is a further column of a MultiColumn field: a synonym with trailing digits
	// ("mobile2") or after a qualifier such as "alternate" ("alternate_mobile").
	altMatch
)

// altQualifiers are the words that make a column a further one of a MultiColumn field
// ("Alternate Mobile No", "secondary_email"), in headerKey form.
var altQualifiers = []string{"alternate", "alternative", "alt", "secondary", "second", "other", "additional", "another", "extra", "backup"}

// classify returns the field column name looks like and how well it matches.
func classify(column string) (Field, matchKind) {
	key := headerKey(column)
	if f, ok := synonymField[key]; ok {
		return f, fullMatch
	}
	if i := strings.LastIndexByte(column, '.'); i >= 0 {
		if f, ok := synonymField[headerKey(column[i+1:])]; ok {
			return f, weakMatch
		}
	}
	if f, ok := synonymField[strings.TrimRight(key, "0123456789")]; ok {
		if f.MultiColumn() {
			return f, altMatch
		}
		return f, weakMatch
	}
	for _, q := range altQualifiers {
		if rest, ok := strings.CutPrefix(key, q); ok {
			if f, ok := synonymField[strings.TrimRight(rest, "0123456789")]; ok && f.MultiColumn() {
				return f, altMatch
			}
		}
	}
	return 0, noMatch
}

// ErrNoColumn is matched (errors.Is) by the error of an override that names no column.
var ErrNoColumn = errors.New("no such column")

// AutoMap maps columns to fields from common header names, compared case- and
// punctuation-insensitively (see headerKey). A header that matches no name as a whole gets a
// weaker match on its last dot-separated segment (keys from flattened JSON such as
// "user.phone"), or else on its key without trailing digits ("Mobile 2"). A field with exactly
// one whole match is mapped to it, whatever the weaker matches; otherwise a field with exactly
// one weaker match is mapped to that. A field that two or more columns match equally well is
// Ambiguous, not mapped.
//
// A field a person can have several of (Field.MultiColumn: phone, national_id, email) also
// takes the further columns that name it with trailing digits or a qualifier ("mobile2",
// "alternate_mobile", "secondary email"), in Also; with no other column of the field, the
// first of those is its column.
//
// overrides then map a field to named columns: an exact match of each name, or failing that
// the only case-insensitive one. Only a MultiColumn field may name several. Overridden columns
// are taken away from any field they would have matched automatically, and the field takes no
// column automatically. An override naming no column, or a column that two overrides name, is
// an error.
func AutoMap(columns []string, overrides map[Field][]string) (Mapping, error) {
	m := Mapping{
		Columns:   columns,
		ByField:   make(map[Field]int),
		Also:      make(map[Field][]int),
		Ambiguous: make(map[Field][]string),
		shown:     make([]label, len(columns)),
		ambiguous: make(map[Field][]int),
	}
	for i, c := range columns {
		m.shown[i] = showable(c)
		if c == PositionalName(i) {
			m.shown[i] = labelFull // a name leakcheck made, not the input's: never data
		}
	}
	for f, names := range overrides {
		if !f.valid() {
			return Mapping{}, fmt.Errorf("override for unknown field %d", int(f))
		}
		if len(names) > 1 && !f.MultiColumn() {
			return Mapping{}, fmt.Errorf("%s is given %d columns, and takes one (only %s may take several: a record then matches on any of them)", f, len(names), multiColumnNames())
		}
	}
	taken := make(map[int]Field) // column index -> field, from overrides
	for _, f := range All() {
		for k, name := range overrides[f] {
			i, err := findColumn(columns, name)
			if err != nil {
				return Mapping{}, fmt.Errorf("override %s=%s: %w", f, name, err)
			}
			if g, dup := taken[i]; dup {
				if g == f {
					return Mapping{}, fmt.Errorf("column %q is given to %s twice", columns[i], f)
				}
				return Mapping{}, fmt.Errorf("column %q is given to both %s and %s", columns[i], g, f)
			}
			taken[i] = f
			if columns[i] == name {
				m.shown[i] = labelFull // the user typed it
			}
			if k == 0 {
				m.ByField[f] = i
			} else {
				m.Also[f] = append(m.Also[f], i)
			}
		}
	}

	var full, seg, alt [numFields][]int
	for i, c := range columns {
		if _, ok := taken[i]; ok {
			continue
		}
		switch f, kind := classify(c); kind {
		case fullMatch:
			full[f] = append(full[f], i)
		case weakMatch:
			seg[f] = append(seg[f], i)
		case altMatch:
			alt[f] = append(alt[f], i)
		}
	}
	used := make(map[int]bool) // mapped or ambiguous
	for i := range taken {
		used[i] = true
	}
	for _, f := range Builtin() {
		if _, ok := m.ByField[f]; ok {
			continue
		}
		cands := full[f]
		if len(cands) == 0 {
			cands = seg[f]
		}
		switch len(cands) {
		case 0:
			if len(alt[f]) > 0 { // "Mobile 1", "Mobile 2": the first is the column, the rest further ones
				m.ByField[f] = alt[f][0]
				m.Also[f] = alt[f][1:]
			}
		case 1:
			m.ByField[f] = cands[0]
			m.Also[f] = alt[f]
		default:
			for _, i := range cands {
				m.Ambiguous[f] = append(m.Ambiguous[f], columns[i])
				m.ambiguous[f] = append(m.ambiguous[f], i)
				used[i] = true
			}
		}
		if i, ok := m.ByField[f]; ok {
			used[i] = true
			for _, j := range m.Also[f] {
				used[j] = true
			}
		}
		if len(m.Also[f]) == 0 {
			delete(m.Also, f)
		}
	}
	mapCustom(&m, used)
	for i, c := range columns {
		if !used[i] {
			m.Unmapped = append(m.Unmapped, c)
			m.unmapped = append(m.unmapped, i)
		}
	}
	return m, nil
}

// mapCustom maps each declared custom field that no override maps to the column whose
// ColumnKey is the field's name. Such a column may also feed a built-in field: the custom
// field only reads it.
func mapCustom(m *Mapping, used map[int]bool) {
	for _, f := range customFields() {
		if _, ok := m.ByField[f]; ok {
			continue
		}
		var cands []int
		for i, c := range m.Columns {
			if ColumnKey(c) == f.String() {
				cands = append(cands, i)
			}
		}
		for _, i := range cands {
			// The name is a declared field's: the user's or the filter's, not data.
			if i < len(m.shown) {
				m.shown[i] = labelFull
			}
		}
		switch len(cands) {
		case 0:
		case 1:
			m.ByField[f] = cands[0]
			used[cands[0]] = true
		default:
			for _, i := range cands {
				m.Ambiguous[f] = append(m.Ambiguous[f], m.Columns[i])
				m.ambiguous[f] = append(m.ambiguous[f], i)
				used[i] = true
			}
		}
	}
}

// findColumn returns the index of the column called name: the exact match, or else the only
// case-insensitive match.
func findColumn(columns []string, name string) (int, error) {
	exact, fold := -1, []int(nil)
	for i, c := range columns {
		switch {
		case c == name && exact < 0:
			exact = i
		case c == name:
			return 0, fmt.Errorf("%d columns are called %q", countEqual(columns, name), name)
		case strings.EqualFold(c, name):
			fold = append(fold, i)
		}
	}
	switch {
	case exact >= 0:
		return exact, nil
	case len(fold) == 1:
		return fold[0], nil
	case len(fold) > 1:
		return 0, fmt.Errorf("%d columns match %q ignoring case", len(fold), name)
	}
	return 0, fmt.Errorf("%w among the input's %d (leakcheck prints only the column names it recognises: any other may be data)", ErrNoColumn, len(columns))
}

func countEqual(list []string, s string) int {
	n := 0
	for _, v := range list {
		if v == s {
			n++
		}
	}
	return n
}

// ParseOverride parses "FIELD=COLUMN", e.g. "name=Full Name" into (Name, "Full Name"). The
// column name is kept as written, spaces included; the field name is case-insensitive.
//
// FIELD may also name a custom field, "NAME" or "NAME:KIND" (see ParseCustomSpec), which is
// declared if it is not yet. A custom field already declared (by the filter's header, say) and
// given without a kind keeps its kind.
func ParseOverride(s string) (Field, string, error) {
	field, column, ok := strings.Cut(s, "=")
	if !ok {
		return 0, "", fmt.Errorf("override must be FIELD=COLUMN, e.g. name=Full Name (fields: %s, or any NAME[:%s])", validNames(), strings.ReplaceAll(KindNames, ", ", "|"))
	}
	f, err := overrideField(field)
	if err != nil {
		return 0, "", err
	}
	if column == "" {
		return 0, "", fmt.Errorf("override %s=: empty column name", f)
	}
	return f, column, nil
}

// Describe returns one line per mapped field in canonical order, such as
// `phone <- "Mobile Number"`, then a line per ambiguous field and one counting
// the unmapped columns. Only the names Label may show are shown.
func (m Mapping) Describe() []string {
	var lines []string
	for _, f := range All() {
		var names []string
		for _, i := range m.ColumnsOf(f) {
			if i >= 0 && i < len(m.Columns) {
				names = append(names, m.Label(i))
			}
		}
		if spec, custom := f.Custom(); custom && len(names) > 0 {
			lines = append(lines, fmt.Sprintf("%s <- %s (custom field, normalized as %s)", f, strings.Join(names, ", "), spec.Normalizer()))
			continue
		}
		if len(names) > 0 {
			lines = append(lines, fmt.Sprintf("%s <- %s", f, strings.Join(names, ", ")))
		}
	}
	for _, f := range All() {
		if len(m.ambiguous[f]) > 0 {
			how := fmt.Sprintf("choose one with an override %s=COLUMN", f)
			if f.MultiColumn() {
				how += fmt.Sprintf(", or use all with one override %s=COLUMN per column", f)
			}
			lines = append(lines, fmt.Sprintf("%s ?? ambiguous between %s; %s", f, m.AmbiguousList(f), how))
		}
	}
	if len(m.unmapped) > 0 {
		var named []string
		for _, i := range m.unmapped {
			if m.label(i) == labelFull {
				named = append(named, m.Label(i))
			}
		}
		line := "unmapped: " + strings.Join(named, ", ")
		if hidden := len(m.unmapped) - len(named); hidden > 0 {
			if len(named) > 0 {
				line += ", and "
			}
			line += fmt.Sprintf("%d column%s whose name%s leakcheck does not recognise (not shown: %s)",
				hidden, plural(hidden), plural(hidden), notShownReason)
		}
		lines = append(lines, line)
	}
	return lines
}

// overrideField returns the field an override names, declaring a custom field if needed.
func overrideField(field string) (Field, error) {
	if IsBuiltin(field) {
		return ParseField(field)
	}
	name := strings.ToLower(strings.TrimSpace(field))
	if name == "" {
		return 0, fmt.Errorf("unknown field %q: no field name before '='", field)
	}
	if !strings.Contains(name, ":") {
		if f, ok := Lookup(name); ok {
			return f, nil
		}
	}
	spec, err := ParseCustomSpec(field)
	if err != nil {
		return 0, err
	}
	return Declare(spec)
}

// DeclareNamed declares a custom field for each name in names that is neither built in nor
// declared yet, with the kind GuessKind gives it. It lets an index name a dump column by its
// ColumnKey ("--index phone+vaccination_centre") without a --field flag.
func DeclareNamed(names []string) error {
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		if IsBuiltin(n) {
			continue
		}
		if _, ok := Lookup(n); ok {
			continue
		}
		spec, err := ParseCustomSpec(n)
		if err != nil {
			return fmt.Errorf("unknown field %q: not a built-in field (%s), and %w", n, validNames(), err)
		}
		if _, err := Declare(spec); err != nil {
			return err
		}
	}
	return nil
}

// notShownReason says why a column name is not printed.
const notShownReason = "a name leakcheck does not know may be data"

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Label names column i for a message: its name in quotes when the name is
// one leakcheck recognises as a whole or the user typed it; `column 3
// ("….mobile")` when only its last dot-separated segment is recognised (a key
// path of nested JSON, whose outer keys may be data); otherwise `column 3`.
func (m Mapping) Label(i int) string {
	if i < 0 || i >= len(m.Columns) {
		return fmt.Sprintf("column %d", i+1)
	}
	c := m.Columns[i]
	switch m.label(i) {
	case labelFull:
		return fmt.Sprintf("%q", c)
	case labelSegment:
		return fmt.Sprintf("column %d (%q)", i+1, "…"+c[strings.LastIndexByte(c, '.'):])
	}
	return fmt.Sprintf("column %d", i+1)
}

// PositionalName is the name a reader gives column i of an input that names no columns (an
// SQL INSERT without a column list): column_1, column_2, …. Such names are shown in messages:
// they are leakcheck's, and the user needs them for --field.
func PositionalName(i int) string { return "column_" + strconv.Itoa(i+1) }

// Positional reports whether every column has its PositionalName: the input names none.
func Positional(columns []string) bool {
	for i, c := range columns {
		if c != PositionalName(i) {
			return false
		}
	}
	return len(columns) > 0
}

// Named reports whether Label shows any part of column i's name.
func (m Mapping) Named(i int) bool { return m.label(i) != labelHidden }

func (m Mapping) label(i int) label {
	if i < len(m.shown) {
		return m.shown[i]
	}
	return labelHidden
}

// AmbiguousList lists the columns that all look like f, as Label names them.
func (m Mapping) AmbiguousList(f Field) string {
	ls := make([]string, len(m.ambiguous[f]))
	for j, i := range m.ambiguous[f] {
		ls[j] = m.Label(i)
	}
	return strings.Join(ls, ", ")
}

// Recognised reports whether any column name is one leakcheck recognises,
// wholly or by its last segment. A header row with none may be data.
func (m Mapping) Recognised() bool {
	for i := range m.Columns {
		if m.label(i) != labelHidden {
			return true
		}
	}
	return false
}

// showable says how much of a column name may be printed: all of it when it
// is a header name leakcheck knows, optionally followed by at most two digits
// ("Mobile 2") or preceded by a qualifier ("Alternate Mobile"), or a key path of such names ("contact.mobile"); its last
// dot-separated segment when only that is one.
func showable(c string) label {
	key := headerKey(c)
	if _, ok := synonymField[key]; ok {
		return labelFull
	}
	if t := strings.TrimRight(key, "0123456789"); len(key)-len(t) <= 2 && !strings.Contains(c, ".") {
		if _, ok := synonymField[t]; ok {
			return labelFull
		}
		for _, q := range altQualifiers { // "Alternate Mobile 2"
			if _, ok := synonymField[strings.TrimPrefix(t, q)]; ok && strings.HasPrefix(t, q) {
				return labelFull
			}
		}
	}
	if i := strings.LastIndexByte(c, '.'); i >= 0 {
		if _, ok := synonymField[headerKey(c[i+1:])]; ok {
			for _, seg := range strings.Split(c[:i], ".") {
				if _, ok := synonymField[headerKey(seg)]; !ok {
					return labelSegment
				}
			}
			return labelFull // "contact.mobile": every segment is a header name
		}
	}
	return labelHidden
}
