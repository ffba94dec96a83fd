package bloom

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"
)

// checkStrictJSON refuses what encoding/json would let through but FORMAT.md
// §2 does not allow: bytes that are not UTF-8, a member name that differs
// from the specified one only in case (encoding/json matches names
// case-insensitively), and a member given twice in one object (encoding/json
// keeps the last). t is the Go type the header decodes into; its json tags
// are the member names.
func checkStrictJSON(data []byte, t reflect.Type) error {
	if !utf8.Valid(data) {
		return errors.New("the header is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return strictValue(dec, t, "")
}

// strictValue reads one JSON value of Go type t from dec.
func strictValue(dec *json.Decoder, t reflect.Type, path string) error {
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch tok {
	case json.Delim('{'):
		var members map[string]reflect.Type
		if t != nil && t.Kind() == reflect.Struct {
			members = jsonMembers(t)
		}
		seen := map[string]bool{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			name := k.(string)
			where := strings.TrimPrefix(path+"."+name, ".")
			if seen[name] {
				return fmt.Errorf("member %q appears twice", where)
			}
			seen[name] = true
			ft, known := members[name]
			if members != nil && !known {
				for m := range members {
					if strings.EqualFold(m, name) {
						return fmt.Errorf("member %q: member names are case-sensitive (%q)", where, strings.TrimPrefix(path+"."+m, "."))
					}
				}
				return fmt.Errorf("unknown field %q (FORMAT.md §2 allows no other member)", where)
			}
			if err := strictValue(dec, ft, where); err != nil {
				return err
			}
		}
		_, err = dec.Token() // '}'
		return err
	case json.Delim('['):
		var et reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			et = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			if err := strictValue(dec, et, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		_, err = dec.Token() // ']'
		return err
	}
	return nil
}

// jsonMembers maps the member names of struct type t to their types.
func jsonMembers(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = f.Type
	}
	return m
}

// indexFieldOrder is the canonical order of the built-in fields in an index
// name (FORMAT.md §2); custom fields follow, in byte order of their names.
var indexFieldOrder = []string{"phone", "national_id", "national_id_last4", "email", "name", "dob", "yob", "gender"}

// MaxIndexes bounds the indexes of one filter (an entry digest carries its
// index number in one byte during a build).
const MaxIndexes = 255

// validateIndexes checks that every index lists known fields once each, in
// canonical order, that its name is those fields joined by "+", and that no
// two indexes share a name.
func validateIndexes(ixs []Index, custom []CustomField) error {
	if len(ixs) > MaxIndexes {
		return fmt.Errorf("%d indexes, at most %d", len(ixs), MaxIndexes)
	}
	rank := func(f string) int {
		if i := slices.Index(indexFieldOrder, f); i >= 0 {
			return i
		}
		if slices.ContainsFunc(custom, func(c CustomField) bool { return c.Name == f }) {
			return len(indexFieldOrder)
		}
		return -1
	}
	names := map[string]bool{}
	for i, ix := range ixs {
		if len(ix.Fields) == 0 {
			return fmt.Errorf("index %d has no fields", i+1)
		}
		for j, f := range ix.Fields {
			r := rank(f)
			if r < 0 {
				return fmt.Errorf("index %d uses field %q, which is neither built in nor declared in custom_fields", i+1, f)
			}
			if j > 0 {
				prev := ix.Fields[j-1]
				pr := rank(prev)
				if pr > r || (pr == r && (r < len(indexFieldOrder) || prev >= f)) {
					return fmt.Errorf("index %d lists its fields out of canonical order or twice (%s before %s)", i+1, prev, f)
				}
			}
		}
		if want := strings.Join(ix.Fields, "+"); ix.Name != want {
			return fmt.Errorf("index %d is named %q, but its fields make the canonical name %q", i+1, ix.Name, want)
		}
		if names[ix.Name] {
			return fmt.Errorf("index %s appears twice", ix.Name)
		}
		names[ix.Name] = true
	}
	return nil
}
