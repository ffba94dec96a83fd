package bloom

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"strings"
	"testing"
)

// withHeader returns the filter file data with its header JSON replaced by
// hdr, and the checksum and MAC recomputed under testMACKey: a file that
// only a key holder could make, so only the header rules can refuse it.
func withHeader(data []byte, hdr []byte) []byte {
	hlen := binary.BigEndian.Uint32(data[12:])
	body := data[16+hlen : len(data)-sumSize-macSize]
	out := append([]byte(nil), data[:12]...)
	out = binary.BigEndian.AppendUint32(out, uint32(len(hdr)))
	out = append(out, hdr...)
	out = append(out, body...)
	sum := sha256.Sum256(out)
	m := hmac.New(sha256.New, testMACKey)
	m.Write(out)
	tag := m.Sum(nil)
	return append(append(out, sum[:]...), tag...)
}

// TestHeaderAsStrictAsTheSpec (issue 13, item 17): a header that FORMAT.md
// §2 does not allow is refused even with a valid checksum and MAC:
// member names differing in case, members given twice, bytes that are not
// UTF-8, index names that are not the canonical joining of their fields,
// and index names given twice.
func TestHeaderAsStrictAsTheSpec(t *testing.T) {
	data, _ := buildFilter(t, 100, 10, nil)
	hlen := binary.BigEndian.Uint32(data[12:])
	hdr := string(data[16 : 16+hlen])
	if _, err := decode(withHeader(data, []byte(hdr)), testMACKey, true); err != nil {
		t.Fatalf("the unchanged header, re-MACed: %v", err)
	}
	ix := `"indexes":[{"name":"phone","fields":["phone"],"entries":10},{"name":"phone+name","fields":["phone","name"],"entries":0}]`
	if !strings.Contains(hdr, ix) {
		t.Fatalf("test header changed: %s", hdr)
	}
	indexes := func(s string) func(string) string {
		return func(h string) string { return strings.Replace(h, ix, `"indexes":[`+s+`]`, 1) }
	}
	replace := func(old, new string) func(string) string {
		return func(h string) string {
			if !strings.Contains(h, old) {
				t.Fatalf("%q not in the header", old)
			}
			return strings.Replace(h, old, new, 1)
		}
	}
	for _, c := range []struct {
		name   string
		change func(string) string
		want   string
	}{
		{"member name in another case", replace(`"created"`, `"Created"`), `member "Created": member names are case-sensitive ("created")`},
		{"nested member name in another case", replace(`"target_fpr"`, `"Target_FPR"`), `member "bloom.Target_FPR": member names are case-sensitive`},
		{"index member name in another case", replace(`{"name":"phone"`, `{"NAME":"phone"`), `member "indexes[0].NAME": member names are case-sensitive`},
		{"member twice", replace(`"region":"IN"`, `"region":"IN","region":"US"`), `member "region" appears twice`},
		{"nested member twice", replace(`"source":"keyfile"`, `"source":"keyfile","source":"keyfile"`), `member "key.source" appears twice`},
		{"invalid UTF-8", replace(`"leakcheck test"`, "\"leakcheck \xff test\""), "not valid UTF-8"},
		{"invalid UTF-8 in a member name", replace(`"created"`, "\"cr\xc3eated\""), "not valid UTF-8"},
		{"unknown member", replace(`"created"`, `"future":1,"created"`), `unknown field "future"`},
		{"non-canonical index name", indexes(`{"name":"name+phone","fields":["name","phone"],"entries":1}`), "out of canonical order"},
		{"name not the fields", indexes(`{"name":"phone+yob","fields":["phone","name"],"entries":1}`), `named "phone+yob", but its fields make the canonical name "phone+name"`},
		{"name with spaces", indexes(`{"name":"phone + name","fields":["phone","name"],"entries":1}`), "canonical name"},
		{"index name twice", indexes(`{"name":"phone","fields":["phone"],"entries":1},{"name":"phone","fields":["phone"],"entries":1}`), "index phone appears twice"},
		{"field twice in an index", indexes(`{"name":"phone+phone","fields":["phone","phone"],"entries":1}`), "out of canonical order or twice"},
		{"undeclared field", indexes(`{"name":"phone+centre","fields":["phone","centre"],"entries":1}`), `field "centre", which is neither built in nor declared`},
		{"field in another case", indexes(`{"name":"Phone","fields":["Phone"],"entries":1}`), `field "Phone", which is neither`},
		{"index without fields", indexes(`{"name":"","fields":[],"entries":1}`), "has no fields"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := decode(withHeader(data, []byte(c.change(hdr))), testMACKey, true)
			if checkOf(err) != "header" || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want a header error with %q", err, c.want)
			}
		})
	}
}

// TestCustomFieldIndexOrder: custom fields follow the built-in ones in an
// index, in byte order of their names.
func TestCustomFieldIndexOrder(t *testing.T) {
	cf := []CustomField{{Name: "centre", Normalizer: "text"}, {Name: "dose", Normalizer: "date"}}
	for _, c := range []struct {
		fields []string
		ok     bool
	}{
		{[]string{"phone", "centre", "dose"}, true},
		{[]string{"phone", "gender", "centre"}, true},
		{[]string{"phone", "dose", "centre"}, false},
		{[]string{"centre", "phone"}, false},
		{[]string{"phone", "centre", "centre"}, false},
	} {
		err := validateIndexes([]Index{{Name: strings.Join(c.fields, "+"), Fields: c.fields}}, cf)
		if (err == nil) != c.ok {
			t.Errorf("%v: %v", c.fields, err)
		}
	}
}
