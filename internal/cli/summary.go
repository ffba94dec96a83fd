package cli

import (
	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/report"
)

// filterSummary describes a filter build or merge wrote; both print it
// with --format json (docs/commands.schema.json).
type filterSummary struct {
	Schema string `json:"schema"`
	// File is the filter written ("-": standard output).
	File              string       `json:"file"`
	Size              int64        `json:"size"`
	Header            bloom.Header `json:"header"`
	FalsePositiveRate float64      `json:"false_positive_rate"`
	// OverCapacity is set when the filter holds more entries than its Bloom
	// parameters were sized for (its false-positive rate is above the target).
	OverCapacity bool `json:"over_capacity"`
}

func summaryOf(schema, file string, size int64, f *bloom.Filter) filterSummary {
	var entries uint64
	for _, ix := range f.Header.Indexes {
		entries += ix.Entries
	}
	return filterSummary{Schema: schema, File: file, Size: size, Header: f.Header,
		FalsePositiveRate: f.FalsePositiveRate(), OverCapacity: entries > f.Header.Bloom.Capacity}
}

// buildSummary is build's JSON output (leakcheck.build/v1).
type buildSummary struct {
	filterSummary
	// DroppedIndexes were asked for (or are defaults) but formed by no row:
	// they are left out of the filter.
	DroppedIndexes []string                  `json:"dropped_indexes"`
	Sources        []report.SourceAccounting `json:"sources"`
}

// mergeSummary is merge's JSON output (leakcheck.merge/v1).
type mergeSummary struct {
	filterSummary
	Inputs []string `json:"inputs"`
}
