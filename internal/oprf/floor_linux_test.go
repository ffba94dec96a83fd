package oprf

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/gtank/ristretto255"
	"golang.org/x/sys/unix"
)

// BenchmarkFloor measures what each step of RFC 9497's VOPRF costs per
// element in units of one constant-time scalar multiplication, the unit
// scripts/bench-oprf's ceiling counts: each sub-benchmark alternates the
// step with as many multiplications, on one locked thread, and divides the
// thread's CPU time of the one by the other's, so that the ratio holds on a
// shared machine (docs/performance.md, "The OPRF key mode"):
//
//	go test -run X -bench Floor -benchtime 5x ./internal/oprf/
//
// The metric "mults/element" is the step's cost per element; a phase can
// reach at most 1/(its cost) of the multiplication ceiling.
func BenchmarkFloor(b *testing.B) {
	const n = 4096 // the default batch
	rnd := newSeeded(11)
	sk, _ := GenerateKey(rnd)
	pk := sk.Public()
	inputs, rs, blinded := batch(b, n, rnd)
	eval, proof, err := sk.EvaluateBatch(blinded, rnd)
	if err != nil {
		b.Fatal(err)
	}
	points := make([]*ristretto255.Element, n)
	for i := range points {
		points[i], _ = decodeElement(&blinded[i])
	}
	scalars := compositeScalars(&pk, blinded, eval)
	unblinded := make([]Element, n)
	var out Output
	steps := []struct {
		name string
		f    func()
	}{
		// The parts.
		{"hash-to-group", func() {
			for _, in := range inputs {
				hashToGroup(in)
			}
		}},
		{"encode", func() {
			for _, p := range points {
				encode(p)
			}
		}},
		{"decode", func() {
			for i := range blinded {
				decodeElement(&blinded[i])
			}
		}},
		{"composite-hash", func() { compositeScalars(&pk, blinded, eval) }},
		{"composite-msm", func() { varTimeMSM(scalars, points) }},
		{"composite-msm-straus", func() { ristretto255.NewElement().VarTimeMultiScalarMult(scalars, points) }},
		{"finalize-hash", func() {
			for i := range inputs {
				FinalizeUnblinded(inputs[i], &unblinded[i], &out)
			}
		}},
		// The phases, as leakcheck runs them (batches of 4096).
		{"phase-blind", func() {
			for i, in := range inputs {
				Blind(in, rs[i])
			}
		}},
		{"phase-evaluate", func() { sk.EvaluateBatch(blinded, rnd) }},
		{"phase-finalize", func() {
			if err := VerifyUnblindBatch(&pk, blinded, eval, &proof, InvertBatch(rs), unblinded); err != nil {
				b.Fatal(err)
			}
			for i := range inputs {
				FinalizeUnblinded(inputs[i], &unblinded[i], &out)
			}
		}},
	}
	mult := func() {
		for i := range points {
			ristretto255.NewElement().ScalarMult(rs[i], points[i])
		}
	}
	for _, st := range steps {
		b.Run(st.name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var stepCPU, multCPU int64
			for b.Loop() {
				t0 := threadCPU()
				st.f()
				t1 := threadCPU()
				mult()
				t2 := threadCPU()
				stepCPU += t1 - t0
				multCPU += t2 - t1
			}
			b.ReportMetric(float64(stepCPU)/float64(multCPU), "mults/element")
			b.ReportMetric(float64(multCPU)/float64(b.N)/n/1000, "µs/mult")
		})
	}
}

// BenchmarkMSM compares, per point, the library's Straus method with the
// bucket method at several batch sizes: each iteration runs both on one
// locked thread and reports their CPU times per point and the ratio
// ("pippenger/straus" below 1: the bucket method is cheaper), so that the
// comparison holds on a shared machine.
//
//	go test -run X -bench MSM -benchtime 5x ./internal/oprf/
func BenchmarkMSM(b *testing.B) {
	for _, n := range []int{128, 256, 512, 1024, 4096} {
		s, p := msmInputs(n, 1)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var straus, pip int64
			for b.Loop() {
				t0 := threadCPU()
				ristretto255.NewElement().VarTimeMultiScalarMult(s, p)
				t1 := threadCPU()
				pippenger(s, p)
				t2 := threadCPU()
				straus += t1 - t0
				pip += t2 - t1
			}
			b.ReportMetric(float64(straus)/float64(b.N)/float64(n)/1000, "µs/point-straus")
			b.ReportMetric(float64(pip)/float64(b.N)/float64(n)/1000, "µs/point-pippenger")
			b.ReportMetric(float64(pip)/float64(straus), "pippenger/straus")
		})
	}
}

// threadCPU is the calling thread's CPU time in nanoseconds
// (CLOCK_THREAD_CPUTIME_ID: exact, where getrusage counts in ticks).
func threadCPU() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		panic(err)
	}
	return ts.Nano()
}
