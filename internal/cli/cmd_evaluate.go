package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakcheck/leakcheck/exchange"
	"github.com/leakcheck/leakcheck/internal/keyhash"
	"github.com/leakcheck/leakcheck/internal/oprfexchange"
)

type evaluateOptions struct {
	oprfKey string
	max     int64
	output  string
	log     string
	workers int
	force   bool
	quiet   bool
}

func newEvaluateCmd(e *env) *cobra.Command {
	var o evaluateOptions
	cmd := &cobra.Command{
		Use:   "evaluate --oprf-key FILE --max N [-o RESPONSE] [REQUEST]",
		Short: "Evaluate a registry's blinded request with the OPRF key (analyst side)",
		Long: `Evaluate the blinded elements of a registry's request (from 'leakcheck blind')
with the analyst's OPRF key, and prove with a batched DLEQ proof per batch
(RFC 9497 VOPRF) that the key behind the filter's public key was used. The
analyst never sees the registry's identifiers.

--max is the number of evaluations agreed with the registry: a request over it
is refused before anything is evaluated (each evaluation lets the registry test
one identifier against the filter). The count served is printed, and appended
as a JSON line to --log FILE when given.

REQUEST "-" or no REQUEST reads standard input; the response goes to -o
(standard output by default).`,
		Example: `  leakcheck evaluate --oprf-key analyst.oprfkey --max 1000000 request.lcq -o response.lcr
  ssh registry leakcheck blind … | leakcheck evaluate --oprf-key analyst.oprfkey --max 1000000 --log served.jsonl`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("max") {
				return withHint(errors.New("no --max given"), "state the number of evaluations agreed with the registry, e.g. --max 1000000 (its registry's identifier count)")
			}
			req := "-"
			if len(args) == 1 {
				req = args[0]
			}
			return runEvaluate(e, o, req)
		},
	}
	cmd.Flags().StringVar(&o.oprfKey, "oprf-key", "", "OPRF key file made with 'keygen --oprf' (required)")
	cmd.Flags().Int64Var(&o.max, "max", 0, "refuse a request of more than N elements (required: the number of evaluations agreed)")
	cmd.Flags().StringVarP(&o.output, "output", "o", "-", "response file to write, or - for standard output")
	cmd.Flags().StringVar(&o.log, "log", "", "append a JSON line per evaluation served to this file")
	cmd.Flags().IntVar(&o.workers, "workers", 0, "batches evaluated at once (0 = one per CPU)")
	cmd.Flags().BoolVar(&o.force, "force", false, "replace the response file if it exists")
	cmd.Flags().BoolVarP(&o.quiet, "quiet", "q", false, "print no status lines")
	return cmd
}

// servedRecord is one line of evaluate's --log.
type servedRecord struct {
	Time      time.Time `json:"time"`
	RequestID string    `json:"request_id"`
	Salt      []byte    `json:"filter_salt"`
	Elements  uint64    `json:"elements"`
	Max       int64     `json:"max"`
}

func runEvaluate(e *env, o evaluateOptions, reqPath string) error {
	if o.oprfKey == "" {
		return withHint(errors.New("no OPRF key given"), "add --oprf-key FILE (made with 'leakcheck keygen --oprf')")
	}
	if o.max < 1 {
		return fmt.Errorf("--max %d: want at least 1", o.max)
	}
	sk, err := loadOPRFKey(o.oprfKey)
	if err != nil {
		return err
	}
	in, _, closeIn, err := e.binaryInput(reqPath, "request")
	if err != nil {
		return err
	}
	defer closeIn()
	req, err := exchange.NewRequestReader(in)
	if err != nil {
		return exchangeError("request", reqPath, err)
	}
	h := req.Header
	if h.Elements > uint64(o.max) {
		return withHint(fmt.Errorf("the request holds %d elements, over --max %d: refused, nothing was evaluated", h.Elements, o.max),
			"each evaluation lets the registry test one identifier; agree on the count with the registry (its number of distinct identifier values) and raise --max only to that")
	}
	out, err := e.binaryOutput(o.output, "response", o.force)
	if err != nil {
		return err
	}
	defer out.abort()
	st, err := oprfexchange.Evaluate(e.ctx, req, out.w, sk, uint64(o.max), o.workers, keyhash.Random, toolName())
	if err != nil {
		return exchangeError("request", reqPath, err)
	}
	if err := out.commit(); err != nil {
		return err
	}
	if o.log != "" {
		line, _ := json.Marshal(servedRecord{Time: time.Now().UTC().Truncate(time.Second), RequestID: fmt.Sprintf("%x", h.RequestID), Salt: h.Salt, Elements: st.Elements, Max: o.max})
		f, err := os.OpenFile(o.log, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("the response was written, but the log was not: %w", err)
		}
		_, err = f.Write(append(line, '\n'))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("the response was written, but the log was not: %w", err)
		}
	}
	if !o.quiet {
		e.notef("evaluated %d elements in %d batch proofs for request %x (limit --max %d)", st.Elements, st.Batches, h.RequestID, o.max)
	}
	return nil
}

// exchangeError explains an exchange file's format error.
func exchangeError(what, path string, err error) error {
	var fe *exchange.FormatError
	if !errors.As(err, &fe) {
		return err
	}
	name := path
	if path == "-" {
		name = "standard input"
	}
	e := fmt.Errorf("%s %s failed the %s check: %s", what, name, fe.Check, fe.Detail)
	switch fe.Check {
	case "truncated", "checksum", "trailing data":
		return withHint(e, "the file is incomplete or damaged: run that step again")
	case "version":
		return withHint(e, "both sides need the same leakcheck version")
	}
	return e
}
