package fields

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestNameFastPathAgrees: the ASCII fast path gives the slow path's answer on every input it
// takes, over many generated names (typical shapes, odd spacing and punctuation, and random
// printable ASCII), and declines everything else.
func TestNameFastPathAgrees(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	words := []string{"Anita", "SHARMA", "dr.", "O'Brien", "d'souza", "Mary-Jane", "K.", "van",
		"ABDUL", "rahman", "Jr", "III", "s/o", "x", "Ævar", "Zoë", "ΑΝΝΑ", "अनीता", "n/a", "NULL",
		"42", "(alias)", "--", "@home", "\tTab", "q\u200bw"}
	const printable = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
	taken := 0
	for n := range 200_000 {
		var s string
		if n%3 == 0 {
			b := make([]byte, r.IntN(20))
			for i := range b {
				b[i] = printable[r.IntN(len(printable))]
			}
			s = string(b)
		} else {
			var sb strings.Builder
			for i := range 1 + r.IntN(4) {
				if i > 0 {
					sb.WriteString([]string{" ", "  ", " . ", ".", "   "}[r.IntN(5)])
				}
				sb.WriteString(words[r.IntN(len(words))])
			}
			s = sb.String()
		}
		s = strings.TrimSpace(s) // as Normalize passes it
		fast, ok := nameFastASCII(s)
		slow, err := normalizeNameSlow(s)
		if !ok {
			continue
		}
		taken++
		if err != nil || fast != slow {
			t.Fatalf("%q: fast path gives %q, slow path %q (%v)", s, fast, slow, err)
		}
	}
	if taken < 100_000 {
		t.Fatalf("fast path took only %d inputs", taken)
	}
}

func BenchmarkNormalizeName(b *testing.B) {
	n, _ := NewNormalizer("IN")
	names := []string{"Radha Ghosh", "PRAKASH  PANDEY", "rupa sharma", "Dr. Anita Sharma", "Zoe Fernandes"}
	for _, path := range []string{"fast", "slow"} {
		b.Run(path, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				s := names[i%len(names)]
				if path == "slow" {
					normalizeNameSlow(s)
				} else {
					n.Normalize(Name, s)
				}
				i++
			}
		})
	}
}
