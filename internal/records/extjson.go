package records

import (
	"strconv"
	"strings"
	"time"
)

// MongoDB Extended JSON (mongoexport, relaxed and canonical modes) wraps typed values in
// one-key objects: {"$oid": "…"}, {"$numberLong": "…"}, {"$date": "1990-05-12T00:00:00Z"},
// and, for dates before 1970 or in canonical mode, {"$date": {"$numberLong": "-…"}}
// (milliseconds since 1970). Flattened as they are, they would become columns such as
// "dob.$date" that map to no field. unwrapExtJSON turns such an object back into the plain
// value under its own key: the number's digits, the id, the date as an RFC 3339 UTC time.
// Objects with other keys, or with more than one key, are left alone.

// extJSONScalars are the wrappers whose value is kept as written.
var extJSONScalars = map[string]bool{
	"$oid": true, "$numberLong": true, "$numberInt": true, "$numberDouble": true,
	"$numberDecimal": true, "$symbol": true, "$uuid": true,
}

// unwrapExtJSON replaces the pairs out[start:], flattened from the object under key, with one
// plain pair when they are an Extended JSON wrapper.
func unwrapExtJSON(out []pair, start int, key string) []pair {
	if len(out) != start+1 {
		return out
	}
	sub, ok := strings.CutPrefix(out[start].key, key+".")
	if !ok || !strings.HasPrefix(sub, "$") {
		return out
	}
	v := out[start].value
	switch {
	case extJSONScalars[sub]:
	case sub == "$date":
		// Relaxed mode: an ISO 8601 string, kept as written (the date normalizer reads it);
		// {"$numberLong": …} inside, unwrapped already: milliseconds since 1970.
		if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
			v = time.UnixMilli(ms).UTC().Format(time.RFC3339Nano)
		}
	default:
		return out
	}
	out[start] = pair{key, v}
	return out
}
