package records

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"testing"
)

// benchInput makes n short records like a typical dump: email, first name, last name, phone.
func benchInput(n int, quoted bool) []byte {
	var b bytes.Buffer
	b.WriteString("email,first,last,phone\n")
	for i := range n {
		if quoted {
			fmt.Fprintf(&b, "\"user%d@example.com\",\"Ann\",\"Smith, Jr\",\"+1555%07d\"\n", i, i)
		} else {
			fmt.Fprintf(&b, "user%d@example.com,Ann,Smith,+1555%07d\n", i, i)
		}
	}
	return b.Bytes()
}

const benchRecords = 100_000

func benchReader(b *testing.B, in []byte, read func(io.Reader) int) {
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	total := 0
	for b.Loop() {
		total += read(bytes.NewReader(in))
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "records/s")
}

func readDelimited(b testing.TB) func(io.Reader) int {
	return func(r io.Reader) int {
		d, err := NewDelimited(r, "bench.csv", Options{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := d.Next()
			if err == io.EOF {
				return n
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
}

func BenchmarkDelimited(b *testing.B) {
	benchReader(b, benchInput(benchRecords, false), readDelimited(b))
}

func BenchmarkDelimitedQuoted(b *testing.B) {
	benchReader(b, benchInput(benchRecords, true), readDelimited(b))
}

func BenchmarkCount(b *testing.B) {
	benchReader(b, benchInput(benchRecords, false), func(r io.Reader) int {
		d, err := newDelimited(r, "bench.csv", Options{})
		if err != nil {
			b.Fatal(err)
		}
		n, err := d.count(&distinct{})
		if err != nil {
			b.Fatal(err)
		}
		return int(n)
	})
}

// BenchmarkEncodingCSV is the standard library on the same input, for comparison.
func BenchmarkEncodingCSV(b *testing.B) {
	benchReader(b, benchInput(benchRecords, false), func(r io.Reader) int {
		cr := csv.NewReader(r)
		cr.ReuseRecord = true
		n := -1
		for {
			_, err := cr.Read()
			if err == io.EOF {
				return n
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	})
}

func BenchmarkEncodingCSVQuoted(b *testing.B) {
	benchReader(b, benchInput(benchRecords, true), func(r io.Reader) int {
		cr := csv.NewReader(r)
		cr.ReuseRecord = true
		n := -1
		for {
			_, err := cr.Read()
			if err == io.EOF {
				return n
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	})
}
