package records

import (
	"strings"
	"testing"
)

func TestUnescapeTSV(t *testing.T) {
	tests := []struct{ in, want string }{
		{`plain`, "plain"},
		{`\N`, ""},
		{`a\nb`, "a\nb"},
		{`a\tb\rc`, "a\tb\rc"},
		{`C:\\scans\\`, `C:\scans\`},
		{`x\0y`, "xy"},
		{`\Z\b`, "Zb"},
		{`end\`, `end\`},
		{`\N\N`, "NN"},
	}
	for _, tt := range tests {
		v := []string{tt.in}
		unescapeTSV(v)
		if v[0] != tt.want {
			t.Errorf("unescapeTSV(%q) = %q, want %q", tt.in, v[0], tt.want)
		}
	}
}

func TestLooksEscaped(t *testing.T) {
	tests := []struct {
		head string
		want bool
	}{
		{"a\tb\n1\t2\n", false},
		{"a\tb\n1\t\\N\n", true},
		{"a\tb\n\\N\t2\r\n", true},
		{"a\tb\n1\tC:\\\\x\n", true},
		{"a\tb\n1\tC:\\x\n", false},
		{"a\tb\n1\t\\Nx\n", false},
	}
	for _, tt := range tests {
		if got := looksEscaped([]byte(tt.head)); got != tt.want {
			t.Errorf("looksEscaped(%q) = %v, want %v", tt.head, got, tt.want)
		}
	}
}

func FuzzUnescapeTSV(f *testing.F) {
	for _, s := range []string{`\N`, `a\nb`, `C:\\x\`, `\0\Z`, "plain"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := []string{s}
		unescapeTSV(v)
		if len(v[0]) > len(s) {
			t.Fatalf("unescaping grew %q to %q", s, v[0])
		}
		if !strings.Contains(s, `\`) && v[0] != s {
			t.Fatalf("%q without a backslash changed to %q", s, v[0])
		}
	})
}
