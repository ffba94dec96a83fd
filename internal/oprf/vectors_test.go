package oprf

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// The test vectors of RFC 9497 Appendix A.1.2 (VOPRF mode,
// ristretto255-SHA512), as published with the RFC.
type vectorSuite struct {
	Identifier string `json:"identifier"`
	Mode       int    `json:"mode"`
	Seed       string `json:"seed"`
	KeyInfo    string `json:"keyInfo"`
	SkSm       string `json:"skSm"`
	PkSm       string `json:"pkSm"`
	Vectors    []struct {
		Batch             int    `json:"Batch"`
		Blind             string `json:"Blind"`
		BlindedElement    string `json:"BlindedElement"`
		EvaluationElement string `json:"EvaluationElement"`
		Input             string `json:"Input"`
		Output            string `json:"Output"`
		Proof             struct {
			Proof string `json:"proof"`
			R     string `json:"r"`
		} `json:"Proof"`
	} `json:"vectors"`
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func unhexList(t *testing.T, s string) [][]byte {
	var out [][]byte
	for _, p := range strings.Split(s, ",") {
		out = append(out, unhex(t, p))
	}
	return out
}

func elements(t *testing.T, s string) []Element {
	var out []Element
	for _, b := range unhexList(t, s) {
		out = append(out, Element(b))
	}
	return out
}

func TestRFC9497Vectors(t *testing.T) {
	raw, err := os.ReadFile("testdata/rfc9497-voprf-ristretto255-sha512.json")
	if err != nil {
		t.Fatal(err)
	}
	var suites []vectorSuite
	if err := json.Unmarshal(raw, &suites); err != nil {
		t.Fatal(err)
	}
	if len(suites) != 1 || suites[0].Identifier != Suite || suites[0].Mode != modeVOPRF {
		t.Fatalf("want one VOPRF %s suite, got %d", Suite, len(suites))
	}
	v := suites[0]
	sk, err := DeriveKey(unhex(t, v.Seed), unhex(t, v.KeyInfo))
	if err != nil {
		t.Fatal(err)
	}
	if got := sk.Bytes(); !bytes.Equal(got, unhex(t, v.SkSm)) {
		t.Fatalf("DeriveKeyPair: skSm = %x, want %s", got, v.SkSm)
	}
	pk := sk.Public()
	if !bytes.Equal(pk[:], unhex(t, v.PkSm)) {
		t.Fatalf("pkSm = %x, want %s", pk, v.PkSm)
	}
	if len(v.Vectors) != 3 {
		t.Fatalf("%d vectors, want 3", len(v.Vectors))
	}
	for n, tv := range v.Vectors {
		inputs := unhexList(t, tv.Input)
		blinds := unhexList(t, tv.Blind)
		wantBlinded := elements(t, tv.BlindedElement)
		wantEval := elements(t, tv.EvaluationElement)
		outputs := unhexList(t, tv.Output)
		if len(inputs) != tv.Batch || len(blinds) != tv.Batch || len(wantBlinded) != tv.Batch || len(wantEval) != tv.Batch || len(outputs) != tv.Batch {
			t.Fatalf("vector %d: inconsistent batch", n)
		}
		var rs []*Scalar
		var blinded []Element
		for i := range inputs {
			r, err := DecodeScalar(blinds[i])
			if err != nil {
				t.Fatal(err)
			}
			rs = append(rs, r)
			c, err := Blind(inputs[i], r)
			if err != nil {
				t.Fatal(err)
			}
			if c != wantBlinded[i] {
				t.Errorf("vector %d element %d: Blind = %x, want %x", n, i, c, wantBlinded[i])
			}
			blinded = append(blinded, c)
		}
		nonce, err := DecodeScalar(unhex(t, tv.Proof.R))
		if err != nil {
			t.Fatal(err)
		}
		evaluated, proof, err := sk.evaluateBatch(blinded, nonce)
		if err != nil {
			t.Fatal(err)
		}
		for i := range evaluated {
			if evaluated[i] != wantEval[i] {
				t.Errorf("vector %d element %d: BlindEvaluate = %x, want %x", n, i, evaluated[i], wantEval[i])
			}
		}
		if !bytes.Equal(proof[:], unhex(t, tv.Proof.Proof)) {
			t.Errorf("vector %d: proof = %x, want %s", n, proof, tv.Proof.Proof)
		}
		if err := VerifyBatch(&pk, blinded, evaluated, &proof); err != nil {
			t.Errorf("vector %d: VerifyBatch: %v", n, err)
		}
		inv := InvertBatch(rs)
		for i := range inputs {
			u, err := Unblind(inv[i], &evaluated[i])
			if err != nil {
				t.Fatal(err)
			}
			var out Output
			FinalizeUnblinded(inputs[i], &u, &out)
			if !bytes.Equal(out[:], outputs[i]) {
				t.Errorf("vector %d element %d: Finalize = %x, want %x", n, i, out, outputs[i])
			}
			var direct Output
			if err := sk.Evaluate(inputs[i], &direct); err != nil {
				t.Fatal(err)
			}
			if direct != out {
				t.Errorf("vector %d element %d: direct evaluation differs from Finalize", n, i)
			}
		}
	}
}
