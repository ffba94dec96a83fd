#!/bin/sh
# Writes fixtures/realtools: the 300 invented people of people.py written by the real tools
# (Debian 12: sqlite3 3.40, MariaDB 10.11, PostgreSQL 15, openpyxl 3.0, pandas 1.5, gnumeric
# 1.12, LibreOffice 7.4; npm bson for Extended JSON). CI reads the committed files without
# the tools; fixtures/realtools/README.md lists what each file is and the counts it must give.
#
#   apt-get install -y sqlite3 mariadb-server postgresql python3-openpyxl python3-pandas \
#       gnumeric libreoffice-calc-nogui zstd p7zip-full zip
#   sh scripts/realtools/make.sh        (from the repository root; run as root)
#
# The servers run in temporary directories on Unix sockets only, and are stopped at the end.
set -eu
root=$(pwd)
out=$root/fixtures/realtools
here=$root/scripts/realtools
tmp=$(mktemp -d)
mkdir -p "$out"
chmod 755 "$tmp"
/usr/bin/python3 "$here/people.py" > "$out/people.csv"

# --- sqlite3 ---------------------------------------------------------------------------
/usr/bin/python3 "$here/load.py" sqlite "$out/people.csv" > "$tmp/load_sqlite.sql"
rm -f "$out/people.db"
sqlite3 "$out/people.db" < "$tmp/load_sqlite.sql"
sqlite3 "$out/people.db" .dump > "$out/sqlite_dump.sql"
# list mode (the default), with a header row: line breaks in values are not escaped
sqlite3 -header "$out/people.db" "SELECT id, name, mobile, dob, gender, aadhaar, remarks FROM people ORDER BY id" > "$out/sqlite_list.txt"

# --- MariaDB ---------------------------------------------------------------------------
my=$tmp/mysql
mkdir -p "$my/data" "$my/files"
chown -R mysql:mysql "$my"
mariadb-install-db --user=mysql --datadir="$my/data" --auth-root-authentication-method=socket >/dev/null
mariadbd --user=mysql --datadir="$my/data" --socket="$my/sock" --skip-networking \
    --pid-file="$my/pid" --secure-file-priv="$my/files" --log-error="$my/err.log" &
for i in $(seq 50); do [ -S "$my/sock" ] && break; sleep 0.2; done
/usr/bin/python3 "$here/load.py" mysql "$out/people.csv" > "$tmp/load_mysql.sql"
mariadb --socket="$my/sock" -u root < "$tmp/load_mysql.sql"
# A table with a BLOB column, dumped without --hex-blob: raw bytes in a UTF-8 dump.
mysqldump --socket="$my/sock" -u root --skip-dump-date registry people > "$out/mysqldump_blob.sql"
mariadb --socket="$my/sock" -u root --batch -e "SELECT id, name, mobile, dob, gender, aadhaar, remarks FROM registry.people ORDER BY id" > "$out/mariadb_batch.tsv"
mysqldump --socket="$my/sock" -u root --skip-dump-date --tab="$my/files" registry people
cp "$my/files/people.sql" "$out/mysqldump_tab_people.sql"
cp "$my/files/people.txt" "$out/mysqldump_tab_people.txt"
kill "$(cat "$my/pid")"; wait || true
# mysqldump --tab of 40 people whose names hold line breaks, backslashes and tabs.
sh "$here/tab.sh"

# --- PostgreSQL ------------------------------------------------------------------------
pg=$tmp/pg
mkdir -p "$pg"; chown postgres "$pg"
bin=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
su postgres -c "$bin/initdb -D $pg/data -E UTF8 --locale=C.UTF-8 -A trust" >/dev/null
su postgres -c "$bin/pg_ctl -D $pg/data -o \"-k $pg -c listen_addresses=''\" -l $pg/log -w start" >/dev/null
/usr/bin/python3 "$here/load.py" postgres "$out/people.csv" > "$tmp/load_pg.sql"
chmod 644 "$tmp/load_pg.sql"
su postgres -c "psql -q -h $pg -d postgres -f $tmp/load_pg.sql"
su postgres -c "psql -h $pg -d postgres -A -c 'SELECT id, name, mobile, dob, gender, aadhaar, remarks FROM people ORDER BY id'" > "$out/psql_A.txt"
su postgres -c "pg_dump -h $pg -d postgres -Fc -t people" > "$out/people.pgdump"
su postgres -c "psql -h $pg -d postgres -c '\\copy (SELECT id, name, mobile, dob, gender, aadhaar, remarks FROM people ORDER BY id) TO stdout'" > "$out/pg_copy_to.txt"
su postgres -c "pg_dump -h $pg -d postgres -t people" | gzip -n -9 > "$tmp/pg.sql.gz"
# A download that stopped early: the first 60% of the gzip stream.
size=$(stat -c %s "$tmp/pg.sql.gz")
head -c $((size * 6 / 10)) "$tmp/pg.sql.gz" > "$out/pg_dump_truncated.sql.gz"
su postgres -c "$bin/pg_ctl -D $pg/data -w stop" >/dev/null

# --- spreadsheets ----------------------------------------------------------------------
/usr/bin/python3 "$here/sheets.py" "$out"
ssconvert --export-type=Gnumeric_Excel:xlsx2 "$out/districts.xlsx" "$out/districts_gnumeric.xlsx" 2>/dev/null
ssconvert --export-type=Gnumeric_OpenCalc:odf "$out/districts.xlsx" "$out/districts_gnumeric.ods" 2>/dev/null
(cd "$tmp" && HOME="$tmp" soffice --headless --convert-to ods --outdir "$tmp" "$out/districts.xlsx" >/dev/null 2>&1)
cp "$tmp/districts.ods" "$out/districts.ods"

# --- JSON ------------------------------------------------------------------------------
/usr/bin/python3 "$here/api_json.py" "$out/people.csv" > "$out/api_phones.json"
(cd "$tmp" && npm install --silent --no-audit --no-fund bson@6 >/dev/null 2>&1 && \
    NODE_PATH="$tmp/node_modules" node "$here/ejson.js" "$out/people.csv" "$out")

# --- Telegram Desktop ---------------------------------------------------------------------
# A chat with a lookup bot exported in both formats (result.json and messages.html), written
# by a re-implementation of Telegram Desktop's export writers (no Telegram account needed).
/usr/bin/python3 "$here/telegram.py" "$out/people.csv" "$out"

# --- compressors: people.csv by gzip, zstd, xz, bzip2, zip and 7z -------------------------
sh "$here/compress.sh"

# --- archives --------------------------------------------------------------------------
mkdir -p "$tmp/tar/export"
cp "$out/mariadb_batch.tsv" "$tmp/tar/export/people.tsv"
printf 'Exported from the registry.\nSee people.tsv.\n' > "$tmp/tar/export/README.txt"
tar -C "$tmp/tar" --sort=name --mtime=2023-06-12 --owner=0 --group=0 -czf "$out/export.tar.gz" export

rm -rf "$tmp"
echo "wrote $out"
