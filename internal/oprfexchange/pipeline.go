package oprfexchange

import (
	"context"
	"io"
	"sync"
)

// pipeline runs work on every item next returns, on workers goroutines at
// once, and hands the items to emit in the order next returned them: one
// goroutine reads, the workers compute, one goroutine emits, so that no
// core waits for reading or writing or for the slowest batch of a round.
// At most 2·workers items are in flight. next returns io.EOF after the last
// item. work records its result, error included, in the item, and emit
// returns that error: the first error of next or emit, or ctx's, stops the
// pipeline and is returned.
func pipeline[T any](ctx context.Context, workers int, next func() (T, error), work func(T), emit func(T) error) error {
	type slot struct {
		item T
		done chan struct{}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	todo := make(chan *slot, workers)
	inOrder := make(chan *slot, 2*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range todo {
				if ctx.Err() == nil {
					work(s.item)
				}
				close(s.done)
			}
		}()
	}
	emitted := make(chan struct{})
	go func() {
		defer close(emitted)
		for s := range inOrder {
			<-s.done
			if ctx.Err() != nil {
				continue // drain
			}
			if err := emit(s.item); err != nil {
				cancel(err)
			}
		}
	}()
	var err error
	for {
		if err = context.Cause(ctx); err != nil {
			break
		}
		var it T
		if it, err = next(); err != nil {
			if err == io.EOF {
				err = nil
			} else {
				cancel(err)
			}
			break
		}
		s := &slot{item: it, done: make(chan struct{})}
		inOrder <- s
		todo <- s
	}
	close(todo)
	close(inOrder)
	wg.Wait()
	<-emitted
	if c := context.Cause(ctx); c != nil {
		return c
	}
	return err
}
