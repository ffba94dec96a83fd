package bloom

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestCustomFieldsRoundTrip(t *testing.T) {
	h := testHeader(t, 100, 1e-6)
	h.Fields = append(h.Fields, "dose_1", "vaccination_centre")
	h.CustomFields = []CustomField{{Name: "dose_1", Normalizer: "date"}, {Name: "vaccination_centre", Normalizer: "text"}}
	h.Indexes = append(h.Indexes, Index{Name: "phone+vaccination_centre", Fields: []string{"phone", "vaccination_centre"}})
	f, err := New(h)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf, testMACKey, nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte(`"custom_fields":[{"name":"dose_1","normalizer":"date"}`)) {
		t.Fatal("the header does not hold custom_fields as FORMAT.md §2.1 specifies")
	}
	g, err := decode(buf.Bytes(), testMACKey, true)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g.Header.CustomFields, h.CustomFields) {
		t.Fatalf("custom fields %v, want %v", g.Header.CustomFields, h.CustomFields)
	}
}

// A filter without custom fields does not write the member at all, so every filter written
// before it existed is still written, and read, byte for byte the same (TestGolden).
func TestNoCustomFieldsNoMember(t *testing.T) {
	data, _ := buildFilter(t, 100, 10, nil)
	if bytes.Contains(data, []byte("custom_fields")) {
		t.Fatal("custom_fields written for a filter without custom fields")
	}
}

func TestCustomFieldsRefused(t *testing.T) {
	for _, tc := range []struct {
		cfs  string
		want string
	}{
		{`[]`, "present but empty"},
		{`[{"name":"phone","normalizer":"text"}]`, "not allowed"},
		{`[{"name":"Centre","normalizer":"text"}]`, "not allowed"},
		{`[{"name":"centre","normalizer":"hex"}]`, "unknown normalizer"},
		{`[{"name":"centre","normalizer":"last13"}]`, "unknown normalizer"},
		{`[{"name":"centre","normalizer":"text"},{"name":"centre","normalizer":"text"}]`, "twice"},
		{`[{"name":"centre","normalizer":"text","value":"x"}]`, "unknown field"},
	} {
		h := testHeader(t, 100, 1e-6)
		hdr, err := json.Marshal(&h)
		if err != nil {
			t.Fatal(err)
		}
		hdr = append(hdr[:len(hdr)-1], []byte(`,"custom_fields":`+tc.cfs+`}`)...)
		var buf bytes.Buffer
		buf.WriteString(Magic)
		buf.Write([]byte{0, 1, 0, 0, 0, 0, byte(len(hdr) >> 8), byte(len(hdr))})
		buf.Write(hdr)
		_, err = NewDecoder(bytes.NewReader(buf.Bytes()), -1)
		if err == nil || !strings.Contains(err.Error(), tc.want) || checkOf(err) != "header" {
			t.Errorf("custom_fields %s: got %v, want a header error with %q", tc.cfs, err, tc.want)
		}
	}
}
