// Command genforensics writes the fixtures of README's "Investigating a leak" walkthrough
// (fixtures/forensics): an invented vaccination registry with a state, a vaccination centre, a
// registration date, a first-dose date and the registry's own reference number, and a chat-bot
// export of one state's records up to a date, as such bots print them ("Vaccination Centre: …",
// "ID Number: XXXXXXXX1234", "Dose 1: 12-05-2021"), with an address the registry never held and
// a few people who are not in the registry.
//
//	go run ./scripts/genforensics -out fixtures/forensics
//
// The output is deterministic (math/rand/v2 PCG, fixed seeds); go test ./scripts/genforensics
// fails if the committed files drift from it. Every person is invented.
package main

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// The story the fixtures tell (README): the bot's data are Odisha's registry records registered
// up to Cut, 85% of them, plus Outsiders people the registry does not hold.
var (
	Cut       = time.Date(2022, 3, 5, 0, 0, 0, 0, time.UTC)
	LeakState = "Odisha"
)

const (
	// RegistryRecords is the registry's size; Outsiders the bot's people who are not in it.
	RegistryRecords = 4000
	Outsiders       = 25
)

var states = []struct {
	name    string
	weight  int
	centres []string
}{
	{"Uttar Pradesh", 22, []string{"Lucknow UPHC 1", "Kanpur CHC 2", "Varanasi PHC 3"}},
	{"Maharashtra", 16, []string{"Pune UPHC 4", "Nagpur CHC 1"}},
	{"Bihar", 14, []string{"Patna PHC 2", "Gaya CHC 3"}},
	{"West Bengal", 11, []string{"Howrah UPHC 5", "Siliguri PHC 1"}},
	{"Tamil Nadu", 10, []string{"Madurai PHC 6", "Salem CHC 2"}},
	{"Karnataka", 9, []string{"Mysuru UPHC 3", "Hubballi CHC 1"}},
	{"Gujarat", 8, []string{"Surat UPHC 2", "Rajkot PHC 4"}},
	{"Odisha", 10, []string{"Cuttack UPHC 2", "Puri CHC 1", "Sambalpur PHC 3"}},
}

var first = []string{"Aarav", "Vivaan", "Aditya", "Ishaan", "Kabir", "Ananya", "Diya", "Meera", "Saanvi", "Riya", "Tara", "Nikhil", "Rohan", "Kavya", "Zoya", "Farhan", "Ira", "Dev", "Neel", "Pooja"}
var last = []string{"Quorvan", "Belnath", "Tiskar", "Morwade", "Jhelvi", "Pranteq", "Ostrava", "Keshlin", "Vandor", "Rumelt", "Sarvik", "Tolmere"}

type person struct {
	ref, name, phone, state, centre string
	registered, dose1               time.Time
}

func registry() []person {
	r := rand.New(rand.NewPCG(2021, 10))
	start := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	days := int(time.Date(2022, 6, 30, 0, 0, 0, 0, time.UTC).Sub(start).Hours() / 24)
	total := 0
	for _, s := range states {
		total += s.weight
	}
	out := make([]person, RegistryRecords)
	for i := range out {
		k := r.IntN(total)
		si := 0
		for k >= states[si].weight {
			k -= states[si].weight
			si++
		}
		s := states[si]
		reg := start.AddDate(0, 0, r.IntN(days+1))
		out[i] = person{
			ref:        fmt.Sprintf("%013d", 10_000_000_000_00+r.Int64N(90_000_000_000_00)),
			name:       first[r.IntN(len(first))] + " " + last[r.IntN(len(last))],
			phone:      fmt.Sprintf("+9179%08d", 10_000_000+(i*7919+13)%89_999_999),
			state:      s.name,
			centre:     s.centres[r.IntN(len(s.centres))],
			registered: reg,
			dose1:      reg.AddDate(0, 0, r.IntN(30)),
		}
	}
	return out
}

func registryCSV(ps []person) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"reference_no", "name", "phone", "state", "vaccination_centre", "registered_on", "dose_1"})
	for _, p := range ps {
		w.Write([]string{p.ref, p.name, p.phone, p.state, p.centre, p.registered.Format(time.DateOnly), p.dose1.Format(time.DateOnly)})
	}
	w.Flush()
	return b.Bytes()
}

// botExport prints the leaked people as a bot's chat export: one block per person, surface
// forms as such bots print them (spaced or prefixed phones, upper-case names, centres in odd
// case, reference numbers masked to their last four digits, dates day-first).
func botExport(ps []person) ([]byte, []person) {
	r := rand.New(rand.NewPCG(2022, 3))
	var leak []person
	for _, p := range ps {
		if p.state == LeakState && !p.registered.After(Cut) && r.Float64() < 0.85 {
			leak = append(leak, p)
		}
	}
	outsiders := registryOutsiders(r)
	leak = append(leak, outsiders...)
	r.Shuffle(len(leak), func(i, j int) { leak[i], leak[j] = leak[j], leak[i] })
	var b strings.Builder
	b.WriteString("Vaccine certificate bot, chat export\n")
	for i, p := range leak {
		digits := strings.TrimPrefix(p.phone, "+91")
		phone := digits
		switch i % 3 {
		case 1:
			phone = digits[:5] + " " + digits[5:]
		case 2:
			phone = "+91-" + digits
		}
		name := p.name
		if i%2 == 0 {
			name = strings.ToUpper(name)
		}
		centre := p.centre
		if i%4 == 1 {
			centre = strings.ToUpper(centre) + " "
		}
		fmt.Fprintf(&b, "\nResult %d\nName: %s\nMobile: %s\nVaccination Centre: %s\nID Number: XXXXXXXXX%s\nDose 1: %s\nAddress: House %d, Ward %d\n",
			i+1, name, phone, centre, p.ref[len(p.ref)-4:], p.dose1.Format("02-01-2006"), 1+r.IntN(400), 1+r.IntN(60))
	}
	return []byte(b.String()), outsiders
}

// registryOutsiders invents people who are not in the registry (their phones are of another
// series).
func registryOutsiders(r *rand.Rand) []person {
	out := make([]person, Outsiders)
	for i := range out {
		d := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(400))
		out[i] = person{
			ref:    fmt.Sprintf("%013d", 10_000_000_000_00+r.Int64N(90_000_000_000_00)),
			name:   first[r.IntN(len(first))] + " " + last[r.IntN(len(last))],
			phone:  fmt.Sprintf("+9188%08d", 10_000_000+r.IntN(89_999_999)),
			centre: "Bhubaneswar UPHC 9", registered: d, dose1: d,
		}
	}
	return out
}

// identifiers lists every phone (10 digits), reference number and its last four digits after
// the bot's mask, and full name (lower case) in the fixtures, for tests that grep outputs.
func identifiers(ps []person) []byte {
	var ids []string
	for _, p := range ps {
		ids = append(ids, strings.TrimPrefix(p.phone, "+91"), p.ref, "xxxxxxxxx"+p.ref[len(p.ref)-4:], strings.ToLower(p.name))
	}
	slices.Sort(ids)
	return []byte(strings.Join(slices.Compact(ids), "\n") + "\n")
}

const readme = `# Fixtures of README's "Investigating a leak"

Generated by ` + "`scripts/genforensics`" + `; do not edit by hand. Regenerate with

    go run ./scripts/genforensics -out fixtures/forensics

**Every person here is invented.**

| file | what it is |
| --- | --- |
| ` + "`registry.csv`" + ` | a vaccination registry of 4,000 people: reference number (13 digits), name, phone, state (8, skewed), vaccination centre, registration date (January 2021 to June 2022), first-dose date |
| ` + "`bot-export.txt`" + ` | a chat bot's export: Odisha's records registered up to 5 March 2022 (85% of them) and 25 people not in the registry, as key-value blocks with a masked reference number (` + "`ID Number: XXXXXXXXX1234`" + `), a day-first dose date and an address the registry never held |
| ` + "`identifiers.txt`" + ` | every phone (10 digits), reference number, masked reference number and name (lower case), for tests that grep every output for them |

` + "`cmd/leakcheck/testdata/investigate.txtar`" + ` runs README's walkthrough on them and checks the
localization (Odisha only), the snapshot window (within two weeks of 5 March 2022) and the source
(the registry).
`

func generate() map[string][]byte {
	ps := registry()
	bot, outsiders := botExport(ps)
	return map[string][]byte{
		"README.md":       []byte(readme),
		"registry.csv":    registryCSV(ps),
		"bot-export.txt":  bot,
		"identifiers.txt": identifiers(append(ps, outsiders...)),
	}
}

func write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, data := range generate() {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func main() {
	out := flag.String("out", "fixtures/forensics", "directory to write the fixtures into")
	flag.Parse()
	if err := write(*out); err != nil {
		fmt.Fprintln(os.Stderr, "genforensics:", err)
		os.Exit(1)
	}
}
