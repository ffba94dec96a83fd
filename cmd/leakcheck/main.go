// Command leakcheck settles data-breach claims without revealing anyone's
// identifiers. See the README and 'leakcheck --help'.
package main

import (
	"os"

	"github.com/leakcheck/leakcheck/internal/cli"
)

func main() { os.Exit(cli.Main()) }
