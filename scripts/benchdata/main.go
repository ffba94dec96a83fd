// Command benchdata writes the synthetic inputs of scripts/bench: a registry
// of invented people and a suspected dump drawn partly from it.
//
//	go run ./scripts/benchdata -registry 10000000 -dump 2000000 -out bench-out
//
// writes bench-out/registry.csv (id, name, mobile number, birth year, gender:
// every column tidy) and bench-out/dump.csv (mobile number, name, year of
// birth, sex: written the messy ways real dumps are, so normalization has
// work to do). A share of the dump's rows (-overlap) are registry people; the
// rest are invented. Every person is invented: names are random
// combinations of common given names and surnames, and phone numbers are
// random 10-digit Indian mobile numbers. The output is deterministic for a
// given seed and sizes; it is never committed (bench-out/ is ignored).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

var given = []string{
	"Aarav", "Aditi", "Aditya", "Akash", "Amit", "Ananya", "Anil", "Anita", "Anjali", "Arjun",
	"Asha", "Deepak", "Divya", "Fatima", "Gaurav", "Geeta", "Harish", "Ishaan", "Kavita", "Kiran",
	"Lakshmi", "Manoj", "Meera", "Mohan", "Neha", "Nikhil", "Pooja", "Prakash", "Priya", "Rahul",
	"Rajesh", "Ramesh", "Rani", "Ravi", "Rekha", "Rohan", "Rupa", "Sachin", "Sanjay", "Santosh",
	"Savita", "Shreya", "Sita", "Suresh", "Sunita", "Tanvi", "Usha", "Vijay", "Vikram", "Zoya",
}

var surnames = []string{
	"Agarwal", "Bhat", "Chauhan", "Das", "Desai", "Fernandes", "Ghosh", "Gupta", "Iyer", "Jain",
	"Joshi", "Kapoor", "Khan", "Kumar", "Kumari", "Menon", "Mishra", "Nair", "Pandey", "Patel",
	"Pillai", "Rao", "Reddy", "Saxena", "Shah", "Sharma", "Shetty", "Singh", "Sinha", "Thakur",
	"Verma", "Yadav",
}

type person struct {
	phone  uint64 // 10 digits, first 6-9
	given  uint8
	sur    uint8
	yob    uint16
	female bool
}

func newPerson(r *rand.Rand) person {
	return person{
		phone:  6_000_000_000 + r.Uint64N(4_000_000_000),
		given:  uint8(r.IntN(len(given))),
		sur:    uint8(r.IntN(len(surnames))),
		yob:    uint16(1935 + r.IntN(71)),
		female: r.IntN(2) == 0,
	}
}

func main() {
	regRows := flag.Int("registry", 10_000_000, "registry rows")
	dumpRows := flag.Int("dump", 2_000_000, "dump rows")
	overlap := flag.Float64("overlap", 0.4, "share of dump rows that are registry people")
	seed := flag.Uint64("seed", 2024, "random seed")
	out := flag.String("out", "bench-out", "output directory")
	flag.Parse()
	if err := run(*regRows, *dumpRows, *overlap, *seed, *out); err != nil {
		fmt.Fprintln(os.Stderr, "benchdata:", err)
		os.Exit(1)
	}
}

func run(regRows, dumpRows int, overlap float64, seed uint64, out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(seed, 0x62656e6368))
	// The registry's people are regenerated from their row number when the
	// dump needs them, so that no list of ten million people is held.
	regPerson := func(i int) person {
		return newPerson(rand.New(rand.NewPCG(seed^0x7265676973747279, uint64(i))))
	}
	if err := writeFile(filepath.Join(out, "registry.csv"), func(w *bufio.Writer) {
		w.WriteString("beneficiary_reference_id,name,mobile_number,birth_year,gender\n")
		var b []byte
		for i := range regRows {
			p := regPerson(i)
			b = append(b[:0], "REF"...)
			b = strconv.AppendInt(b, int64(1_000_000_000+i), 10)
			b = append(b, ',')
			b = append(b, given[p.given]...)
			b = append(b, ' ')
			b = append(b, surnames[p.sur]...)
			b = append(b, ',')
			b = strconv.AppendUint(b, p.phone, 10)
			b = append(b, ',')
			b = strconv.AppendUint(b, uint64(p.yob), 10)
			if p.female {
				b = append(b, ",Female\n"...)
			} else {
				b = append(b, ",Male\n"...)
			}
			w.Write(b)
		}
	}); err != nil {
		return err
	}
	return writeFile(filepath.Join(out, "dump.csv"), func(w *bufio.Writer) {
		w.WriteString("Mobile No,Beneficiary Name,Year of Birth,Sex\n")
		var b []byte
		for range dumpRows {
			var p person
			if regRows > 0 && r.Float64() < overlap {
				p = regPerson(r.IntN(regRows))
			} else {
				p = newPerson(r)
			}
			b = appendMessyPhone(b[:0], r, p.phone)
			b = append(b, ',')
			b = appendMessyName(b, r, given[p.given]+" "+surnames[p.sur])
			b = append(b, ',')
			b = strconv.AppendUint(b, uint64(p.yob), 10)
			if r.IntN(10) == 0 {
				b = append(b, ".0"...)
			}
			b = append(b, ',')
			b = append(b, sexes[r.IntN(len(sexes))][btoi(p.female)]...)
			b = append(b, '\n')
			w.Write(b)
		}
	})
}

var sexes = [][2]string{{"Male", "Female"}, {"MALE", "FEMALE"}, {"m", "f"}, {"M", "F"}}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// appendMessyPhone writes a 10-digit mobile number in one of the shapes
// dumps use: bare, 5-5 with a dash, +91 with a space, 0-prefixed, 91-prefixed.
func appendMessyPhone(b []byte, r *rand.Rand, phone uint64) []byte {
	s := strconv.FormatUint(phone, 10)
	switch r.IntN(6) {
	case 0, 1:
		return append(b, s...)
	case 2:
		return append(append(append(b, s[:5]...), '-'), s[5:]...)
	case 3:
		return append(append(b, "+91 "...), s...)
	case 4:
		return append(append(b, '0'), s...)
	default:
		return append(append(b, "91"...), s...)
	}
}

// appendMessyName writes a name as typed: as is, upper case, lower case, or
// with doubled inner spaces.
func appendMessyName(b []byte, r *rand.Rand, name string) []byte {
	switch r.IntN(5) {
	case 0:
		for i := 0; i < len(name); i++ {
			c := name[i]
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			b = append(b, c)
		}
		return b
	case 1:
		for i := 0; i < len(name); i++ {
			c := name[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
		}
		return b
	case 2:
		for i := 0; i < len(name); i++ {
			b = append(b, name[i])
			if name[i] == ' ' {
				b = append(b, ' ')
			}
		}
		return b
	}
	return append(b, name...)
}

func writeFile(path string, fill func(*bufio.Writer)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fill(w)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
