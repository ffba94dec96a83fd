//go:build race

package report

// raceEnabled shortens the heaviest scenario sweeps under the race detector,
// which makes the engine ~10× slower; the sweeps run in full without it.
const raceEnabled = true
