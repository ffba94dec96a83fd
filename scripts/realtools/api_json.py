#!/usr/bin/python3
"""Prints an API's JSON export: one array of objects with the phones in a list
(contact.phones), the way a REST API serializes a person with several numbers."""
import csv, json, sys

rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
out = []
for r in rows:
    phones = [r["mobile"]]
    if int(r["id"]) % 3 == 0:
        phones.append("+91 6" + r["mobile"][1:][::-1])  # a second, distinct number
    out.append({"id": int(r["id"]), "profile": {"fullName": r["name"], "born": r["dob"]},
                "contact": {"phones": phones, "email": r["email"]}})
json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
print()
