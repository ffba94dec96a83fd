package fields

import "unsafe"

// Scratch holds the values NormalizeInto returns, so that a caller that uses
// a record's values and then forgets them (check hashes them, then reads the
// next record) allocates nothing for the values the fast paths rewrite: a
// phone number, a name. The strings NormalizeInto returns stay valid until
// Reset; the caller must not keep one past it. A Scratch is used by one
// goroutine at a time.
type Scratch struct {
	buf []byte
}

// scratchMin is the smallest buffer a Scratch allocates: a few hundred
// records' values.
const scratchMin = 4096

// Reset lets the Scratch reuse its memory: every string it returned before is
// invalid from now on.
func (sc *Scratch) Reset() {
	if sc != nil {
		sc.buf = sc.buf[:0]
	}
}

// str returns b as a string: a copy of its own when sc is nil (Normalize),
// else a copy in sc's buffer.
func (sc *Scratch) str(b []byte) string {
	if sc == nil || len(b) == 0 {
		return string(b)
	}
	if cap(sc.buf)-len(sc.buf) < len(b) {
		// A new buffer: the strings already returned keep the old one
		// alive, unchanged, until they are dropped.
		sc.buf = make([]byte, 0, max(2*cap(sc.buf), len(b), scratchMin))
	}
	start := len(sc.buf)
	sc.buf = append(sc.buf, b...)
	return unsafe.String(&sc.buf[start], len(b))
}

// e164IN returns "+91" followed by national, a copy in sc's buffer (or
// allocated when sc is nil), as str would of the two joined.
func (sc *Scratch) e164IN(national string) string {
	if sc == nil {
		return "+91" + national
	}
	n := 3 + len(national)
	if cap(sc.buf)-len(sc.buf) < n {
		sc.buf = make([]byte, 0, max(2*cap(sc.buf), n, scratchMin))
	}
	start := len(sc.buf)
	sc.buf = append(sc.buf, "+91"...)
	sc.buf = append(sc.buf, national...)
	return unsafe.String(&sc.buf[start], n)
}

// spare returns n bytes of sc's spare room, to write a value into before
// deciding to keep it (commit) or not: nothing is kept until commit, and
// the next str, e164IN or spare may overwrite them.
func (sc *Scratch) spare(n int) []byte {
	if cap(sc.buf)-len(sc.buf) < n {
		sc.buf = make([]byte, 0, max(2*cap(sc.buf), n, scratchMin))
	}
	return sc.buf[len(sc.buf) : len(sc.buf)+n]
}

// commit keeps the bytes written into the room spare returned up to
// off+n, and returns the n from off as a string, valid until Reset.
func (sc *Scratch) commit(off, n int) string {
	start := len(sc.buf)
	sc.buf = sc.buf[:start+off+n]
	return unsafe.String(&sc.buf[start+off], n)
}
