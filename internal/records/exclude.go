package records

import (
	"fmt"
	"path"
	"strings"
)

// Options.Exclude leaves files of a directory and members of an archive unread. A pattern is a
// path.Match glob ("*.html", "old/*", "README*") matched against the file's path relative to
// the directory or the member's path inside the archive, against its base name, and against
// each of its enclosing directories (so "old" leaves out everything under old/). A file named
// directly on the command line is never excluded: name the files to read instead.
//
// Excluded sources are still returned by Sources, marked with Excluded, so that the caller
// can say what was left out; Open refuses them.

// checkExclude refuses a malformed pattern.
func checkExclude(patterns []string) error {
	for _, p := range patterns {
		if p == "" {
			return fmt.Errorf("--exclude: a pattern is empty")
		}
		if _, err := path.Match(p, ""); err != nil {
			return fmt.Errorf("--exclude %q: malformed pattern (use * ? [a-z] and \\ to escape)", p)
		}
	}
	return nil
}

// excluded reports whether rel, a slash-separated path inside a directory or archive, is
// matched by one of the patterns.
func excluded(patterns []string, rel string) bool {
	if len(patterns) == 0 {
		return false
	}
	rel = strings.TrimPrefix(rel, "./")
	parts := strings.Split(rel, "/")
	for _, p := range patterns {
		p = strings.TrimSuffix(p, "/")
		for i := range parts {
			if ok, _ := path.Match(p, strings.Join(parts[:i+1], "/")); ok {
				return true
			}
			if ok, _ := path.Match(p, parts[i]); ok {
				return true
			}
		}
	}
	return false
}
