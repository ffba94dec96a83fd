#!/usr/bin/python3
"""Writes the 40 invented people of the mysqldump --tab fixture: tab_people.csv (the ground
truth, RFC 4180 CSV) with argv[1] "csv", or the SQL that loads them into MariaDB with "sql".

Their names hold what a --tab reader must decode: a line break, a backslash, a tab, a quote,
a name ending in a backslash; every row has a BLOB photo of raw random bytes (0x00, tabs and
line breaks among them, which mysqldump escapes) and a remark with a line break in some.
"""
import csv, random, sys

rng = random.Random(20261202)
given = ["Rani", "Prakash", "Zoë", "Søren", "Anaïs", "रानी", "அருண்", "Łucja"]
family = ["Sharma", "Iyer", "Muñoz", "Øberg", "शर्मा", "Dvořák"]
odd = {3: "Rani\nSharma", 7: "Arjun\\Rao", 11: "Meena\tIyer", 15: "Kiran \"Kiki\" Nair",
       19: "Divya Ghosh\\", 23: "Zoë\r\nJürgens", 27: "\\N", 31: "Anil\\\tPandey"}
rows = []
phones = set()
for i in range(1, 41):
    while True:
        m = str(rng.choice("6789")) + "".join(str(rng.randint(0, 9)) for _ in range(9))
        if m not in phones:
            phones.add(m)
            break
    name = odd.get(i, rng.choice(given) + " " + rng.choice(family))
    if name == "\\N":
        name = "Suma \\N Rao"  # the two characters \N inside a name are not NULL
    y = rng.randint(1950, 2004)
    dob = "%04d-%02d-%02d" % (y, rng.randint(1, 12), rng.randint(1, 28))
    remark = "first line\nsecond line" if i % 5 == 0 else rng.choice(["", "ok", "call\tlater"])
    photo = bytes(rng.randrange(256) for _ in range(32)) + b"\x00\t\n\\"
    rows.append((i, name, m, dob, rng.choice("MF"), remark, photo))

if sys.argv[1] == "csv":
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["id", "name", "mobile", "dob", "gender", "remarks"])
    for r in rows:
        w.writerow(r[:6])
else:
    def q(s):
        return "'" + s.replace("\\", "\\\\").replace("'", "''").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + "'"
    print("CREATE DATABASE IF NOT EXISTS registry CHARACTER SET utf8mb4; USE registry; SET NAMES utf8mb4;")
    print("CREATE TABLE tab_people (id INT PRIMARY KEY, name VARCHAR(100), mobile VARCHAR(20), dob DATE, gender CHAR(1), remarks TEXT, photo BLOB) DEFAULT CHARSET=utf8mb4;")
    for r in rows:
        print("INSERT INTO tab_people VALUES (%d, %s, %s, %s, %s, %s, 0x%s);" % (r[0], q(r[1]), q(r[2]), q(r[3]), q(r[4]), q(r[5]), r[6].hex()))
