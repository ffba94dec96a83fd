package fields

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchRowsN is how many rows benchRows returns: a power of 2, so that a
// benchmark picks its row with a mask rather than a division.
const benchRowsN = 1024

// benchRows returns rows shaped like scripts/benchdata's: the registry's tidy
// rows (name, bare 10-digit mobile, year, gender) and the dump's messy ones
// (+91 / 0 / 91 prefixes, a dash, names in upper, lower or doubled-space
// form, ".0" years, m/f/MALE), seeded.
func benchRows(dump bool) [][4]string {
	given := []string{"Aarav", "Aditi", "Harish", "Lakshmi", "Rupa", "Zoya", "Fatima", "Vikram", "Sita", "Kiran"}
	sur := []string{"Agarwal", "Bhat", "Kapoor", "Kumari", "Pillai", "Yadav", "Sharma", "Das", "Iyer", "Singh"}
	r := rand.New(rand.NewPCG(1, 2))
	rows := make([][4]string, benchRowsN)
	for i := range rows {
		phone := fmt.Sprint(6_000_000_000 + r.Uint64N(4_000_000_000))
		name := given[r.IntN(len(given))] + " " + sur[r.IntN(len(sur))]
		yob := fmt.Sprint(1935 + r.IntN(71))
		sex := []string{"Male", "Female"}[r.IntN(2)]
		if dump {
			switch r.IntN(6) {
			case 2:
				phone = phone[:5] + "-" + phone[5:]
			case 3:
				phone = "+91 " + phone
			case 4:
				phone = "0" + phone
			case 5:
				phone = "91" + phone
			}
			switch r.IntN(5) {
			case 0:
				name = upperASCII(name)
			case 1:
				name = lowerASCII(name)
			case 2:
				name = given[0] + "  " + sur[0]
			}
			if r.IntN(10) == 0 {
				yob += ".0"
			}
			sex = []string{"Male", "MALE", "m", "M", "Female", "f"}[r.IntN(6)]
		}
		rows[i] = [4]string{phone, name, yob, sex}
	}
	return rows
}

func upperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

// BenchmarkNormalizeRow normalizes the phone, name and year of birth of a
// benchdata-like row (scripts/benchstages' normalize stage), through
// Normalize (allocating, as benchstages does) and through NormalizeInto with
// a Scratch reset per row (as build and check do).
func BenchmarkNormalizeRow(b *testing.B) {
	n := newIN(b)
	for _, kind := range []string{"registry", "dump"} {
		rows := benchRows(kind == "dump")
		b.Run(kind+"/Normalize", func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPU(b)()
			for i := 0; b.Loop(); i++ {
				r := &rows[i&(benchRowsN-1)]
				_, e1 := n.Normalize(Phone, r[0])
				_, e2 := n.Normalize(Name, r[1])
				_, e3 := n.Normalize(YOB, r[2])
				if e1 != nil || e2 != nil || e3 != nil {
					b.Fatal(e1, e2, e3)
				}
			}
		})
		b.Run(kind+"/NormalizeInto", func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPU(b)()
			var sc Scratch
			for i := 0; b.Loop(); i++ {
				r := &rows[i&(benchRowsN-1)]
				sc.Reset()
				_, e1 := n.NormalizeInto(&sc, Phone, r[0])
				_, e2 := n.NormalizeInto(&sc, Name, r[1])
				_, e3 := n.NormalizeInto(&sc, YOB, r[2])
				if e1 != nil || e2 != nil || e3 != nil {
					b.Fatal(e1, e2, e3)
				}
			}
		})
	}
}

// BenchmarkNormalizeField is one field at a time on the same rows.
func BenchmarkNormalizeField(b *testing.B) {
	n := newIN(b)
	for _, kind := range []string{"registry", "dump"} {
		rows := benchRows(kind == "dump")
		for col, f := range []Field{Phone, Name, YOB, Gender} {
			b.Run(kind+"/"+f.String(), func(b *testing.B) {
				b.ReportAllocs()
				defer reportCPU(b)()
				var sc Scratch
				for i := 0; b.Loop(); i++ {
					sc.Reset()
					if _, err := n.NormalizeInto(&sc, f, rows[i&(benchRowsN-1)][col]); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// reportCPU starts measuring the process's CPU time; the function it returns
// reports it per operation as "cpu-ns/op" (where processCPU measures it),
// the figure to compare on a machine other processes share.
func reportCPU(b *testing.B) func() {
	start := processCPU()
	return func() {
		if end := processCPU(); end > start && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// BenchmarkNormalizeDOB is a date of birth in the common numeric shapes (and
// one with a time, which the general path reads), and DOBYear of the same,
// as build derives a year of birth from a dob column.
func BenchmarkNormalizeDOB(b *testing.B) {
	n := newIN(b).WithDateOrder(DMY)
	dates := []string{"12/03/1990", "1990-03-12", "25-12-1985", "3/7/2001", "1990-03-12T00:00:00Z"}
	for _, d := range dates {
		b.Run("dob/"+d, func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPU(b)()
			var sc Scratch
			for b.Loop() {
				sc.Reset()
				if _, err := n.NormalizeInto(&sc, DOB, d); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("year/"+d, func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				if _, err := n.DOBYear(d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
