package records

import (
	"strings"
	"testing"
)

func TestKVLine(t *testing.T) {
	for _, tc := range []struct {
		in, key, value string
		ok             bool
	}{
		{"Name: Rani", "Name", "Rani", true},
		{"👤 Beneficiary Name: Rani Fernandes", "Beneficiary Name", "Rani Fernandes", true},
		{"📱 Mobile - 98765-43210", "Mobile", "98765-43210", true},
		{"• Mobile : 9876543210", "Mobile", "9876543210", true},
		{"Mobile=9876543210", "Mobile", "9876543210", true},
		{"Mobile = 98765-43210", "Mobile", "98765-43210", true},
		{"**Name:** Rani", "Name", "Rani", true},
		{"**Name**: Rani", "Name", "Rani", true},
		{"1. Name: Rani", "Name", "Rani", true},
		{"2) Year of Birth: 1990", "Year of Birth", "1990", true},
		{"Aadhaar: XXXX XXXX 1234", "Aadhaar", "XXXX XXXX 1234", true},
		{"Masked: ********1234", "Masked", "********1234", true},
		{"Time: 10:30", "Time", "10:30", true},
		{"Note - call at 10:30", "Note", "call at 10:30", true},
		{"Name:", "Name", "", true},
		{"मोबाइल: 9876543210", "मोबाइल", "9876543210", true},
		{"Registered Mobile Number (Primary): 1", "Registered Mobile Number (Primary)", "1", true},
		{"🔎 Result 2 of 5", "", "", false},
		{"━━━━━━━━", "", "", false},
		{"Name,Phone: x", "", "", false},
		{"9876543210: Rani", "", "", false},
		{"rani@example.com: x", "", "", false},
		{"Call 9876543210 now: please", "", "", false},
		{"this line has far too many words to be a key: value", "", "", false},
		{": no key", "", "", false},
		{"2021-05-01 10:00: log line", "", "", false},
	} {
		key, value, ok := kvLine(tc.in)
		if key != tc.key || value != tc.value || ok != tc.ok {
			t.Errorf("kvLine(%q) = %q, %q, %v; want %q, %q, %v", tc.in, key, value, ok, tc.key, tc.value, tc.ok)
		}
	}
}

var kvTests = []readTable{
	{name: "blocks", in: "Name: Ann\nMobile: 98\n\nName: Bob\nMobile: 97\n",
		cols: []string{"Name", "Mobile"}, want: []result{rec(1, "Ann", "98"), rec(4, "Bob", "97")}},
	{name: "bot export", in: "Lookup Bot\n\n🔎 Result 1\n👤 Name: Ann\n📱 Mobile: 98\n━━━━━━\n🔎 Result 2\n👤 Name: Bob\n📱 Mobile - 97\n🎂 YOB: 1990\n",
		cols: []string{"Name", "Mobile", "YOB"}, want: []result{rec(4, "Ann", "98", ""), rec(8, "Bob", "97", "1990")}},
	{name: "a repeated key starts a record", in: "Name: Ann\nMobile: 98\nName: Bob\nMobile: 97\nName: Cy\n",
		cols: []string{"Name", "Mobile"}, want: []result{rec(1, "Ann", "98"), rec(3, "Bob", "97"), rec(5, "Cy", "")}},
	{name: "keys fold case and spacing", in: "Mobile No: 98\nName: A\n\nmobile  no: 97\nNAME: B\n",
		cols: []string{"Mobile No", "Name"}, want: []result{rec(1, "98", "A"), rec(4, "97", "B")}},
	{name: "CRLF and trailing spaces", in: "Name: Ann  \r\nMobile: 98\r\n\r\nName: Bob\r\nMobile: 97",
		cols: []string{"Name", "Mobile"}, want: []result{rec(1, "Ann", "98"), rec(4, "Bob", "97")}},
	{name: "bad blocks", in: "Name: Ann\nMobile: 98\n\nName: B\x00b\nMobile: 97\n\nName: Cy\nMobile: 96\n",
		opts: Options{Encoding: "utf-8"},
		cols: []string{"Name", "Mobile"}, want: []result{rec(1, "Ann", "98"), bad(4, "NUL byte"), rec(7, "Cy", "96")}},
	{name: "invalid UTF-8 in a UTF-8 file", in: "Name: Ann\nMobile: 98\n\nName: B\xffb\nMobile: 97\n\nName: Cy\nMobile: 96\n",
		opts: Options{Encoding: "utf-8"},
		cols: []string{"Name", "Mobile"}, want: []result{rec(1, "Ann", "98"), bad(4, "invalid UTF-8"), rec(7, "Cy", "96")}},
	{name: "long line", in: "Name: Ann\nMobile: 98\n\nName: " + strings.Repeat("x", 100) + "\nMobile: 97\n\nName: Cy\nMobile: 96\n",
		opts: Options{MaxLineBytes: 50},
		cols: []string{"Name", "Mobile"}, want: []result{rec(1, "Ann", "98"), bad(4, "line longer than 50 bytes limit"), rec(7, "Cy", "96")}},
	{name: "long record", in: "Name: Ann\nMobile: 98\n\n" + strings.Repeat("K1: 0123456789\nK2: 0123456789\nK3: 0123456789\nK4: 0123456789\n", 1) + "\nName: Cy\nMobile: 96\n",
		opts: Options{MaxLineBytes: 30, Format: "kv"},
		cols: []string{"Name", "Mobile"}, want: []result{rec(1, "Ann", "98"), bad(4, "record longer than 30 bytes limit"), rec(9, "Cy", "96")}},
	{name: "masked ids", in: "Name: Ann\nAadhaar: XXXX XXXX 1234\n\nName: Bob\nAadhaar: ********5678\n",
		cols: []string{"Name", "Aadhaar"}, want: []result{rec(1, "Ann", "XXXX XXXX 1234"), rec(4, "Bob", "********5678")}},
	{name: "formula-like values are values", in: "Name: =HYPERLINK(\"x\")\nMobile: +98\n\nName: @Bob\nMobile: -97\n",
		cols: []string{"Name", "Mobile"}, want: []result{rec(1, `=HYPERLINK("x")`, "+98"), rec(4, "@Bob", "-97")}},
	{name: "no key-value line", in: "just text\nmore text\n", opts: Options{Format: "kv"}, err: "no records"},
}

func TestKV(t *testing.T) { runReadTable(t, kvTests) }
