package fields

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// trickyValues are, per field, inputs at the edges of the front fast paths
// (fast.go): the shapes they take, near misses they must decline, Unicode
// spaces and digits, placeholders, invalid values.
var trickyValues = map[Field][]string{
	Phone: {
		"9876543210", " 9876543210 ", "\t9876543210", "9876543210\n", "\r\n9876543210\r\n",
		"9876543210\u00a0", "\u00a09876543210", "\u20089876543210", "\u30009876543210",
		"\u00859876543210", "9876543210\u200b", "98765\u200b43210", "98765\u00a043210",
		"９８７６５４３２１０", "९८७६५४३२१०", "٩٨٧٦٥٤٣٢١٠", "+91 ९८७६५४३२१०", "+٩١ 9876543210",
		"+91 98765 43210", "+91-98765-43210", "+91.98765.43210", "091 98765 43210", "0091 9876543210",
		"0091-98765-43210", "00919876543210", "+0091 9876543210", "(+91) 98765-43210",
		"+(91) 9876543210", "91 9876543210", "919876543210", "09876543210", "0 9876543210",
		"98765 43210", "98765-43210", "98765.43210", "(98765) 43210", "+91 (987) 654-3210",
		"0091 (987) 654.3210", "9876543210.0", "987654321.0", "09876543210.0", "9876543210.00",
		"9876543210.", ".9876543210", "98765432100", "987654321", "5876543210", "1234567890",
		"6000000000", "9999999999", "+91 5876543210", "+91 1800 123 4567", "022 2345 6789",
		"+91 22 2345 6789", "011-23456789", "080 2345 6789", "+1 202 555 0143", "+44 20 7946 0958",
		"9.87654E+9", "9.87654e9", "9876543210e0", "9876543210 ext 5", "9876543210 #5",
		"9876543210x5", "+919876543210", "++919876543210", "9+876543210", "+ 919876543210",
		"98765432101", "9876543210123", "919876543210123", "+9198765432100", "-9876543210",
		"9876543210-", "((9876543210))", "98765_43210", "98765/43210", "98765,43210",
		"-", "--", "---", "NA", "n/a", "null", "", "  ", "+", "()", "9876543210\x00", "\x009876543210",
		"\xff9876543210", "9876543210\xff", "98765\xff43210", strings.Repeat("9", 33),
		"+91 9876 5432 10     ", "0 0 9 1 9 8 7 6 5 4 3 2 1 0", "+91 99999 99999 ",
	},
	Name: {
		"Harish Kapoor", "HARISH KAPOOR", "harish  kapoor", " Harish Kapoor ", "\tHarish Kapoor\n",
		"Kapoor, Harish", "Kapoor Harish", "Dr. Anita Sharma", "Shri Ravi Kumar", "Kumari",
		"Kumari Sita", "Sita Kumari", "O'Brien", "D’Souza", "D`Souza", "d'souza", "Mary-Jane Smith",
		"R.K. Narayan", "NA", "N/A", "n.a.", "#N/A", "null", "NULL.", "(NA)", "-", "--", "Dr.", "Dr 42",
		"42", "", "  ", "Zoë", "ÆVAR", "ΑΝΝΑ", "अनीता शर्मा", "श्री राम", "Ravi\u200bKumar",
		"Ravi\u00a0Kumar", "\u00a0Ravi Kumar", "Ravi Kumar\u00a0", "Ravi\tKumar", "Ravi\nKumar",
		"ＲＡＭ", "ﬁona", "Ravi Kumar\u0301", "Ravi\x00Kumar", "Ravi\x7fKumar", "\xffRavi",
		"a b c d e f g h i j k l m n o p q", "a b c d e f g h i j k l m n o p", strings.Repeat("a", 1025),
		strings.Repeat("a", 1024), strings.Repeat("Ab ", 342), " " + strings.Repeat("a", 1024),
		strings.Repeat("xy", 70), "  undefined  ", "Undefined", "Nan", "None", "nil", "Nil Kumar",
		"Nair", "İstanbul", "STRASSE", "Straße", "ǅemal", "Ꭰ", "ꭰ", "mr mrs", "Mr. & Mrs.",
		"sh. ravi", "lt. col. singh", "x", "'", "''", "a'", "'n'", "n'a", "N'A", "nu'll", "Ravi_Kumar",
		"ravi kumar", "ravi", "RAVI", "Ravi  Kumar  Singh", "Singh Kumar Ravi", "Ravi 2nd", "2 Ravi",
		"@home", "~Ravi~", "kumar, ravi.", "ravi kumar;", "Smt. Anita", "SMT", "srimati", "shreemati",
		"Swargiya Ram", "Late Shri Ram", "Ku. Sita", "km sita", "Prof. Dr. Anita", "Mstr Ravi",
	},
	YOB: {
		"1990", " 1990 ", "1990.0", "1990.00", "1990.000000", "1990.", "1990.5", "1990.01", "1990.0.0",
		"1990..0", "1879", "1880", "2026", "2027", "9999", "0990", "199", "19900", "１９９０",
		"1990\u00a0", "\u00a01990", "\t1990", "1990\n", "1990e0", "NA", "-", "", "+1990", "-1990",
		"1990 0", "199O", "1990\x00", "\xff1990", "1935", "2005", "१९९०", "1990.0 ", " 1990.00\t",
		"1990." + strings.Repeat("0", 1019), "1990." + strings.Repeat("0", 1020), " 1990." + strings.Repeat("0", 1019) + " ",
	},
	DOB: {
		"12/03/1990", "12-03-1990", "12.03.1990", "1990-03-12", "1990/3/12", "1990.3.2", "3/12/1990",
		"25/12/1990", "12/25/1990", "03/04/1990", "3/4/1990", "04/04/1990", "00/04/1990",
		"04/00/1990", "00/00/1990", "31/02/1990", "29/02/2000", "29/02/1900", "29/02/2024",
		"29/02/2023", "31/04/1990", "30/04/1990", "1990-13-01", "1990-00-10", "1990-02-30",
		"1990-12-31", "12/03/90", "12/03/0090", "1/1/1880", "31/12/1879", "01/01/1880",
		"1990-03-12T00:00:00Z", "12/03/1990 00:00", "12 Mar 1990", "March 12, 1990", "12-Mar-1990",
		"12th March 1990", "12/03-1990", "12//03/1990", "/12/03/1990", "12/03/1990/", "123/03/1990",
		"12/003/1990", "1990-03-123", "01990-03-12", "19900-03-12", "1990-003-12", " 12/03/1990 ",
		"12/03/1990\u00a0", "\u00a012/03/1990", "１２/03/1990", "12/03/１９９０", "", "NA", "-",
		"12/03/2030", "12/03/2026", "31/12/2026", "01/01/2027", "13/13/1990", "12,03,1990",
		"12 03 1990", "12/03/1990.", "1990-3-12", "1990-03-1", "1-3-1990", "12/3/1990", "12/13/1990",
		"13/12/1990", "12/12/1990", "1990/12/12", "12-03/1990", "1990-03/12", "२५/१२/१९९०",
		"25/12/1990\x00", "\xff25/12/1990", "1990/02/29", "2000/02/29", "99/99/9999", "1/2/3",
		"1990-03-12T00:00:00Z", "1990-03-12T00:00", "12/03/1990 00:00", "12/03/1990 23:59:59.123 +05:30",
		"12/03/1990  10:30 PM", "12/03/1990 24:00", "12/03/1990 00:60", "12/03/1990T00:00", "12/03/1990:00",
		"03/04/1990 00:00", "12/03/1990 00:00 IST", "12/03/1990 0:00", "12/03/1990 00:00:00.", "1990-03-12t00:00z",
		"12/03/1990 00:00" + strings.Repeat(" ", 1100) + "Z", "12/03/1990" + strings.Repeat(" ", 1100) + "00:00",
	},
	Gender: {
		"Male", "MALE", "male", "M", "m", "F", "f", "Female", "FEMALE", "m.", "M.", "(M)", "Non-Binary",
		"third gender", "Third-Gender", "Trans", "T", "TG", "x", "O", "Other", "others", "none",
		"None", "NA", "N/A", "n/a", "nan", "-", "", "unknown", "boy", "girl", "  female ", "\tF",
		"F\u00a0", "पुरुष", "महिला", "Ｍ", "M\u200b", "Ma le", "fe-male", "M\x00", "ＭＡＬＥ", "Mâle",
		"Purush", "Mahila", "STREE", "kinnar", "anya", strings.Repeat("m", 33), strings.Repeat("m", 32),
		"m" + strings.Repeat(" ", 40), "F1", "1", "female\xff", "man woman",
	},
}

// fastNormalizers are the normalizers the fast paths must agree with the
// general path for: both name versions, every date order, and a region
// whose phones the fast path leaves alone.
func fastNormalizers(t testing.TB) []*Normalizer {
	var out []*Normalizer
	for v := MinVersion; v <= Version; v++ {
		for _, region := range []string{"IN", "US"} {
			n, err := NewNormalizerVersion(region, v)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range []DateOrder{DateOrderUnknown, DMY, MDY, YMD} {
				out = append(out, n.WithDateOrder(o))
			}
		}
	}
	return out
}

// checkFast compares the fast-path front (normalize, with and without a
// Scratch) with the general path for one value, and DOBYear with its general
// path for a dob. It reports whether the fast path answered.
func checkFast(t testing.TB, n *Normalizer, sc *Scratch, f Field, raw string) (fast bool) {
	t.Helper()
	desc := func() string {
		return fmt.Sprintf("version %d, region %s, order %s, %s %q", n.version, n.region, n.dateOrder, f, raw)
	}
	want, wantErr := n.normalizeRef(f, raw, nil)
	for _, s := range []*Scratch{nil, sc} {
		got, err := n.normalize(f, raw, s)
		if got != want || !reflect.DeepEqual(err, wantErr) {
			t.Fatalf("%s: gives %q, %v; the general path %q, %v", desc(), got, err, want, wantErr)
		}
	}
	out, ok := n.normalizeFast(f, raw, nil)
	if ok && (out != want || wantErr != nil || want == "") {
		t.Fatalf("%s: the fast path answers %q, the general path %q, %v", desc(), out, want, wantErr)
	}
	if f == DOB {
		want, wantErr := n.dobYearRef(raw)
		got, err := n.DOBYear(raw)
		if got != want || !reflect.DeepEqual(err, wantErr) {
			t.Fatalf("%s: DOBYear gives %q, %v; its general path %q, %v", desc(), got, err, want, wantErr)
		}
		_, yok := n.dobYearFast(raw)
		ok = ok || yok
	}
	return ok
}

// TestFastPathMatchesReference: on the tricky values, and on many generated
// ones of every field, the front fast paths give the general path's value
// and error, for every normalizer; and they answer most of the common shapes
// (else the test would compare the general path with itself).
func TestFastPathMatchesReference(t *testing.T) {
	ns := fastNormalizers(t)
	var sc Scratch
	for f, vals := range trickyValues {
		for _, n := range ns {
			for _, raw := range vals {
				checkFast(t, n, &sc, f, raw)
				sc.Reset()
			}
		}
	}
	r := rand.New(rand.NewPCG(15, 15))
	count := 20_000
	if testing.Short() {
		count = 2_000
	}
	answered, perField := map[Field]int{}, 0 // by the current-version IN normalizers
	for i := range count {
		n := ns[i%len(ns)]
		current := n.region == "IN" && n.version == Version
		if current {
			perField++
		}
		for _, f := range []Field{Phone, Name, YOB, DOB, Gender} {
			raw := generatedValue(r, f, i)
			if checkFast(t, n, &sc, f, raw) && current {
				answered[f]++
			}
		}
		sc.Reset()
	}
	for _, f := range []Field{Phone, Name, YOB, DOB, Gender} {
		t.Logf("%s: fast path answered %d of %d", f, answered[f], perField)
		if answered[f] < perField/10 {
			t.Errorf("%s: fast path answered only %d of %d generated values; the test no longer exercises it", f, answered[f], perField)
		}
	}
}

// TestFastPathSlowPaths: where the front fast path answers a phone or a
// name, the phone number library and the Unicode name rule (the slow paths
// beneath the general path's own fast paths) give the same value.
func TestFastPathSlowPaths(t *testing.T) {
	in := newIN(t)
	v1, err := NewNormalizerVersion("IN", 1)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(16, 16))
	vals := map[Field][]string{Phone: trickyValues[Phone], Name: trickyValues[Name]}
	for i := range 5000 {
		vals[Phone] = append(vals[Phone], generatedValue(r, Phone, i))
		vals[Name] = append(vals[Name], generatedValue(r, Name, i))
	}
	for f, list := range vals {
		for _, raw := range list {
			s := floatDigits(strings.TrimSpace(raw))
			for _, n := range []*Normalizer{in, v1} {
				got, ok := n.normalizeFast(f, raw, nil)
				if !ok {
					continue
				}
				var want string
				var err error
				switch {
				case f == Phone:
					want, err = n.normalizePhoneSlow(s)
				case n.version == 1:
					want, err = normalizeNameSlow(strings.TrimSpace(raw))
				default:
					want, err = normalizeNameV2Slow(strings.TrimSpace(raw))
				}
				if got != want || err != nil {
					t.Fatalf("version %d, %s %q: fast path %q, slow path %q, %v", n.version, f, raw, got, want, err)
				}
			}
		}
	}
}

// generatedValue returns a random value of field f, mostly in the shapes of
// real columns, with some noise.
func generatedValue(r *rand.Rand, f Field, i int) string {
	pick := func(list ...string) string { return list[r.IntN(len(list))] }
	var s string
	switch f {
	case Phone:
		s = randomPhone(r)
	case Name:
		s = generatedName(r, i)
		switch r.IntN(4) {
		case 0:
			s = strings.ToUpper(s)
		case 1:
			s = " " + s + pick(" ", ".", "  ", "\t", "\u00a0")
		}
	case YOB:
		s = fmt.Sprint(1870 + r.IntN(170))
		if r.IntN(4) == 0 {
			s += pick(".0", ".00", ".", ".5", " ", "0")
		}
	case DOB:
		y, m, d := fmt.Sprint(1870+r.IntN(170)), r.IntN(14), r.IntN(33)
		sep := pick("-", "/", ".", "-", "/", " ", ",")
		ms, ds := fmt.Sprint(m), fmt.Sprint(d)
		if r.IntN(2) == 0 {
			ms, ds = fmt.Sprintf("%02d", m), fmt.Sprintf("%02d", d)
		}
		switch r.IntN(6) {
		case 0:
			s = y + sep + ms + sep + ds
		case 1:
			s = ms + sep + ds + sep + y
		case 2:
			s = ds + pick(" ", "-") + pick("Mar", "March", "jan", "Sept") + pick(" ", "-") + y
		case 3:
			s = ds + sep + ms + pick(sep, "-", "/") + y[r.IntN(3):]
		default:
			s = ds + sep + ms + sep + y
		}
		if r.IntN(8) == 0 {
			s += pick(" 00:00", "T00:00:00Z", " 10:30 PM", ":", " ")
		}
	case Gender:
		s = pick("Male", "MALE", "male", "M", "m", "F", "f", "Female", "FEMALE", "m.", "Other", "T",
			"TG", "third gender", "NA", "-", "none", "unknown", "x", "पुरुष", "Ｆ", "f e m a l e")
	}
	if r.IntN(16) == 0 && len(s) > 0 { // a random byte somewhere
		b := []byte(s)
		b[r.IntN(len(b))] = byte(r.IntN(256))
		s = string(b)
	}
	return s
}

// FuzzFastPathMatchesReference: for any value of any field, under any
// normalizer of fastNormalizers, the front fast paths give the general
// path's value and error (and DOBYear its general path's).
func FuzzFastPathMatchesReference(f *testing.F) {
	for fd, vals := range trickyValues {
		for _, v := range vals {
			f.Add(uint8(fd), uint8(0), v)
		}
	}
	ns := fastNormalizers(f)
	var sc Scratch
	f.Fuzz(func(t *testing.T, which, norm uint8, raw string) {
		fd := Field(int(which) % int(numFields))
		n := ns[int(norm)%len(ns)]
		checkFast(t, n, &sc, fd, raw)
		// The same value stretched past maxValueLen by repeating its last
		// byte: fuzzed inputs are rarely that long.
		if len(raw) > 0 && len(raw) < maxValueLen {
			c := raw[len(raw)-1:]
			for _, at := range []int{len(raw) - 1, len(raw) / 2} {
				checkFast(t, n, &sc, fd, raw[:at]+strings.Repeat(c, maxValueLen+1-len(raw))+raw[at:])
			}
		}
		sc.Reset()
	})
}

// TestIsPlaceholder: isPlaceholder is strings.EqualFold with one of
// placeholders, on the placeholders in every case, their near misses, and
// the characters Unicode folds to ASCII letters.
func TestIsPlaceholder(t *testing.T) {
	ref := func(s string) bool {
		for _, p := range placeholders {
			if strings.EqualFold(s, p) {
				return true
			}
		}
		return false
	}
	var vals []string
	for _, p := range placeholders {
		vals = append(vals, p, strings.ToUpper(p), strings.ToUpper(p[:1])+p[1:], p+"x", p[:len(p)-1], " "+p)
		for i := range len(p) { // each byte replaced by each of a few others
			for _, c := range []string{"\u212a", "\u017f", "\u0130", "\u0131", "\r", "\x00", "N", "A", "é"} {
				vals = append(vals, p[:i]+c+p[i+1:])
			}
		}
	}
	r := rand.New(rand.NewPCG(3, 3))
	const alpha = "-#/.nNaAiIlLuUoOeEdDfFxX\r\x00"
	for range 200_000 {
		b := make([]byte, 1+r.IntN(9))
		for i := range b {
			b[i] = alpha[r.IntN(len(alpha))]
		}
		vals = append(vals, string(b))
	}
	for _, s := range vals {
		if got, want := isPlaceholder(s), ref(s); got != want {
			t.Errorf("isPlaceholder(%q) = %v, EqualFold says %v", s, got, want)
		}
	}
}

// TestPhoneFrontIN: the branch-free phoneFrontIN, and phoneFastRaw with its
// shortcuts, give phoneFastIN's answer on random strings of their alphabet
// (and a letter), up to 40 bytes, bare and behind "+91".
func TestPhoneFrontIN(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	const alpha = "0123456789 +-.()x96"
	answered := 0
	for i := range 300_000 {
		b := make([]byte, r.IntN(41))
		for j := range b {
			b[j] = alpha[r.IntN(len(alpha))]
		}
		if i%2 == 0 && len(b) >= 10 { // mostly digits: the shapes that answer
			for j := range b {
				if r.IntN(6) > 0 {
					b[j] = byte('0' + r.IntN(10))
				}
			}
		}
		s := string(b)
		got, ok := phoneFrontIN(s, nil)
		want, wantOK := phoneFastIN(s, nil)
		if got != want || ok != wantOK {
			t.Fatalf("%q: phoneFrontIN %q, %v; phoneFastIN %q, %v", s, got, ok, want, wantOK)
		}
		for _, raw := range []string{s, "+91" + s, "+91 " + s, " " + s + ".0"} {
			got, ok := phoneFastRaw(raw, nil)
			want, wantOK := phoneFastIN(floatDigits(strings.TrimSpace(raw)), nil)
			if got != want || ok != wantOK {
				t.Fatalf("%q: phoneFastRaw %q, %v; phoneFastIN %q, %v", raw, got, ok, want, wantOK)
			}
		}
		if ok {
			answered++
		}
	}
	if answered < 1000 {
		t.Errorf("only %d of the random strings were phone numbers; the test no longer exercises the fast path", answered)
	}
	t.Logf("%d answered", answered)
}
