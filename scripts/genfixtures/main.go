// Command genfixtures writes leakcheck's bundled test fixtures: an invented
// CoWIN-like vaccination registry, three suspected dumps, the ground truth
// for checking the registry against each dump with the default indexes, a
// README and a list of every identifier that appears in the fixtures.
//
// Every person is invented: names are random combinations of common Indian
// given names and surnames, phone numbers are random, and the Aadhaar-like
// numbers are random 12-digit strings with a valid Verhoeff check digit.
//
// The output is deterministic (math/rand/v2 PCG with a fixed seed):
//
//	go run ./scripts/genfixtures -out fixtures
//
// regenerates byte-identical files.
package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Seed of the PCG generator. Changing it changes every fixture.
const (
	seedHi uint64 = 0x6c65616b63686b21 // "leakchk!"
	seedLo uint64 = 2021
)

// Sizes of the fixtures.
const (
	registryRows    = 1000 // data rows in registry.csv, bad rows included
	familyPairs     = 50   // phones shared by two family members
	badRowCount     = 3
	leakFromReg     = 200
	leakInvented    = 40
	unrelatedPeople = 250
	phonelistRows   = 200
	nidShare        = 0.70 // share of people with an Aadhaar-like number
	minYear         = 1935
	maxYear         = 2005
)

// Canonical field names.
const (
	fPhone  = "phone"
	fNID    = "national_id"
	fName   = "name"
	fYOB    = "yob"
	fGender = "gender"
)

// index is one default index: a named combination of canonical fields.
type index struct {
	name   string
	fields []string
}

// allIndexes are the default indexes in their canonical order. A dump gets
// those whose fields it has.
var allIndexes = []index{
	{"phone", []string{fPhone}},
	{"national_id", []string{fNID}},
	{"phone+name", []string{fPhone, fName}},
	{"phone+yob", []string{fPhone, fYOB}},
	{"phone+name+yob", []string{fPhone, fName, fYOB}},
	{"phone+name+yob+gender", []string{fPhone, fName, fYOB, fGender}},
}

// Mobile prefixes (first three digits) in ranges that libphonenumber
// accepts as valid Indian mobile numbers for any following seven digits.
var mobilePrefixes = []string{
	"600", "601", "602", "603", "604", "605", "606", "607", "608", "609",
	"620", "626", "628", "629", "630", "635", "636", "637", "638", "639",
	"690", "691", "692", "693", "694", "695", "696", "697", "698", "699",
	"700", "701", "702", "703", "704", "705", "706", "707", "708", "709",
	"800", "801", "808", "809", "810", "812", "814", "860", "879", "880",
	"887", "888", "889", "890", "895", "896", "897", "898", "899",
	"900", "910", "919", "920", "930", "935", "940", "945", "950", "955",
	"960", "965", "970", "975", "980", "981", "983", "985", "987", "988",
	"989", "990", "991", "993", "995", "997", "998", "999",
}

var maleNames = []string{
	"Aarav", "Abhishek", "Aditya", "Ajay", "Akash", "Amit", "Anand", "Anil",
	"Arjun", "Arun", "Ashok", "Bhavesh", "Deepak", "Dinesh", "Farhan", "Ganesh",
	"Gaurav", "Gurpreet", "Harish", "Imran", "Irfan", "Jagdish", "Joseph", "Karthik",
	"Krishna", "Mahesh", "Manoj", "Mohan", "Mukesh", "Naveen", "Nikhil", "Pankaj",
	"Pradeep", "Prakash", "Rahul", "Rajendra", "Rajesh", "Rakesh", "Ramesh", "Ravi",
	"Rohit", "Sachin", "Salim", "Sandeep", "Sanjay", "Santosh", "Saurabh", "Siddharth",
	"Srinivas", "Sunil", "Suresh", "Tarun", "Thomas", "Varun", "Venkatesh", "Vijay",
	"Vikram", "Vinod", "Vishal", "Yogesh",
}

var femaleNames = []string{
	"Aarti", "Aishwarya", "Ananya", "Anita", "Anjali", "Archana", "Asha", "Ayesha",
	"Bhavna", "Deepa", "Divya", "Farida", "Fatima", "Gayatri", "Geeta", "Harleen",
	"Jyoti", "Kamala", "Kavita", "Kavya", "Lakshmi", "Lata", "Madhu", "Manisha",
	"Mary", "Meena", "Meera", "Nandini", "Neha", "Nisha", "Padma", "Pallavi",
	"Pooja", "Priya", "Priyanka", "Radha", "Rani", "Rekha", "Revathi", "Ritu",
	"Rupa", "Sangeeta", "Sarita", "Savita", "Shalini", "Shanti", "Shilpa", "Shweta",
	"Simran", "Sita", "Sneha", "Sonia", "Sunita", "Sushma", "Swati", "Tanvi",
	"Usha", "Vandana", "Vidya", "Zainab",
}

var surnames = []string{
	"Agarwal", "Ahmed", "Ansari", "Banerjee", "Bansal", "Barua", "Bhatt", "Bora",
	"Bose", "Chatterjee", "Chauhan", "Chowdhury", "Das", "Desai", "Deshpande", "Dubey",
	"Dutta", "Fernandes", "Ghosh", "Gill", "Goel", "Gowda", "Gupta", "Hegde",
	"Iyer", "Jadhav", "Joshi", "Khan", "Krishnan", "Kulkarni", "Kumar", "Kurian",
	"Mehta", "Menon", "Mishra", "Mohanty", "Mukherjee", "Naidu", "Nair", "Pandey",
	"Patel", "Patil", "Pillai", "Qureshi", "Rao", "Rathore", "Reddy", "Sahu",
	"Sandhu", "Saxena", "Sen", "Shah", "Sharma", "Sheikh", "Shetty", "Singh",
	"Srivastava", "Subramanian", "Thakur", "Tiwari", "Trivedi", "Verma", "Yadav",
}

// person is one invented person. phone is the 10-digit national form;
// nid is a 12-digit Aadhaar-like number or "".
type person struct {
	name   string // display form, e.g. "Anita Sharma"
	phone  string
	yob    int
	gender string // "M", "F" or "O"
	nid    string
}

// canon holds the canonical value of each valid field of one row; an
// invalid or missing field is absent.
type canon map[string]string

func (p person) canon() canon {
	c := canon{}
	if p.phone != "" {
		c[fPhone] = "+91" + p.phone
	}
	if n := canonName(p.name); n != "" {
		c[fName] = n
	}
	if p.yob != 0 {
		c[fYOB] = strconv.Itoa(p.yob)
	}
	if p.gender != "" {
		c[fGender] = p.gender
	}
	if p.nid != "" {
		c[fNID] = p.nid
	}
	return c
}

func canonName(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// Verhoeff tables.
var (
	verhoeffD = [10][10]byte{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		{1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
		{2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
		{3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
		{4, 0, 1, 2, 3, 9, 5, 6, 7, 8},
		{5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
		{6, 5, 9, 8, 7, 1, 0, 4, 3, 2},
		{7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
		{8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
		{9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
	}
	verhoeffP = [8][10]byte{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		{1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
		{5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
		{8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
		{9, 4, 5, 3, 1, 2, 6, 8, 7, 0},
		{4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
		{2, 7, 9, 3, 8, 0, 6, 4, 1, 5},
		{7, 0, 4, 6, 9, 1, 3, 2, 5, 8},
	}
	verhoeffInv = [10]byte{0, 4, 3, 2, 1, 5, 6, 7, 8, 9}
)

// verhoeffDigit returns the Verhoeff check digit for the decimal string s.
func verhoeffDigit(s string) byte {
	var c byte
	for i := 0; i < len(s); i++ {
		d := s[len(s)-1-i] - '0'
		c = verhoeffD[c][verhoeffP[(i+1)%8][d]]
	}
	return '0' + verhoeffInv[c]
}

// verhoeffValid reports whether the decimal string s ends in a valid
// Verhoeff check digit.
func verhoeffValid(s string) bool {
	if s == "" {
		return false
	}
	var c byte
	for i := 0; i < len(s); i++ {
		ch := s[len(s)-1-i]
		if ch < '0' || ch > '9' {
			return false
		}
		c = verhoeffD[c][verhoeffP[i%8][ch-'0']]
	}
	return c == 0
}

// gen carries the random source and the identifiers already handed out, so
// that phones, Aadhaar numbers and reference ids are unique across every
// fixture.
type gen struct {
	r      *rand.Rand
	phones map[string]bool
	nids   map[string]bool
	refs   map[string]bool
}

func newGen() *gen {
	return &gen{
		r:      rand.New(rand.NewPCG(seedHi, seedLo)),
		phones: map[string]bool{},
		nids:   map[string]bool{},
		refs:   map[string]bool{},
	}
}

func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *gen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.r.IntN(10))
	}
	return string(b)
}

func (g *gen) phone() string {
	for {
		p := g.pick(mobilePrefixes) + g.digits(7)
		if !g.phones[p] {
			g.phones[p] = true
			return p
		}
	}
}

func (g *gen) nid() string {
	for {
		s := string(byte('2'+g.r.IntN(8))) + g.digits(10)
		s += string(verhoeffDigit(s))
		if !g.nids[s] {
			g.nids[s] = true
			return s
		}
	}
}

func (g *gen) maybeNID() string {
	if g.r.Float64() < nidShare {
		return g.nid()
	}
	return ""
}

func (g *gen) ref() string {
	for {
		s := "REF" + g.digits(10)
		if !g.refs[s] {
			g.refs[s] = true
			return s
		}
	}
}

func (g *gen) gender() string {
	switch x := g.r.IntN(100); {
	case x < 49:
		return "M"
	case x < 98:
		return "F"
	default:
		return "O"
	}
}

func (g *gen) year() int { return minYear + g.r.IntN(maxYear-minYear+1) }

// givenName returns a given name fitting gender, sometimes with a middle name.
func (g *gen) givenName(gender string) string {
	var first string
	switch gender {
	case "M":
		first = g.pick(maleNames)
	case "F":
		first = g.pick(femaleNames)
	default:
		if g.r.IntN(2) == 0 {
			first = g.pick(maleNames)
		} else {
			first = g.pick(femaleNames)
		}
	}
	if g.r.IntN(10) == 0 {
		if gender == "F" {
			first += " " + g.pick([]string{"Devi", "Kumari", "Rani"})
		} else {
			first += " " + g.pick([]string{"Kumar", "Prasad", "Lal"})
		}
	}
	return first
}

// newPerson invents a person with a fresh phone whose canonical name is not
// in avoid (avoid may be nil).
func (g *gen) newPerson(avoid map[string]bool) person {
	p := person{gender: g.gender(), yob: g.year()}
	for {
		p.name = g.givenName(p.gender) + " " + g.pick(surnames)
		if !avoid[canonName(p.name)] {
			break
		}
	}
	p.phone = g.phone()
	p.nid = g.maybeNID()
	return p
}

// ---------------------------------------------------------------------------
// Registry

var registryHeader = []string{"beneficiary_reference_id", "name", "mobile_number", "birth_year", "gender", "photo_id_number"}

var registryFieldMap = map[string]string{
	"name":            fName,
	"mobile_number":   fPhone,
	"birth_year":      fYOB,
	"gender":          fGender,
	"photo_id_number": fNID,
}

var genderWords = map[string]string{"M": "Male", "F": "Female", "O": "Other"}

// regRow is one data row of registry.csv.
type regRow struct {
	fields []string
	p      person // the person as written (for bad rows: what is written)
	c      canon  // canonical valid fields; nil if the row is skipped
	bad    *BadRow
}

type registry struct {
	rows  []regRow
	good  []person          // valid rows, in file order
	byPh  map[string][]int  // phone -> indexes into good
	names map[string]bool   // canonical names of every registry row
	fam   map[string]string // shared phone -> surname (for reporting)
}

func (g *gen) registry() *registry {
	var good []person
	fam := map[string]string{}
	for range familyPairs {
		sur := g.pick(surnames)
		ph := g.phone()
		fam[ph] = sur
		a := person{gender: g.gender(), yob: g.year(), phone: ph}
		a.name = g.givenName(a.gender) + " " + sur
		b := person{gender: g.gender(), phone: ph}
		for {
			b.name = g.givenName(b.gender) + " " + sur
			if canonName(b.name) != canonName(a.name) {
				break
			}
		}
		for b.yob = g.year(); b.yob == a.yob; b.yob = g.year() {
		}
		a.nid, b.nid = g.maybeNID(), g.maybeNID()
		good = append(good, a, b)
	}
	for len(good) < registryRows-badRowCount {
		good = append(good, g.newPerson(nil))
	}
	g.r.Shuffle(len(good), func(i, j int) { good[i], good[j] = good[j], good[i] })

	// Positions of the bad rows: distinct, away from the file's ends.
	var badPos []int
	for len(badPos) < badRowCount {
		p := 5 + g.r.IntN(registryRows-10)
		if !slices.Contains(badPos, p) {
			badPos = append(badPos, p)
		}
	}
	kinds := []string{"ragged_row", "invalid_phone", "invalid_birth_year"}

	reg := &registry{byPh: map[string][]int{}, names: map[string]bool{}, fam: fam}
	gi := 0
	for i := range registryRows {
		line := i + 2 // header is line 1; no field spans lines
		if k := slices.Index(badPos, i); k >= 0 {
			reg.rows = append(reg.rows, g.badRow(kinds[k], line))
			continue
		}
		p := good[gi]
		gi++
		reg.byPh[p.phone] = append(reg.byPh[p.phone], len(reg.good))
		reg.good = append(reg.good, p)
		reg.rows = append(reg.rows, regRow{
			fields: []string{g.ref(), p.name, p.phone, strconv.Itoa(p.yob), genderWords[p.gender], p.nid},
			p:      p,
			c:      p.canon(),
		})
	}
	for _, row := range reg.rows {
		reg.names[canonName(row.p.name)] = true
	}
	return reg
}

// BadRow describes a deliberately malformed registry row.
type BadRow struct {
	Line      int      `json:"line"`
	Reason    string   `json:"reason"`
	Detail    string   `json:"detail"`
	Skipped   bool     `json:"skipped"`
	CountsFor []string `json:"counts_for"`
}

func (g *gen) badRow(kind string, line int) regRow {
	p := g.newPerson(nil)
	p.nid = "" // no Aadhaar on bad rows, to keep their accounting simple
	yob := strconv.Itoa(p.yob)
	row := regRow{p: p, bad: &BadRow{Line: line, Reason: kind}}
	switch kind {
	case "ragged_row":
		row.fields = []string{g.ref(), p.name, p.phone}
		row.bad.Detail = fmt.Sprintf("3 fields instead of %d; the row is skipped entirely", len(registryHeader))
		row.bad.Skipped = true
		return row // c stays nil: skipped
	case "invalid_phone":
		delete(g.phones, p.phone)
		p.phone = ""
		row.p = p
		row.fields = []string{g.ref(), p.name, "12345", yob, genderWords[p.gender], ""}
		row.bad.Detail = `mobile_number "12345" is not a valid phone; no photo_id_number, so the row counts for no default index`
	case "invalid_birth_year":
		p.yob = 0
		row.p = p
		row.fields = []string{g.ref(), p.name, p.phone, "unknown", genderWords[p.gender], ""}
		row.bad.Detail = `birth_year "unknown" is not a year; phone, name and gender are valid, so the row counts for phone and phone+name only`
	}
	row.c = p.canon()
	return row
}

// ---------------------------------------------------------------------------
// Dumps

// dump is one generated dump file.
type dump struct {
	name      string
	file      string
	header    []string
	fieldMap  map[string]string
	rows      [][]string
	c         []canon
	people    []person // every person written, for identifiers.txt
	fromReg   int
	invented  int
	verdict   string
	about     string
	hasFields []string
}

func (d *dump) add(p person, fields []string) {
	d.rows = append(d.rows, fields)
	d.c = append(d.c, p.canon())
	d.people = append(d.people, p)
}

// messyPhone writes a 10-digit mobile in one of several equivalent forms.
func (g *gen) messyPhone(p string) string {
	switch g.r.IntN(6) {
	case 0:
		return "+91 " + p[:5] + " " + p[5:]
	case 1:
		return "0" + p
	case 2:
		return "91" + p
	case 3:
		return p[:5] + "-" + p[5:]
	case 4:
		return "+91" + p
	default:
		return p
	}
}

// messyName writes a name in different case and spacing.
func (g *gen) messyName(n string) string {
	w := strings.Fields(n)
	switch g.r.IntN(6) {
	case 0:
		return strings.ToUpper(n)
	case 1:
		return strings.ToLower(n)
	case 2: // "  ANITA   sharma "
		w[0] = strings.ToUpper(w[0])
		for i := 1; i < len(w); i++ {
			w[i] = strings.ToLower(w[i])
		}
		return "  " + strings.Join(w, "   ") + " "
	case 3:
		return strings.Join(w, "  ")
	case 4:
		return " " + strings.ToUpper(n)
	default:
		return n
	}
}

func (g *gen) messyGender(s string) string {
	forms := map[string][]string{
		"M": {"M", "male", "Male", "MALE", "m"},
		"F": {"F", "female", "FEMALE", "Female", "f"},
		"O": {"O", "other", "Other"},
	}[s]
	return g.pick(forms)
}

func (g *gen) messyNID(s string) string {
	if s == "" || g.r.IntN(2) == 0 {
		return s
	}
	return s[:4] + " " + s[4:8] + " " + s[8:]
}

func (g *gen) dumpLeak(reg *registry) *dump {
	d := &dump{
		name:     "dump_leak",
		file:     "dump_leak.csv",
		header:   []string{"Mobile No", "Beneficiary Name", "Year of Birth", "Sex", "Aadhaar No"},
		fieldMap: map[string]string{"Mobile No": fPhone, "Beneficiary Name": fName, "Year of Birth": fYOB, "Sex": fGender, "Aadhaar No": fNID},
		verdict:  "exposed",
		about:    fmt.Sprintf("%d distinct registry people (valid rows only; family members sharing a phone may appear) plus %d invented people not in the registry, in messy but equivalent surface forms", leakFromReg, leakInvented),
	}
	var people []person
	for _, i := range g.r.Perm(len(reg.good))[:leakFromReg] {
		people = append(people, reg.good[i])
	}
	for range leakInvented {
		people = append(people, g.newPerson(reg.names))
	}
	g.r.Shuffle(len(people), func(i, j int) { people[i], people[j] = people[j], people[i] })
	for _, p := range people {
		d.add(p, []string{g.messyPhone(p.phone), g.messyName(p.name), strconv.Itoa(p.yob), g.messyGender(p.gender), g.messyNID(p.nid)})
	}
	d.fromReg, d.invented = leakFromReg, leakInvented
	return d
}

func (g *gen) dumpUnrelated(reg *registry) *dump {
	d := &dump{
		name:     "dump_unrelated",
		file:     "dump_unrelated.csv",
		header:   []string{"phone", "name", "yob", "gender"},
		fieldMap: map[string]string{"phone": fPhone, "name": fName, "yob": fYOB, "gender": fGender},
		verdict:  "not_exposed",
		about:    fmt.Sprintf("%d invented people sharing no phone, no Aadhaar and no name (hence no name+year) with the registry", unrelatedPeople),
	}
	for range unrelatedPeople {
		p := g.newPerson(reg.names)
		p.nid = "" // this dump has no national_id column
		ph := p.phone
		if g.r.IntN(3) == 0 {
			ph = g.messyPhone(ph)
		}
		d.add(p, []string{ph, p.name, strconv.Itoa(p.yob), p.gender})
	}
	d.invented = unrelatedPeople
	return d
}

func (g *gen) dumpPhonelist(reg *registry) *dump {
	d := &dump{
		name:     "dump_phonelist",
		file:     "dump_phonelist.csv",
		header:   []string{"contact", "full_name", "birth_year", "gender"},
		fieldMap: map[string]string{"contact": fPhone, "full_name": fName, "birth_year": fYOB, "gender": fGender},
		verdict:  "not_exposed",
		about:    fmt.Sprintf("%d distinct registry phones paired with invented names (no registry name at all) and years differing from every registry person with that phone: a phone list, not a leak of the registry", phonelistRows),
	}
	// Distinct phones of valid registry rows, in file order.
	var phones []string
	seen := map[string]bool{}
	for _, p := range reg.good {
		if !seen[p.phone] {
			seen[p.phone] = true
			phones = append(phones, p.phone)
		}
	}
	for _, i := range g.r.Perm(len(phones))[:phonelistRows] {
		ph := phones[i]
		p := g.newPerson(reg.names)
		delete(g.phones, p.phone) // not used: the phone is the registry's
		p.phone, p.nid = ph, ""
		years := map[int]bool{}
		for _, k := range reg.byPh[ph] {
			years[reg.good[k].yob] = true
		}
		for years[p.yob] {
			p.yob = g.year()
		}
		d.add(p, []string{g.messyPhone(ph), p.name, strconv.Itoa(p.yob), g.pick([]string{p.gender, genderWords[p.gender]})})
	}
	d.fromReg = 0
	d.invented = phonelistRows
	return d
}

// ---------------------------------------------------------------------------
// Expected counts

// IndexExp is the ground truth for one index of one dump.
type IndexExp struct {
	Fields      []string `json:"fields"`
	Checked     int      `json:"checked"`
	Matches     int      `json:"matches"`
	DumpEntries int      `json:"dump_entries"`
}

// DumpExp is the ground truth for one dump.
type DumpExp struct {
	File            string              `json:"file"`
	About           string              `json:"about"`
	Header          []string            `json:"header"`
	FieldMap        map[string]string   `json:"field_map"`
	Rows            int                 `json:"rows"`
	RegistryPeople  int                 `json:"registry_people"`
	InventedPeople  int                 `json:"invented_people"`
	IndexOrder      []string            `json:"index_order"`
	Indexes         map[string]IndexExp `json:"indexes"`
	VerdictExpected string              `json:"verdict_expected"`
}

// RegistryExp describes registry.csv.
type RegistryExp struct {
	File           string            `json:"file"`
	Header         []string          `json:"header"`
	FieldMap       map[string]string `json:"field_map"`
	Rows           int               `json:"rows"`
	SkippedRows    int               `json:"skipped_rows"`
	BadRows        []BadRow          `json:"bad_rows"`
	ValidValues    map[string]int    `json:"valid_values"`
	DistinctPhones int               `json:"distinct_phones"`
	SharedPhones   int               `json:"shared_phones"`
}

// Expected is the content of expected.json.
type Expected struct {
	About          string             `json:"about"`
	Regenerate     string             `json:"regenerate"`
	CanonicalForms map[string]string  `json:"canonical_forms"`
	Registry       RegistryExp        `json:"registry"`
	Dumps          map[string]DumpExp `json:"dumps"`
	DumpOrder      []string           `json:"dump_order"`
}

func tupleKey(c canon, fields []string) (string, bool) {
	vals := make([]string, len(fields))
	for i, f := range fields {
		v, ok := c[f]
		if !ok {
			return "", false
		}
		vals[i] = v
	}
	return strings.Join(vals, "\x1f"), true
}

func (d *dump) has(field string) bool {
	for _, f := range d.fieldMap {
		if f == field {
			return true
		}
	}
	return false
}

// defaultIndexes are the default indexes for d: those whose fields d has.
func (d *dump) defaultIndexes() []index {
	var out []index
	for _, ix := range allIndexes {
		ok := true
		for _, f := range ix.fields {
			ok = ok && d.has(f)
		}
		if ok {
			out = append(out, ix)
		}
	}
	return out
}

func countIndex(reg *registry, d *dump, ix index) IndexExp {
	set := map[string]bool{}
	for _, c := range d.c {
		if k, ok := tupleKey(c, ix.fields); ok {
			set[k] = true
		}
	}
	e := IndexExp{Fields: ix.fields, DumpEntries: len(set)}
	for _, row := range reg.rows {
		if row.c == nil {
			continue
		}
		if k, ok := tupleKey(row.c, ix.fields); ok {
			e.Checked++
			if set[k] {
				e.Matches++
			}
		}
	}
	return e
}

func expected(reg *registry, dumps []*dump) Expected {
	e := Expected{
		About: "Ground truth for checking registry.csv against each dump with the default indexes. " +
			"checked: registry data rows (skipped rows excluded) with valid values for every field of the index; " +
			"matches: how many of those have their index tuple in the dump; " +
			"dump_entries: distinct valid tuples of the index in the dump. All people are invented.",
		Regenerate: "go run ./scripts/genfixtures -out fixtures",
		CanonicalForms: map[string]string{
			fPhone:  `E.164 "+91XXXXXXXXXX" (10-digit Indian mobile starting 6-9)`,
			fName:   "lower-case, runs of spaces collapsed to one, trimmed",
			fYOB:    "4-digit year",
			fGender: "M, F or O",
			fNID:    "12 digits (Aadhaar-like: first digit 2-9, Verhoeff check digit)",
		},
		Dumps: map[string]DumpExp{},
	}
	r := RegistryExp{
		File:        "registry.csv",
		Header:      registryHeader,
		FieldMap:    registryFieldMap,
		Rows:        len(reg.rows),
		ValidValues: map[string]int{},
	}
	phones := map[string]int{}
	for _, row := range reg.rows {
		if row.bad != nil {
			b := *row.bad
			b.CountsFor = []string{}
			if row.c != nil {
				for _, ix := range allIndexes {
					if _, ok := tupleKey(row.c, ix.fields); ok {
						b.CountsFor = append(b.CountsFor, ix.name)
					}
				}
			}
			r.BadRows = append(r.BadRows, b)
		}
		if row.c == nil {
			r.SkippedRows++
			continue
		}
		for f := range row.c {
			r.ValidValues[f]++
		}
		if ph, ok := row.c[fPhone]; ok {
			phones[ph]++
		}
	}
	r.DistinctPhones = len(phones)
	for _, n := range phones {
		if n > 1 {
			r.SharedPhones++
		}
	}
	e.Registry = r
	for _, d := range dumps {
		de := DumpExp{
			File:            d.file,
			About:           d.about,
			Header:          d.header,
			FieldMap:        d.fieldMap,
			Rows:            len(d.rows),
			RegistryPeople:  d.fromReg,
			InventedPeople:  d.invented,
			Indexes:         map[string]IndexExp{},
			VerdictExpected: d.verdict,
		}
		for _, ix := range d.defaultIndexes() {
			de.IndexOrder = append(de.IndexOrder, ix.name)
			de.Indexes[ix.name] = countIndex(reg, d, ix)
		}
		e.Dumps[d.name] = de
		e.DumpOrder = append(e.DumpOrder, d.name)
	}
	return e
}

// ---------------------------------------------------------------------------
// Output

func writeCSV(header []string, rows [][]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(header)
	_ = w.WriteAll(rows) // writes to a bytes.Buffer cannot fail
	return b.Bytes()
}

// identifiers lists, one per line and sorted, the canonical form of every
// phone (10 digits), Aadhaar-like number and full name in every fixture.
func identifiers(reg *registry, dumps []*dump) []byte {
	set := map[string]bool{}
	addP := func(p person) {
		if p.phone != "" {
			set[p.phone] = true
		}
		if p.nid != "" {
			set[p.nid] = true
		}
		if n := canonName(p.name); n != "" {
			set[n] = true
		}
	}
	for _, row := range reg.rows {
		addP(row.p)
	}
	for _, d := range dumps {
		for _, p := range d.people {
			addP(p)
		}
	}
	ids := make([]string, 0, len(set))
	for s := range set {
		ids = append(ids, s)
	}
	slices.Sort(ids)
	return []byte(strings.Join(ids, "\n") + "\n")
}

func readme(e Expected) []byte {
	var b strings.Builder
	b.WriteString(`# leakcheck test fixtures

Generated by ` + "`scripts/genfixtures`" + `; do not edit by hand. Regenerate with

    go run ./scripts/genfixtures -out fixtures

The generator is deterministic (math/rand/v2 PCG, fixed seed), and
` + "`go test ./scripts/genfixtures/`" + ` fails if these files drift from it.

**Every person here is invented.** Names are random combinations of common
Indian given names and surnames, mobile numbers are random, and the
Aadhaar-like numbers are random 12-digit strings with a valid Verhoeff check
digit. None of it is real personal data.

## Files

| file | what it is |
| --- | --- |
| ` + "`registry.csv`" + ` | a CoWIN-like registry: reference id, name, 10-digit mobile, year of birth, gender word, Aadhaar-like photo id (about 70% of rows). Some phones are shared by two family members. Three deliberately bad rows (see below). |
| ` + "`dump_leak.csv`" + ` | a leak drawn from the registry, plus invented people, with other headers and messy surface forms (` + "`+91 98765 43210`" + `, ` + "`09876543210`" + `, ` + "`919876543210`" + `, ` + "`98765-43210`" + `; odd case and spacing in names; ` + "`M`" + `/` + "`male`" + `/` + "`FEMALE`" + `; Aadhaar grouped ` + "`2345 6789 0123`" + ` or not). |
| ` + "`dump_unrelated.csv`" + ` | invented people sharing no phone, Aadhaar or name with the registry. |
| ` + "`dump_phonelist.csv`" + ` | registry phone numbers paired with invented names and years that differ from the registry's: phones overlap, but nothing else does. |
| ` + "`expected.json`" + ` | ground truth for checking ` + "`registry.csv`" + ` against each dump with the default indexes, computed by the generator from canonical values. |
| ` + "`identifiers.txt`" + ` | the canonical form of every phone (10 digits), Aadhaar-like number (12 digits) and full name (lower case) in these fixtures, one per line, so tests can assert that no leakcheck output contains any of them. (The invalid phone ` + "`12345`" + ` is not listed.) |

Canonical forms: phone E.164 ` + "`+91XXXXXXXXXX`" + `; name lower case, single spaces, trimmed;
year of birth 4 digits; gender ` + "`M`/`F`/`O`" + `; national_id 12 digits.

Default indexes for a dump: each identifying field it has among phone and
national_id, plus phone+name, phone+yob, phone+name+yob and
phone+name+yob+gender where it has those fields.

## Registry

`)
	r := e.Registry
	fmt.Fprintf(&b, "%d data rows (plus a header); %d distinct valid phones, %d of them shared by two family members; %d rows with an Aadhaar-like number.\n\n",
		r.Rows, r.DistinctPhones, r.SharedPhones, r.ValidValues[fNID])
	b.WriteString("| line | bad row | counts for |\n| --- | --- | --- |\n")
	for _, br := range r.BadRows {
		cf := "nothing (skipped)"
		if !br.Skipped {
			cf = "no index"
			if len(br.CountsFor) > 0 {
				cf = strings.Join(br.CountsFor, ", ")
			}
		}
		fmt.Fprintf(&b, "| %d | %s | %s |\n", br.Line, br.Reason, cf)
	}
	b.WriteString("\nLine numbers count the header as line 1.\n\n## Expected results\n\n")
	b.WriteString("| dump | rows | index | checked | matches | dump entries | verdict |\n| --- | --- | --- | --- | --- | --- | --- |\n")
	for _, name := range e.DumpOrder {
		d := e.Dumps[name]
		for i, ixn := range d.IndexOrder {
			ix := d.Indexes[ixn]
			dn, rows, verdict := "", "", ""
			if i == 0 {
				dn, rows, verdict = "`"+d.File+"`", strconv.Itoa(d.Rows), d.VerdictExpected
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %d | %d | %d | %s |\n", dn, rows, ixn, ix.Checked, ix.Matches, ix.DumpEntries, verdict)
		}
	}
	b.WriteString("\n`checked`: registry data rows (the skipped ragged row excluded) with valid values for every field of the index. " +
		"`matches`: how many of those have their index tuple in the dump. " +
		"`dump entries`: distinct valid tuples of the index in the dump.\n")
	return []byte(b.String())
}

// generate returns the content of every fixture file by name.
func generate() (map[string][]byte, error) {
	g := newGen()
	reg := g.registry()
	dumps := []*dump{g.dumpLeak(reg), g.dumpUnrelated(reg), g.dumpPhonelist(reg)}

	files := map[string][]byte{}
	var regRows [][]string
	for _, row := range reg.rows {
		regRows = append(regRows, row.fields)
	}
	files["registry.csv"] = writeCSV(registryHeader, regRows)
	for _, d := range dumps {
		files[d.file] = writeCSV(d.header, d.rows)
	}
	e := expected(reg, dumps)
	j, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return nil, err
	}
	files["expected.json"] = append(j, '\n')
	files["identifiers.txt"] = identifiers(reg, dumps)
	files["README.md"] = readme(e)
	return files, nil
}

// write generates the fixtures into dir.
func write(dir string) error {
	files, err := generate()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), files[n], 0o644); err != nil {
			return err
		}
	}
	return nil
}

func main() {
	out := flag.String("out", "fixtures", "directory to write the fixtures into")
	flag.Parse()
	if err := write(*out); err != nil {
		fmt.Fprintln(os.Stderr, "genfixtures:", err)
		os.Exit(1)
	}
}
