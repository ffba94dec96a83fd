package oprf

import (
	"testing"

	circl "github.com/cloudflare/circl/oprf"
	"github.com/gtank/ristretto255"
)

// Per-element costs of each phase, this package against cloudflare/circl,
// with a batch of benchBatch elements; run with
// go test -run X -bench . -cpu 1 ./internal/oprf/ (docs/performance.md).
const benchBatch = 1024

func perElement(b *testing.B, f func()) {
	b.ResetTimer()
	for b.Loop() {
		f()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchBatch/1000, "µs/element")
}

func BenchmarkScalarMult(b *testing.B) {
	rnd := newSeeded(9)
	s, _ := RandomScalar(rnd)
	p := hashToGroup([]byte("x"))
	q := ristretto255.NewElement()
	for b.Loop() {
		q.ScalarMult(s, p)
	}
}

func BenchmarkOurs(b *testing.B) {
	rnd := newSeeded(3)
	sk, _ := GenerateKey(rnd)
	pk := sk.Public()
	inputs, rs, blinded := batch(b, benchBatch, rnd)
	eval, proof, _ := sk.EvaluateBatch(blinded, rnd)
	b.Run("direct", func(b *testing.B) {
		var out Output
		perElement(b, func() {
			for _, in := range inputs {
				sk.Evaluate(in, &out)
			}
		})
	})
	b.Run("blind", func(b *testing.B) {
		perElement(b, func() {
			for i, in := range inputs {
				Blind(in, rs[i])
			}
		})
	})
	b.Run("evaluate", func(b *testing.B) {
		perElement(b, func() { sk.EvaluateBatch(blinded, rnd) })
	})
	b.Run("finalize", func(b *testing.B) {
		perElement(b, func() {
			if err := VerifyBatch(&pk, blinded, eval, &proof); err != nil {
				b.Fatal(err)
			}
			inv := InvertBatch(rs)
			var out Output
			for i := range inputs {
				u, _ := Unblind(inv[i], &eval[i])
				FinalizeUnblinded(inputs[i], &u, &out)
			}
		})
	})
}

func BenchmarkCircl(b *testing.B) {
	rnd := newSeeded(4)
	s := circl.SuiteRistretto255
	sk, _ := circl.GenerateKey(s, rnd)
	server := circl.NewVerifiableServer(s, sk)
	client := circl.NewVerifiableClient(s, sk.Public())
	inputs, _, _ := batch(b, benchBatch, rnd)
	fin, req, _ := client.Blind(inputs)
	ev, _ := server.Evaluate(req)
	b.Run("direct", func(b *testing.B) {
		perElement(b, func() {
			for _, in := range inputs {
				server.FullEvaluate(in)
			}
		})
	})
	b.Run("blind", func(b *testing.B) {
		perElement(b, func() { client.Blind(inputs) })
	})
	b.Run("evaluate", func(b *testing.B) {
		perElement(b, func() { server.Evaluate(req) })
	})
	b.Run("finalize", func(b *testing.B) {
		perElement(b, func() {
			if _, err := client.Finalize(fin, ev); err != nil {
				b.Fatal(err)
			}
		})
	})
}
