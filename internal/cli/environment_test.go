package cli

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestEnvironmentComplete checks that the variables the code reads are the
// ones 'leakcheck help environment' lists, and that README.md and
// docs/ci.md name no LEAKCHECK_ variable the tool does not read (docs/ci.md
// once suggested a LEAKCHECK_KEY nothing read).
func TestEnvironmentComplete(t *testing.T) {
	consts := map[string]string{"KeyFileEnv": KeyFileEnv, "PassphraseFileEnv": PassphraseFileEnv,
		"ProgressIntervalEnv": ProgressIntervalEnv, "NoColorEnv": NoColorEnv, "ColumnsEnv": ColumnsEnv, "TempDirEnv": TempDirEnv}
	listed := EnvironmentNames()
	seen := map[string]bool{}
	fset := token.NewFileSet()
	read := 0
	for _, dir := range []string{"../../internal", "../../cmd", "../../bloom"} {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, p, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || (sel.Sel.Name != "Getenv" && sel.Sel.Name != "LookupEnv") {
					return true
				}
				if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "os" {
					return true
				}
				read++
				id, ok := call.Args[0].(*ast.Ident)
				if ok {
					seen[consts[id.Name]] = true
				}
				if !ok || consts[id.Name] == "" {
					t.Errorf("%s: os.%s(%s): read an environment variable through one of the constants listed in environment.go", fset.Position(call.Pos()), sel.Sel.Name, types(call.Args[0]))
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if read == 0 {
		t.Fatal("found no os.Getenv call: the walk is broken")
	}
	for _, name := range listed {
		if !seen[name] {
			t.Errorf("the environment topic lists %s, which no code reads", name)
		}
	}
	re := regexp.MustCompile(`\bLEAKCHECK_[A-Z_]+\b`)
	for _, doc := range []string{"../../README.md", "../../docs/ci.md"} {
		data, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range re.FindAllString(string(data), -1) {
			if !slices.Contains(listed, name) {
				t.Errorf("%s names %s, which leakcheck does not read", doc, name)
			}
		}
	}
	help := environmentHelp()
	for _, name := range listed {
		if !strings.Contains(help, name) {
			t.Errorf("help environment lacks %s", name)
		}
	}
}

func types(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.BasicLit:
		return x.Value
	}
	return "…"
}
