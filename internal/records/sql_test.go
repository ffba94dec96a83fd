package records

import (
	"strings"
	"testing"
)

const mysqlHead = "-- MySQL dump 10.13\n/*!40101 SET NAMES utf8mb4 */;\n" +
	"CREATE TABLE `people` (\n  `id` int NOT NULL,\n  `phone` varchar(20) DEFAULT '',\n" +
	"  `name` varchar(100) COMMENT 'a, b (c)',\n  `price` decimal(10,2),\n  PRIMARY KEY (`id`),\n  KEY `k` (`phone`)\n) ENGINE=InnoDB;\n"

var sqlTests = []readTable{
	{name: "mysql extended insert", in: mysqlHead + "INSERT INTO `people` VALUES (1,'98','Ann',1.50),(2,'97','Bob',NULL);\n",
		cols: []string{"id", "phone", "name", "price"}, want: []result{rec(11, "1", "98", "Ann", "1.50"), rec(11, "2", "97", "Bob", "")}},
	{name: "escapes", in: mysqlHead + `INSERT INTO people VALUES (1,'it\'s','a''b','x\\y'),(2,"q\"q",'l1\nl2','%\%'),(3,'a;b','),(',_utf8mb4'u'),(4,X'4142',_binary '\0',0x1F),(5);` + "\n",
		want: []result{rec(11, "1", "it's", "a'b", `x\y`), rec(11, "2", `q"q`, "l1\nl2", `%\%`), rec(11, "3", "a;b", "),(", "u"),
			rec(11, "4", "AB", "\x00", "0x1F"), bad(11, "ragged row: 1 fields, table has 4")}},
	{name: "multi-line statement, line of each tuple", in: mysqlHead + "INSERT INTO `people` (`phone`, `id`)\nVALUES\n('98',\n1),\n('97', 2)\n;\n",
		want: []result{rec(13, "1", "98", "", ""), rec(15, "2", "97", "", "")}},
	{name: "values in a string that spans lines", in: mysqlHead + "INSERT INTO people VALUES (1,'98','A\nB',0),\n(2,'97','C',0);",
		want: []result{rec(11, "1", "98", "A\nB", "0"), rec(13, "2", "97", "C", "0")}},
	{name: "columns from INSERT, unknown ones dropped", in: "INSERT INTO t (a, b) VALUES ('1','2');\nINSERT INTO t (b, c) VALUES ('3','4');\n",
		cols: []string{"a", "b"}, want: []result{rec(1, "1", "2"), rec(2, "", "3")}},
	{name: "no names anywhere", in: "INSERT INTO t VALUES ('98','Ann'),('97','Bob');\n",
		cols: []string{"column_1", "column_2"}, want: []result{rec(1, "98", "Ann"), rec(1, "97", "Bob")}},
	{name: "comments and other statements", in: "-- c\n# c\n/* c; */\nSET x = 1;\nLOCK TABLES t WRITE;\nINSERT INTO t (a) VALUES ('1') /* c */ , -- c\n('2');\nUNLOCK TABLES;\n",
		cols: []string{"a"}, want: []result{rec(6, "1"), rec(7, "2")}},
	{name: "INSERT IGNORE, REPLACE, ON DUPLICATE KEY", in: "INSERT IGNORE INTO t (a) VALUES ('1');\nREPLACE INTO t (a) VALUES ('2');\nINSERT INTO t (a) VALUES ('3') ON DUPLICATE KEY UPDATE a=VALUES(a);\nINSERT INTO t (a) VALUES ('4');",
		cols: []string{"a"}, want: []result{rec(1, "1"), rec(2, "2"), rec(3, "3"), rec(4, "4")}},
	{name: "expressions kept as written", in: "INSERT INTO t (a,b,c,d) VALUES (-1.5e3, TRUE, now(), CONCAT('a', 'b'));",
		cols: []string{"a", "b", "c", "d"}, want: []result{rec(1, "-1.5e3", "true", "now()", "CONCAT('a', 'b')")}},
	{name: "bad tuples", in: "INSERT INTO t (a,b) VALUES ('1','2'),('3'),('4','5','6'),(,'x'),('7' '8' 9,'y'),('10','11');",
		cols: []string{"a", "b"}, want: []result{rec(1, "1", "2"), bad(1, "ragged row: 1 fields, table has 2"),
			bad(1, "ragged row: 3 fields, table has 2"), bad(1, "malformed row"), rec(1, "7", "y"), rec(1, "10", "11")}},
	{name: "unterminated quote", in: "INSERT INTO t (a) VALUES ('1'),('2\n);\n",
		cols: []string{"a"}, want: []result{rec(1, "1"), bad(1, "unterminated quote")}},
	{name: "truncated statement", in: "INSERT INTO t (a) VALUES ('1'),('2'",
		cols: []string{"a"}, want: []result{rec(1, "1"), bad(1, "row not closed at end of input")}},
	{name: "INSERT SELECT", in: "INSERT INTO t (a) VALUES ('1');\nINSERT INTO t (a) SELECT a FROM u;\nINSERT INTO t (a) VALUES ('2');",
		cols: []string{"a"}, want: []result{rec(1, "1"), bad(2, "INSERT without VALUES is not read"), rec(3, "2")}},
	{name: "long row", in: "INSERT INTO t (a) VALUES ('1'),('" + strings.Repeat("x", 100) + "'),('2');", opts: Options{MaxLineBytes: 50},
		cols: []string{"a"}, want: []result{rec(1, "1"), bad(1, "row longer than 50 bytes limit"), rec(1, "2")}},
	{name: "several tables", in: "INSERT INTO a (x) VALUES ('1');\nINSERT INTO b (y) VALUES ('2');\n",
		err: `the dump holds rows of 2 tables ("a", "b"); choose one with --table`},
	{name: "table names that look like data are not shown", in: "INSERT INTO u9876543210 (x) VALUES ('1');\nINSERT INTO `a@b` (y) VALUES ('2');\nINSERT INTO c (y) VALUES ('2');\n",
		err: `the dump holds rows of 3 tables (?, ?, "c")`},
	{name: "--table", in: "INSERT INTO a (x) VALUES ('1');\nINSERT INTO `db`.`b` (y) VALUES ('2');\nINSERT INTO a (x) VALUES ('3');\nINSERT INTO db.b (y) VALUES ('4');\n",
		opts: Options{Table: "b"}, cols: []string{"y"}, want: []result{rec(2, "2"), rec(4, "4")}},
	{name: "--table not there", in: "INSERT INTO a (x) VALUES ('1');\n", opts: Options{Table: "nope"},
		err: `no rows for table "nope" in the dump (tables with rows: "a")`},
	{name: "table without rows does not count", in: "CREATE TABLE a (x int);\nCREATE TABLE b (y int);\nINSERT INTO b VALUES (1);\n",
		cols: []string{"y"}, want: []result{rec(3, "1")}},
	{name: "no rows", in: "CREATE TABLE a (x int);\n", opts: Options{Format: "sql"}, err: "no records"},
	{name: "formula-like values", in: "INSERT INTO t (a) VALUES ('=1+2'),('@x'),('+1'),('-1');",
		cols: []string{"a"}, want: []result{rec(1, "=1+2"), rec(1, "@x"), rec(1, "+1"), rec(1, "-1")}},

	{name: "postgres copy", in: "--\n-- PostgreSQL database dump\n--\nSET standard_conforming_strings = on;\n" +
		"CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n" +
		"COPY public.people (id, phone, name) FROM stdin;\n1\t98\tAnn\n2\t97\t\\N\n3\t96\tA\\tB\\nC\\\\D\\101\\x42\n\\.\n" +
		"ALTER TABLE ONLY public.people ADD CONSTRAINT p PRIMARY KEY (id);\n",
		cols: []string{"id", "phone", "name"}, want: []result{rec(7, "1", "98", "Ann"), rec(8, "2", "97", ""), rec(9, "3", "96", "A\tB\nC\\DAB")}},
	{name: "copy ragged and long lines", in: "COPY t (a, b) FROM stdin;\n1\t2\n3\n4\t" + strings.Repeat("x", 100) + "\n5\t6\n\\.\n",
		opts: Options{MaxLineBytes: 50}, cols: []string{"a", "b"},
		want: []result{rec(2, "1", "2"), bad(3, "ragged row: 1 fields, table has 2"), bad(4, "line longer than 50 bytes limit"), rec(5, "5", "6")}},
	{name: "copy columns from CREATE TABLE", in: "CREATE TABLE t (\n a text,\n b integer\n);\nCOPY t FROM stdin;\nx\t1\n\\.\n",
		cols: []string{"a", "b"}, want: []result{rec(6, "x", "1")}},
	{name: "copy without end marker", in: "COPY t (a) FROM stdin;\nx\ny", cols: []string{"a"}, want: []result{rec(2, "x"), rec(3, "y")}},
	{name: "copy csv refused", in: "COPY t (a) FROM stdin WITH (FORMAT csv);\nx\n\\.\n", err: "COPY with csv"},
	{name: "postgres standard strings: backslash is literal", in: "SET standard_conforming_strings = on;\nINSERT INTO public.t (a, b) VALUES ('C:\\temp', E'x\\ty'), ('it''s', '2021-01-01'::date);",
		cols: []string{"a", "b"}, want: []result{rec(2, `C:\temp`, "x\ty"), rec(2, "it's", "2021-01-01")}},
	{name: "sqlite .dump: standard strings, replace(…,char(10))", in: "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE p(id integer, name text, b blob);\n" +
		"INSERT INTO p VALUES(1,'Ana \\',X'00ff');\nINSERT INTO p VALUES(2,replace(replace('l1\\r\\nl2','\\r',char(13)),'\\n',char(10)),NULL);\n" +
		"INSERT INTO \"p\" VALUES(3,'it''s \\n',NULL);\nCOMMIT;\n",
		cols: []string{"id", "name", "b"}, want: []result{rec(4, "1", `Ana \`, "\x00\xff"), rec(5, "2", "l1\r\nl2", ""), rec(6, "3", `it's \n`, "")}},
	{name: "a value that swallows later statements is counted, with each row it swallowed",
		in:  "INSERT INTO p VALUES(1,'Ana \\',1);\nINSERT INTO p VALUES(2,'Bo',2);\nINSERT INTO p VALUES(3,'Cy',3);\nINSERT INTO p VALUES(4,'Di',4);\n",
		err: "no readable row: all 4 rows of the table are bad, the first at line 1: quoted value ran over later rows: 3 of them"},
	{name: "rows after a swallowing value still count",
		in:   "CREATE TABLE p (id int, name text, n int);\nINSERT INTO p VALUES(1,'Ana',1);\nINSERT INTO p VALUES(2,'Bo \\',2);\nINSERT INTO p VALUES(3,'Cy',3);\n",
		cols: []string{"id", "name", "n"}, want: []result{rec(2, "1", "Ana", "1"), bad(3, "quoted value ran over later rows: 1 of them (its quoting does not match the dump's escaping)"), bad(3, "row inside a quoted value that did not end where expected")}},
	{name: "psql meta-commands", in: "\\connect db\nCOPY t (a) FROM stdin;\nx\n\\.\n", opts: Options{Format: "sql"},
		cols: []string{"a"}, want: []result{rec(3, "x")}},
}

func TestSQL(t *testing.T) { runReadTable(t, sqlTests) }

// TestSQLStdinSeveralTables: without a first pass (standard input), rows of a second table
// end reading with an error after the rows of the first.
func TestSQLStdinSeveralTables(t *testing.T) {
	src := bytesSource("stdin", []byte("INSERT INTO a (x) VALUES ('1');\nINSERT INTO b (y) VALUES ('2');\n"))
	src.once = true
	r, c, err := src.Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got, err := drain(t, r)
	if len(got) != 1 || err == nil || !strings.Contains(err.Error(), `line 2: the dump holds rows of several tables ("a", "b"); choose one with --table`) {
		t.Errorf("got %v, %v", got, err)
	}
}

func TestMatchTable(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		ok         bool
	}{
		{"users", "users", true}, {"public.users", "users", true}, {"public.users", "public.users", true},
		{"db.Users", "users", true}, {"users2", "users", false}, {"users", "public.users", false},
	} {
		if got := matchTable(tc.name, tc.want); got != tc.ok {
			t.Errorf("matchTable(%q, %q) = %v", tc.name, tc.want, got)
		}
	}
}

// TestSQLDeclaredCharset: raw BLOB bytes (mysqldump without --hex-blob) make a UTF-8 dump
// invalid UTF-8; the SET NAMES it declares decides, not the bytes, so names stay intact, and
// Detected says why.
func TestSQLDeclaredCharset(t *testing.T) {
	in := "/*!40101 SET NAMES utf8mb4 */;\nINSERT INTO `p` (`id`,`name`,`photo`) VALUES (1,'Zoë Ñúñez','\xff\xfe\x00\x80\\0'),(2,'Ana','\x89PNG');\n"
	src := bytesSource("t", []byte(in))
	r, c, err := src.Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got, err := drain(t, r)
	if err != nil || len(got) != 2 || got[0].Values[1] != "Zoë Ñúñez" || got[1].Values[1] != "Ana" {
		t.Fatalf("got %q, %v", got, err)
	}
	d := Detected(r)
	want := "SQL dump (MySQL/MariaDB) (versioned comment /*!…*/), UTF-8 (declared by the dump: SET NAMES utf8mb4)"
	if d.String() != want {
		t.Errorf("Detected = %q, want %q", d, want)
	}
}
