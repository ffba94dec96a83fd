package engine

import (
	"fmt"
	"slices"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/index"
	"github.com/leakcheck/leakcheck/internal/keyhash"
	"github.com/leakcheck/leakcheck/internal/oprfexchange"
)

// This file is the OPRF key mode's side of the entry hash (bloom/FORMAT.md
// §5.4): each index's entries are keyed with the PRF output of its anchor,
// the first identifying field of the index, and each identifier value of a
// row costs one PRF output however many indexes it anchors.

// IdentifierKeys gives the PRF output of an identifier value: the key of the
// entries of every index it anchors. Implementations are safe for
// concurrent use: the analyst's evaluates the PRF with its private key
// (keyhash.DirectOPRF), the registry's looks the value up among the outputs
// its request was answered with.
type IdentifierKeys interface {
	// Key sets out to the PRF output of value of the named field. An error
	// stops the run.
	Key(field, value string, out *keyhash.IdentifierKey) error
}

// heldBytes is the memory an IdentifierKeys holds for the whole run, if it
// says (the registry's: 48 bytes per value of its request): a live part of
// the heap that the soft memory limit must leave room for, or past it the
// collector would run without pause (memory.go).
func heldBytes(ids IdentifierKeys) uint64 {
	if h, ok := ids.(interface{ HeldBytes() uint64 }); ok {
		return h.HeldBytes()
	}
	return 0
}

// The registry's keys say what they hold.
var _ interface{ HeldBytes() uint64 } = (*oprfexchange.Keys)(nil)

// Anchor returns the first identifying field of ix: the field whose PRF
// output keys ix's entries in the OPRF key mode.
func Anchor(ix index.Index) (fields.Field, bool) {
	for _, f := range ix.Fields {
		if f.Identifying() {
			return f, true
		}
	}
	return 0, false
}

// Anchors returns the distinct anchors of ixs in canonical order, or an
// error naming an index that has none: in the OPRF key mode an entry
// without an identifier would need no key at all, so anyone could compute it.
func Anchors(ixs []index.Index) ([]fields.Field, error) {
	seen := map[fields.Field]bool{}
	for _, ix := range ixs {
		a, ok := Anchor(ix)
		if !ok {
			return nil, fmt.Errorf("index %s has no identifier (phone, national_id or email): in the OPRF key mode every index needs one, because its entries are keyed with that identifier's PRF output", ix)
		}
		seen[a] = true
	}
	var out []fields.Field
	for _, f := range fields.All() {
		if seen[f] {
			out = append(out, f)
		}
	}
	return out, nil
}

// oprfEntries computes one worker's entries in the OPRF key mode.
type oprfEntries struct {
	ids    IdentifierKeys
	anchor []fields.Field // of each index
	apos   []int          // the anchor's position among each index's fields
	// The last PRF output of each field and the value it is for: the
	// indexes of a row that share an anchor share one evaluation.
	lastVal [numFields]string
	lastOK  [numFields]bool
	key     [numFields]keyhash.IdentifierKey
	mac     keyhash.KeyedEntry
	err     error
}

func newOPRFEntries(ids IdentifierKeys, ixs []index.Index) *oprfEntries {
	o := &oprfEntries{ids: ids, anchor: make([]fields.Field, len(ixs)), apos: make([]int, len(ixs))}
	for i, ix := range ixs {
		o.anchor[i], _ = Anchor(ix) // Build and Check refuse indexes without one
		o.apos[i] = max(slices.Index(ix.Fields, o.anchor[i]), 0)
	}
	return o
}

// entry computes the entry of index i for vals, the values of its fields.
func (o *oprfEntries) entry(i int, name string, vals []string, out *[bloom.ItemSize]byte) bool {
	if o.err != nil {
		return false
	}
	a := o.anchor[i]
	v := vals[o.apos[i]]
	if !o.lastOK[a] || o.lastVal[a] != v {
		o.lastOK[a] = false
		if err := o.ids.Key(a.String(), v, &o.key[a]); err != nil {
			o.err = err
			return false
		}
		o.lastVal[a], o.lastOK[a] = v, true
	}
	o.mac.Entry(&o.key[a], name, vals, out)
	return true
}

// err is the first error the worker's identifier keys returned.
func (h *entryHasher) err() error {
	if h.oprf == nil {
		return nil
	}
	return h.oprf.err
}

// checkKeyMode refuses a check whose identifier keys do not fit the filter's
// key mode.
func checkKeyMode(h *bloom.Header, ixs []index.Index, ids IdentifierKeys) error {
	switch {
	case h.IsOPRF() && ids == nil:
		return fmt.Errorf("the filter is in the OPRF key mode: its entries need the analyst's evaluation of the registry's identifiers ('leakcheck blind', then 'check --response')")
	case !h.IsOPRF() && ids != nil:
		return fmt.Errorf("the filter is in the shared-key mode: check it with its key, not with an OPRF response")
	case ids != nil:
		_, err := Anchors(ixs)
		return err
	}
	return nil
}
