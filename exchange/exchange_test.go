package exchange

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"
)

func testExchange(n uint64, batch int) Exchange {
	return Exchange{Created: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Tool: "test", Suite: Suite,
		PublicKey: bytes.Repeat([]byte{1}, 32), Salt: bytes.Repeat([]byte{2}, 32), RequestID: bytes.Repeat([]byte{3}, 16),
		Elements: n, Batch: batch}
}

func elems(n int, seed byte) []Element {
	out := make([]Element, n)
	for i := range out {
		out[i][0], out[i][1], out[i][31] = byte(i), byte(i>>8), seed
	}
	return out
}

func requestBytes(t testing.TB, n, batch int) []byte {
	var b bytes.Buffer
	if err := WriteRequest(&b, &Request{testExchange(uint64(n), batch)}, elems(n, 7)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func responseBytes(t testing.TB, n, batch int) []byte {
	var b bytes.Buffer
	x := testExchange(uint64(n), batch)
	w, err := NewResponseWriter(&b, &Response{x})
	if err != nil {
		t.Fatal(err)
	}
	all := elems(n, 9)
	for i := 0; i < x.Batches(); i++ {
		p := Proof{byte(i)}
		if err := w.Write(all[i*batch:i*batch+x.BatchLen(i)], &p); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func stateBytes(t testing.TB, n int) []byte {
	s := &State{Header: StateHeader{Exchange: testExchange(uint64(n), 3), Fields: []string{"phone"}, Inputs: []InputDigest{{Name: "r.csv", Rows: 9}}}}
	s.Seed[0], s.TagKey[0] = 1, 2
	for i := 0; i < n; i++ {
		s.Tags = append(s.Tags, Tag{byte(i + 1)})
	}
	s.Blinded = elems(n, 5)
	var b bytes.Buffer
	if err := WriteState(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func readRequest(data []byte) ([]Element, error) {
	rr, err := NewRequestReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	var all []Element
	for {
		b, err := rr.Next(nil)
		if err == io.EOF {
			return all, nil
		}
		if err != nil {
			return nil, err
		}
		all = append(all, b...)
	}
}

func readResponse(data []byte) ([]Element, []Proof, error) {
	rr, err := NewResponseReader(bytes.NewReader(data))
	if err != nil {
		return nil, nil, err
	}
	var all []Element
	var proofs []Proof
	for {
		b, p, err := rr.Next(nil)
		if err == io.EOF {
			if _, _, err := rr.Next(nil); err != io.EOF {
				return nil, nil, errors.New("Next after the end did not return io.EOF")
			}
			return all, proofs, nil
		}
		if err != nil {
			return nil, nil, err
		}
		all, proofs = append(all, b...), append(proofs, *p)
	}
}

func TestRoundTrip(t *testing.T) {
	got, err := readRequest(requestBytes(t, 10, 4))
	if err != nil || len(got) != 10 || got[9] != elems(10, 7)[9] {
		t.Fatalf("request: %v, %d elements", err, len(got))
	}
	ev, proofs, err := readResponse(responseBytes(t, 10, 4))
	if err != nil || len(ev) != 10 || len(proofs) != 3 || proofs[2][0] != 2 || ev[5] != elems(10, 9)[5] {
		t.Fatalf("response: %v, %d elements, %d proofs", err, len(ev), len(proofs))
	}
	data := stateBytes(t, 5)
	s, err := ReadState(bytes.NewReader(data), int64(len(data)))
	if err != nil || len(s.Tags) != 5 || s.Seed[0] != 1 || s.TagKey[0] != 2 || s.Header.Inputs[0].Rows != 9 {
		t.Fatalf("state: %v", err)
	}
}

// TestEveryTruncationAndFlip: each file cut at any length, or with any byte
// flipped, is an error naming a check, never a short result or a panic.
func TestEveryTruncationAndFlip(t *testing.T) {
	files := map[string][]byte{"request": requestBytes(t, 5, 2), "response": responseBytes(t, 5, 2), "state": stateBytes(t, 3)}
	read := func(what string, data []byte) error {
		switch what {
		case "request":
			_, err := readRequest(data)
			return err
		case "response":
			_, _, err := readResponse(data)
			return err
		}
		_, err := ReadState(bytes.NewReader(data), -1)
		return err
	}
	for what, data := range files {
		for n := 0; n < len(data); n++ {
			err := read(what, data[:n])
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("%s cut to %d bytes: %v", what, n, err)
			}
		}
		for i := range data {
			bad := bytes.Clone(data)
			bad[i] ^= 0x10
			if err := read(what, bad); err == nil {
				t.Fatalf("%s with byte %d flipped was read", what, i)
			}
		}
		if err := read(what, append(bytes.Clone(data), 0)); err == nil {
			t.Fatalf("%s with trailing data was read", what)
		}
	}
	if _, err := readRequest(files["response"]); err == nil || !bytes.Contains([]byte(err.Error()), []byte("this is a leakcheck response, not a request")) {
		t.Fatalf("response read as a request: %v", err)
	}
}

func TestSame(t *testing.T) {
	x := testExchange(10, 4)
	for name, edit := range map[string]func(y *Exchange){
		"another OPRF public key": func(y *Exchange) { y.PublicKey = bytes.Repeat([]byte{9}, 32) },
		"another filter":          func(y *Exchange) { y.Salt = bytes.Repeat([]byte{9}, 32) },
		"another request":         func(y *Exchange) { y.RequestID = bytes.Repeat([]byte{9}, 16) },
		"11 elements":             func(y *Exchange) { y.Elements = 11 },
		"hold 5 elements":         func(y *Exchange) { y.Batch = 5 },
	} {
		y := x
		edit(&y)
		if err := x.Same(&y); err == nil || !bytes.Contains([]byte(err.Error()), []byte(name)) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := x.Same(&x); err != nil {
		t.Error(err)
	}
}

func FuzzRequest(f *testing.F) {
	f.Add(requestBytes(f, 5, 2))
	f.Add(responseBytes(f, 3, 2))
	f.Fuzz(func(t *testing.T, data []byte) { readRequest(data) })
}

func FuzzResponse(f *testing.F) {
	f.Add(responseBytes(f, 5, 2))
	f.Fuzz(func(t *testing.T, data []byte) { readResponse(data) })
}

func FuzzState(f *testing.F) {
	f.Add(stateBytes(f, 3))
	f.Fuzz(func(t *testing.T, data []byte) {
		ReadState(bytes.NewReader(data), int64(len(data)))
		ReadState(bytes.NewReader(data), -1)
	})
}
