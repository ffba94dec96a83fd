package oprfexchange

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/leakcheck/leakcheck/exchange"
	"github.com/leakcheck/leakcheck/internal/keyhash"
	"github.com/leakcheck/leakcheck/internal/oprf"
)

// flow blinds n values, evaluates them with sk (batches of batch), and
// returns the state and the response bytes.
func flow(t *testing.T, sk *oprf.PrivateKey, n, batch int) (*exchange.State, []byte, [][]byte) {
	pk := sk.Public()
	st := &exchange.State{}
	st.Seed[0], st.TagKey[0] = 1, 2
	tg := NewTagger(&st.Seed, &st.TagKey)
	salt := bytes.Repeat([]byte{7}, 32)
	type tb struct {
		tag exchange.Tag
		c   exchange.Element
		in  []byte
	}
	var all []tb
	for i := 0; i < n; i++ {
		in := keyhash.AppendOPRFInput(nil, salt, "phone", fmt.Sprintf("+9198765%05d", i))
		tag := tg.Tag(in)
		c, err := oprf.Blind(in, tg.Blind(&tag))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, tb{tag, c, in})
	}
	slices.SortFunc(all, func(a, b tb) int { return bytes.Compare(a.tag[:], b.tag[:]) })
	var inputs [][]byte
	for _, x := range all {
		st.Tags, st.Blinded, inputs = append(st.Tags, x.tag), append(st.Blinded, x.c), append(inputs, x.in)
	}
	st.Header.Exchange = exchange.Exchange{Created: time.Unix(0, 0), Suite: exchange.Suite, PublicKey: pk[:], Salt: salt,
		RequestID: bytes.Repeat([]byte{3}, 16), Elements: uint64(n), Batch: batch}
	var req bytes.Buffer
	if err := exchange.WriteRequest(&req, &exchange.Request{Exchange: st.Header.Exchange}, st.Blinded); err != nil {
		t.Fatal(err)
	}
	rr, err := exchange.NewRequestReader(&req)
	if err != nil {
		t.Fatal(err)
	}
	var resp bytes.Buffer
	if _, err := Evaluate(context.Background(), rr, &resp, sk, uint64(n), 2, keyhash.Seeded("nonces"), "test"); err != nil {
		t.Fatal(err)
	}
	return st, resp.Bytes(), inputs
}

// stateReader writes st as a state file and opens it for Finalize.
func stateReader(t *testing.T, st *exchange.State) *exchange.StateReader {
	t.Helper()
	var b bytes.Buffer
	if err := exchange.WriteState(&b, st); err != nil {
		t.Fatal(err)
	}
	sr, err := exchange.NewStateReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	return sr
}

func TestEvaluateFinalize(t *testing.T) {
	sk, _ := oprf.GenerateKey(keyhash.Seeded("k"))
	pk := sk.Public()
	st, resp, inputs := flow(t, sk, 25, 4)
	rr, _ := exchange.NewResponseReader(bytes.NewReader(resp))
	keys, err := Finalize(context.Background(), stateReader(t, st), rr, &pk, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := keys.HeldBytes(); got != 25*48+8 {
		t.Errorf("HeldBytes = %d for 25 values, want 25·48 + one word of bits", got)
	}
	salt := st.Header.Salt
	d := keyhash.DirectOPRF{Private: sk, Salt: salt}
	for i := 0; i < 25; i++ {
		v := fmt.Sprintf("+9198765%05d", i)
		var got, want keyhash.IdentifierKey
		if err := keys.Key("phone", v, &got); err != nil {
			t.Fatal(err)
		}
		d.Key("phone", v, &want)
		if got != want {
			t.Fatalf("value %d: the registry's PRF output differs from the key holder's", i)
		}
		if i == 20 && keys.Unused() != 4 {
			t.Fatalf("Unused = %d after 21 of 25 lookups", keys.Unused())
		}
	}
	var out keyhash.IdentifierKey
	if err := keys.Key("phone", "+919999999999", &out); !errors.Is(err, ErrNotRequested) {
		t.Fatalf("a value not requested: %v", err)
	}
	if err := keys.Key("email", "+919876500001", &out); !errors.Is(err, ErrNotRequested) {
		t.Fatalf("the same text as another field: %v", err)
	}
	_ = inputs
}

func TestRefusals(t *testing.T) {
	sk, _ := oprf.GenerateKey(keyhash.Seeded("k"))
	other, _ := oprf.GenerateKey(keyhash.Seeded("other"))
	pk := sk.Public()
	st, resp, _ := flow(t, sk, 9, 4)

	// Over the limit, or for another key: refused before anything is written.
	var req bytes.Buffer
	exchange.WriteRequest(&req, &exchange.Request{Exchange: st.Header.Exchange}, st.Blinded)
	reqBytes := req.Bytes()
	for name, c := range map[string]struct {
		key   *oprf.PrivateKey
		limit uint64
	}{"over --max": {sk, 8}, "another OPRF key": {other, 100}} {
		rr, _ := exchange.NewRequestReader(bytes.NewReader(reqBytes))
		var out bytes.Buffer
		if _, err := Evaluate(context.Background(), rr, &out, c.key, c.limit, 2, keyhash.Seeded("n"), "t"); err == nil || out.Len() != 0 {
			t.Errorf("%s: %v, %d bytes written", name, err, out.Len())
		}
	}

	// A response whose second batch is the other key's: its proof fails.
	st2, resp2, _ := flow(t, other, 9, 4)
	_ = st2
	mixed := bytes.Clone(resp)
	hlen := int(mixed[12])<<24 | int(mixed[13])<<16 | int(mixed[14])<<8 | int(mixed[15])
	hlen2 := int(resp2[12])<<24 | int(resp2[13])<<16 | int(resp2[14])<<8 | int(resp2[15])
	b2 := 16 + hlen + 4*32 + 64
	copy(mixed[b2:b2+4*32+64], resp2[16+hlen2+4*32+64:])
	rr, _ := exchange.NewResponseReader(bytes.NewReader(mixed))
	if _, err := Finalize(context.Background(), stateReader(t, st), rr, &pk, 2); err == nil || !errors.Is(err, oprf.ErrInvalidProof) {
		t.Errorf("a batch evaluated with another key: %v", err)
	}
	// The state checked against another public key.
	otherPK := other.Public()
	rr, _ = exchange.NewResponseReader(bytes.NewReader(resp))
	if _, err := Finalize(context.Background(), stateReader(t, st), rr, &otherPK, 2); err == nil {
		t.Error("finalized against another public key")
	}
}
