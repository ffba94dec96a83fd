package cli_test

// Regression tests for issue 13 ("hostile files and careless hands"): each
// names the item of the issue it covers. The large hostile inputs are made
// by generators here, never committed.

import (
	"os"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/leakcheck/leakcheck/fixtures"
	"github.com/leakcheck/leakcheck/internal/cli"
)

// sweepData is data that hostile or careless inputs put where column names,
// commands, paths or index names belong. None of it may ever be printed.
var sweepData = []string{"Kavya Menon", "Ludhiana", "Asha Verma", "Ravi Kumar", "9876512345", "kavya.menon@example.com", "424242424242"}

// TestSweepNoDataInMessages (items 1, 2 and 3): every error path and every
// mapping line that a headerless file, a JSON object keyed by person, or an
// identifier typed in the wrong place reaches prints no part of that data.
func TestSweepNoDataInMessages(t *testing.T) {
	w := newWS(t)
	w.secrets = append(w.secrets, sweepData...)
	leak := w.build("leak.lcf", "--key", w.key)
	inputs := map[string]string{
		// Headerless: the first row is data, with no long number or @ in it.
		"names.csv":  "Kavya Menon,Female,Ludhiana\nArjun Menon,Male,Ludhiana\n",
		"short.csv":  "Kavya Menon,98765,Ludhiana\nAsha Verma,12345,Ludhiana\n",
		"mobile.csv": "Kavya Menon,mobile,Ludhiana\nAsha Verma,mobile,Ludhiana\n",
		// A registry keyed by person name: the key paths hold the names.
		"byname.json":  `{"Asha Verma": {"mobile": "9876500001", "yob": 1990}, "Ravi Kumar": {"mobile": "9876500002", "yob": 1991}}` + "\n",
		"byname1.json": `{"Asha Verma": {"mobile": "9876500001", "yob": 1990}}` + "\n",
		"byname.jsonl": `{"Asha Verma": {"mobile": "9876500001"}, "Ludhiana": {"phone": "9876500002", "name": "X"}}` + "\n",
	}
	for name, body := range inputs {
		writeFile(t, w.path(name), []byte(body))
	}
	for name := range inputs {
		in := w.path(name)
		for _, args := range [][]string{
			{"build", "--key", w.key, "-o", w.path("x.lcf"), in},
			{"build", "--key", w.key, "-o", w.path("x.lcf"), "--field", "phone=mobile", in},
			{"build", "--key", w.key, "-o", w.path("x.lcf"), "--field", "name=City", in},
			{"build", "--key", w.key, "-o", w.path("x.lcf"), "--index", "phone+name", in},
			{"build", "--key", w.key, "-o", w.path("x.lcf"), "--index", "phone+yob", "--strict", in},
			{"check", "--key", w.key, "--filter", leak, in},
			{"check", "--key", w.key, "--filter", leak, "--field", "phone=Phone", in},
			{"check", "--key", w.key, "--filter", leak, "--format", "json", in},
		} {
			os.Remove(w.path("x.lcf"))
			w.run(args...) // fails the test on any sweepData in the output
		}
	}
	// Identifiers typed where a key file, a command, an index, a filter,
	// an input or a column belongs.
	for _, args := range [][]string{
		{"build", "--key", "9876512345", "-o", w.path("x.lcf"), w.path("dump_leak.csv")},
		{"9876512345"},
		{"Kavya Menon"},
		{"kavya.menon@example.com", "build"},
		{"build", "--key", w.key, "--index", "phone+9876512345", "-o", w.path("x.lcf"), w.path("dump_leak.csv")},
		{"build", "--key", w.key, "--index", "424242424242", "-o", w.path("x.lcf"), w.path("dump_leak.csv")},
		{"build", "--key", w.key, "-o", w.path("x.lcf"), "kavya.menon@example.com"},
		{"build", "--key", w.key, "-o", w.path("x.lcf"), "--field", "phone=9876512345", w.path("dump_leak.csv")},
		{"check", "--key", w.key, "--filter", "9876512345", w.path("dump_leak.csv")},
		{"check", "--key", w.key, "--filter=424242424242", w.path("dump_leak.csv")},
		{"inspect", "9876512345"},
		{"key", "fingerprint", "424242424242"},
	} {
		r := w.run(args...)
		if r.code != 2 {
			t.Errorf("leakcheck %q: exit %d, want 2:\n%s", args, r.code, r)
		}
	}
}

// TestPassphraseStretchedOnce (item 8): checking against several filters of
// one passphrase, each verified before the registry is read and then
// checked, stretches the passphrase with Argon2id once per set of parameters,
// not twice per filter.
func TestPassphraseStretchedOnce(t *testing.T) {
	w := newWS(t)
	w.passphrase("correct horse battery staple")
	a := w.build("a.lcf", "--passphrase")
	b := w.path("b.lcf")
	writeFile(t, b, readFile(t, a))
	before := cli.Stretches()
	w.want(1, nil, "check", "-q", "--passphrase", "--filter", a, "--filter", b, w.path(fixtures.Registry))
	if n := cli.Stretches() - before; n != 1 {
		t.Errorf("the passphrase was stretched %d times for two filters of one passphrase, want 1", n)
	}
}

// TestNamedPipesDoNotBlock (item 11): a named pipe nobody writes to, given as
// key file, passphrase file or filter, is an error at once, not a hang.
func TestNamedPipesDoNotBlock(t *testing.T) {
	w := newWS(t)
	fifo := w.path("fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	reg := w.path(fixtures.Registry)
	for _, c := range []struct {
		env  string
		args []string
		want string
	}{
		{"", []string{"build", "--key", fifo, "-o", w.path("x.lcf"), reg}, "key file .*fifo is not a regular file"},
		{"", []string{"check", "--key", w.key, "--filter", fifo, reg}, "filter .*fifo failed the magic check"},
		{"", []string{"inspect", fifo}, "fifo"},
		{fifo, []string{"build", "--passphrase", "-o", w.path("x.lcf"), reg}, "passphrase file .*fifo is not a regular file"},
	} {
		t.Setenv(cli.PassphraseFileEnv, c.env)
		done := make(chan result, 1)
		go func() { done <- w.run(c.args...) }()
		select {
		case r := <-done:
			if r.code != 2 || !regexp.MustCompile(c.want).MatchString(r.stderr) {
				t.Errorf("leakcheck %q: want exit 2 and %q:\n%s", c.args, c.want, r)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("leakcheck %q blocked on a named pipe", c.args)
		}
	}
}

// TestOutputsNeverOverwriteInputs (items 10 and 12): check's -o and --matches
// refuse the registry, the filter and the key (through links too) and an
// existing file without --force; merge refuses one shard twice through a
// link.
func TestOutputsNeverOverwriteInputs(t *testing.T) {
	w := newWS(t)
	leak := w.build("leak.lcf", "--key", w.key)
	reg := w.path(fixtures.Registry)
	link := w.path("link.csv")
	if err := os.Symlink(reg, link); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "-q", "--key", w.key, "--filter", leak, "-o", reg, reg}, "is the same file as"},
		{[]string{"check", "-q", "--key", w.key, "--filter", leak, "-o", link, "--force", reg}, "is the same file as"},
		{[]string{"check", "-q", "--key", w.key, "--filter", leak, "--matches", leak, "--force", reg}, "is the same file as"},
		{[]string{"check", "-q", "--key", w.key, "--filter", leak, "--matches", w.key, "--force", reg}, "is the same file as"},
	} {
		before := readFile(t, reg)
		w.want(2, []string{c.want}, c.args...)
		if string(readFile(t, reg)) != string(before) {
			t.Fatal("the registry was overwritten")
		}
	}
	out := w.path("report.txt")
	w.want(1, nil, "check", "-q", "--key", w.key, "--filter", leak, "-o", out, reg)
	w.want(2, []string{"already exists", "--force"}, "check", "-q", "--key", w.key, "--filter", leak, "-o", out, reg)
	w.want(1, nil, "check", "-q", "--key", w.key, "--filter", leak, "-o", out, "--force", reg)

	shard := w.path("shard.lcf")
	if err := os.Link(leak, shard); err != nil {
		t.Fatal(err)
	}
	w.want(2, []string{"is the same file as", "counted twice"}, "merge", "--key", w.key, "-o", w.path("m.lcf"), leak, shard)
}
