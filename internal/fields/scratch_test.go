package fields

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestNormalizeIntoAgrees: NormalizeInto gives Normalize's value and error for every field, over
// generated names and phone numbers written many ways, in both name versions; and the values it
// returned stay intact while later values fill the scratch (and make it grow), until Reset.
func TestNormalizeIntoAgrees(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	phones := []string{"9876543210", "+91 98765 43210", "098765-43210", "0091 9876543210", "919876543210",
		"9876543210.0", "(987) 654-3210", "1234567890", "+1 202 555 0143", "9.87654E+9", "NA", "", "  "}
	for v := MinVersion; v <= Version; v++ {
		n, err := NewNormalizerVersion("IN", v)
		if err != nil {
			t.Fatal(err)
		}
		var sc Scratch
		type kept struct {
			f         Field
			raw, want string
		}
		var held []kept
		for i := range 20_000 {
			var f Field
			var raw string
			switch i % 4 {
			case 0, 1:
				f, raw = Name, generatedName(r, i)
			case 2:
				f, raw = Phone, phones[r.IntN(len(phones))]
				if r.IntN(2) == 0 {
					raw = fmt.Sprintf("%d%09d", 6+r.IntN(4), r.IntN(1_000_000_000))
				}
			case 3:
				f, raw = []Field{YOB, Gender, DOB, Email}[r.IntN(4)], []string{"1985", "F", "12/03/1990", "A@B.in", "x"}[r.IntN(5)]
			}
			want, wantErr := n.Normalize(f, raw)
			got, gotErr := n.NormalizeInto(&sc, f, raw)
			if got != want || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Fatalf("version %d, %s %q: NormalizeInto gives %q, %v; Normalize %q, %v", v, f, raw, got, gotErr, want, wantErr)
			}
			held = append(held, kept{f, raw, got})
			if i%500 == 499 { // every value since the last Reset is still intact
				for _, k := range held {
					if want, _ := n.Normalize(k.f, k.raw); k.want != want {
						t.Fatalf("version %d: a value in the scratch changed before Reset: %q, want %q", v, k.want, want)
					}
				}
				held = held[:0]
				sc.Reset()
			}
		}
	}
}

// TestNormalizeIntoAllocates: the fast paths allocate nothing once the scratch has room.
func TestNormalizeIntoAllocates(t *testing.T) {
	n := newIN(t)
	var sc Scratch
	sc.str(make([]byte, 1)) // the first buffer
	for _, c := range []struct {
		f   Field
		raw string
	}{{Phone, "+91 98765-43210"}, {Name, "Dr. Ravi  KUMAR"}, {Name, "Sharma Anita"}, {YOB, "1985"}} {
		allocs := testing.AllocsPerRun(100, func() {
			sc.Reset()
			if _, err := n.NormalizeInto(&sc, c.f, c.raw); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s %q: %v allocations per value", c.f, c.raw, allocs)
		}
	}
}
