package fields

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// nameWords are the pieces generated names are made of: typical names, honorifics, initials,
// apostrophes, odd case and punctuation, non-ASCII letters and non-letters.
var nameWords = []string{"Anita", "SHARMA", "dr.", "O'Brien", "d'souza", "Mary-Jane", "K.", "van",
	"ABDUL", "rahman", "Jr", "III", "s/o", "x", "Ævar", "Zoë", "ΑΝΝΑ", "अनीता", "n/a", "NULL",
	"42", "(alias)", "--", "@home", "\tTab", "q\u200bw", "Shri", "SMT", "Kumari", "km", "Mr.",
	"mrs", "Late", "Kumar,", "ravi", "D`Souza", "R.K.", "Sh", "श्री", "Miss", "Prof", "a'b'c"}

const printableASCII = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"

// generatedName returns a random name: every third one random printable ASCII, the others a few
// nameWords joined by spaces and punctuation.
func generatedName(r *rand.Rand, n int) string {
	if n%3 == 0 {
		b := make([]byte, r.IntN(20))
		for i := range b {
			b[i] = printableASCII[r.IntN(len(printableASCII))]
		}
		return strings.TrimSpace(string(b)) // as Normalize passes it
	}
	var sb strings.Builder
	for i := range 1 + r.IntN(5) {
		if i > 0 {
			sb.WriteString([]string{" ", "  ", " . ", ".", "   ", ", ", ","}[r.IntN(7)])
		}
		sb.WriteString(nameWords[r.IntN(len(nameWords))])
	}
	return strings.TrimSpace(sb.String())
}

// TestNameFastPathAgrees: each version's ASCII fast path gives its slow path's answer on every
// input it takes, over many generated names, and declines everything else.
func TestNameFastPathAgrees(t *testing.T) {
	for _, v := range []struct {
		version int
		fast    func(string) (string, bool)
		slow    func(string) (string, error)
	}{
		{1, func(s string) (string, bool) { return nameFastASCII(s, nil) }, normalizeNameSlow},
		{2, func(s string) (string, bool) { return nameFastASCIIV2(s, nil) }, normalizeNameV2Slow},
	} {
		r := rand.New(rand.NewPCG(5, 5))
		taken := 0
		for n := range 200_000 {
			s := generatedName(r, n)
			fast, ok := v.fast(s)
			slow, err := v.slow(s)
			if !ok {
				continue
			}
			taken++
			if err != nil || fast != slow {
				t.Fatalf("version %d, %q: fast path gives %q, slow path %q (%v)", v.version, s, fast, slow, err)
			}
		}
		if taken < 100_000 {
			t.Fatalf("version %d: fast path took only %d inputs", v.version, taken)
		}
	}
}

// FuzzNameFastPathV2 is the differential test of version 2's fast path as a fuzz target.
func FuzzNameFastPathV2(f *testing.F) {
	r := rand.New(rand.NewPCG(6, 6))
	for n := range 64 {
		f.Add(generatedName(r, n))
	}
	f.Add("Kumar, Ravi")
	f.Add("Dr 42")
	f.Add(strings.Repeat("a ", 20))
	f.Fuzz(func(t *testing.T, s string) {
		s = strings.TrimSpace(s)
		fast, ok := nameFastASCIIV2(s, nil)
		if !ok {
			return
		}
		slow, err := normalizeNameV2Slow(s)
		if err != nil || fast != slow {
			t.Fatalf("%q: fast path gives %q, slow path %q (%v)", s, fast, slow, err)
		}
	})
}

func BenchmarkNormalizeName(b *testing.B) {
	n, _ := NewNormalizer("IN")
	v1, _ := NewNormalizerVersion("IN", 1)
	names := []string{"Radha Ghosh", "PRAKASH  PANDEY", "rupa sharma", "Dr. Anita Sharma", "Zoe Fernandes"}
	for _, path := range []struct {
		name string
		run  func(string)
	}{
		{"v1-fast", func(s string) { v1.Normalize(Name, s) }},
		{"v1-slow", func(s string) { normalizeNameSlow(s) }},
		{"v2-fast", func(s string) { n.Normalize(Name, s) }},
		{"v2-slow", func(s string) { normalizeNameV2Slow(s) }},
	} {
		b.Run(path.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				path.run(names[i%len(names)])
				i++
			}
		})
	}
}

// TestASCIIHonorific: the fast path's switch lists exactly the ASCII words of honorificTokens.
func TestASCIIHonorific(t *testing.T) {
	ascii := 0
	for _, h := range honorificTokens {
		isASCII := strings.IndexFunc(h, func(r rune) bool { return r > 0x7e }) < 0
		if isASCII {
			ascii++
		}
		if asciiHonorific([]byte(h)) != isASCII {
			t.Errorf("%q: asciiHonorific %v", h, !isASCII)
		}
	}
	// And nothing else: every word of up to 9 letters built from the honorifics' letters.
	r := rand.New(rand.NewPCG(7, 7))
	const letters = "abcdegiklmnoprstuvwh"
	for range 200_000 {
		b := make([]byte, 1+r.IntN(9))
		for i := range b {
			b[i] = letters[r.IntN(len(letters))]
		}
		if asciiHonorific(b) != honorifics[string(b)] {
			t.Fatalf("%q: asciiHonorific %v, table %v", b, asciiHonorific(b), honorifics[string(b)])
		}
	}
	if ascii != 27 {
		t.Errorf("%d ASCII honorifics, the switch has 27", ascii)
	}
}
