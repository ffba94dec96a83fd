// Package records reads input files into records of named columns. Every reader yields the same
// shape, so the rest of leakcheck never knows which format a record came from.
//
// A [Reader] returns one [Record] per data row, with values positional to [Reader.Columns]. A row
// that cannot be read is skipped and reported as a [*RowError] of the form "file:line: reason";
// reading continues after it. Errors never contain cell values: the inputs are suspected breach
// dumps, and an error message is exactly the kind of text that ends up in logs, tickets and CI
// output. Reasons are fixed phrases with counts and limits only.
//
// [Open] sniffs the first bytes of a file (see detect.go) and picks the reader. Today the only
// format read is delimited text ([NewDelimited]): a header row, then rows separated by comma,
// semicolon, tab or pipe, with RFC 4180 quoting. Recognised formats that are not read yet
// (compressed files, spreadsheets, UTF-16) are refused with an error naming the format instead of
// being parsed as garbage.
//
// [Count] makes a cheap first pass that returns exactly the number of results (records plus row
// errors) that iterating Next would return, so filters can be sized before the real pass. It
// refuses standard input and pipes ([ErrNotCountable]), which a first pass would use up.
//
// Memory is bounded by [Options.MaxLineBytes]: a line or record longer than the limit is skipped
// as a row error without ever being held in memory whole.
package records
