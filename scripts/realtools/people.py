#!/usr/bin/python3
"""Writes people.csv: 300 invented people (fixed seed), the ground truth of fixtures/realtools.

Every person is invented: names are drawn from short lists of common given and family
names, phone numbers and Aadhaar-like numbers are random (valid in form only).
Some remarks end in a backslash or hold a line break, the cases that break dump readers.
"""
import csv, random, sys

rng = random.Random(20261201)
given = ["Rani", "Prakash", "Rupa", "Arjun", "Meena", "Ravi", "Suma", "Kiran", "Anil", "Divya",
         "José", "Zoë", "Renée", "Anaïs", "Søren", "Łucja", "Ñusta", "Çelik",
         "रानी", "प्रकाश", "அருண்", "মীনা"]
family = ["Sharma", "Fernandes", "Iyer", "Rao", "Pandey", "Ghosh", "Thakur", "Nair",
          "Muñoz", "Gómez", "Dvořák", "Šimek", "Jürgens", "Øberg",
          "शर्मा", "ராவ்", "ঘোষ"]
districts = ["North", "South", "East", "West"]

D = [[0,1,2,3,4,5,6,7,8,9],[1,2,3,4,0,6,7,8,9,5],[2,3,4,0,1,7,8,9,5,6],[3,4,0,1,2,8,9,5,6,7],
     [4,0,1,2,3,9,5,6,7,8],[5,9,8,7,6,0,4,3,2,1],[6,5,9,8,7,1,0,4,3,2],[7,6,5,9,8,2,1,0,4,3],
     [8,7,6,5,9,3,2,1,0,4],[9,8,7,6,5,4,3,2,1,0]]
P = [[0,1,2,3,4,5,6,7,8,9],[1,5,7,6,2,8,3,0,9,4],[5,8,0,3,7,9,6,1,4,2],[8,9,1,6,0,4,3,5,2,7],
     [9,4,5,3,1,2,6,8,7,0],[4,2,8,6,5,7,3,9,0,1],[2,7,9,3,8,0,6,4,1,5],[7,0,4,6,9,1,3,2,5,8]]
INV = [0,4,3,2,1,5,6,7,8,9]

def verhoeff(num):
    c = 0
    for i, d in enumerate(reversed(num)):
        c = D[c][P[(i + 1) % 8][int(d)]]
    return str(INV[c])

def aadhaar():
    base = str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(10))
    return base + verhoeff(base)

rows, phones, ids = [], set(), set()
for i in range(1, 301):
    while True:
        m = str(rng.choice("6789")) + "".join(str(rng.randint(0, 9)) for _ in range(9))
        if m not in phones:
            phones.add(m); break
    while True:
        a = aadhaar()
        if a not in ids:
            ids.add(a); break
    name = rng.choice(given) + " " + rng.choice(family)
    y = rng.randint(1945, 2004)
    dob = "%04d-%02d-%02d" % (y, rng.randint(1, 12), rng.randint(1, 28))
    remark = rng.choice(["", "", "verified", "moved to \"new\" address", "paid; 2 kids", "ok, call later"])
    if i % 50 == 7:
        remark = "C:\\scans\\"          # ends in a backslash
    if i % 50 == 23:
        remark = "first line\nsecond line"  # an embedded line break
    rows.append({"id": i, "name": name, "mobile": m, "dob": dob, "gender": rng.choice("MF"),
                 "aadhaar": a, "email": "person%d@example.org" % i,
                 "district": districts[i % 4], "remarks": remark})

w = csv.DictWriter(sys.stdout, fieldnames=list(rows[0].keys()), lineterminator="\n")
w.writeheader()
w.writerows(rows)
