// Package schematest validates JSON output of check against the published
// schema, docs/report.schema.json, for the tests of every package that
// produces a report.
package schematest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var (
	once   sync.Once
	schema *jsonschema.Schema
	err    error
)

// SchemaPath finds docs/report.schema.json from the current directory
// upwards (tests run in their package's directory).
func SchemaPath() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, "docs", "report.schema.json")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", os.ErrNotExist
		}
		dir = up
	}
}

func load() {
	var p string
	if p, err = SchemaPath(); err != nil {
		return
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	schema, err = c.Compile(p)
}

// Validate fails the test when data is not a leakcheck.report/v2 or
// leakcheck.check/v2 document.
func Validate(tb testing.TB, data []byte) {
	tb.Helper()
	if err := Check(data); err != nil {
		tb.Error(err)
	}
}

// Check returns an error when data is not a leakcheck.report/v2 or
// leakcheck.check/v2 document.
func Check(data []byte) error {
	once.Do(load)
	if err != nil {
		return fmt.Errorf("loading the report schema: %w", err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("report is not JSON: %w", err)
	}
	if err := schema.Validate(v); err != nil {
		return fmt.Errorf("report does not match docs/report.schema.json: %v", err)
	}
	return nil
}

var (
	cmdOnce   sync.Once
	cmdSchema *jsonschema.Schema
	cmdErr    error
)

func loadCommands() {
	var p string
	if p, cmdErr = SchemaPath(); cmdErr != nil {
		return
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	c.AssertContent()
	// commands.schema.json refers to report.schema.json's source accounting,
	// by the $id it declares.
	f, err := os.Open(p)
	if err != nil {
		cmdErr = err
		return
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		cmdErr = err
		return
	}
	if cmdErr = c.AddResource("https://leakcheck.invalid/schemas/report.schema.json", doc); cmdErr != nil {
		return
	}
	cmdSchema, cmdErr = c.Compile(filepath.Join(filepath.Dir(p), "commands.schema.json"))
}

// CheckCommand returns an error when data is not a document of
// docs/commands.schema.json: the JSON output of version, inspect, verify,
// build, merge, or one line of probe --format jsonl.
func CheckCommand(data []byte) error {
	cmdOnce.Do(loadCommands)
	if cmdErr != nil {
		return fmt.Errorf("loading the commands schema: %w", cmdErr)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("output is not JSON: %w", err)
	}
	if err := cmdSchema.Validate(v); err != nil {
		return fmt.Errorf("output does not match docs/commands.schema.json: %v", err)
	}
	return nil
}
