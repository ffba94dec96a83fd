package cli

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/leakcheck/leakcheck/exchange"
	"github.com/leakcheck/leakcheck/internal/engine"
	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/keyhash"
	"github.com/leakcheck/leakcheck/internal/oprfexchange"
	"github.com/leakcheck/leakcheck/internal/report"
	"github.com/leakcheck/leakcheck/internal/safefile"
)

type blindOptions struct {
	inputFlags
	filter string
	output string
	state  string
	region string
	batch  int
	force  bool
}

func newBlindCmd(e *env) *cobra.Command {
	var o blindOptions
	cmd := &cobra.Command{
		Use:   "blind --filter FILTER --state FILE [-o REQUEST] [flags] REGISTRY...",
		Short: "Blind the registry's identifiers for the analyst to evaluate (registry side, OPRF key mode)",
		Long: `Read the registry with the same column mapping and normalization as check,
and blind each distinct value of the identifiers the filter's indexes are keyed
with (RFC 9497 VOPRF): the request holds the blinded elements and nothing else
(no counts per field, no order of the registry's rows). The analyst evaluates
it with 'leakcheck evaluate' and cannot tell which identifiers it holds.

The blinding secrets stay in the state file (mode 0600): it never leaves the
registry, and 'check --response --state' needs it. The request goes to -o
(standard output by default, for a pipe such as
'leakcheck blind … | ssh analyst leakcheck evaluate … | leakcheck check --response - …').`,
		Example: `  leakcheck blind --filter dump.lcf --state dump.lcs -o request.lcq registry.csv
  leakcheck blind --filter dump.lcf --state dump.lcs registry.csv | ssh analyst leakcheck evaluate --oprf-key a.oprfkey --max 2000000 > response.lcr`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runBlind(e, o, args) },
	}
	cmd.Flags().StringVar(&o.filter, "filter", "", "filter built with 'build --oprf-key' (required)")
	cmd.Flags().StringVar(&o.state, "state", "", "state file to create (mode 0600; required): keep it, 'check --state' needs it")
	cmd.Flags().StringVarP(&o.output, "output", "o", "-", "request file to write, or - for standard output")
	cmd.Flags().StringVar(&o.region, "region", "", "default phone region (default: the filter's)")
	cmd.Flags().IntVar(&o.batch, "batch", exchange.DefaultBatch, "elements per batch proof (1 to 65535)")
	cmd.Flags().BoolVar(&o.force, "force", false, "replace the request and state files if they exist")
	o.inputFlags.add(cmd)
	return cmd
}

func runBlind(e *env, o blindOptions, args []string) error {
	if err := o.validate(); err != nil {
		return err
	}
	u, err := openOPRFFilter(e, o.filter)
	if err != nil {
		return err
	}
	defer u.wipe()
	h := u.f.Header
	norm, err := blindNormalizer(e, o.region, h.Region, h.Normalization)
	if err != nil {
		return err
	}
	reqOut, err := e.binaryOutput(o.output, "request", o.force)
	if err != nil {
		return err
	}
	defer reqOut.abort()
	stateOut, err := safefile.Create(o.state, 0o600, !o.force)
	if err != nil {
		return withHint(err, "pass --force to replace it")
	}
	defer stateOut.Abort()

	var st exchange.State
	defer st.Wipe()
	id, err := newBlindState(&st)
	if err != nil {
		return err
	}
	ins, err := e.openInputs(args, &o.inputFlags)
	if err != nil {
		return err
	}
	defer engine.CloseAll(ins)
	res, err := engine.Blind(e.ctx, ins, engine.BlindOptions{
		Options:    o.engineOptions(e),
		Normalizer: norm,
		Header:     &h,
		Tagger:     oprfexchange.NewTagger(&st.Seed, &st.TagKey),
	})
	if err != nil {
		return err
	}
	digests, err := inputDigests(ins, res.Sources)
	if err != nil {
		return err
	}
	x := exchange.Exchange{
		Created: time.Now().UTC().Truncate(time.Second), Tool: toolName(), Suite: exchange.Suite,
		PublicKey: h.Key.OPRF.PublicKey, Salt: h.Salt, RequestID: id, Elements: uint64(res.Elements), Batch: o.batch,
	}
	st.Header = exchange.StateHeader{Exchange: x, Inputs: digests}
	for _, f := range res.Fields {
		st.Header.Fields = append(st.Header.Fields, f.String())
	}
	if err := o.writeExchange(e, reqOut, stateOut, &st, res); err != nil {
		return err
	}
	if !o.quiet {
		e.notef("blinded %d distinct identifier values (%s) for filter %s; request %x", res.Elements, strings.Join(st.Header.Fields, ", "), o.filter, id)
		if o.output != "-" {
			e.notef("wrote %s (send it to the analyst) and %s (mode 0600; keep it here)", o.output, o.state)
		} else {
			e.notef("wrote the request to standard output and %s (mode 0600; keep it here)", o.state)
		}
		report.WriteAccounting(e.stderr, res.Sources)
	}
	return nil
}

// validate checks the flags that need no file.
func (o *blindOptions) validate() error {
	if o.filter == "" {
		return withHint(errors.New("no filter given"), "add --filter dump.lcf (a filter built with 'build --oprf-key')")
	}
	if o.state == "" {
		return withHint(errors.New("no state file given"), "add --state FILE: it keeps the blinding secrets that 'check --state' needs, and never leaves the registry")
	}
	if o.batch < 1 || o.batch > exchange.MaxBatch {
		return fmt.Errorf("--batch %d: want 1 to %d", o.batch, exchange.MaxBatch)
	}
	return nil
}

// openOPRFFilter reads and verifies a filter built in the OPRF key mode; a
// shared-key filter is refused (there is nothing to blind).
func openOPRFFilter(e *env, path string) (*unlockedFilter, error) {
	dec, file, err := openFilter(e, path)
	if err != nil {
		return nil, err
	}
	file.Close()
	if !dec.Header.IsOPRF() {
		return nil, withHint(fmt.Errorf("filter %s is in the shared-key mode: there is nothing to blind", path), "check it with 'leakcheck check --key FILE'; blind is for filters built with --oprf-key")
	}
	return openUnlocked(e, &keyFlags{}, path)
}

// newBlindState draws the state's blinding seed and tag key, and the
// request's id.
func newBlindState(st *exchange.State) (id []byte, err error) {
	if _, err := io.ReadFull(keyhash.Random, st.Seed[:]); err != nil {
		return nil, err
	}
	if _, err := io.ReadFull(keyhash.Random, st.TagKey[:]); err != nil {
		return nil, err
	}
	id = make([]byte, exchange.IDSize)
	if _, err := io.ReadFull(keyhash.Random, id); err != nil {
		return nil, err
	}
	return id, nil
}

// writeExchange writes the state and the request and puts both in place,
// unless the run was interrupted. The blinded values are written as the
// workers' sorted runs are merged (engine.BlindResult.Each), twice: the
// state's tags, then the blinded elements to the state and the request.
func (o *blindOptions) writeExchange(e *env, reqOut *binaryFile, stateOut *safefile.File, st *exchange.State, res *engine.BlindResult) error {
	sw, err := exchange.NewStateWriter(stateOut, &st.Header, &st.Seed, &st.TagKey)
	if err != nil {
		return fmt.Errorf("writing %s: %w", o.state, err)
	}
	res.Each(func(t *exchange.Tag, _ *exchange.Element) error {
		sw.Tag(t)
		return nil
	})
	rw, err := exchange.NewRequestWriter(reqOut.w, &exchange.Request{Exchange: st.Header.Exchange})
	if err != nil {
		return fmt.Errorf("writing the request: %w", err)
	}
	res.Each(func(_ *exchange.Tag, b *exchange.Element) error {
		sw.Blinded(b)
		rw.Write(b)
		return nil
	})
	if err := sw.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", o.state, err)
	}
	if err := rw.Close(); err != nil {
		return fmt.Errorf("writing the request: %w", err)
	}
	if err := e.ctx.Err(); err != nil {
		return err
	}
	if err := stateOut.Commit(); err != nil {
		return err
	}
	return reqOut.commit()
}

// blindNormalizer normalizes as the filter was built: its normalization
// version, and its region unless --region says otherwise.
func blindNormalizer(e *env, flag, filterRegion string, version int) (*fields.Normalizer, error) {
	region := filterRegion
	if flag != "" && flag != region {
		region = flag
		e.notef("warning: phone numbers without a country code are read as region %s, but the filter was built with %s; such numbers will not match", region, filterRegion)
	}
	return fields.NewNormalizerVersion(region, version)
}

// inputDigests records each registry input's rows read and, for a regular
// file, its size and SHA-256, so that check can refuse a registry that
// changed since blind.
func inputDigests(ins []*engine.Input, accs []*engine.Accounting) ([]exchange.InputDigest, error) {
	out := make([]exchange.InputDigest, len(ins))
	for i, in := range ins {
		out[i] = exchange.InputDigest{Name: in.Display()}
		if accs != nil {
			out[i].Rows = accs[i].Read
		}
		path, _, _ := strings.Cut(in.Name, "!")
		st, err := os.Stat(path)
		if in.Name == "-" || err != nil || !st.Mode().IsRegular() {
			continue
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		h := sha256.New()
		n, err := io.Copy(h, f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", path, err)
		}
		out[i].Size, out[i].SHA256 = n, h.Sum(nil)
	}
	return out, nil
}

// binaryFile is an output of binary data: a file written in full or not at
// all, or standard output.
type binaryFile struct {
	w      io.Writer
	f      *safefile.File
	commit func() error
	abort  func()
}

// binaryOutput opens path ("-": standard output, refused when it is a
// terminal) for a binary file.
func (e *env) binaryOutput(path, what string, force bool) (*binaryFile, error) {
	if path == "-" || path == "" {
		if f, ok := e.stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			return nil, withHint(fmt.Errorf("refusing to write the %s, binary data, to a terminal", what), "write it to a file with -o FILE, or pipe it on")
		}
		return &binaryFile{w: e.stdout, commit: func() error { return nil }, abort: func() {}}, nil
	}
	f, err := safefile.Create(path, 0o644, !force)
	if err != nil {
		return nil, withHint(err, "pass --force to replace it")
	}
	return &binaryFile{w: f, f: f, commit: f.Commit, abort: f.Abort}, nil
}

// binaryInput opens path ("-": standard input) and returns its size when
// it is a regular file (else -1).
func (e *env) binaryInput(path, what string) (io.Reader, int64, func(), error) {
	if path == "-" {
		return e.stdin, -1, func() {}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("opening %s: %w", what, err)
	}
	size := int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	return f, size, func() { f.Close() }, nil
}
