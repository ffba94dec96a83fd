// Writes mongoexport-style Extended JSON Lines with the bson package's EJSON (the same
// serializer as mongoexport): mongo_relaxed.jsonl (relaxed mode: dates after 1970 as ISO
// strings, before 1970 as {"$date":{"$numberLong":…}}) and mongo_canonical.jsonl.
const fs = require("fs");
const { EJSON, ObjectId, Long } = require("bson");
const [csvPath, out] = process.argv.slice(2);
const lines = fs.readFileSync(csvPath, "utf8");
// people.csv is simple CSV: quoted fields only in remarks, which is not exported here.
const rows = [];
let header;
for (const line of lines.split("\n")) {
  if (!line) continue;
  const f = line.split(",");
  if (!header) { header = f; continue; }
  if (!/^\d+$/.test(f[0])) continue; // the second line of a remark with a line break
  const r = {};
  header.forEach((h, i) => (r[h] = f[i]));
  rows.push(r);
}
const docs = rows.map((r) => ({
  _id: ObjectId.createFromHexString(Number(r.id).toString(16).padStart(24, "0")),
  name: r.name,
  mobile: Long.fromString(r.mobile),
  dob: new Date(r.dob + "T00:00:00Z"),
  gender: r.gender,
}));
fs.writeFileSync(out + "/mongo_relaxed.jsonl", docs.map((d) => EJSON.stringify(d, { relaxed: true })).join("\n") + "\n");
fs.writeFileSync(out + "/mongo_canonical.jsonl", docs.map((d) => EJSON.stringify(d, { relaxed: false })).join("\n") + "\n");
