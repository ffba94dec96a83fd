// Package fields maps input columns to leakcheck's logical fields and normalizes their values.
// The normalizers are versioned as a whole: Version goes into every filter, and a filter built
// with another version is refused, because the same person would hash differently.
//
// The rules are specified precisely, with examples, in docs/normalization.md; in short
// (Version 1):
//
//	field              canonical form               accepted input
//	phone              E.164: +919876543210         anything the phone number library parses in the default
//	                                                region and finds valid (IsValidNumber); no letters, no
//	                                                extension. Common Indian shapes take a fast path with
//	                                                the same result.
//	national_id        12 digits: 234567890124      12 digits with spaces or '-', first digit 2-9, Verhoeff
//	                                                check digit last; masked IDs are invalid here
//	national_id_last4  4 digits: 1234               masked ID (XXXX XXXX 1234, ********1234), 4 digits, or
//	                                                a valid national_id
//	email              anita.sharma@example.com     lower-cased; one '@', non-empty local part, dotted domain
//	                                                with no empty label, no spaces or controls
//	name               dr. anita sharma             invisible Cc/Cf removed, NFKC, case fold, NFKC, spaces
//	                                                collapsed, ends trimmed of space/punctuation/symbols;
//	                                                needs a letter
//	dob                1990-03-12                   d/m/y (Indian order), y-m-d, "12 Mar 1990",
//	                                                "March 12, 1990", optional time; m/d/y order and
//	                                                two-digit years refused; year 1880..current
//	yob                1990                         4 digits, optionally ".0"; 1880..current year
//	gender             M, F or O                    common English and Hindi spellings
//	id                 as given, trimmed            anything; never hashed
//
// For every field but id, a blank value or a placeholder such as "NA", "null", "-" is missing
// (Normalize returns "" and no error), and a value longer than 1024 bytes or not valid UTF-8 is
// invalid.
//
// Each field's common shapes (an Indian mobile number, a name in printable ASCII, a 4-digit year,
// a numeric date, an ASCII gender) are answered by a fast path on the raw value (fast.go), which
// declines everything it cannot answer exactly as the general path does; tests and a fuzz target
// compare the two.
//
// Errors never contain the value they are about, nor any part of it: an *Invalid carries a field
// and a reason only ("12 digits expected, got 10"). Values are personal data and errors end up in
// logs and terminals.
//
// AutoMap guesses which column holds which field from its header. Column names are not personal
// data, so they may appear in errors and in Mapping.Describe.
package fields
