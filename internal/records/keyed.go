package records

import (
	"errors"
	"io"
	"strings"
)

// This file turns records of key-value pairs (JSON objects, key-value text blocks) into
// records of positional columns.
//
// The column set is fixed before the first record is returned, because the caller maps columns
// to fields once: it is the union of the keys of the first discoverRecords records (fewer when
// they hold more than discoverBytes of values), in the order keys are first seen, at most
// maxColumns of them. Those records are kept and returned first. A record that lacks a key
// gets an empty value for it; a value whose key is not a column (first seen later, or past
// maxColumns) is dropped and counted in Record.Dropped, never silently lost.

const (
	discoverRecords = 1000
	discoverBytes   = 16 << 20
	maxColumns      = 1000
)

// pair is one key and its value.
type pair struct{ key, value string }

// pairSource yields records as key-value pairs.
type pairSource interface {
	// next returns the pairs of the next record (valid until the next call) and the line
	// where it starts; io.EOF at the end; a *RowError for a bad record; any other error is
	// fatal.
	next() (line int64, pairs []pair, err error)
}

// pending is a result read during discovery.
type pending struct {
	line   int64
	pairs  []pair   // keyed readers
	values []string // positional readers
	err    error
}

type keyedReader struct {
	src     pairSource
	fold    func(string) string // the identity of a key (keys that fold equal are one column)
	columns []string
	index   map[string]int
	queue   []pending
	values  []string
	err     error
}

func newKeyedReader(src pairSource, fold func(string) string) (*keyedReader, error) {
	k := &keyedReader{src: src, fold: fold, index: map[string]int{}}
	size := 0
	for len(k.queue) < discoverRecords && size < discoverBytes {
		line, pairs, err := src.next()
		if err == io.EOF {
			break
		}
		var re *RowError
		if err != nil && !errors.As(err, &re) {
			k.queue = append(k.queue, pending{err: err})
			break
		}
		p := pending{line: line, err: err}
		if err == nil {
			p.pairs = make([]pair, len(pairs))
			copy(p.pairs, pairs)
			for _, kv := range pairs {
				size += len(kv.key) + len(kv.value) + 32
				k.column(kv.key)
			}
		}
		k.queue = append(k.queue, p)
	}
	if len(k.columns) == 0 {
		for _, p := range k.queue {
			var re *RowError
			if p.err != nil && !errors.As(p.err, &re) {
				return nil, p.err
			}
		}
		return nil, ErrNoRecords
	}
	k.values = make([]string, len(k.columns))
	return k, nil
}

// column adds key to the columns if it is new and there is room.
func (k *keyedReader) column(key string) {
	id := k.fold(key)
	if _, ok := k.index[id]; ok || len(k.columns) >= maxColumns {
		return
	}
	k.index[id] = len(k.columns)
	k.columns = append(k.columns, key)
}

func (k *keyedReader) Columns() []string { return k.columns }

func (k *keyedReader) BytesRead() int64 { return 0 } // the source wrapper counts bytes

func (k *keyedReader) Next() (Record, error) {
	if k.err != nil {
		return Record{}, k.err
	}
	var p pending
	if len(k.queue) > 0 {
		p = k.queue[0]
		k.queue[0] = pending{}
		k.queue = k.queue[1:]
	} else {
		p.line, p.pairs, p.err = k.src.next()
	}
	if p.err != nil {
		var re *RowError
		if !errors.As(p.err, &re) {
			k.err = p.err
		}
		return Record{}, p.err
	}
	clear(k.values)
	rec := Record{Line: p.line, Values: k.values}
	for _, kv := range p.pairs {
		i, ok := k.index[k.fold(kv.key)]
		if !ok {
			if kv.value != "" {
				rec.Dropped++
			}
			continue
		}
		k.values[i] = kv.value
	}
	return rec, nil
}

// foldKey makes keys that differ only in case and spacing one column ("Mobile No" and
// "mobile  no"), for key-value text where keys are typed by people.
func foldKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

func exactKey(s string) string { return s }
