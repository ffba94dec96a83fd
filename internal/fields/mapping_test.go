package fields

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestFieldNames(t *testing.T) {
	want := []string{"phone", "national_id", "national_id_last4", "email", "name", "dob", "yob", "gender", "id"}
	var got []string
	for _, f := range All() {
		got = append(got, f.String())
		for _, spelling := range []string{f.String(), strings.ToUpper(f.String()), " " + f.String() + " "} {
			if p, err := ParseField(spelling); err != nil || p != f {
				t.Errorf("ParseField(%q) = %v, %v; want %v", spelling, p, err, f)
			}
		}
	}
	if !slices.Equal(got[:len(want)], want) {
		t.Errorf("All() names = %v, want %v", got, want)
	}
	if s := Field(42).String(); s != "Field(42)" {
		t.Errorf("Field(42).String() = %q", s)
	}
	_, err := ParseField("mobile")
	if err == nil || !strings.Contains(err.Error(), "national_id_last4") {
		t.Errorf("ParseField(mobile) error %v, want one listing the valid names", err)
	}
	for _, f := range All() {
		want := f == Phone || f == NationalID || f == Email
		if f.Identifying() != want {
			t.Errorf("%s.Identifying() = %v", f, !want)
		}
	}
}

func TestSynonymsDisjoint(t *testing.T) {
	seen := make(map[string]Field)
	for _, f := range All() {
		for _, name := range headerSynonyms[f] {
			k := headerKey(name)
			if k != name {
				t.Errorf("synonym %q of %s is not in key form (%q)", name, f, k)
			}
			if g, dup := seen[k]; dup {
				t.Errorf("synonym %q is listed for both %s and %s", name, g, f)
			}
			seen[k] = f
		}
	}
}

func TestHeaderKey(t *testing.T) {
	for in, want := range map[string]string{
		"Mobile Number": "mobilenumber", "mobile_no": "mobileno", "MOBILE-NO": "mobileno",
		"E-Mail": "email", " D.O.B. ": "dob", "जन्म तिथि": "जन्मतिथि", "Ｎａｍｅ": "name",
	} {
		if got := headerKey(in); got != want {
			t.Errorf("headerKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAutoMapHeaders(t *testing.T) {
	for _, c := range []struct {
		column string
		want   Field
	}{
		{"Mobile Number", Phone}, {"mobile_no", Phone}, {"MOBILE-NO", Phone}, {"Contact No.", Phone},
		{"msisdn", Phone}, {"WhatsApp", Phone}, {"mobile_number", Phone}, {"मोबाइल नंबर", Phone},
		{"Aadhaar No", NationalID}, {"aadhar_number", NationalID}, {"UID", NationalID},
		{"photo_id_number", NationalID}, {"ID Number", NationalID}, {"आधार संख्या", NationalID},
		{"Masked Aadhaar", NationalIDLast4}, {"aadhaar_last4", NationalIDLast4},
		{"E-mail", Email}, {"Email ID", Email}, {"email_address", Email},
		{"Name", Name}, {"Full Name", Name}, {"beneficiary_name", Name}, {"Name of Beneficiary", Name},
		{"नाम", Name},
		{"DOB", DOB}, {"Date of Birth", DOB}, {"birth_date", DOB}, {"जन्म तिथि", DOB}, {"D.O.B.", DOB},
		{"birth_year", YOB}, {"Year of Birth", YOB}, {"YOB", YOB},
		{"Gender", Gender}, {"SEX", Gender}, {"लिंग", Gender},
		{"id", ID}, {"beneficiary_reference_id", ID}, {"Registration ID", ID}, {"_id", ID}, {"uuid", ID},
		{"user.phone", Phone}, {"beneficiary.name", Name}, {"data.beneficiaries.birth_year", YOB},
		{"record.id", ID},
	} {
		m, err := AutoMap([]string{c.column}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if i, ok := m.ByField[c.want]; !ok || i != 0 || len(m.ByField) != 1 {
			t.Errorf("AutoMap([%q]).ByField = %v, want {%s: 0}", c.column, m.ByField, c.want)
		}
	}
	for _, column := range []string{"address", "pincode", "first_name", "username", "vaccine", "user.address", "idx"} {
		m, err := AutoMap([]string{column}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.ByField) != 0 || !slices.Equal(m.Unmapped, []string{column}) {
			t.Errorf("AutoMap([%q]) = %+v, want it unmapped", column, m)
		}
	}
}

func TestAutoMapAmbiguous(t *testing.T) {
	cols := []string{"Name", "Mobile", "Contact No", "DOB", "City"}
	m, err := AutoMap(cols, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.ByField[Phone]; ok {
		t.Errorf("phone mapped to %d despite two candidates", m.ByField[Phone])
	}
	if got := m.Ambiguous[Phone]; !slices.Equal(got, []string{"Mobile", "Contact No"}) {
		t.Errorf("Ambiguous[phone] = %q", got)
	}
	wantBy := map[Field]int{Name: 0, DOB: 3}
	if !reflect.DeepEqual(m.ByField, wantBy) {
		t.Errorf("ByField = %v, want %v", m.ByField, wantBy)
	}
	if !slices.Equal(m.Unmapped, []string{"City"}) {
		t.Errorf("Unmapped = %q", m.Unmapped)
	}
	want := []string{
		`name <- "Name"`,
		`dob <- "DOB"`,
		`phone ?? ambiguous between "Mobile", "Contact No"; choose one with an override phone=COLUMN, or use all with one override phone=COLUMN per column`,
		`unmapped: 1 column whose name leakcheck does not recognise (not shown: a name leakcheck does not know may be data)`,
	}
	if got := m.Describe(); !slices.Equal(got, want) {
		t.Errorf("Describe() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestAutoMapDottedKeys(t *testing.T) {
	// A whole-key match beats matches on the last segment.
	m, err := AutoMap([]string{"nominee.phone", "phone"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.ByField[Phone] != 1 || len(m.Ambiguous) != 0 || !slices.Equal(m.Unmapped, []string{"nominee.phone"}) {
		t.Errorf("got %+v, want phone <- column 1", m)
	}
	// Trailing-digit matches of a field a person can have several of are all its columns;
	// beside a whole match they are further columns.
	m, err = AutoMap([]string{"Mobile 1", "Mobile 2", "Email", "Email2", "Name2"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.ByField[Phone] != 0 || !slices.Equal(m.Also[Phone], []int{1}) || m.ByField[Email] != 2 ||
		!slices.Equal(m.Also[Email], []int{3}) || m.ByField[Name] != 4 || len(m.Unmapped) != 0 || len(m.Ambiguous) != 0 {
		t.Errorf("got %+v", m)
	}
	// Two segment matches are ambiguous.
	m, err = AutoMap([]string{"owner.phone", "nominee.phone", "owner.id"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Ambiguous[Phone], []string{"owner.phone", "nominee.phone"}) || m.ByField[ID] != 2 {
		t.Errorf("got %+v", m)
	}
}

func TestAutoMapOverrides(t *testing.T) {
	cols := []string{"Name", "Mobile", "Contact No", "Alt Name", "Birth"}
	m, err := AutoMap(cols, map[Field][]string{Phone: {"contact no"}, DOB: {"Birth"}})
	if err != nil {
		t.Fatal(err)
	}
	wantBy := map[Field]int{Name: 0, Phone: 2, DOB: 4}
	if !reflect.DeepEqual(m.ByField, wantBy) || len(m.Ambiguous) != 0 {
		t.Errorf("ByField = %v, Ambiguous = %v; want %v and none", m.ByField, m.Ambiguous, wantBy)
	}
	if !slices.Equal(m.Unmapped, []string{"Mobile", "Alt Name"}) {
		t.Errorf("Unmapped = %q", m.Unmapped)
	}

	// An override takes its column away from the field it matched automatically, which can
	// leave another field unambiguous.
	m, err = AutoMap([]string{"Mobile", "Contact", "Email"}, map[Field][]string{Name: {"Contact"}})
	if err != nil {
		t.Fatal(err)
	}
	wantBy = map[Field]int{Phone: 0, Name: 1, Email: 2}
	if !reflect.DeepEqual(m.ByField, wantBy) || len(m.Ambiguous) != 0 || len(m.Unmapped) != 0 {
		t.Errorf("got %+v, want ByField %v", m, wantBy)
	}

	// An exact match is preferred over a case-insensitive one.
	m, err = AutoMap([]string{"NAME", "name"}, map[Field][]string{Name: {"NAME"}})
	if err != nil || m.ByField[Name] != 0 {
		t.Errorf("exact override: %+v, %v", m, err)
	}
}

func TestAutoMapOverrideErrors(t *testing.T) {
	cols := []string{"Name", "Mobile", "name2", "NAME2", "dup", "dup"}
	for _, c := range []struct {
		overrides map[Field][]string
		want      string
	}{
		{map[Field][]string{Phone: {"Phone"}}, `no such column among the input's 6 (leakcheck prints only the column names it recognises`},
		{map[Field][]string{Name: {"Name2"}}, "2 columns match"},
		{map[Field][]string{Name: {"dup"}}, "2 columns are called"},
		{map[Field][]string{Name: {"Mobile"}, Phone: {"Mobile"}}, `column "Mobile" is given to both phone and name`},
		{map[Field][]string{Field(99): {"Name"}}, "unknown field"},
	} {
		_, err := AutoMap(cols, c.overrides)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("AutoMap(%v): error %v, want one containing %q", c.overrides, err, c.want)
		}
	}
}

// TestAutoMapSeveralColumns: a registry with two phone columns checks both.
func TestAutoMapSeveralColumns(t *testing.T) {
	m, err := AutoMap([]string{"name", "mobile", "alternate_mobile", "Secondary E-mail", "email", "alt name"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.ByField[Phone] != 1 || !slices.Equal(m.Also[Phone], []int{2}) || m.ByField[Email] != 4 ||
		!slices.Equal(m.Also[Email], []int{3}) || !slices.Equal(m.Unmapped, []string{"alt name"}) {
		t.Errorf("got %+v", m)
	}
	if got := m.ColumnsOf(Phone); !slices.Equal(got, []int{1, 2}) {
		t.Errorf("ColumnsOf(phone) = %v", got)
	}
	want := []string{`phone <- "mobile", "alternate_mobile"`, `email <- "email", "Secondary E-mail"`, `name <- "name"`, `unmapped: "alt name"`}
	if got := m.Describe(); !slices.Equal(got, want) {
		t.Errorf("Describe() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Overrides name several columns of a multi-column field; the field then takes no other.
	m, err = AutoMap([]string{"Mobile", "Contact No", "Phone 2"}, map[Field][]string{Phone: {"Mobile", "Contact No"}})
	if err != nil || m.ByField[Phone] != 0 || !slices.Equal(m.Also[Phone], []int{1}) || !slices.Equal(m.Unmapped, []string{"Phone 2"}) {
		t.Errorf("overrides: %+v, %v", m, err)
	}
	for _, c := range []struct {
		ov   map[Field][]string
		want string
	}{
		{map[Field][]string{Name: {"Mobile", "Contact No"}}, "name is given 2 columns, and takes one (only phone, national_id, email may"},
		{map[Field][]string{Phone: {"Mobile", "mobile"}}, `column "Mobile" is given to phone twice`},
	} {
		if _, err := AutoMap([]string{"Mobile", "Contact No"}, c.ov); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("AutoMap(%v): error %v, want %q", c.ov, err, c.want)
		}
	}
}

func TestParseOverride(t *testing.T) {
	for _, c := range []struct {
		in     string
		field  Field
		column string
		err    string
	}{
		{in: "name=Full Name", field: Name, column: "Full Name"},
		{in: "PHONE=Mobile No.", field: Phone, column: "Mobile No."},
		{in: "dob=a=b", field: DOB, column: "a=b"},
		{in: "national_id_last4=Masked", field: NationalIDLast4, column: "Masked"},
		{in: "name", err: "FIELD=COLUMN"},
		{in: "mobile=Mobile", err: "unknown field"},
		{in: "name=", err: "empty column name"},
		{in: "=Name", err: "unknown field"},
	} {
		f, col, err := ParseOverride(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseOverride(%q): error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || f != c.field || col != c.column {
			t.Errorf("ParseOverride(%q) = %v, %q, %v; want %v, %q", c.in, f, col, err, c.field, c.column)
		}
	}
}

// TestLabelsNeverShowData: a column name is printed only when it is a header
// name leakcheck knows or the user typed it; names of people used as JSON
// keys, or a headerless file's first row, are never printed (issue 13, items
// 1 and 2).
func TestLabelsNeverShowData(t *testing.T) {
	for _, c := range []struct {
		columns   []string
		overrides map[Field][]string
		want      []string // Describe()
	}{
		{[]string{"Asha Verma.mobile", "Ravi Kumar.mobile"}, nil, []string{
			`phone ?? ambiguous between column 1 ("….mobile"), column 2 ("….mobile"); choose one with an override phone=COLUMN, or use all with one override phone=COLUMN per column`}},
		{[]string{"Asha Verma.mobile"}, nil, []string{`phone <- column 1 ("….mobile")`}},
		{[]string{"Kavya Menon", "Female", "Mobile 98765"}, nil, []string{`phone <- column 3`,
			`unmapped: 2 columns whose names leakcheck does not recognise (not shown: a name leakcheck does not know may be data)`}},
		{[]string{"Kavya Menon", "Mobile 2", "City"}, map[Field][]string{Name: {"Kavya Menon"}}, []string{
			`phone <- "Mobile 2"`, `name <- "Kavya Menon"`,
			`unmapped: 1 column whose name leakcheck does not recognise (not shown: a name leakcheck does not know may be data)`}},
		{[]string{"mobile", "mobile2"}, nil, []string{`phone <- "mobile", "mobile2"`}},
		{[]string{"name", "name2"}, nil, []string{`name <- "name"`, `unmapped: "name2"`}},
	} {
		m, err := AutoMap(c.columns, c.overrides)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Describe(); !slices.Equal(got, c.want) {
			t.Errorf("AutoMap(%q).Describe() =\n%s\nwant\n%s", c.columns, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
		}
	}
	_, err := AutoMap([]string{"Kavya Menon", "Female"}, map[Field][]string{Phone: {"mobile"}})
	if err == nil || strings.Contains(err.Error(), "Kavya") || strings.Contains(err.Error(), "Female") {
		t.Errorf("override naming no column: %v, want an error naming no column", err)
	}
}

// TestPositionalNames: the column_N names a reader gives an input that names no columns are
// leakcheck's own, so they are shown (the user needs them for --field); the same text at
// another position is an input's name like any other.
func TestPositionalNames(t *testing.T) {
	cols := []string{"column_1", "column_2", "column_3"}
	if !Positional(cols) || Positional([]string{"column_2"}) || Positional(nil) {
		t.Fatal("Positional")
	}
	m, err := AutoMap(cols, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cols {
		if got := m.Label(i); got != `"`+cols[i]+`"` {
			t.Errorf("Label(%d) = %s", i, got)
		}
	}
	m, _ = AutoMap([]string{"column_9"}, nil)
	if m.Named(0) {
		t.Error("column_9 at position 1 is shown")
	}
}
