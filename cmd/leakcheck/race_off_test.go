//go:build !race

package main

// raceMemFactor: see race_on_test.go.
const raceMemFactor = 1
