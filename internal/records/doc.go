// Package records reads input files into records of named columns. Every reader yields the same
// shape, so the rest of leakcheck never knows which format a record came from.
//
// A [Reader] returns one [Record] per data row, with values positional to [Reader.Columns]. A row
// that cannot be read is skipped and reported as a [*RowError] of the form "file:line: reason";
// reading continues after it. Errors never contain cell values: the inputs are suspected breach
// dumps, and an error message is exactly the kind of text that ends up in logs, tickets and CI
// output. Reasons are fixed phrases with counts and limits only.
//
// # Sources
//
// [Sources] expands a path into the [Source]s it holds: standard input ("-"), a file, every file
// under a directory (lexical order, hidden names skipped), or every member of a zip archive
// ("archive.zip!member.csv"). [Source.Open] sniffs the content (detect.go) and peels off
// compression (gzip, bzip2, xz, zstd) and the text encoding (UTF-8, UTF-16, Windows-1252), then
// picks the reader for the format:
//
//   - delimited text ([NewDelimited]): a header row, then rows separated by comma, semicolon,
//     tab or pipe, with RFC 4180 quoting (delimited.go, scan.go);
//   - JSON Lines, and JSON arrays of objects, flattened to dotted keys (json.go);
//   - "Key: Value" blocks, as chat-bot exports are (kv.go), also in the message texts of
//     Telegram Desktop's chat exports, result.json and messages.html (telegram.go);
//   - SQL dumps: MySQL INSERT statements and PostgreSQL COPY blocks (sql.go);
//   - Excel xlsx workbooks, streamed without temporary files (xlsx.go), and OpenDocument
//     spreadsheets (.ods) the same way (ods.go); every sheet is a source of its own.
//
// JSON and key-value records have keys, not positions: their columns are the keys of the first
// records (keyed.go). Line numbers are where a record starts in the (decompressed, decoded)
// text: the line of a JSON object's "{", of an SQL tuple's "(", of a block's first key; for
// xlsx and ods, the spreadsheet row number.
//
// [Source.Count] makes a cheap first pass that returns exactly the number of results (records
// plus row errors) that iterating Next would return, so filters can be sized before the real
// pass. It refuses standard input and pipes ([ErrNotCountable]), which a first pass would use
// up.
//
// # Damaged input
//
// Memory is bounded by [Options.MaxLineBytes]: a line, record, JSON object or SQL row longer than
// the limit is skipped as a row error without ever being held in memory whole. A compressed
// stream or zip archive that ends early or fails its checksum ends reading with an error
// matching [ErrTruncated] that says how many rows came before it; with [Options.AllowPartial]
// the input ends there instead and [Truncation] says so.
package records
