// Package oprf implements the verifiable oblivious pseudorandom function of
// RFC 9497 (VOPRF mode, suite ristretto255-SHA512) for leakcheck's OPRF key
// mode: key generation, direct evaluation by the key holder, blinding, batch
// evaluation with a batched DLEQ proof, proof verification and finalization.
//
// The group arithmetic is github.com/gtank/ristretto255; this package adds
// the protocol of RFC 9497 §2–3 on top of it, checked against the RFC's
// test vectors and cloudflare/circl, and a multi-scalar multiplication by
// Pippenger's bucket method (msm.go) for the composite elements of a batch
// proof: a batch of n elements costs about 1.25·n scalar multiplications to
// evaluate and 1.7·n to verify, unblind and finalize, where a per-element
// loop (as in cloudflare/circl) costs 2n and 3n (BenchmarkFloor;
// docs/performance.md has the measurements).
//
// Operations on secret scalars (the private key, blinds, proof nonces) are
// constant time; only the public proof verification uses variable-time
// multi-scalar multiplication.
package oprf

import (
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/gtank/ristretto255"
)

// Suite is the RFC 9497 cipher suite identifier.
const Suite = "ristretto255-SHA512"

// Sizes of serialized values.
const (
	ElementSize = 32
	ScalarSize  = 32
	ProofSize   = 2 * ScalarSize
	OutputSize  = sha512.Size
)

// MaxBatch is the largest batch one proof can cover: RFC 9497 encodes an
// element's position in a batch in two bytes.
const MaxBatch = 1<<16 - 1

// modeVOPRF is RFC 9497's mode byte for the verifiable mode.
const modeVOPRF = 0x01

// contextString is "OPRFV1-" || I2OSP(mode, 1) || "-" || identifier.
var contextString = "OPRFV1-" + string([]byte{modeVOPRF}) + "-" + Suite

var (
	dstHashToGroup  = []byte("HashToGroup-" + contextString)
	dstHashToScalar = []byte("HashToScalar-" + contextString)
	dstDeriveKey    = []byte("DeriveKeyPair" + contextString)
	dstSeed         = []byte("Seed-" + contextString)
)

// Errors a client gets from a bad evaluation.
var (
	ErrInvalidProof = errors.New("the proof does not verify: the elements were not evaluated with the expected key, or they were reordered, altered or mixed with others")
	ErrInvalidInput = errors.New("invalid input")
)

// Element is a serialized ristretto255 element.
type Element = [ElementSize]byte

// Proof is a serialized DLEQ proof: c || s.
type Proof = [ProofSize]byte

// Output is a PRF output.
type Output = [OutputSize]byte

// PublicKey is a serialized public key, k·G.
type PublicKey = Element

// PrivateKey is a VOPRF private key.
type PrivateKey struct {
	k   *ristretto255.Scalar
	pub PublicKey
}

// expandMessageXMD is expand_message_xmd of RFC 9380 §5.3.1 with SHA-512,
// for an output of 64 bytes (one hash block: ell = 1).
func expandMessageXMD(out *[64]byte, dst []byte, msg ...[]byte) {
	h := sha512.New()
	var zpad [sha512.BlockSize]byte
	h.Write(zpad[:])
	for _, m := range msg {
		h.Write(m)
	}
	h.Write([]byte{0, 64, 0}) // I2OSP(len_in_bytes, 2) || I2OSP(0, 1)
	h.Write(dst)
	h.Write([]byte{byte(len(dst))})
	var b0 [64]byte
	h.Sum(b0[:0])
	h.Reset()
	h.Write(b0[:])
	h.Write([]byte{1})
	h.Write(dst)
	h.Write([]byte{byte(len(dst))})
	h.Sum(out[:0])
}

// hashToGroup is HashToGroup of RFC 9497 §4.1 (hash_to_ristretto255 of RFC 9380).
func hashToGroup(input []byte) *ristretto255.Element {
	var u [64]byte
	expandMessageXMD(&u, dstHashToGroup, input)
	return ristretto255.NewElement().FromUniformBytes(u[:])
}

// hashToScalar is HashToScalar of RFC 9497 §4.1 with the given DST.
func hashToScalar(dst []byte, msg ...[]byte) *ristretto255.Scalar {
	var u [64]byte
	expandMessageXMD(&u, dst, msg...)
	return ristretto255.NewScalar().FromUniformBytes(u[:])
}

var zeroScalar = ristretto255.NewScalar()
var identity = ristretto255.NewElement()

// RandomScalar returns a uniformly random non-zero scalar read from r.
func RandomScalar(r io.Reader) (*ristretto255.Scalar, error) {
	var b [64]byte
	for {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("reading random bytes: %w", err)
		}
		s := ristretto255.NewScalar().FromUniformBytes(b[:])
		clear(b[:])
		if s.Equal(zeroScalar) == 0 {
			return s, nil
		}
	}
}

// GenerateKey returns a new random private key.
func GenerateKey(r io.Reader) (*PrivateKey, error) {
	k, err := RandomScalar(r)
	if err != nil {
		return nil, err
	}
	return newKey(k), nil
}

func newKey(k *ristretto255.Scalar) *PrivateKey {
	sk := &PrivateKey{k: k}
	ristretto255.NewElement().ScalarBaseMult(k).Encode(sk.pub[:0])
	return sk
}

// DeriveKey is DeriveKeyPair of RFC 9497 §3.2.1.
func DeriveKey(seed, info []byte) (*PrivateKey, error) {
	if len(info) > 1<<16-1 {
		return nil, ErrInvalidInput
	}
	in := append(append(append([]byte(nil), seed...), byte(len(info)>>8), byte(len(info))), info...)
	for counter := 0; counter < 256; counter++ {
		k := hashToScalar(dstDeriveKey, in, []byte{byte(counter)})
		if k.Equal(zeroScalar) == 0 {
			return newKey(k), nil
		}
	}
	return nil, errors.New("DeriveKeyPair: no key after 256 tries")
}

// ParsePrivateKey reads a serialized private key (a canonical non-zero scalar).
func ParsePrivateKey(b []byte) (*PrivateKey, error) {
	if len(b) != ScalarSize {
		return nil, fmt.Errorf("private key is %d bytes, want %d", len(b), ScalarSize)
	}
	k := ristretto255.NewScalar()
	if err := k.Decode(b); err != nil || k.Equal(zeroScalar) == 1 {
		return nil, errors.New("not a valid ristretto255 private key")
	}
	return newKey(k), nil
}

// Bytes serializes the private key.
func (sk *PrivateKey) Bytes() []byte { return sk.k.Encode(nil) }

// Public returns the public key.
func (sk *PrivateKey) Public() PublicKey { return sk.pub }

// decodeElement deserializes an element, refusing the identity (RFC 9497 §2.1).
func decodeElement(b *Element) (*ristretto255.Element, error) {
	e := ristretto255.NewElement()
	if err := e.Decode(b[:]); err != nil {
		return nil, errors.New("not a valid ristretto255 element")
	}
	if e.Equal(identity) == 1 {
		return nil, errors.New("identity element")
	}
	return e, nil
}

// CheckPublicKey reports whether pk is a valid public key.
func CheckPublicKey(pk *PublicKey) error {
	_, err := decodeElement(pk)
	return err
}

func encode(e *ristretto255.Element) (out Element) {
	e.Encode(out[:0])
	return out
}

// finalizeHash is the last step of Finalize (RFC 9497 §3.3.2) and of direct
// evaluation: Hash(len(input) || input || len(element) || element || "Finalize").
func finalizeHash(input []byte, unblinded *Element, out *Output) {
	h := sha512.New()
	var l [2]byte
	binary.BigEndian.PutUint16(l[:], uint16(len(input)))
	h.Write(l[:])
	h.Write(input)
	h.Write([]byte{0, ElementSize})
	h.Write(unblinded[:])
	h.Write([]byte("Finalize"))
	h.Sum(out[:0])
}

// MaxInputSize is the longest PRF input RFC 9497 allows.
const MaxInputSize = 1<<16 - 1

// Evaluate is the key holder's direct evaluation of the PRF on input (the
// "Evaluate" of RFC 9497 §3.3.1's server, without blinding): one hash to the
// group and one scalar multiplication.
func (sk *PrivateKey) Evaluate(input []byte, out *Output) error {
	if len(input) > MaxInputSize {
		return ErrInvalidInput
	}
	p := hashToGroup(input)
	if p.Equal(identity) == 1 {
		return ErrInvalidInput
	}
	e := encode(p.ScalarMult(sk.k, p))
	finalizeHash(input, &e, out)
	return nil
}

// Blind is the client's Blind of RFC 9497 §3.3.1 with a given blind r:
// r·HashToGroup(input).
func Blind(input []byte, r *ristretto255.Scalar) (Element, error) {
	if len(input) > MaxInputSize || r.Equal(zeroScalar) == 1 {
		return Element{}, ErrInvalidInput
	}
	p := hashToGroup(input)
	if p.Equal(identity) == 1 {
		return Element{}, ErrInvalidInput
	}
	return encode(p.ScalarMult(r, p)), nil
}

// Unblind is the group step of Finalize: rInv·evaluated, where rInv is the
// inverse of the element's blind (see InvertBatch). evaluated must have been
// checked with VerifyBatch.
func Unblind(rInv *ristretto255.Scalar, evaluated *Element) (Element, error) {
	d, err := decodeElement(evaluated)
	if err != nil {
		return Element{}, err
	}
	return encode(d.ScalarMult(rInv, d)), nil
}

// FinalizeUnblinded is the hash step of Finalize (RFC 9497 §3.3.2) on an
// unblinded element from Unblind.
func FinalizeUnblinded(input []byte, unblinded *Element, out *Output) {
	finalizeHash(input, unblinded, out)
}

// InvertBatch sets inv[i] = 1/s[i] with one inversion and 3(n-1)
// multiplications (Montgomery's trick). Every s[i] must be non-zero.
func InvertBatch(s []*ristretto255.Scalar) []*ristretto255.Scalar {
	n := len(s)
	inv := make([]*ristretto255.Scalar, n)
	if n == 0 {
		return inv
	}
	prefix := make([]*ristretto255.Scalar, n)
	acc := ristretto255.NewScalar().Add(s[0], zeroScalar)
	prefix[0] = ristretto255.NewScalar().Add(acc, zeroScalar)
	for i := 1; i < n; i++ {
		acc.Multiply(acc, s[i])
		prefix[i] = ristretto255.NewScalar().Add(acc, zeroScalar)
	}
	accInv := ristretto255.NewScalar().Invert(acc)
	for i := n - 1; i > 0; i-- {
		inv[i] = ristretto255.NewScalar().Multiply(accInv, prefix[i-1])
		accInv.Multiply(accInv, s[i])
	}
	inv[0] = accInv
	return inv
}

// compositeScalars computes the d_i of ComputeComposites (RFC 9497 §2.2.1).
func compositeScalars(pk *PublicKey, c, d []Element) []*ristretto255.Scalar {
	h := sha512.New()
	h.Write([]byte{0, ElementSize})
	h.Write(pk[:])
	h.Write([]byte{0, byte(len(dstSeed))})
	h.Write(dstSeed)
	seed := h.Sum(nil)
	ds := make([]*ristretto255.Scalar, len(c))
	var pre [2 + 64]byte
	binary.BigEndian.PutUint16(pre[:], uint16(len(seed)))
	copy(pre[2:], seed)
	var mid [2 + 2 + ElementSize + 2 + ElementSize]byte
	for i := range c {
		binary.BigEndian.PutUint16(mid[0:], uint16(i))
		binary.BigEndian.PutUint16(mid[2:], ElementSize)
		copy(mid[4:], c[i][:])
		binary.BigEndian.PutUint16(mid[4+ElementSize:], ElementSize)
		copy(mid[6+ElementSize:], d[i][:])
		ds[i] = hashToScalar(dstHashToScalar, pre[:], mid[:], []byte("Composite"))
	}
	return ds
}

// challenge computes c of GenerateProof/VerifyProof (RFC 9497 §2.2).
func challenge(pk *PublicKey, m, z, t2, t3 *Element) *ristretto255.Scalar {
	var buf [5 * (2 + ElementSize)]byte
	for i, e := range []*Element{pk, m, z, t2, t3} {
		o := i * (2 + ElementSize)
		binary.BigEndian.PutUint16(buf[o:], ElementSize)
		copy(buf[o+2:], e[:])
	}
	return hashToScalar(dstHashToScalar, buf[:], []byte("Challenge"))
}

func checkBatch(blinded, evaluated []Element) error {
	if len(blinded) == 0 || len(blinded) > MaxBatch || len(evaluated) != len(blinded) {
		return fmt.Errorf("a batch needs 1 to %d elements and as many evaluations, got %d and %d", MaxBatch, len(blinded), len(evaluated))
	}
	return nil
}

// EvaluateBatch is the server's BlindEvaluate of RFC 9497 §3.3.2 for a batch:
// k·C_i for each blinded element, and one DLEQ proof for the whole batch
// whose nonce is read from r. It returns an error naming the position of an
// element that is not a valid non-identity element.
func (sk *PrivateKey) EvaluateBatch(blinded []Element, r io.Reader) ([]Element, Proof, error) {
	nonce, err := RandomScalar(r)
	if err != nil {
		return nil, Proof{}, err
	}
	return sk.evaluateBatch(blinded, nonce)
}

func (sk *PrivateKey) evaluateBatch(blinded []Element, nonce *ristretto255.Scalar) ([]Element, Proof, error) {
	if len(blinded) == 0 || len(blinded) > MaxBatch {
		return nil, Proof{}, fmt.Errorf("a batch needs 1 to %d elements, got %d", MaxBatch, len(blinded))
	}
	cs := make([]*ristretto255.Element, len(blinded))
	evaluated := make([]Element, len(blinded))
	for i := range blinded {
		c, err := decodeElement(&blinded[i])
		if err != nil {
			return nil, Proof{}, fmt.Errorf("element %d: %w", i, err)
		}
		cs[i] = c
		evaluated[i] = encode(ristretto255.NewElement().ScalarMult(sk.k, c))
	}
	// ComputeCompositesFast: M = Σ d_i·C_i (public values: variable time), Z = k·M.
	ds := compositeScalars(&sk.pub, blinded, evaluated)
	m := varTimeMSM(ds, cs)
	z := ristretto255.NewElement().ScalarMult(sk.k, m)
	t2 := ristretto255.NewElement().ScalarBaseMult(nonce)
	t3 := ristretto255.NewElement().ScalarMult(nonce, m)
	em, ez, et2, et3 := encode(m), encode(z), encode(t2), encode(t3)
	c := challenge(&sk.pub, &em, &ez, &et2, &et3)
	s := ristretto255.NewScalar().Subtract(nonce, ristretto255.NewScalar().Multiply(c, sk.k))
	var p Proof
	c.Encode(p[:0])
	s.Encode(p[ScalarSize:ScalarSize])
	return evaluated, p, nil
}

// VerifyBatch is the client's VerifyProof of RFC 9497 §2.2.2 for a batch:
// it reports whether evaluated[i] = k·blinded[i] for every i, for the k
// behind pk, in this order.
func VerifyBatch(pk *PublicKey, blinded, evaluated []Element, p *Proof) error {
	_, err := verifyBatch(pk, blinded, evaluated, p)
	return err
}

// VerifyUnblindBatch verifies a batch as VerifyBatch does and unblinds it:
// out[i] = rInv[i]·evaluated[i], each evaluated element decoded once for
// both (see InvertBatch for rInv).
func VerifyUnblindBatch(pk *PublicKey, blinded, evaluated []Element, p *Proof, rInv []*Scalar, out []Element) error {
	if len(rInv) != len(evaluated) || len(out) != len(evaluated) {
		return fmt.Errorf("%d evaluated elements, %d inverted blinds, room for %d", len(evaluated), len(rInv), len(out))
	}
	zs, err := verifyBatch(pk, blinded, evaluated, p)
	if err != nil {
		return err
	}
	for i, z := range zs {
		out[i] = encode(z.ScalarMult(rInv[i], z))
	}
	return nil
}

// verifyBatch verifies a batch and returns the decoded evaluated elements.
func verifyBatch(pk *PublicKey, blinded, evaluated []Element, p *Proof) ([]*ristretto255.Element, error) {
	if err := checkBatch(blinded, evaluated); err != nil {
		return nil, err
	}
	b, err := decodeElement(pk)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	cs := make([]*ristretto255.Element, len(blinded))
	zs := make([]*ristretto255.Element, len(blinded))
	for i := range blinded {
		if cs[i], err = decodeElement(&blinded[i]); err != nil {
			return nil, fmt.Errorf("blinded element %d: %w", i, err)
		}
		if zs[i], err = decodeElement(&evaluated[i]); err != nil {
			return nil, fmt.Errorf("evaluated element %d: %w", i, err)
		}
	}
	c, s := ristretto255.NewScalar(), ristretto255.NewScalar()
	if c.Decode(p[:ScalarSize]) != nil || s.Decode(p[ScalarSize:]) != nil {
		return nil, ErrInvalidProof
	}
	ds := compositeScalars(pk, blinded, evaluated)
	m := varTimeMSM(ds, cs)
	z := varTimeMSM(ds, zs)
	t2 := ristretto255.NewElement().VarTimeDoubleScalarBaseMult(c, b, s)
	t3 := ristretto255.NewElement().VarTimeMultiScalarMult([]*ristretto255.Scalar{s, c}, []*ristretto255.Element{m, z})
	em, ez, et2, et3 := encode(m), encode(z), encode(t2), encode(t3)
	if challenge(pk, &em, &ez, &et2, &et3).Equal(c) != 1 {
		return nil, ErrInvalidProof
	}
	return zs, nil
}

// Scalar is a ristretto255 scalar (a blind or its inverse).
type Scalar = ristretto255.Scalar

// ScalarFromUniform reduces 64 uniformly random bytes to a scalar; it
// returns nil for the (negligibly likely) zero scalar, which cannot blind.
func ScalarFromUniform(b *[64]byte) *Scalar {
	s := ristretto255.NewScalar().FromUniformBytes(b[:])
	if s.Equal(zeroScalar) == 1 {
		return nil
	}
	return s
}

// DecodeScalar reads a canonical serialized scalar.
func DecodeScalar(b []byte) (*Scalar, error) {
	s := ristretto255.NewScalar()
	if len(b) != ScalarSize || s.Decode(b) != nil {
		return nil, errors.New("not a canonical ristretto255 scalar")
	}
	return s, nil
}
