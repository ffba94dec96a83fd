package report

// Statistics for judging a match count against the filter's false-positive rate.
//
// Everything rests on the regularized incomplete beta function I_x(a, b), evaluated with the
// continued fraction of Numerical Recipes §6.4 (modified Lentz). The prefactor x^a(1-x)^b / (a·B(a,b))
// is computed in log space with Loader's saddle-point form of the binomial density (stirlerr and
// bd0, as in R's dbinom_raw) rather than as a difference of math.Lgamma values: for n around 1e10
// the Lgamma terms are near 2e11 and their difference would lose about five significant digits.
//
// Tails are always computed on the side where they are small and complemented otherwise, so a
// tail probability keeps full relative accuracy down to the underflow threshold (~1e-308, subnormals
// to ~5e-324).
//
// References:
//   - C. Loader, "Fast and Accurate Computation of Binomial Probabilities", 2000.
//   - W. H. Press et al., Numerical Recipes, 3rd ed., §6.4 (incomplete beta function).
//   - C. J. Clopper and E. S. Pearson, Biometrika 26 (1934) 404–413.

import "math"

// BinomialSF returns P(X >= k) for X ~ Binomial(n, p), computed as I_p(k, n-k+1) (see
// binomialTails for where a direct sum replaces the continued fraction).
//
// The result keeps its relative accuracy in the far tail (p down to 1e-12, n up to 1e10, results
// down to ~1e-300); it is 0 only when the true value underflows float64. Edge cases: k <= 0 gives 1;
// k > n gives 0; p == 0 gives 0 (for k > 0); p == 1 gives 1 (for 0 < k <= n). A p that is NaN or
// outside [0, 1] gives NaN.
func BinomialSF(k, n int64, p float64) float64 {
	if math.IsNaN(p) || p < 0 || p > 1 {
		return math.NaN()
	}
	switch {
	case k <= 0:
		return 1
	case k > n:
		return 0
	case p == 0:
		return 0
	case p == 1:
		return 1
	}
	sf, _ := binomialTails(k, n, p)
	return sf
}

// binomialCDF returns P(X <= k) for X ~ Binomial(n, p), accurate in the lower tail the way
// BinomialSF is in the upper one. Inputs are assumed valid (p in [0, 1]).
func binomialCDF(k, n int64, p float64) float64 {
	switch {
	case k < 0:
		return 0
	case k >= n:
		return 1
	case p == 0:
		return 1
	case p == 1:
		return 0
	}
	_, cdf := binomialTails(k+1, n, p)
	return cdf
}

// binomialTails returns P(X >= k) and P(X <= k-1) for X ~ Binomial(n, p), given 1 <= k <= n and
// 0 < p < 1. The smaller tail is computed directly and the larger as its complement.
//
// P(X >= k) = I_p(k, n-k+1). Where the upper tail is the small one and p <= 1/2, the continued
// fraction in p is accurate. Where the lower tail is the small one, the continued fraction would be
// evaluated at 1-p with first parameter n-k+1: for large n it then cancels terms of size n down to
// size n·p - k, and 1-p itself is rounded, losing up to ~eps·n relative accuracy (2e-7 at
// n = 1e10, p = 1e-9). So when p < 1/2 the lower tail is summed term by term instead, downwards
// from P(X = k-1), which takes at most ~40·sqrt(n·p·(1-p)) terms; the mirror case, the upper tail
// when p > 1/2, is summed upwards from P(X = k).
func binomialTails(k, n int64, p float64) (upper, lower float64) {
	q := 1 - p
	fk, fn := float64(k), float64(n)
	if p*(fn+3) < fk+1 { // upper tail is the small one
		if p <= 0.5 {
			upper, _ = incBeta(p, q, fk, fn-fk+1)
		} else {
			upper = binomialSum(k, n, p, q, true)
		}
		return upper, 1 - upper
	}
	if p >= 0.5 {
		_, lower = incBeta(p, q, fk, fn-fk+1)
	} else {
		lower = binomialSum(k-1, n, p, q, false)
	}
	return 1 - lower, lower
}

// binomialSum returns P(X >= k) (upper) or P(X <= k) (!upper) for X ~ Binomial(n, p), 0 <= k <= n,
// by summing the terms away from the mode starting at P(X = k), until they no longer matter. Meant
// for k on the far side of the mode from the direction of summation.
func binomialSum(k, n int64, p, q float64, upper bool) float64 {
	fn := float64(n)
	// Sum the terms relative to the first one; scale by P(X = k) at the end, in log space, so a
	// subnormal result is rounded once.
	s, t := 0.0, 1.0
	if upper {
		r := p / q
		for i := k; ; i++ {
			s += t
			if i == n || t < 1e-17*s {
				break
			}
			fi := float64(i)
			t *= (fn - fi) / (fi + 1) * r
		}
	} else {
		r := q / p
		for i := k; ; i-- {
			s += t
			if i == 0 || t < 1e-17*s {
				break
			}
			fi := float64(i)
			t *= fi / (fn - fi + 1) * r
		}
	}
	fk := float64(k)
	return clampProb(math.Exp(logDbinom(fk, fn-fk, p, q) + math.Log(s)))
}

// RegIncBeta returns the regularized incomplete beta function I_x(a, b) for a, b > 0.
// x <= 0 gives 0 and x >= 1 gives 1; a NaN argument or a non-positive a or b gives NaN.
func RegIncBeta(x, a, b float64) float64 {
	if math.IsNaN(x) || math.IsNaN(a) || math.IsNaN(b) || a <= 0 || b <= 0 {
		return math.NaN()
	}
	if x <= 0 {
		return 0
	}
	if x >= 1 {
		return 1
	}
	v, _ := incBeta(x, 1-x, a, b)
	return v
}

// incBeta returns I_x(a, b) and its complement 1 - I_x(a, b), given x in (0, 1), y = 1 - x and
// a, b > 0. The smaller of the two is computed directly and the other as its complement, so each is
// accurate where it is small.
func incBeta(x, y, a, b float64) (ix, ixc float64) {
	// The continued fraction for I_x(a, b) converges fast for x < (a+1)/(a+b+2); past that, use
	// the one for I_y(b, a) = 1 - I_x(a, b).
	if x*(a+b+2) < a+1 {
		// One exp of the summed logs, so a subnormal result is rounded once.
		ix = math.Exp(logBetaFront(x, y, a, b) + math.Log(betaCF(x, a, b)))
		ix = clampProb(ix)
		return ix, 1 - ix
	}
	ixc = math.Exp(logBetaFront(y, x, b, a) + math.Log(betaCF(y, b, a)))
	ixc = clampProb(ixc)
	return 1 - ixc, ixc
}

func clampProb(v float64) float64 {
	if v < 0 || math.IsNaN(v) {
		return 0
	}
	return min(v, 1)
}

// logBetaFront returns log(x^a · y^b / (a·B(a, b))) for x in (0, 1), y = 1 - x, a, b > 0.
func logBetaFront(x, y, a, b float64) float64 {
	switch {
	case b >= 1:
		// = y · Γ(a+b)/(Γ(a+1)Γ(b)) · x^a · y^(b-1) = y · dbinom(a; a+b-1, x).
		return safeLog(y) + logDbinom(a, b-1, x, y)
	case a >= 1:
		// = x · (b/a) · Γ(a+b)/(Γ(a)Γ(b+1)) · x^(a-1) · y^b = x · (b/a) · dbinom(a-1; a+b-1, x).
		return safeLog(x) + safeLog(b/a) + logDbinom(a-1, b, x, y)
	default:
		// Both a, b < 1: the Lgamma values are small, so their difference loses nothing.
		return a*safeLog(x) + b*safeLog(y) + lnGamma(a+b) - lnGamma(a+1) - lnGamma(b)
	}
}

// safeLog is math.Log, correct for subnormal x too: on amd64 (Go 1.26) math.Log treats a subnormal
// argument as if it were 2.2e-308, the smallest normal number.
func safeLog(x float64) float64 {
	if x > 0 && x < 0x1p-1022 {
		return math.Log(x*0x1p54) - 54*math.Ln2
	}
	return math.Log(x)
}

func lnGamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// logDbinom returns the log of the binomial density Γ(n+1)/(Γ(k+1)Γ(nk+1)) · p^k · q^nk with
// n = k + nk, for real k, nk >= 0 and q = 1 - p, using Loader's saddle-point expansion (R's
// dbinom_raw). nk is passed rather than n so that nk == 0 is recognised exactly.
func logDbinom(k, nk, p, q float64) float64 {
	n := k + nk
	switch {
	case k < 0 || nk < 0:
		return math.Inf(-1)
	case p == 0:
		if k == 0 {
			return 0
		}
		return math.Inf(-1)
	case q == 0:
		if nk == 0 {
			return 0
		}
		return math.Inf(-1)
	case k == 0:
		if nk == 0 {
			return 0
		}
		if p < 0.1 {
			return -bd0(n, n*q) - n*p
		}
		return n * safeLog(q)
	case nk == 0:
		if q < 0.1 {
			return -bd0(n, n*p) - n*q
		}
		return n * safeLog(p)
	}
	lc := stirlerr(n) - stirlerr(k) - stirlerr(nk) - bd0(k, n*p) - bd0(nk, n*q)
	lf := math.Log(2*math.Pi) + safeLog(k) + safeLog(nk/n)
	return lc - 0.5*lf
}

// sferrHalves[i] is stirlerr(i/2), computed to 25 digits.
var sferrHalves = [31]float64{
	0,                             // stirlerr(0) is not used
	0.1534264097200273452913839,   // 0.5
	0.08106146679532725821967026,  // 1.0
	0.0548141210519176538961387,   // 1.5
	0.04134069595540929409382208,  // 2.0
	0.03316287351993628748511051,  // 2.5
	0.02767792568499833914878929,  // 3.0
	0.02374616365629749597133028,  // 3.5
	0.02079067210376509311152277,  // 4.0
	0.01848845053267318523077936,  // 4.5
	0.01664469118982119216319487,  // 5.0
	0.01513497322191737887351384,  // 5.5
	0.01387612882307074799874573,  // 6.0
	0.01281046524292022692425066,  // 6.5
	0.01189670994589177009505572,  // 7.0
	0.01110455975820691732663076,  // 7.5
	0.01041126526197209649747857,  // 8.0
	0.009799416126158803298390373, // 8.5
	0.009255462182712732917728637, // 9.0
	0.008768700134139385462955047, // 9.5
	0.008330563433362871256469319, // 10.0
	0.007934114564314020547249562, // 10.5
	0.007573675487951840794972024, // 11.0
	0.007244554301320383179546197, // 11.5
	0.006942840107209529865664153, // 12.0
	0.006665247032707682442356181, // 12.5
	0.006408994188004207068439631, // 13.0
	0.006171712263039457647534605, // 13.5
	0.005951370112758847735624416, // 14.0
	0.005746216513010115682026102, // 14.5
	0.00555473355196280137103869,  // 15.0
}

// stirlerr returns log(n!) - log(sqrt(2πn)·(n/e)^n), the error of Stirling's formula, for n > 0.
func stirlerr(n float64) float64 {
	const (
		s0 = 1.0 / 12
		s1 = 1.0 / 360
		s2 = 1.0 / 1260
		s3 = 1.0 / 1680
		s4 = 1.0 / 1188
	)
	if n <= 15 {
		nn := n + n
		if nn == math.Trunc(nn) {
			return sferrHalves[int(nn)]
		}
		return lnGamma(n+1) - (n+0.5)*safeLog(n) + n - 0.5*math.Log(2*math.Pi)
	}
	nn := n * n
	switch {
	case n > 500:
		return (s0 - s1/nn) / n
	case n > 80:
		return (s0 - (s1-s2/nn)/nn) / n
	case n > 35:
		return (s0 - (s1-(s2-s3/nn)/nn)/nn) / n
	default:
		return (s0 - (s1-(s2-(s3-s4/nn)/nn)/nn)/nn) / n
	}
}

// bd0 returns x·log(x/np) + np - x, the deviance term, without cancellation when x ≈ np.
func bd0(x, np float64) float64 {
	if math.Abs(x-np) < 0.1*(x+np) {
		v := (x - np) / (x + np)
		s := (x - np) * v
		ej := 2 * x * v
		v *= v
		for j := 1; j < 1000; j++ {
			ej *= v
			s1 := s + ej/float64(2*j+1)
			if s1 == s {
				return s1
			}
			s = s1
		}
		return s
	}
	return x*safeLog(x/np) + np - x
}

// betaCF evaluates the continued fraction of I_x(a, b) by the modified Lentz method, so that
// I_x(a, b) = x^a·(1-x)^b / (a·B(a, b)) · betaCF(x, a, b). It converges in O(sqrt(max(a, b)))
// terms for x < (a+1)/(a+b+2).
func betaCF(x, a, b float64) float64 {
	const (
		eps   = 1e-16
		tiny  = 1e-300
		limit = 1 << 24 // ample for a, b up to ~1e12
	)
	fix := func(v float64) float64 {
		if math.Abs(v) < tiny {
			return tiny
		}
		return v
	}
	qab, qap, qam := a+b, a+1, a-1
	c := 1.0
	d := 1 / fix(1-qab*x/qap)
	h := d
	for m := 1; m <= limit; m++ {
		fm := float64(m)
		m2 := 2 * fm
		// Even step.
		aa := fm * (b - fm) * x / ((qam + m2) * (a + m2))
		d = 1 / fix(1+aa*d)
		c = fix(1 + aa/c)
		h *= d * c
		// Odd step.
		aa = -(a + fm) * (qab + fm) * x / ((a + m2) * (qap + m2))
		d = 1 / fix(1+aa*d)
		c = fix(1 + aa/c)
		del := d * c
		h *= del
		if math.Abs(del-1) < eps {
			break
		}
	}
	return h
}

// ClopperPearson returns the exact two-sided (1-alpha) confidence interval for a binomial
// proportion with k successes in n trials: lo solves P(X >= k | lo) = alpha/2 and hi solves
// P(X <= k | hi) = alpha/2, found by bisection to a relative precision of 1e-12 (absolute better
// than 1e-10). n == 0 gives (0, 1). k outside [0, n] or alpha outside (0, 1) gives (NaN, NaN).
func ClopperPearson(k, n int64, alpha float64) (lo, hi float64) {
	if n < 0 || k < 0 || k > n || !(alpha > 0 && alpha < 1) {
		return math.NaN(), math.NaN()
	}
	if n == 0 {
		return 0, 1
	}
	half := alpha / 2
	lo, hi = 0, 1
	if k > 0 {
		if k == n {
			// P(X >= n) = p^n.
			lo = math.Exp(safeLog(half) / float64(n))
		} else {
			lo = bisectProb(func(p float64) bool { return BinomialSF(k, n, p) < half })
		}
	}
	if k < n {
		if k == 0 {
			// P(X <= 0) = (1-p)^n.
			hi = -math.Expm1(safeLog(half) / float64(n))
		} else {
			hi = bisectProb(func(p float64) bool { return binomialCDF(k, n, p) > half })
		}
	}
	return lo, hi
}

// bisectProb returns the boundary in [0, 1] between the p for which below(p) holds (the lower part)
// and those for which it does not, to a relative precision of 1e-12.
func bisectProb(below func(p float64) bool) float64 {
	lo, hi := 0.0, 1.0
	for range 2000 {
		mid := lo + (hi-lo)/2
		if mid <= lo || mid >= hi || hi-lo <= 1e-12*hi {
			break
		}
		if below(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + (hi-lo)/2
}
