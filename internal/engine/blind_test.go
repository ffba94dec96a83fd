package engine

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/leakcheck/leakcheck/exchange"
)

// Each merges the workers' sorted runs into one ascending sequence of
// distinct tags, whatever the runs' number, lengths and overlaps, and can
// be run again (blind writes the state's tags, then the elements).
func TestBlindResultEach(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, nruns := range []int{0, 1, 2, 7} {
		var runs [][]blinded
		want := map[exchange.Tag]exchange.Element{}
		for range nruns {
			var run []blinded
			for range rnd.IntN(300) {
				var b blinded
				b.tag[0], b.tag[1] = byte(rnd.IntN(4)), byte(rnd.IntN(256)) // values shared between runs
				b.elem[0], b.elem[1] = b.tag[1], b.tag[0]
				run = append(run, b)
				want[b.tag] = b.elem
			}
			slices.SortFunc(run, func(x, y blinded) int { return bytes.Compare(x.tag[:], y.tag[:]) })
			runs = append(runs, slices.CompactFunc(run, func(x, y blinded) bool { return x.tag == y.tag }))
		}
		r := &BlindResult{runs: runs}
		for pass := range 2 {
			var got []exchange.Tag
			r.Each(func(tg *exchange.Tag, e *exchange.Element) error {
				if want[*tg] != *e {
					t.Fatalf("%d runs: tag %x with another tag's element", nruns, tg[:2])
				}
				got = append(got, *tg)
				return nil
			})
			if len(got) != len(want) {
				t.Fatalf("%d runs, pass %d: %d tags, want %d distinct", nruns, pass, len(got), len(want))
			}
			for i := 1; i < len(got); i++ {
				if bytes.Compare(got[i-1][:], got[i][:]) >= 0 {
					t.Fatalf("%d runs: tags not ascending at %d", nruns, i)
				}
			}
		}
	}
}
