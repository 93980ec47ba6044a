package hospital

import (
	"math/rand/v2"
	"time"
)

// Random streams are derived from a seed and a domain-separated key, so that
// every patient, note and staff list has its own stream and a batch can be
// generated without replaying the ones before it.
const (
	domainPatient uint64 = iota + 1
	domainNote
	domainStaff
	domainFamily
	domainLive
	domainOnset
	domainStay
	domainFault
	domainExtras
	domainNoise
	domainMerge
	domainFrontPage
	domainAccount
	domainBilling
	domainPrescription
	domainTreatment
	domainExam
	domainStock
)

// mix64 is the splitmix64 finaliser: a bijective, well-diffusing hash.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// seedRand returns a PCG stream determined by parts and nothing else.
func seedRand(parts ...uint64) *rand.Rand {
	h := uint64(0x6a09e667f3bcc909)
	for _, p := range parts {
		h = mix64(h ^ p)
	}
	return rand.New(rand.NewPCG(h, mix64(h^0xbb67ae8584caa73b)))
}

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// between returns a uniform integer in [lo, hi].
func between(r *rand.Rand, lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

// minutes returns a uniform duration of lo to hi whole minutes.
func minutes(r *rand.Rand, lo, hi int) time.Duration {
	return time.Duration(between(r, lo, hi)) * time.Minute
}

// pick returns a uniformly chosen element of xs, which must not be empty.
func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// skewed returns an index in [0, n) that favours the front of a list ordered
// from common to rare.
func skewed(r *rand.Rand, n int) int {
	f := r.Float64()
	return int(f * f * float64(n))
}

// weighted returns an index drawn with probability proportional to w[i], or
// -1 when all weights are zero.
func weighted(r *rand.Rand, w []float64) int {
	var total float64
	for _, x := range w {
		total += x
	}
	if total <= 0 {
		return -1
	}
	x := r.Float64() * total
	for i, wi := range w {
		if x < wi {
			return i
		}
		x -= wi
	}
	for i := len(w) - 1; i >= 0; i-- {
		if w[i] > 0 {
			return i
		}
	}
	return -1
}

// subset returns the elements of xs in order, each kept with probability p,
// and always the first one when keepFirst is set.
func subset[T any](r *rand.Rand, xs []T, p float64, keepFirst bool) []T {
	out := make([]T, 0, len(xs))
	for i, x := range xs {
		if (i == 0 && keepFirst) || chance(r, p) {
			out = append(out, x)
		}
	}
	return out
}
