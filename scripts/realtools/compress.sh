#!/bin/sh
# Writes fixtures/realtools/compressed/: people.csv compressed by the real tools (Debian 12:
# gzip 1.12, zstd 1.5.4, xz 5.4.1, bzip2 1.0.8, Info-ZIP zip 3.0, p7zip 16.02). Run by make.sh,
# or alone from the repository root.
set -eu
out=fixtures/realtools/compressed
mkdir -p "$out"
src=fixtures/realtools/people.csv
gzip -9 -n -c "$src" > "$out/people.csv.gz"
zstd -q -19 -c "$src" > "$out/people.csv.zst"
xz -9 -c "$src" > "$out/people.csv.xz"
bzip2 -9 -c "$src" > "$out/people.csv.bz2"
xz -c "$src" | gzip -n -c > "$out/people.csv.xz.gz"
tmp=$(mktemp -d)
cp "$src" "$tmp/people.csv"
touch -d 2023-06-12T10:00:00 "$tmp/people.csv"
rm -f "$out/people.zip" "$out/people.7z"
(cd "$tmp" && zip -q -X -9 people.zip people.csv && 7z a -bso0 -bsp0 people.7z people.csv)
cp "$tmp/people.zip" "$tmp/people.7z" "$out/"
rm -rf "$tmp"
