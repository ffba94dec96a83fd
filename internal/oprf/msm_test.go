package oprf

import (
	"encoding/hex"
	"testing"

	"github.com/gtank/ristretto255"
)

// msmInputs returns n seeded scalars and points; edge scalars (0, 1, -1,
// 2^252, the largest with every digit 127) and the identity are mixed in.
func msmInputs(n int, seed byte) ([]*ristretto255.Scalar, []*ristretto255.Element) {
	rnd := newSeeded(seed)
	one := ristretto255.NewScalar()
	var b [32]byte
	b[0] = 1
	one.Decode(b[:])
	edges := []*ristretto255.Scalar{
		ristretto255.NewScalar(),
		one,
		ristretto255.NewScalar().Negate(one),
		scalarFromHex("0000000000000000000000000000000000000000000000000000000000000010"),
		scalarFromHex("7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f0f"),
		scalarFromHex("8080808080808080808080808080808080808080808080808080808080808000"),
	}
	s := make([]*ristretto255.Scalar, n)
	p := make([]*ristretto255.Element, n)
	var u [64]byte
	for i := range n {
		rnd.Read(u[:])
		s[i] = ristretto255.NewScalar().FromUniformBytes(u[:])
		if i%97 < len(edges) {
			s[i] = edges[i%97]
		}
		rnd.Read(u[:])
		p[i] = ristretto255.NewElement().FromUniformBytes(u[:])
		if i%101 == 7 {
			p[i] = ristretto255.NewElement()
		}
	}
	return s, p
}

// scalarFromHex decodes a scalar's canonical encoding (little endian) from hex.
func scalarFromHex(h string) *ristretto255.Scalar {
	b, err := hex.DecodeString(h)
	if err != nil {
		panic(err)
	}
	s := ristretto255.NewScalar()
	if err := s.Decode(b); err != nil {
		panic(err)
	}
	return s
}

// The bucket method gives the library's result for every size around its
// threshold and at the batch sizes used.
func TestPippenger(t *testing.T) {
	for _, n := range []int{1, 2, 3, 63, 64, 65, 200, pippengerMin - 1, pippengerMin, 1000, 4096} {
		s, p := msmInputs(n, byte(n))
		want := ristretto255.NewElement().VarTimeMultiScalarMult(s, p)
		if got := pippenger(s, p); got.Equal(want) != 1 {
			t.Errorf("n=%d: pippenger differs from VarTimeMultiScalarMult", n)
		}
		if got := varTimeMSM(s, p); got.Equal(want) != 1 {
			t.Errorf("n=%d: varTimeMSM differs from VarTimeMultiScalarMult", n)
		}
	}
}

func TestDigits8(t *testing.T) {
	s, _ := msmInputs(300, 5)
	for i, x := range s {
		var b [32]byte
		x.Encode(b[:0])
		var d [32]int8
		digits8(&d, &b)
		// Σ d[w]·256^w == x, computed in scalars.
		acc := ristretto255.NewScalar()
		var pow [32]byte
		for w := 31; w >= 0; w-- {
			pow = [32]byte{}
			pow[1] = 1 // 256
			acc.Multiply(acc, mustScalar(pow))
			var db [32]byte
			if d[w] >= 0 {
				db[0] = byte(d[w])
				acc.Add(acc, mustScalar(db))
			} else {
				db[0] = byte(-int(d[w]))
				acc.Subtract(acc, mustScalar(db))
			}
			if d[w] < -128 || (w < 31 && d[w] > 127) {
				t.Fatalf("scalar %d: digit %d = %d out of range", i, w, d[w])
			}
		}
		if acc.Equal(x) != 1 {
			t.Fatalf("scalar %d: digits do not sum to it", i)
		}
	}
}

func mustScalar(b [32]byte) *ristretto255.Scalar {
	s := ristretto255.NewScalar()
	if err := s.Decode(b[:]); err != nil {
		panic(err)
	}
	return s
}
