// Package oprfexchange runs the OPRF key mode's exchange on the files of
// package exchange: the tags and blinds of the registry's request, the
// analyst's evaluation of a request (batched DLEQ proofs, both cores), and
// the registry's verification and finalization of the response into the
// identifier keys its check needs.
package oprfexchange

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"
	"io"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/leakcheck/leakcheck/exchange"
	"github.com/leakcheck/leakcheck/internal/keyhash"
	"github.com/leakcheck/leakcheck/internal/oprf"
)

// Tagger computes the registry's tags and blinds. Safe for concurrent use.
type Tagger struct {
	seed, tagKey [exchange.SecretSize]byte
	macs         sync.Pool // of keyed HMAC-SHA256 states: Reset keeps the key's pads
}

// NewTagger returns a Tagger for a state's secrets.
func NewTagger(seed, tagKey *[exchange.SecretSize]byte) *Tagger {
	t := &Tagger{seed: *seed, tagKey: *tagKey}
	t.macs.New = func() any { return hmac.New(sha256.New, t.tagKey[:]) }
	return t
}

// Tag is HMAC-SHA256(tag key, PRF input), first 16 bytes: it finds a PRF
// input's position in the request without the state holding the input.
func (t *Tagger) Tag(input []byte) (tag exchange.Tag) {
	m := t.macs.Get().(hash.Hash)
	m.Reset()
	m.Write(input)
	var sum [sha256.Size]byte
	copy(tag[:], m.Sum(sum[:0]))
	m.Reset()
	t.macs.Put(m)
	return tag
}

// Blind is the blind of the input with the given tag:
// SHA-512("leakcheck oprf blind v1" || 0x00 || seed || tag) reduced to a
// scalar. Deriving it from the tag lets every worker blind independently
// and keeps the state at 48 bytes per element.
func (t *Tagger) Blind(tag *exchange.Tag) *oprf.Scalar {
	h := sha512.New()
	h.Write([]byte("leakcheck oprf blind v1\x00"))
	h.Write(t.seed[:])
	h.Write(tag[:])
	var u [64]byte
	h.Sum(u[:0])
	s := oprf.ScalarFromUniform(&u)
	clear(u[:])
	if s == nil { // probability 2^-252; a zero blind would reveal the input
		panic("oprfexchange: zero blind")
	}
	return s
}

// Workers is the default parallelism.
func Workers() int { return runtime.GOMAXPROCS(0) }

// EvaluateStats says what Evaluate served.
type EvaluateStats struct {
	Elements uint64
	Batches  int
}

// ErrOverLimit is returned by Evaluate for a request above the limit.
var ErrOverLimit = errors.New("request above the agreed number of evaluations")

// Evaluate answers the request read by req with sk: each batch's elements
// evaluated, in order, with one DLEQ proof per batch, written to w as a
// response. A request with more than limit elements is refused before any
// evaluation. workers batches are evaluated at once.
func Evaluate(ctx context.Context, req *exchange.RequestReader, w io.Writer, sk *oprf.PrivateKey, limit uint64, workers int, rnd io.Reader, tool string) (*EvaluateStats, error) {
	h := req.Header
	pk := sk.Public()
	if !bytes.Equal(h.PublicKey, pk[:]) {
		return nil, errors.New("the request is for a filter under another OPRF key (its public key is not this key's)")
	}
	if h.Elements > limit {
		return nil, fmt.Errorf("%w: the request holds %d elements, over --max %d", ErrOverLimit, h.Elements, limit)
	}
	resp := exchange.Response{Exchange: h.Exchange}
	resp.Tool, resp.Created = tool, time.Now().UTC().Truncate(time.Second)
	rw, err := exchange.NewResponseWriter(w, &resp)
	if err != nil {
		return nil, err
	}
	if workers < 1 {
		workers = Workers()
	}
	st := &EvaluateStats{}
	type job struct {
		batch   int
		in, out []exchange.Element
		proof   exchange.Proof
		err     error
	}
	// Each worker's nonce source: the caller's reader, serialised.
	var rmu sync.Mutex
	nonces := readerFunc(func(p []byte) (int, error) {
		rmu.Lock()
		defer rmu.Unlock()
		return io.ReadFull(rnd, p)
	})
	batch := 0
	next := func() (*job, error) {
		in, err := req.Next(nil)
		if err != nil {
			return nil, err
		}
		batch++
		return &job{batch: batch, in: in}, nil
	}
	work := func(jb *job) {
		jb.out, jb.proof, jb.err = sk.EvaluateBatch(jb.in, nonces)
		if jb.err != nil {
			jb.err = fmt.Errorf("batch %d: %w", jb.batch, jb.err)
		}
	}
	emit := func(jb *job) error {
		if jb.err != nil {
			return jb.err
		}
		if err := rw.Write(jb.out, &jb.proof); err != nil {
			return err
		}
		st.Elements += uint64(len(jb.out))
		st.Batches++
		return nil
	}
	if err := pipeline(ctx, workers, next, work, emit); err != nil {
		return nil, err
	}
	if err := rw.Close(); err != nil {
		return nil, err
	}
	return st, nil
}

type readerFunc func(p []byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// ErrNotRequested is returned by Keys.Key for an identifier that was not in
// the request: the registry changed since blind.
var ErrNotRequested = errors.New("a registry identifier was not in the request: the registry changed since 'leakcheck blind' (rows added or values edited); run blind and evaluate again")

// Keys are a registry's identifier keys: the verified, unblinded
// evaluations of its request, found by tag. Safe for concurrent use.
type Keys struct {
	salt      []byte
	tagger    *Tagger
	tags      []exchange.Tag
	unblinded []oprf.Element
	used      []atomic.Uint64 // bit i: tags[i] was looked up
}

// Finalize reads the response to the request the state describes, verifies
// every batch's proof against pk (the filter's OPRF public key) and the
// state's own blinded elements, and unblinds the evaluations. Any
// mismatch — another key, another request, elements reordered, altered or
// missing, a damaged state file — is an error, never a partial result. The
// state's blinded elements are read batch by batch beside the response's:
// what stays in memory is 48 bytes per element, its tag and its unblinded
// evaluation.
func Finalize(ctx context.Context, st *exchange.StateReader, resp *exchange.ResponseReader, pk *oprf.PublicKey, workers int) (*Keys, error) {
	if err := st.Header.Exchange.Same(&resp.Header.Exchange); err != nil {
		return nil, fmt.Errorf("the response does not answer this state's request: %w", err)
	}
	if !bytes.Equal(st.Header.PublicKey, pk[:]) {
		return nil, errors.New("the state was made for a filter under another OPRF key")
	}
	if workers < 1 {
		workers = Workers()
	}
	h := st.Header.Exchange
	k := &Keys{salt: bytes.Clone(h.Salt), tagger: NewTagger(&st.Seed, &st.TagKey), tags: st.Tags,
		unblinded: make([]oprf.Element, len(st.Tags)), used: make([]atomic.Uint64, (len(st.Tags)+63)/64)}
	type job struct {
		batch, start  int
		blinded, eval []exchange.Element
		proof         *exchange.Proof
		err           error
	}
	batch := 0
	next := func() (*job, error) {
		if batch == h.Batches() {
			return nil, io.EOF
		}
		eval, proof, err := resp.Next(nil)
		if err != nil {
			return nil, err
		}
		blinded, err := st.NextBlinded(len(eval))
		if err != nil {
			return nil, err
		}
		batch++
		return &job{batch: batch, start: (batch - 1) * h.Batch, blinded: blinded, eval: eval, proof: proof}, nil
	}
	work := func(jb *job) {
		jb.err = k.finalizeBatch(pk, jb.blinded, jb.start, jb.eval, jb.proof)
		if jb.err != nil {
			jb.err = fmt.Errorf("batch %d of %d: %w", jb.batch, h.Batches(), jb.err)
		}
	}
	emit := func(jb *job) error { return jb.err }
	if err := pipeline(ctx, workers, next, work, emit); err != nil {
		return nil, err
	}
	if _, _, err := resp.Next(nil); err != io.EOF {
		if err == nil {
			err = errors.New("more batches than the request had")
		}
		return nil, err
	}
	if err := st.Finish(); err != nil {
		return nil, err
	}
	return k, nil
}

func (k *Keys) finalizeBatch(pk *oprf.PublicKey, blinded []exchange.Element, start int, eval []exchange.Element, proof *exchange.Proof) error {
	rs := make([]*oprf.Scalar, len(eval))
	for i := range rs {
		rs[i] = k.tagger.Blind(&k.tags[start+i])
	}
	return oprf.VerifyUnblindBatch(pk, blinded, eval, proof, oprf.InvertBatch(rs), k.unblinded[start:start+len(eval)])
}

// Key sets out to the PRF output of value of the named field, from the
// response; ErrNotRequested when the value was not in the request.
func (k *Keys) Key(field, value string, out *keyhash.IdentifierKey) error {
	in := keyhash.AppendOPRFInput(make([]byte, 0, 64+len(value)), k.salt, field, value)
	defer clear(in)
	tag := k.tagger.Tag(in)
	i, ok := slices.BinarySearchFunc(k.tags, tag, func(a, b exchange.Tag) int { return bytes.Compare(a[:], b[:]) })
	if !ok {
		return ErrNotRequested
	}
	k.used[i/64].Or(1 << (i % 64))
	oprf.FinalizeUnblinded(in, &k.unblinded[i], out)
	return nil
}

// HeldBytes is the memory the keys hold: a tag, an unblinded element and a
// bit per value of the request (the check's soft memory limit counts it).
func (k *Keys) HeldBytes() uint64 {
	return uint64(len(k.tags))*(exchange.TagSize+oprf.ElementSize) + uint64(len(k.used))*8
}

// Unused counts the request's elements no lookup asked for: after a check
// of the same registry, a value that blind saw and check did not.
func (k *Keys) Unused() int {
	n := len(k.tags)
	for i := range k.used {
		n -= bitsSet(k.used[i].Load())
	}
	return n
}

func bitsSet(x uint64) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}
