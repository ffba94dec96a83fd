//go:build race

package main

// raceMemFactor scales lcmem's bounds when the binary runs under the race
// detector, which costs several times the memory (its shadow memory and
// bookkeeping; Go documents 5–10×, measured ~2–3× on these inputs). The
// bounds stay far below the gigabytes the defects they guard against took.
const raceMemFactor = 4
