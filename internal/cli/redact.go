package cli

import (
	"errors"
	"regexp"
	"strings"
)

// redacted replaces secrets in messages.
const redacted = "[redacted]"

// redactArgs is the last line of defence before an error is printed: any
// command-line argument (or part of one, split at '=', '+' and ',') that
// looks like key material or like an identifier typed in the wrong place (a
// phone or ID number, an e-mail address), an unknown command that is not a
// plain word, and any value given to --passphrase (which takes none) is cut
// out of the message and its hints, in any letter case. Library errors
// (cobra's "unknown command …", a file-not-found naming its path, an index
// name) would otherwise echo them into logs.
func redactArgs(err error, args []string) error {
	var secrets []string
	passValue := false
	for i, a := range args {
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
		if looksLikeKeyMaterial(v) || looksLikeIdentifier(v) {
			secrets = append(secrets, v)
			continue
		}
		for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == '=' || r == '+' || r == ',' }) {
			if looksLikeKeyMaterial(part) || looksLikeIdentifier(part) {
				secrets = append(secrets, part)
			}
		}
		if i == firstNonFlag(args) && !strings.HasPrefix(a, "-") && !plainWord(a) && strings.Contains(err.Error(), "unknown command") {
			secrets = append(secrets, a)
		}
	}
	if len(secrets) == 0 {
		return err
	}
	quoted := make([]string, len(secrets))
	for i, s := range secrets {
		quoted[i] = regexp.QuoteMeta(s)
	}
	re := regexp.MustCompile("(?i)" + strings.Join(quoted, "|"))
	clean := func(s string) string { return re.ReplaceAllString(s, redacted) }
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

// looksLikeIdentifier spots a phone or ID number (six or more digits with at
// most separators around them) or an e-mail address typed where a path,
// command or index name belongs. File names such as "dump-2026-11.csv" have
// letters and are not matched.
func looksLikeIdentifier(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" +-().", r):
		default:
			digits = -1 << 20
		}
	}
	if digits >= 6 {
		return true
	}
	at := strings.IndexByte(s, '@')
	return at > 0 && strings.Contains(s[at:], ".") && !strings.ContainsAny(s, "/\\ ")
}

// plainWord reports whether s could be a mistyped command: a short run of
// lower-case ASCII letters and dashes.
func plainWord(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r == '-') {
			return false
		}
	}
	return true
}

// firstNonFlag is the position of the first argument not starting with '-'
// (cobra's command name), or -1.
func firstNonFlag(args []string) int {
	for i, a := range args {
		if !strings.HasPrefix(a, "-") {
			return i
		}
	}
	return -1
}
