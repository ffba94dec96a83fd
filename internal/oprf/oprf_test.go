package oprf

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	circl "github.com/cloudflare/circl/oprf"
	"github.com/cloudflare/circl/zk/dleq"
)

// seeded is a deterministic random source for tests.
type seeded struct{ r *rand.ChaCha8 }

func newSeeded(seed byte) *seeded { return &seeded{rand.NewChaCha8([32]byte{seed})} }

func (s *seeded) Read(p []byte) (int, error) { return s.r.Read(p) }

func batch(t testing.TB, n int, rnd *seeded) (inputs [][]byte, rs []*Scalar, blinded []Element) {
	for i := range n {
		in := []byte(fmt.Sprintf("input %d", i))
		r, err := RandomScalar(rnd)
		if err != nil {
			t.Fatal(err)
		}
		c, err := Blind(in, r)
		if err != nil {
			t.Fatal(err)
		}
		inputs, rs, blinded = append(inputs, in), append(rs, r), append(blinded, c)
	}
	return
}

// TestProofRefusals: every way an evaluation can differ from "these elements
// under this key, in this order" fails verification.
func TestProofRefusals(t *testing.T) {
	rnd := newSeeded(1)
	sk, _ := GenerateKey(rnd)
	other, _ := GenerateKey(rnd)
	_, _, blinded := batch(t, 20, rnd)
	eval, proof, err := sk.EvaluateBatch(blinded, rnd)
	if err != nil {
		t.Fatal(err)
	}
	pk, otherPK := sk.Public(), other.Public()
	if err := VerifyBatch(&pk, blinded, eval, &proof); err != nil {
		t.Fatalf("honest batch: %v", err)
	}
	otherEval, otherProof, _ := other.EvaluateBatch(blinded, rnd)
	swapped := append([]Element(nil), eval...)
	swapped[3], swapped[4] = swapped[4], swapped[3]
	altered := append([]Element(nil), eval...)
	altered[7] = otherEval[7]
	badProof := proof
	badProof[40] ^= 1
	cases := []struct {
		name      string
		pk        *PublicKey
		blinded   []Element
		evaluated []Element
		proof     *Proof
	}{
		{"another key, its own proof, checked against the filter's key", &pk, blinded, otherEval, &otherProof},
		{"another key's public key", &otherPK, blinded, eval, &proof},
		{"reordered evaluations", &pk, blinded, swapped, &proof},
		{"one evaluation from another key", &pk, blinded, altered, &proof},
		{"truncated", &pk, blinded[:19], eval[:19], &proof},
		{"damaged proof", &pk, blinded, eval, &badProof},
		{"other blinded elements", &pk, append(append([]Element(nil), blinded[1:]...), blinded[0]), eval, &proof},
	}
	for _, c := range cases {
		if err := VerifyBatch(c.pk, c.blinded, c.evaluated, c.proof); err == nil {
			t.Errorf("%s: verified", c.name)
		}
	}
	if err := VerifyBatch(&pk, blinded, eval[:19], &proof); err == nil {
		t.Error("fewer evaluations than blinded elements: verified")
	}
}

// TestCirclInterop runs each side of the protocol against cloudflare/circl's
// independent implementation of RFC 9497, at a batch size below the
// bucket method's threshold (the library's multi-scalar multiplication) and
// at sizes above it.
func TestCirclInterop(t *testing.T) {
	for _, n := range []int{50, pippengerMin, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) { testCirclInterop(t, n) })
	}
}

func testCirclInterop(t *testing.T, n int) {
	rnd := newSeeded(2)
	sk, _ := GenerateKey(rnd)
	var ck circl.PrivateKey
	if err := ck.UnmarshalBinary(circl.SuiteRistretto255, sk.Bytes()); err != nil {
		t.Fatal(err)
	}
	cpk, _ := ck.Public().MarshalBinary()
	pk := sk.Public()
	if !bytes.Equal(cpk, pk[:]) {
		t.Fatal("public keys differ")
	}
	inputs, rs, blinded := batch(t, n, rnd)

	// circl's server evaluates our blinded elements; we verify and finalize.
	var req circl.EvaluationRequest
	g := circl.SuiteRistretto255.Group()
	for i := range blinded {
		e := g.NewElement()
		if err := e.UnmarshalBinary(blinded[i][:]); err != nil {
			t.Fatal(err)
		}
		req.Elements = append(req.Elements, e)
	}
	ev, err := circl.NewVerifiableServer(circl.SuiteRistretto255, &ck).Evaluate(&req)
	if err != nil {
		t.Fatal(err)
	}
	var eval []Element
	for _, e := range ev.Elements {
		b, _ := e.MarshalBinaryCompress()
		eval = append(eval, Element(b))
	}
	pb, _ := ev.Proof.MarshalBinary()
	if err := VerifyBatch(&pk, blinded, eval, (*Proof)(pb)); err != nil {
		t.Fatalf("circl's proof does not verify here: %v", err)
	}
	inv := InvertBatch(rs)
	unblinded := make([]Element, n)
	if err := VerifyUnblindBatch(&pk, blinded, eval, (*Proof)(pb), inv, unblinded); err != nil {
		t.Fatalf("circl's proof does not verify here: %v", err)
	}
	server := circl.NewVerifiableServer(circl.SuiteRistretto255, &ck)
	for i := range inputs {
		u, err := Unblind(inv[i], &eval[i])
		if err != nil {
			t.Fatal(err)
		}
		if u != unblinded[i] {
			t.Fatalf("element %d: VerifyUnblindBatch and Unblind differ", i)
		}
		var out Output
		FinalizeUnblinded(inputs[i], &u, &out)
		if !server.VerifyFinalize(inputs[i], out[:]) {
			t.Fatalf("element %d: circl disagrees with our output", i)
		}
	}

	// We evaluate circl's blinded elements; circl verifies and finalizes.
	client := circl.NewVerifiableClient(circl.SuiteRistretto255, ck.Public())
	fin, creq, err := client.Blind(inputs)
	if err != nil {
		t.Fatal(err)
	}
	var cb []Element
	for _, e := range creq.Elements {
		b, _ := e.MarshalBinaryCompress()
		cb = append(cb, Element(b))
	}
	ours, proof, err := sk.EvaluateBatch(cb, rnd)
	if err != nil {
		t.Fatal(err)
	}
	var cev circl.Evaluation
	for i := range ours {
		e := g.NewElement()
		if err := e.UnmarshalBinary(ours[i][:]); err != nil {
			t.Fatal(err)
		}
		cev.Elements = append(cev.Elements, e)
	}
	cev.Proof = new(dleq.Proof)
	if err := cev.Proof.UnmarshalBinary(g, proof[:]); err != nil {
		t.Fatal(err)
	}
	outs, err := client.Finalize(fin, &cev)
	if err != nil {
		t.Fatalf("circl refuses our evaluation: %v", err)
	}
	for i := range inputs {
		var direct Output
		sk.Evaluate(inputs[i], &direct)
		if !bytes.Equal(outs[i], direct[:]) {
			t.Fatalf("element %d: circl's output differs from our direct evaluation", i)
		}
	}
}
