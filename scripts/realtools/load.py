#!/usr/bin/python3
"""Prints the SQL that loads people.csv into sqlite, mysql or postgres (statements only; the
real tools then write the dumps). MariaDB's table has a BLOB photo column of random bytes."""
import csv, random, sys

dialect, path = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(path, encoding="utf-8", newline="")))
rng = random.Random(7)

def q(s, backslash):
    s = s.replace("'", "''")
    if backslash:
        s = s.replace("\\", "\\\\")
    return "'" + s + "'"

cols = "id, name, mobile, dob, gender, aadhaar, email, district, remarks"
if dialect == "sqlite":
    print("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, mobile TEXT, dob TEXT, gender TEXT, aadhaar TEXT, email TEXT, district TEXT, remarks TEXT);")
    print("BEGIN;")
elif dialect == "mysql":
    print("CREATE DATABASE registry CHARACTER SET utf8mb4; USE registry;")
    print("CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(100), mobile VARCHAR(20), dob DATE, gender CHAR(1), aadhaar VARCHAR(12), email VARCHAR(100), district VARCHAR(20), remarks TEXT, photo BLOB) DEFAULT CHARSET=utf8mb4;")
    print("SET NAMES utf8mb4;")
else:
    print("CREATE TABLE people (id INT PRIMARY KEY, name TEXT, mobile TEXT, dob DATE, gender TEXT, aadhaar TEXT, email TEXT, district TEXT, remarks TEXT);")
for r in rows:
    vals = [r["id"]] + [q(r[k], dialect == "mysql") for k in ["name", "mobile", "dob", "gender", "aadhaar", "email", "district", "remarks"]]
    if dialect == "mysql":
        blob = bytes(rng.randrange(256) for _ in range(24))
        vals.append("0x" + blob.hex())
        print("INSERT INTO people (%s, photo) VALUES (%s);" % (cols, ", ".join(vals)))
    else:
        print("INSERT INTO people (%s) VALUES (%s);" % (cols, ", ".join(vals)))
if dialect == "sqlite":
    print("COMMIT;")
