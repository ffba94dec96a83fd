package records

import (
	"fmt"
	"strings"
	"testing"
)

var jsonTests = []readTable{
	{name: "lines", in: "{\"phone\":\"98\",\"name\":\"Ann\"}\n{\"name\":\"Bob\",\"phone\":\"97\"}\n",
		cols: []string{"phone", "name"}, want: []result{rec(1, "98", "Ann"), rec(2, "97", "Bob")}},
	{name: "nested objects are flattened", in: `{"user":{"phone":"98","name":{"first":"A"}},"id":7}` + "\n",
		cols: []string{"user.phone", "user.name.first", "id"}, want: []result{rec(1, "98", "A", "7")}},
	{name: "scalars", in: `{"n":9876543210,"f":1.50,"e":1e3,"t":true,"F":false,"z":null,"s":"x\"y"}` + "\n",
		cols: []string{"n", "f", "e", "t", "F", "z", "s"}, want: []result{rec(1, "9876543210", "1.50", "1e3", "true", "false", "", `x"y`)}},
	{name: "arrays kept as compact JSON", in: `{"a":[1, "x", {"k": [true, null]}, []],"b":{}}` + "\n",
		cols: []string{"a"}, want: []result{rec(1, `[1,"x",{"k":[true,null]},[]]`)}},
	{name: "missing keys are empty, columns in first-seen order", in: "{\"a\":\"1\"}\n{\"b\":\"2\"}\n{\"b\":\"3\",\"a\":\"4\"}\n",
		cols: []string{"a", "b"}, want: []result{rec(1, "1", ""), rec(2, "", "2"), rec(3, "4", "3")}},
	{name: "blank lines, CRLF", in: "\r\n{\"a\":1}\r\n\r\n  \n{\"a\":2}",
		cols: []string{"a"}, want: []result{rec(2, "1"), rec(5, "2")}},
	{name: "bad lines", in: "{\"a\":1}\n{\"a\":\n[1,2]\n{\"a\":\"\\u0000\"}\n{\"a\":\"\xff\"}\n{\"a\":1} {\"a\":2}\n\"str\"\n{\"a\":3}\n",
		opts: Options{Encoding: "utf-8"},
		cols: []string{"a"}, want: []result{rec(1, "1"), bad(2, "invalid JSON"), bad(3, "not a JSON object"), bad(4, "NUL byte"),
			bad(5, "invalid UTF-8"), bad(6, "invalid JSON"), bad(7, "not a JSON object"), rec(8, "3")}},
	{name: "not UTF-8: Windows-1252", in: "{\"a\":\"Jos\xe9\"}\n", cols: []string{"a"}, want: []result{rec(1, "José")}},
	{name: "nesting limit", in: "{\"a\":1}\n" + strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40) + "\n",
		cols: []string{"a"}, want: []result{rec(1, "1"), bad(2, "objects nested more than 32 deep")}},
	{name: "long line", in: "{\"a\":1}\n{\"a\":\"" + strings.Repeat("x", 100) + "\"}\n{\"a\":2}\n", opts: Options{MaxLineBytes: 50},
		cols: []string{"a"}, want: []result{rec(1, "1"), bad(2, "line longer than 50 bytes limit"), rec(3, "2")}},
	{name: "duplicate key: last wins", in: `{"a":1,"a":2}` + "\n", cols: []string{"a"}, want: []result{rec(1, "2")}},

	{name: "array", in: "[\n  {\"a\": 1,\n   \"b\": \"x\"},\n  {\"b\": \"y\"}\n]\n",
		cols: []string{"a", "b"}, want: []result{rec(2, "1", "x"), rec(4, "", "y")}},
	{name: "array on one line", in: `[{"a":1},{"a":2}]`, cols: []string{"a"}, want: []result{rec(1, "1"), rec(1, "2")}},
	{name: "empty array", in: "[]", err: "no records"},
	{name: "array with bad elements", in: "[{\"a\":1}, 5, \"s\", {\"a\":}, [1], {\"a\":\"]}\"}, {\"a\":3}]",
		cols: []string{"a"}, want: []result{rec(1, "1"), bad(1, "not a JSON object"), bad(1, "not a JSON object"),
			bad(1, "invalid JSON"), bad(1, "not a JSON object"), rec(1, "]}"), rec(1, "3")}},
	{name: "unclosed array", in: "[{\"a\":1},\n{\"a\":2}\n",
		cols: []string{"a"}, want: []result{rec(1, "1"), rec(2, "2"), bad(3, "JSON array not closed at end of input")}},
	{name: "unterminated object", in: "[{\"a\":1},\n{\"a\":\"2\n\n",
		cols: []string{"a"}, want: []result{rec(1, "1"), bad(2, "unterminated JSON value")}},
	{name: "data after array", in: "[{\"a\":1}]\n{\"a\":2}\n",
		cols: []string{"a"}, want: []result{rec(1, "1"), bad(2, "data after the end of the JSON array")}},
	{name: "long element", in: "[{\"a\":\"" + strings.Repeat("x", 100) + "\"},{\"a\":2}]", opts: Options{MaxLineBytes: 50},
		cols: []string{"a"}, want: []result{bad(1, "JSON value longer than 50 bytes limit"), rec(1, "2")}},
	{name: "pretty objects one after another", in: "{\n \"a\": 1\n}\n{\n \"a\": 2\n}\n",
		cols: []string{"a"}, want: []result{rec(1, "1"), rec(4, "2")}},
	{name: "forced jsonl", in: "{\"a\":1}", opts: Options{Format: "jsonl"}, cols: []string{"a"}, want: []result{rec(1, "1")}},
	{name: "braces in strings", in: `[{"a":"{[\"}]"},{"a":"\\"}]`, cols: []string{"a"}, want: []result{rec(1, `{["}]`), rec(1, `\`)}},
	{name: "only bad records", in: "[1,2]", opts: Options{Format: "json"}, err: "no records"},
}

func TestJSON(t *testing.T) { runReadTable(t, jsonTests) }

// TestKeysDiscovered checks the column rule: keys of the first 1000 records are the columns, and
// a value whose key first appears later is dropped and counted.
func TestKeysDiscovered(t *testing.T) {
	var b strings.Builder
	for i := range discoverRecords {
		fmt.Fprintf(&b, "{\"phone\":\"%d\"}\n", i)
	}
	b.WriteString("{\"phone\":\"x\",\"late\":\"y\",\"empty\":\"\"}\n")
	r, c, err := bytesSource("t", []byte(b.String())).Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if cols := r.Columns(); len(cols) != 1 || cols[0] != "phone" {
		t.Fatalf("columns %q", cols)
	}
	var last Record
	for range discoverRecords + 1 {
		if last, err = r.Next(); err != nil {
			t.Fatal(err)
		}
	}
	if last.Line != discoverRecords+1 || last.Values[0] != "x" || last.Dropped != 1 {
		t.Errorf("last record %+v", last)
	}
}

func TestFlattenJSON(t *testing.T) {
	got, reason := flattenJSON([]byte(`{"a":{"b":[{"c":"é"}],"d":-0.5E+2}}`), nil)
	if reason != "" || len(got) != 2 || got[0] != (pair{"a.b", `[{"c":"é"}]`}) || got[1] != (pair{"a.d", "-0.5E+2"}) {
		t.Errorf("flattenJSON = %q, %q", got, reason)
	}
	got, reason = flattenJSON([]byte(` {"x": [ {"a":1, "b":[2, {"c":"\u003c"}], "d":{}} , 4, [[]], "s\"q" ] } `), nil)
	if want := `[{"a":1,"b":[2,{"c":"\u003c"}],"d":{}},4,[[]],"s\"q"]`; reason != "" || len(got) != 1 || got[0].value != want {
		t.Errorf("flattenJSON = %q, %q; want %s", got, reason, want)
	}
}

// TestExtendedJSON: mongoexport's wrappers become plain values under their own key, in both
// modes; dates before 1970 are milliseconds since the epoch.
func TestExtendedJSON(t *testing.T) {
	runReadTable(t, []readTable{
		{name: "relaxed", in: `{"_id":{"$oid":"65a1b2c3d4e5f60718293a4b"},"name":"Ana","dob":{"$date":"1990-05-12T00:00:00Z"},"mobile":9876543210}` + "\n" +
			`{"_id":{"$oid":"65a1b2c3d4e5f60718293a4c"},"name":"Bo","dob":{"$date":{"$numberLong":"-147052800000"}},"mobile":9876543211}` + "\n",
			cols: []string{"_id", "name", "dob", "mobile"},
			want: []result{rec(1, "65a1b2c3d4e5f60718293a4b", "Ana", "1990-05-12T00:00:00Z", "9876543210"),
				rec(2, "65a1b2c3d4e5f60718293a4c", "Bo", "1965-05-05T00:00:00Z", "9876543211")}},
		{name: "canonical", in: `{"_id":{"$oid":"65a1"},"dob":{"$date":{"$numberLong":"642470400000"}},"mobile":{"$numberLong":"9876543210"},"n":{"$numberInt":"3"},"x":{"$numberDouble":"1.5"}}` + "\n",
			cols: []string{"_id", "dob", "mobile", "n", "x"},
			want: []result{rec(1, "65a1", "1990-05-12T00:00:00Z", "9876543210", "3", "1.5")}},
		{name: "ordinary objects with $ keys are kept", in: `{"a":{"$date":"x","other":1},"b":{"$weird":"y"}}` + "\n",
			cols: []string{"a.$date", "a.other", "b.$weird"}, want: []result{rec(1, "x", "1", "y")}},
	})
}
