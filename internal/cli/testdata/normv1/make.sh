#!/bin/sh
# Makes v1.key and v1.lcf: a filter of dump.csv (invented people) built by
# leakcheck at commit 10628d9, the last release with only normalization
# version 1 (and partitions as small as the data needs). The tests check
# registry.csv against it with today's leakcheck: names must be normalized
# the version-1 way. Run from this directory with that release's binary:
#   git archive 10628d9 | tar -x -C /tmp/lc-v1 && (cd /tmp/lc-v1 && go build -o /tmp/lc-v1/leakcheck ./cmd/leakcheck)
#   LEAKCHECK=/tmp/lc-v1/leakcheck sh make.sh
set -eu
: "${LEAKCHECK:?set LEAKCHECK to the leakcheck binary of commit 10628d9}"
rm -f v1.key v1.lcf
"$LEAKCHECK" keygen -o v1.key
"$LEAKCHECK" build -q --key v1.key -o v1.lcf dump.csv
