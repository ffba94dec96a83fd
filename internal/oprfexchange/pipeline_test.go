package oprfexchange

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"
)

type pipeItem struct {
	n, sq int
	err   error
}

// TestPipeline: items are emitted in order whatever order the workers
// finish them in, and the first error of next, of an item or of emit stops
// the run and is returned, with nothing emitted after the failing item.
func TestPipeline(t *testing.T) {
	errNext, errItem, errEmit := errors.New("next"), errors.New("item"), errors.New("emit")
	for _, tc := range []struct {
		name               string
		items, failNext    int
		failItem, failEmit int
		workers            int
		want               error
		wantEmitted        int
	}{
		{name: "all, 1 worker", items: 50, workers: 1, wantEmitted: 50},
		{name: "all, 3 workers", items: 200, workers: 3, wantEmitted: 200},
		{name: "none", items: 0, workers: 2, wantEmitted: 0},
		{name: "next fails", items: 100, failNext: 40, workers: 2, want: errNext},
		{name: "item fails", items: 100, failItem: 30, workers: 2, want: errItem, wantEmitted: 29},
		{name: "emit fails", items: 100, failEmit: 60, workers: 4, want: errEmit, wantEmitted: 59},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rnd := rand.New(rand.NewPCG(1, 2))
			delays := make([]time.Duration, tc.items+1)
			for i := range delays {
				delays[i] = time.Duration(rnd.IntN(300)) * time.Microsecond
			}
			i := 0
			next := func() (*pipeItem, error) {
				if i == tc.items {
					return nil, io.EOF
				}
				i++
				if i == tc.failNext {
					return nil, errNext
				}
				return &pipeItem{n: i}, nil
			}
			work := func(it *pipeItem) {
				time.Sleep(delays[it.n])
				it.sq = it.n * it.n
				if it.n == tc.failItem {
					it.err = fmt.Errorf("wrapped: %w", errItem)
				}
			}
			var got []int
			emit := func(it *pipeItem) error {
				if it.err != nil {
					return it.err
				}
				if it.n == tc.failEmit {
					return errEmit
				}
				if it.sq != it.n*it.n {
					t.Errorf("item %d emitted before its work was done", it.n)
				}
				got = append(got, it.n)
				return nil
			}
			err := pipeline(context.Background(), tc.workers, next, work, emit)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if tc.want != errNext && len(got) != tc.wantEmitted {
				t.Fatalf("emitted %d items, want %d", len(got), tc.wantEmitted)
			}
			for k, n := range got {
				if n != k+1 {
					t.Fatalf("emitted item %d at position %d", n, k)
				}
			}
		})
	}
}

// A cancelled context stops the pipeline with its error.
func TestPipelineCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	i := 0
	next := func() (int, error) {
		i++
		if i == 10 {
			cancel()
		}
		return i, nil
	}
	err := pipeline(ctx, 2, next, func(int) {}, func(int) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}
