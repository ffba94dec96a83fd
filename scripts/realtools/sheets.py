#!/usr/bin/python3
"""Writes the spreadsheet fixtures with openpyxl and pandas:
districts.xlsx   one sheet per district (openpyxl), plus an "About" sheet of notes;
titled.xlsx      a government-style export: two title rows above the header (openpyxl);
pandas_float.csv pandas' CSV of a frame whose phone and Aadhaar columns became floats
                 (a missing value in a column makes pandas store it as float64)."""
import csv, datetime, sys
import openpyxl, pandas

out = sys.argv[1]
rows = list(csv.DictReader(open(out + "/people.csv", encoding="utf-8", newline="")))
header = ["Mobile No", "Beneficiary Name", "Date of Birth", "Sex", "Aadhaar No", "Remarks"]

def cells(r):
    y, m, d = map(int, r["dob"].split("-"))
    return [int(r["mobile"]), r["name"], datetime.date(y, m, d), r["gender"], r["aadhaar"], r["remarks"]]

wb = openpyxl.Workbook()
about = wb.active
about.title = "About"
about.append(["Beneficiary list, one sheet per district"])
about.append(["Prepared by the district offices"])
for dist in ["North", "South", "East", "West"]:
    ws = wb.create_sheet(dist)
    ws.append(header)
    for r in rows:
        if r["district"] == dist:
            ws.append(cells(r))
            ws.cell(ws.max_row, 3).number_format = "DD/MM/YYYY"
wb.properties.created = wb.properties.modified = datetime.datetime(2023, 6, 12, 10, 0, 0)
wb.save(out + "/districts.xlsx")

wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Beneficiaries"
ws.append(["Government of Nowhere — Department of Welfare"])
ws.append(["Beneficiary list as on 12/06/2023"])
ws.append([])
ws.append(header)
for r in rows:
    ws.append(cells(r))
    ws.cell(ws.max_row, 3).number_format = "DD/MM/YYYY"
wb.properties.created = wb.properties.modified = datetime.datetime(2023, 6, 12, 10, 0, 0)
wb.save(out + "/titled.xlsx")

df = pandas.DataFrame({
    "mobile": [float(r["mobile"]) for r in rows] + [float("nan")],
    "name": [r["name"] for r in rows] + ["No Phone"],
    "yob": [float(r["dob"][:4]) for r in rows] + [float("nan")],
    "aadhaar": [float(r["aadhaar"]) for r in rows] + [float("nan")],
})
df.to_csv(out + "/pandas_float.csv", index=False)
