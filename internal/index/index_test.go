package index

import (
	"strings"
	"testing"

	"github.com/leakcheck/leakcheck/internal/fields"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{"phone", "phone", ""},
		{"yob+phone", "phone+yob", ""},
		{"Gender+NAME+phone+yob", "phone+name+yob+gender", ""},
		{" phone + national_id_last4 ", "phone+national_id_last4", ""},
		{"dob+email", "email+dob", ""},
		{"phone+phone", "", "names phone twice"},
		{"phone+id", "", "never hashed"},
		{"phone+address", "", "address"},
		{"", "", "index"},
		{"phone+", "", "index"},
	} {
		ix, err := Parse(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Parse(%q) error %v, want one containing %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || ix.Name() != tc.want {
			t.Errorf("Parse(%q) = %q, %v; want %q", tc.in, ix.Name(), err, tc.want)
		}
	}
}

func TestParseAll(t *testing.T) {
	ixs, err := ParseAll([]string{"phone,phone+name", "name+phone", "yob+phone"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ix := range ixs {
		names = append(names, ix.Name())
	}
	if got := strings.Join(names, " "); got != "phone phone+name phone+yob" {
		t.Fatalf("got %s", got)
	}
}

func TestDefaults(t *testing.T) {
	has := func(fs ...fields.Field) func(fields.Field) bool {
		return func(f fields.Field) bool {
			for _, x := range fs {
				if x == f {
					return true
				}
			}
			return false
		}
	}
	names := func(ixs []Index) string {
		var s []string
		for _, ix := range ixs {
			s = append(s, ix.Name())
		}
		return strings.Join(s, " ")
	}
	for _, tc := range []struct {
		present func(fields.Field) bool
		want    string
	}{
		{has(fields.Phone, fields.Name, fields.YOB, fields.Gender), "phone phone+name phone+yob phone+name+yob phone+name+yob+gender"},
		{has(fields.Phone, fields.NationalID, fields.Email, fields.Name), "phone national_id email phone+name"},
		{has(fields.Email, fields.Name, fields.YOB), "email"},
		{has(fields.Name, fields.YOB), ""},
	} {
		if got := names(Defaults(tc.present)); got != tc.want {
			t.Errorf("Defaults = %q, want %q", got, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"phone", "yob+phone", "name+gender+phone", "++", "phone+phone"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ix, err := Parse(s)
		if err != nil {
			return
		}
		again, err := Parse(ix.Name())
		if err != nil || again.Name() != ix.Name() {
			t.Fatalf("canonical name %q does not parse to itself: %v", ix.Name(), err)
		}
	})
}
