package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/keyhash"
	"github.com/leakcheck/leakcheck/internal/report"
)

type probeOptions struct {
	keyFlags
	filters []string // --filter values: filter files or directories of *.lcf
	field   string
	quiet   bool
	oprfKey string // --oprf-key: the OPRF key mode
	format  string // --format: text or jsonl
}

// probeFormats are probe's output formats: text lines for people, JSON
// lines (one object per identifier and filter) for programs.
var probeFormats = []string{"text", "jsonl"}

// probeFields are the fields probe can test: the identifying ones.
var probeFields = []string{"phone", "national_id", "email"}

// maxProbeLine bounds one line of piped identifiers.
const maxProbeLine = 1 << 20

func newProbeCmd(e *env) *cobra.Command {
	var o probeOptions
	cmd := &cobra.Command{
		Use:   "probe --key FILE --filter FILTER... [--field phone|national_id|email]",
		Short: "Ask a filter whether it holds an identifier, typed without echo",
		Long: `Ask a filter whether the dump it was built from holds one identifier: a phone
number, a national ID or an email address.

On a terminal, probe asks for the identifier without showing it as you type.
Piped, it reads one identifier per line and prints one answer per line, in
input order, naming the line and never the identifier:

  line 1: present (phone)
  line 2: absent (phone)
  line 3: invalid (phone): not a valid phone number for region IN (too short)

The identifier is normalized exactly as build did (with the filter's default
phone region) and tested against each single-field index of its field. Without
--field, the field is guessed from the shape: an @ makes an email, 12 digits
with a valid Verhoeff check digit a national ID (also tested as a phone when
they read as one, e.g. 91 and a mobile number), anything else a phone.

--filter may be repeated, and may name a directory (every *.lcf in it): each
identifier is then answered once per filter, naming the filter:

  line 1: dump-a.lcf: present (phone)
  line 1: dump-b.lcf: absent (phone)

--format jsonl prints one JSON object per line instead, one per identifier
and filter (schema leakcheck.probe/v1, docs/commands.schema.json):

  {"schema":"leakcheck.probe/v1","line":1,"filter":"dump.lcf","outcome":"present",
   "results":[{"field":"phone","result":"present"}],"false_alarm_rate":1.1e-09}

with outcome present, absent or not_tested (invalid, or no index for its
field; each result says which, with a stable code), and outcome blank, with
no filter, for a blank line.

"absent" is certain; "present" is wrong with the filter's false-positive rate,
which probe states in words. The identifier is never taken from the command
line, where it would stay in shell history and show in ps.

Exit codes: 0 every identifier absent; 1 some identifier present (in any
filter); 2 error, including any identifier that could not be tested
(invalid, or no index for its field) when none is present.`,
		Example: `  leakcheck probe --key engagement.key --filter dump.lcf
  leakcheck probe --key engagement.key --filter dump.lcf --field national_id
  leakcheck probe --key engagement.key --filter dump.lcf < numbers.txt > answers.txt
  leakcheck probe --key engagement.key --filter filters/ < numbers.txt`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return withHint(errors.New("probe takes no arguments: it never reads an identifier from the command line"),
					"run it without arguments and type the identifier at the prompt (it is not shown), or pipe identifiers in, one per line",
					"anything typed on a command line stays in your shell history and shows in ps")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runProbe(e, o) },
	}
	// A mistyped flag might carry the identifier: never repeat its text.
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return withHint(errors.New("probe: unknown flag or bad flag value (not repeated here, in case it holds an identifier)"),
			"see 'leakcheck probe --help'; give the identifier at the prompt or on standard input, never on the command line")
	})
	cmd.Flags().StringVar(&o.keyFile, "key", "", "key file (or set "+KeyFileEnv+")")
	cmd.Flags().StringVar(&o.oprfKey, "oprf-key", "", "OPRF key file, for a filter built with 'build --oprf-key' (the key holder probes directly; a registry asks through blind and evaluate)")
	o.keyFlags.addPassphraseFlag(cmd)
	cmd.Flags().StringArrayVar(&o.filters, "filter", nil, "filter file built by 'leakcheck build', or a directory of *.lcf filters (repeatable; required)")
	cmd.Flags().StringVar(&o.field, "field", "", "the identifier's field: phone, national_id or email (default: guessed from its shape)")
	cmd.Flags().BoolVarP(&o.quiet, "quiet", "q", false, "print no status lines on standard error")
	cmd.Flags().StringVar(&o.format, "format", "text", "output format: text, or jsonl (one JSON object per identifier and filter, schema leakcheck.probe/v1)")
	cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(probeFormats, cobra.ShellCompDirectiveNoFileComp))
	cmd.MarkFlagFilename("filter", "lcf")
	cmd.MarkFlagFilename("key")
	cmd.RegisterFlagCompletionFunc("field", cobra.FixedCompletions(probeFields, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// prober answers for identifiers against one unlocked filter.
type prober struct {
	name   string // the filter's path, as given
	f      *bloom.Filter
	norm   *fields.Normalizer
	hasher *keyhash.Hasher
	// OPRF key mode: the key holder's PRF evaluation and the entry keyed
	// with its output (cmd_oprf.go).
	direct *keyhash.DirectOPRF
	keyed  keyhash.KeyedEntry
	field  fields.Field // fixed by --field, or -1 to guess
	index  map[fields.Field]string
	d      [bloom.ItemSize]byte
}

// outcome of one identifier.
type outcome int

const (
	outcomeAbsent outcome = iota
	outcomePresent
	outcomeUnchecked // invalid, or no index for its field
)

func runProbe(e *env, o probeOptions) error {
	if !slices.Contains(probeFormats, o.format) {
		return withHint(fmt.Errorf("unknown --format %q", o.format), "use --format text or --format jsonl")
	}
	field := fields.Field(-1)
	if o.field != "" {
		f, ok := probeField(o.field)
		if !ok {
			return withHint(errors.New("--field must be phone, national_id or email"), "or leave it out: probe guesses the field from the identifier's shape")
		}
		field = f
	}
	paths, multi, err := filterPaths(o.filters)
	if err != nil {
		return err
	}
	if slices.Contains(paths, stdio) {
		return withHint(errors.New("probe reads identifiers on standard input, so its filter cannot come from there (--filter -)"),
			"save the filter to a file and name the file")
	}
	defer o.keyFlags.wipe()
	// Every filter is unlocked (key check, MAC) before any identifier is read.
	var ps []*prober
	for _, path := range paths {
		u, err := openUnlocked(e, &o.keyFlags, path)
		if err != nil {
			return err
		}
		defer u.wipe()
		p, err := newProber(path, u, field, multi)
		if err != nil {
			return err
		}
		if p.direct, err = probeOPRF(path, u, o.oprfKey); err != nil {
			return err
		}
		ps = append(ps, p)
	}
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return probeTerminal(e, o, ps, field, multi)
	}
	return probeBatch(e, o, ps, multi)
}

// newProber readies one unlocked filter for probing. With a single filter,
// one that holds no index probe could test is an error; among several, it
// answers "not tested" for every identifier.
func newProber(path string, u *unlockedFilter, field fields.Field, multi bool) (*prober, error) {
	p := &prober{name: path, f: u.f, field: field, index: map[fields.Field]string{}, hasher: u.keys.NewHasher()}
	var err error
	if p.norm, err = fields.NewNormalizerVersion(u.f.Header.Region, u.f.Header.Normalization); err != nil {
		return nil, err
	}
	var all []string
	for _, ix := range u.f.Header.Indexes {
		all = append(all, ix.Name)
		if len(ix.Fields) != 1 {
			continue
		}
		if f, ok := probeField(ix.Fields[0]); ok {
			p.index[f] = ix.Name
		}
	}
	if multi {
		return p, nil
	}
	if len(p.index) == 0 {
		return nil, withHint(fmt.Errorf("filter %s has no single-field phone, national_id or email index (its indexes: %s): probe has nothing to test", path, strings.Join(all, ", ")),
			"probe answers for one identifier; ask for a filter built with such an index (the default indexes include one per identifier in the dump)")
	}
	if p.field >= 0 && p.index[p.field] == "" {
		return nil, withHint(fmt.Errorf("filter %s has no %s index (its indexes: %s)", path, p.field, strings.Join(all, ", ")),
			"probe a field the filter holds, or ask for a filter built with --index "+p.field.String())
	}
	return p, nil
}

func probeField(s string) (fields.Field, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "phone":
		return fields.Phone, true
	case "national_id":
		return fields.NationalID, true
	case "email":
		return fields.Email, true
	}
	return -1, false
}

// probeTerminal asks for one identifier without echo and answers it, once
// per filter.
func probeTerminal(e *env, o probeOptions, ps []*prober, field fields.Field, multi bool) error {
	what := "phone, national ID or email"
	if field >= 0 {
		what = field.String()
	}
	in, err := promptPassphrase(e.ctx, e.stdin, e.stderr, "identifier ("+what+"; not shown as you type): ")
	if errors.Is(err, io.EOF) {
		return errors.New("nothing was typed: no identifier to test")
	}
	if err != nil {
		return err
	}
	defer clear(in)
	if len(strings.TrimSpace(string(in))) == 0 {
		return errors.New("nothing was typed: no identifier to test")
	}
	var t probeTally
	for _, p := range ps {
		if o.format == "jsonl" {
			rs, out := p.test(in)
			if err := writeProbeJSON(e.stdout, 1, p, rs, out); err != nil {
				return err
			}
			t.add(out)
			continue
		}
		answer, out := p.probe(in)
		if out == outcomePresent {
			answer += "; " + fprPhrase(p.f.FalsePositiveRate())
		}
		if multi {
			answer = p.name + ": " + answer
		}
		fmt.Fprintln(e.stdout, answer)
		t.add(out)
	}
	switch {
	case t.present > 0:
		return &exitError{ExitExposed}
	case t.unchecked > 0:
		return &exitError{ExitError}
	}
	return nil
}

// probeTally counts answers.
type probeTally struct{ present, absent, unchecked int }

func (t *probeTally) add(o outcome) {
	switch o {
	case outcomePresent:
		t.present++
	case outcomeAbsent:
		t.absent++
	default:
		t.unchecked++
	}
}

// probeBatch answers one identifier per line of standard input, once per
// filter.
func probeBatch(e *env, o probeOptions, ps []*prober, multi bool) error {
	sc := bufio.NewScanner(e.stdin)
	sc.Buffer(make([]byte, 0, 64<<10), maxProbeLine)
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	var line int
	var t probeTally
	for sc.Scan() {
		if err := e.ctx.Err(); err != nil {
			return err
		}
		line++
		b := sc.Bytes()
		if len(strings.TrimSpace(string(b))) == 0 {
			if o.format == "jsonl" {
				fmt.Fprintf(w, `{"schema":"%s","line":%d,"outcome":"blank"}`+"\n", probeSchema, line)
			} else {
				fmt.Fprintf(w, "line %d: blank\n", line)
			}
			continue
		}
		for _, p := range ps {
			if o.format == "jsonl" {
				rs, out := p.test(b)
				if err := writeProbeJSON(w, line, p, rs, out); err != nil {
					return err
				}
				t.add(out)
				continue
			}
			answer, out := p.probe(b)
			if multi {
				fmt.Fprintf(w, "line %d: %s: %s\n", line, p.name, answer)
			} else {
				fmt.Fprintf(w, "line %d: %s\n", line, answer)
			}
			t.add(out)
		}
		clear(b)
	}
	if err := sc.Err(); err != nil {
		w.Flush()
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("standard input line %d is longer than %d bytes: not an identifier; stopped there", line+1, maxProbeLine)
		}
		return fmt.Errorf("reading standard input after line %d: %w", line, err)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if !o.quiet {
		if multi {
			e.notef("%d answer(s) for %d filter(s): %d present, %d absent, %d not tested", t.present+t.absent+t.unchecked, len(ps), t.present, t.absent, t.unchecked)
			for _, p := range ps {
				e.notef("%s: a present answer is a false alarm %s", p.name, fprPhraseShort(p.f.FalsePositiveRate()))
			}
		} else {
			e.notef("%d identifier(s): %d present, %d absent, %d not tested; a present answer is a false alarm %s",
				t.present+t.absent+t.unchecked, t.present, t.absent, t.unchecked, fprPhraseShort(ps[0].f.FalsePositiveRate()))
		}
	}
	switch {
	case t.present > 0:
		return &exitError{ExitExposed}
	case t.unchecked > 0:
		what := "identifier(s)"
		if multi {
			what = "answer(s)"
		}
		return withHint(fmt.Errorf("%d %s could not be tested (see the answers marked invalid or not tested)", t.unchecked, what),
			"exit code 2: nothing may be concluded about those; fix them, or pass --field if the guess was wrong")
	case line == 0:
		return withHint(errors.New("no identifier on standard input"), "pipe identifiers in, one per line, or run probe in a terminal to type one")
	case t.present+t.absent+t.unchecked == 0:
		// Only blank lines: nothing was tested, so "absent" (exit 0) would be a wrong answer.
		return withHint(fmt.Errorf("no identifier on standard input: its %d line(s) are all blank", line),
			"pipe identifiers in, one per line, or run probe in a terminal to type one")
	}
	return nil
}

// probeSchema names the JSON lines of probe --format jsonl.
const probeSchema = "leakcheck.probe/v1"

// probeAnswer is one line of probe --format jsonl: one identifier (by its
// line, never its value) against one filter.
type probeAnswer struct {
	Schema  string        `json:"schema"`
	Line    int           `json:"line"`
	Filter  string        `json:"filter"`
	Outcome string        `json:"outcome"`
	Results []probeResult `json:"results"`
	// FalseAlarmRate is the chance that a present answer is wrong: the
	// filter's false-positive rate.
	FalseAlarmRate float64 `json:"false_alarm_rate"`
}

func writeProbeJSON(w io.Writer, line int, p *prober, rs []probeResult, out outcome) error {
	a := probeAnswer{Schema: probeSchema, Line: line, Filter: p.name, Outcome: "not_tested", Results: rs, FalseAlarmRate: p.f.FalsePositiveRate()}
	switch out {
	case outcomePresent:
		a.Outcome = resultPresent
	case outcomeAbsent:
		a.Outcome = resultAbsent
	}
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// probeResult is the answer for one identifier in one field: present,
// absent, invalid or not_tested, with the reason for the last two (never
// the identifier).
type probeResult struct {
	Field  string `json:"field"`
	Result string `json:"result"`
	Code   string `json:"code,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// Probe results (probeResult.Result).
const (
	resultPresent   = "present"
	resultAbsent    = "absent"
	resultInvalid   = "invalid"
	resultNotTested = "not_tested"
)

func (r probeResult) String() string {
	word := strings.ReplaceAll(r.Result, "_", " ")
	if r.Reason == "" {
		return fmt.Sprintf("%s (%s)", word, r.Field)
	}
	return fmt.Sprintf("%s (%s): %s", word, r.Field, r.Reason)
}

// probe answers for one raw identifier, never quoting it.
func (p *prober) probe(raw []byte) (string, outcome) {
	rs, out := p.test(raw)
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return strings.Join(parts, "; "), out
}

// test tests one raw identifier in each field it may be (see guess).
func (p *prober) test(raw []byte) ([]probeResult, outcome) {
	s := strings.TrimSpace(string(raw))
	cands := []fields.Field{p.field}
	if p.field < 0 {
		cands = p.guess(s)
	}
	var rs []probeResult
	var nPresent, nAbsent int
	for _, f := range cands {
		r := p.testField(f, s)
		switch r.Result {
		case resultPresent:
			nPresent++
		case resultAbsent:
			nAbsent++
		}
		rs = append(rs, r)
	}
	switch {
	case nPresent > 0:
		return rs, outcomePresent
	case nAbsent == len(cands):
		return rs, outcomeAbsent
	}
	return rs, outcomeUnchecked
}

func (p *prober) testField(f fields.Field, s string) probeResult {
	r := probeResult{Field: f.String()}
	invalid := func(reason string) probeResult {
		r.Result, r.Reason, r.Code = resultInvalid, reason, report.ReasonCode(reason)
		return r
	}
	v, err := p.norm.Normalize(f, s)
	var inv *fields.Invalid
	switch {
	case errors.As(err, &inv):
		return invalid(inv.Reason)
	case err != nil:
		return invalid("")
	case v == "":
		return invalid("no value (a placeholder such as NA)")
	}
	ix := p.index[f]
	if ix == "" {
		r.Result, r.Code, r.Reason = resultNotTested, "no_index", fmt.Sprintf("the filter has no %s index", f)
		return r
	}
	if p.direct != nil {
		var key keyhash.IdentifierKey
		if err := p.direct.Key(f.String(), v, &key); err != nil {
			return invalid("cannot be evaluated")
		}
		p.keyed.Entry(&key, ix, []string{v}, &p.d)
		clear(key[:])
	} else {
		p.hasher.Entry(ix, []string{v}, &p.d)
	}
	r.Result = resultAbsent
	if p.f.Test(p.d[:]) {
		r.Result = resultPresent
	}
	clear(p.d[:])
	return r
}

// guess picks the field(s) of an identifier from its shape: an @ makes an
// email; 12 digits (spaces and '-' allowed) that pass the national ID checks
// (first digit 2-9, Verhoeff check digit) a national ID, and a phone too when
// they also read as a valid phone number (91 and a mobile number); anything
// else a phone.
func (p *prober) guess(s string) []fields.Field {
	if strings.Contains(s, "@") {
		return []fields.Field{fields.Email}
	}
	digits := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s)
	if len(digits) == 12 && strings.Trim(digits, "0123456789") == "" {
		if v, err := p.norm.Normalize(fields.NationalID, s); err == nil && v != "" {
			if ph, err := p.norm.Normalize(fields.Phone, s); err == nil && ph != "" {
				return []fields.Field{fields.Phone, fields.NationalID}
			}
			return []fields.Field{fields.NationalID}
		}
	}
	return []fields.Field{fields.Phone}
}

// fprPhrase says how likely a "present" answer is wrong, for people: "about 1
// in a million chance this is a false alarm".
func fprPhrase(p float64) string {
	if p <= 0 {
		return "no chance of a false alarm"
	}
	return "about 1 in " + report.OneIn(p) + " chance this is a false alarm"
}

func fprPhraseShort(p float64) string {
	if p <= 0 {
		return "never"
	}
	return "about 1 in " + report.OneIn(p) + " times"
}
