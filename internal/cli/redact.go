package cli

import (
	"errors"
	"strings"
)

// redacted replaces secrets in messages.
const redacted = "[redacted]"

// redactArgs is the last line of defence before an error is printed: any
// command-line argument that looks like key material, and any value given
// to --passphrase (which takes none), is cut out of the message and its
// hints. Library errors (cobra's "unknown command …", a file-not-found
// naming its path) would otherwise echo them.
func redactArgs(err error, args []string) error {
	var secrets []string
	passValue := false
	for _, a := range args {
		v := a
		if strings.HasPrefix(a, "-") {
			if i := strings.IndexByte(a, '='); i >= 0 {
				name := a[:i]
				v = a[i+1:]
				if name == "--passphrase" {
					switch v {
					case "true", "false", "1", "0", "t", "f", "TRUE", "FALSE", "True", "False", "T", "F":
					default:
						if v != "" {
							secrets = append(secrets, v)
						}
						passValue = true
					}
					continue
				}
			}
		}
		if looksLikeKeyMaterial(v) {
			secrets = append(secrets, v)
		}
	}
	if len(secrets) == 0 {
		return err
	}
	clean := func(s string) string {
		for _, sec := range secrets {
			s = strings.ReplaceAll(s, sec, redacted)
		}
		return s
	}
	out := &hintError{err: errors.New(clean(err.Error()))}
	var he *hintError
	if errors.As(err, &he) {
		for _, h := range he.hints {
			out.hints = append(out.hints, clean(h))
		}
	}
	if passValue {
		out.hints = append(out.hints, "--passphrase takes no value: leakcheck asks for the passphrase on the terminal; if you typed a real passphrase on the command line it is now in your shell history, so choose another")
	}
	return out
}
