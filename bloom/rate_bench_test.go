package bloom

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func BenchmarkExactRate(b *testing.B) {
	for _, m := range []uint64{64, 192, 1856, 4160, 8192, 16320} {
		b.Run(fmt.Sprint(m), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 1))
			words := make([]uint64, m/64)
			for i := range words {
				words[i] = r.Uint64() & r.Uint64()
			}
			for b.Loop() {
				exactRate(words, 20)
			}
		})
	}
}

func BenchmarkDistinctBits(b *testing.B) {
	for _, m := range []uint64{192, 65536, 4 << 20, 4<<20 - 64} {
		b.Run(fmt.Sprint(m), func(b *testing.B) {
			for b.Loop() {
				computeDistinctBits(m, 20)
			}
		})
	}
}

func TestAndRotated(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	for _, n := range []int{1, 2, 3, 7, 64} {
		words := make([]uint64, n)
		for i := range words {
			words[i] = r.Uint64()
		}
		m := uint64(n) * 64
		for o := range m {
			acc := make([]uint64, n)
			for i := range acc {
				acc[i] = ^uint64(0)
			}
			andRotated(acc, words, o)
			for tt := range m {
				want := words[(tt+o)%m/64] >> ((tt + o) % m % 64) & 1
				got := acc[tt/64] >> (tt % 64) & 1
				if want != got {
					t.Fatalf("n=%d o=%d t=%d", n, o, tt)
				}
			}
		}
	}
}
