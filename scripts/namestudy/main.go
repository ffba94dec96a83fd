// Command namestudy measures, on generated names of invented people, how
// often a person's name in a dump matches the same person's name in a
// registry (recall) and how often two different people's names match (false
// matches), for normalization versions 1 and 2 of the name field and for
// coarser name keys a derived field could hold. docs/normalization.md
// quotes its output ("Initials: a coarser name field?").
//
//	go run ./scripts/namestudy [-people N] [-seed S]
//
// The names are random combinations of common Indian given names and
// surnames, drawn with Zipf-like weights so that common names are as
// common as in real registries (Kumar, Singh and Sharma lead); the variants
// a dump writes are the ones real ones show. Nobody here is a real person.
package main

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"

	"github.com/leakcheck/leakcheck/internal/fields"
)

var given = []string{
	"Ravi", "Amit", "Sunil", "Rajesh", "Ramesh", "Suresh", "Anil", "Vijay", "Sanjay", "Rahul",
	"Rakesh", "Manoj", "Ashok", "Mahesh", "Deepak", "Vinod", "Prakash", "Santosh", "Mukesh", "Arun",
	"Anita", "Sunita", "Priya", "Pooja", "Neha", "Rekha", "Geeta", "Kavita", "Asha", "Lakshmi",
	"Meena", "Usha", "Savita", "Sarita", "Jyoti", "Radha", "Shanti", "Nisha", "Divya", "Rani",
	"Mohammed", "Imran", "Salim", "Fatima", "Ayesha", "Joseph", "Mary", "Thomas", "Gurpreet", "Harleen",
	"Karthik", "Srinivas", "Venkatesh", "Revathi", "Padma", "Aarav", "Ananya", "Kavya", "Tanvi", "Varun",
}

var middles = []string{"Kumar", "Prasad", "Chandra", "Lal", "Nath", "Devi", "Kumari", "Bai", "Rani", "Singh"}

var surnames = []string{
	"Kumar", "Singh", "Sharma", "Devi", "Yadav", "Patel", "Gupta", "Das", "Khan", "Reddy",
	"Verma", "Mishra", "Pandey", "Rao", "Nair", "Iyer", "Joshi", "Shah", "Mehta", "Ghosh",
	"Banerjee", "Chatterjee", "Mukherjee", "Pillai", "Menon", "Naidu", "Gowda", "Patil", "Jadhav", "Kulkarni",
	"Desai", "Trivedi", "Tiwari", "Dubey", "Saxena", "Srivastava", "Agarwal", "Bansal", "Goel", "Chauhan",
	"Rathore", "Thakur", "Sahu", "Mohanty", "Bose", "Dutta", "Sen", "Barua", "Bora", "Fernandes",
	"Kurian", "Ahmed", "Ansari", "Qureshi", "Sheikh", "Gill", "Sandhu", "Hegde", "Shetty", "Krishnan",
}

var honorific = []string{"Shri", "Smt.", "Kumari", "Mr.", "Mrs.", "Dr.", "Sri", "Km."}

// spelling pairs that real sources write both ways.
var spelling = map[string]string{
	"Mohammed": "Mohammad", "Lakshmi": "Laxmi", "Srinivas": "Shrinivas", "Joseph": "Josef",
	"Mukherjee": "Mukherji", "Chatterjee": "Chatterji", "Banerjee": "Banerji", "Srivastava": "Shrivastava",
	"Agarwal": "Agrawal", "Iyer": "Aiyar", "Reddy": "Reddi", "Kavita": "Kavitha", "Geeta": "Gita",
}

type person struct{ given, middle, surname string }

func (p person) written() string {
	if p.middle != "" {
		return p.given + " " + p.middle + " " + p.surname
	}
	return p.given + " " + p.surname
}

// zipf draws index i of n with weight 1/(i+1)^s.
type zipf struct{ cum []float64 }

func newZipf(n int, s float64) zipf {
	z := zipf{cum: make([]float64, n)}
	t := 0.0
	for i := range n {
		t += 1 / math.Pow(float64(i+1), s)
		z.cum[i] = t
	}
	for i := range z.cum {
		z.cum[i] /= t
	}
	return z
}

func (z zipf) draw(r *rand.Rand) int {
	i, _ := slices.BinarySearch(z.cum, r.Float64())
	return min(i, len(z.cum)-1)
}

// variant is one way a dump writes a registry person's name.
type variant struct {
	name  string
	share float64 // of a dump's rows, in the mix
	write func(r *rand.Rand, p person) string
}

var variants = []variant{
	{"as the registry writes it", 0.50, func(_ *rand.Rand, p person) string { return p.written() }},
	{"upper case, extra spaces", 0.10, func(_ *rand.Rand, p person) string {
		return strings.ToUpper(strings.ReplaceAll(p.written(), " ", "  "))
	}},
	{"surname first, comma", 0.05, func(_ *rand.Rand, p person) string {
		return p.surname + ", " + strings.TrimSpace(p.given+" "+p.middle)
	}},
	{"surname first, no comma", 0.05, func(_ *rand.Rand, p person) string {
		return p.surname + " " + strings.TrimSpace(p.given+" "+p.middle)
	}},
	{"with an honorific", 0.08, func(r *rand.Rand, p person) string {
		return honorific[r.IntN(len(honorific))] + " " + p.written()
	}},
	{"given name as an initial", 0.08, func(_ *rand.Rand, p person) string {
		return p.given[:1] + ". " + p.surname
	}},
	{"all initials but the surname", 0.04, func(_ *rand.Rand, p person) string {
		s := p.given[:1] + ". "
		if p.middle != "" {
			s += p.middle[:1] + ". "
		}
		return s + p.surname
	}},
	{"middle name left out", 0.05, func(_ *rand.Rand, p person) string { return p.given + " " + p.surname }},
	{"another spelling", 0.05, func(_ *rand.Rand, p person) string {
		q := p
		if s, ok := spelling[q.given]; ok {
			q.given = s
		} else if s, ok := spelling[q.surname]; ok {
			q.surname = s
		} else {
			q.given = q.given + "h" // Kavita → Kavitah: a transliteration slip
		}
		return q.written()
	}},
}

// A key turns a written name into what is compared (and would be hashed).
type key struct {
	name string
	of   func(string) string
}

func keys() []key {
	v1, _ := fields.NewNormalizerVersion("IN", 1)
	v2, _ := fields.NewNormalizerVersion("IN", 2)
	norm := func(n *fields.Normalizer) func(string) string {
		return func(s string) string {
			out, err := n.Normalize(fields.Name, s)
			if err != nil {
				return ""
			}
			return out
		}
	}
	return []key{
		{"name, version 1", norm(v1)},
		{"name, version 2", norm(v2)},
		{"surname + first initial", surnameInitial},
		{"initials of every token", initials},
	}
}

// tokensInOrder is version 2's tokens in written order (honorifics
// dropped as version 2 drops them), with where the first comma fell.
func tokensInOrder(s string) (tokens []string, comma int) {
	v2, _ := fields.NewNormalizerVersion("IN", 2)
	whole, err := v2.Normalize(fields.Name, s)
	if err != nil {
		return nil, -1
	}
	kept := map[string]int{}
	for _, t := range strings.Fields(whole) {
		kept[t]++
	}
	comma = -1
	for i, part := range strings.Split(s, ",") {
		if i == 1 {
			comma = len(tokens)
		}
		for _, w := range strings.Fields(part) {
			n, err := v2.Normalize(fields.Name, w)
			if err != nil {
				continue
			}
			for _, t := range strings.Fields(n) {
				if kept[t] > 0 {
					kept[t]--
					tokens = append(tokens, t)
				}
			}
		}
	}
	return tokens, comma
}

// surnameInitial is "surname i": the surname is the last token of two or
// more letters (before the comma, when there is one: "Kumar, Ravi"), i the
// first letter of the first other token.
func surnameInitial(s string) string {
	tokens, comma := tokensInOrder(s)
	end := len(tokens)
	if comma > 0 {
		end = comma
	}
	sur := -1
	for i := end - 1; i >= 0; i-- {
		if len([]rune(tokens[i])) >= 2 {
			sur = i
			break
		}
	}
	if sur < 0 {
		return ""
	}
	for i, t := range tokens {
		if i != sur {
			return tokens[sur] + " " + string([]rune(t)[0])
		}
	}
	return tokens[sur]
}

// initials is the sorted first letters of every token.
func initials(s string) string {
	tokens, _ := tokensInOrder(s)
	var out []string
	for _, t := range tokens {
		out = append(out, string([]rune(t)[0]))
	}
	slices.Sort(out)
	return strings.Join(out, "")
}

func main() {
	people := flag.Int("people", 200_000, "invented people to generate")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if err := run(*people, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "namestudy:", err)
		os.Exit(1)
	}
}

// Result is one key's figures.
type Result struct {
	Key        string
	Recall     map[string]float64 // by variant
	MixRecall  float64            // over the mix of variants
	Coincide   float64            // two random people: Σ p² over the registry's keys
	FamilyRate float64            // two people of one family (same surname, other given name)
}

func study(n int, seed uint64) []Result {
	r := rand.New(rand.NewPCG(seed, 2026))
	zg, zs, zm := newZipf(len(given), 0.8), newZipf(len(surnames), 1.0), newZipf(len(middles), 1.0)
	pop := make([]person, n)
	for i := range pop {
		p := person{given: given[zg.draw(r)], surname: surnames[zs.draw(r)]}
		if r.IntN(5) == 0 {
			p.middle = middles[zm.draw(r)]
		}
		pop[i] = p
	}
	var out []Result
	for _, k := range keys() {
		res := Result{Key: k.name, Recall: map[string]float64{}}
		// Recall: each variant of the first 20,000 people.
		m := min(n, 20_000)
		for _, v := range variants {
			hit := 0
			for _, p := range pop[:m] {
				a := k.of(p.written())
				if a != "" && a == k.of(v.write(r, p)) {
					hit++
				}
			}
			res.Recall[v.name] = float64(hit) / float64(m)
			res.MixRecall += v.share * res.Recall[v.name]
		}
		// Coincidence: Σ p_v² over the population's keys (pairs of distinct
		// people, unbiased).
		counts := map[string]int{}
		for _, p := range pop {
			counts[k.of(p.written())]++
		}
		var pairs float64
		for _, c := range counts {
			pairs += float64(c) * float64(c-1)
		}
		res.Coincide = pairs / (float64(n) * float64(n-1))
		// Family: same surname, another given name drawn the same way.
		fam := 0
		for _, p := range pop[:m] {
			q := p
			for q.given == p.given {
				q.given = given[zg.draw(r)]
			}
			q.middle = ""
			if r.IntN(5) == 0 {
				q.middle = middles[zm.draw(r)]
			}
			if k.of(p.written()) == k.of(q.written()) {
				fam++
			}
		}
		res.FamilyRate = float64(fam) / float64(m)
		out = append(out, res)
	}
	return out
}

func run(n int, seed uint64) error {
	if n < 1000 {
		return fmt.Errorf("-people %d: need at least 1000", n)
	}
	res := study(n, seed)
	fmt.Printf("%d invented people, seed %d\n\n", n, seed)
	fmt.Print("| a dump writes the name | share of the mix |")
	for _, r := range res {
		fmt.Printf(" %s |", r.Key)
	}
	fmt.Print("\n|---|---|")
	for range res {
		fmt.Print("---|")
	}
	fmt.Println()
	for _, v := range variants {
		fmt.Printf("| %s | %.0f%% |", v.name, 100*v.share)
		for _, r := range res {
			fmt.Printf(" %.1f%% |", 100*r.Recall[v.name])
		}
		fmt.Println()
	}
	fmt.Print("| **recall over the mix** | |")
	for _, r := range res {
		fmt.Printf(" **%.1f%%** |", 100*r.MixRecall)
	}
	fmt.Print("\n| false match, two random people (Σp²) | |")
	for _, r := range res {
		fmt.Printf(" %.2g |", r.Coincide)
	}
	fmt.Print("\n| false match, two of one family | |")
	for _, r := range res {
		fmt.Printf(" %.1f%% |", 100*r.FamilyRate)
	}
	fmt.Print("\n| recall ÷ √(Σp²) | |")
	for _, r := range res {
		fmt.Printf(" %.0f |", r.MixRecall/math.Sqrt(r.Coincide))
	}
	fmt.Println()
	return nil
}
