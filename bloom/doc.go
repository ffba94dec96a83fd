// Package bloom reads and writes leakcheck filter files: a versioned,
// checksummed and MAC-authenticated container of a partitioned Bloom filter
// whose items are 16-byte keyed digests. FORMAT.md beside this file is the
// complete specification; anyone can implement a compatible reader from it.
//
// Writing: plan the parameters (Plan), allocate (New), add digests (Add or,
// from several goroutines, AddTo on distinct partitions), then WriteTo with
// the MAC key and an optional Ed25519 signing key.
//
// Reading is two steps, so that the caller can derive its keys from the
// header's salt in between: NewDecoder reads and checks the preamble and
// header; Decoder.Body reads the partitions and verifies the checksum, the
// MAC (when given its key) and any signature. Every failure is a
// *FormatError naming the check that failed.
//
// The package imports nothing from leakcheck's internal packages.
package bloom
