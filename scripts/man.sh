#!/bin/sh
# Writes leakcheck's man pages (one per command, section 1) into DIR,
# generated from the commands' own help by scripts/man (cobra/doc).
# They are build output: generate them when packaging, do not commit them.
#
#   scripts/man.sh DIR      then e.g.  man -l DIR/leakcheck-check.1
set -eu
if [ $# -ne 1 ]; then
	echo "usage: scripts/man.sh DIR" >&2
	exit 2
fi
mkdir -p "$1"
dir=$(cd "$1" && pwd)
cd "$(dirname "$0")/.."
exec go run ./scripts/man "$dir"
