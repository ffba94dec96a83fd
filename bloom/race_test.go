//go:build race

package bloom

// raceEnabled: the race detector slows the statistical tests tenfold, and
// they test no concurrency.
const raceEnabled = true
