#!/bin/sh
# Makes the xz files TestXZGuardFollowsRealFiles reads, with xz (XZ Utils 5.4):
# every container feature the guard follows — several blocks, several streams
# with padding between them, each check type, a BCJ filter before LZMA2,
# incompressible (stored) chunks. The text is invented rows.
set -e
cd "$(dirname "$0")"
i=0
: > rows.txt
while [ $i -lt 3000 ]; do
	printf '98765%05d,Invented Person %d,19%02d\n' $i $i $((i % 100)) >> rows.txt
	i=$((i + 1))
done
head -c 20000 /dev/urandom > noise.bin 2>/dev/null || true
xz -k -c --check=none rows.txt > check-none.xz
xz -k -c --check=crc32 rows.txt > check-crc32.xz
xz -k -c --check=sha256 rows.txt > check-sha256.xz
xz -k -c -T2 --block-size=7000 rows.txt > blocks.xz
xz -k -c --x86 --lzma2=preset=6 rows.txt > bcj.xz
{ xz -c rows.txt; printf '\0\0\0\0\0\0\0\0'; xz -c --check=crc32 rows.txt; } > streams.xz
cat rows.txt noise.bin | xz -c --block-size=9000 > stored.xz
rm rows.txt noise.bin
