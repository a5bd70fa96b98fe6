package expr

import (
	"sort"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/internal/golden"
)

func TestFuncCatalogue(t *testing.T) {
	fs := Funcs()
	if !sort.SliceIsSorted(fs, func(i, j int) bool { return fs[i].Name < fs[j].Name }) {
		t.Error("Funcs is not sorted by name")
	}
	required := "coalesce nullif upper lower trim length substring concat abs round floor ceil year month day hour to_date make_date date_add datediff count sum avg min max"
	for _, name := range strings.Fields(required) {
		if _, ok := LookupFunc(name); !ok {
			t.Errorf("missing function %s", name)
		}
	}
	for _, f := range fs {
		if f.Name != strings.ToLower(f.Name) || !strings.HasPrefix(f.Sig, f.Name+"(") || f.Doc == "" {
			t.Errorf("%s: bad name, Sig %q or Doc %q", f.Name, f.Sig, f.Doc)
		}
		if f.MinArgs < 1 && !(f.Window && f.MaxArgs == 0) || (f.MaxArgs >= 0 && f.MaxArgs < f.MinArgs) || len(f.params) == 0 && f.MaxArgs != 0 || f.result == nil {
			t.Errorf("%s: bad arity or rule", f.Name)
		}
		if f.MaxArgs > len(f.params) {
			t.Errorf("%s: %d params for %d args", f.Name, len(f.params), f.MaxArgs)
		}
		if f.AliasOf != "" {
			if g, ok := LookupFunc(f.AliasOf); !ok || g.AliasOf != "" {
				t.Errorf("%s: alias of %q", f.Name, f.AliasOf)
			}
		}
		wantAgg := strings.Contains(" count sum avg min max count_if stddev_samp stddev std stddev_pop var_samp variance var_pop bool_and every bool_or some max_by min_by ", " "+f.Name+" ")
		if f.Aggregate != wantAgg {
			t.Errorf("%s: Aggregate = %v", f.Name, f.Aggregate)
		}
	}
	if f, ok := LookupFunc("UPPER"); !ok || f.Name != "upper" {
		t.Error("LookupFunc is not case-insensitive")
	}
	if _, ok := LookupFunc("nope"); ok {
		t.Error("LookupFunc found nope")
	}
	// Funcs returns a copy.
	fs[0].Name = "changed"
	if Funcs()[0].Name == "changed" {
		t.Error("Funcs exposes the catalogue")
	}
}

// TestFuncTypes exercises every function of the catalogue.
func TestFuncTypes(t *testing.T) {
	tests := []struct{ src, want string }{
		{"coalesce(delay)", "int"},
		{"coalesce(delay, big, 0)", "bigint"},
		{"coalesce(delay, 1.5)", "decimal(11,1)"},
		{"coalesce(price, amount, 0)", "decimal(12,2)"},
		{"coalesce(NULL, origin)", "string"},
		{"coalesce(flight_date, date)", "timestamp"},
		{"coalesce(NULL)", "null"},
		{"nullif(delay, 0)", "int"},
		{"nullif(origin, '')", "string"},
		{"nullif(flight_date, '1970-01-01')", "date"},
		{"upper(origin)", "string"},
		{"lower(dep.name)", "string"},
		{"trim(origin)", "string"},
		{"ltrim(origin)", "string"},
		{"rtrim(origin)", "string"},
		{"upper(NULL)", "string"},
		{"length(origin)", "int"},
		{"substring(origin, 1)", "string"},
		{"substring(origin, 1, 2)", "string"},
		{"substr(origin, -2, length(origin))", "string"},
		{"concat(origin)", "string"},
		{"concat(origin, '-', destination, NULL)", "string"},
		{"abs(delay)", "int"},
		{"abs(big)", "bigint"},
		{"abs(price)", "decimal(10,2)"},
		{"abs(ratio)", "double"},
		{"abs(NULL)", "double"},
		{"round(delay)", "int"},
		{"round(delay, -1)", "int"},
		{"round(big, 2)", "bigint"},
		{"round(ratio, 2)", "double"},
		{"round(price)", "decimal(9,0)"},
		{"round(price, 1)", "decimal(10,1)"},
		{"round(price, 2)", "decimal(11,2)"},
		{"round(price, 5)", "decimal(11,2)"},
		{"round(price, -2)", "decimal(9,0)"},
		{"round(price, -12)", "decimal(13,0)"},
		{"round(CAST(ratio AS decimal(38,2)), 2)", "decimal(38,2)"},
		{"round(NULL)", "double"},
		{"floor(delay)", "bigint"},
		{"floor(big)", "bigint"},
		{"floor(ratio)", "bigint"},
		{"floor(price)", "decimal(9,0)"},
		{"ceil(whole)", "decimal(12,0)"},
		{"ceil(amount)", "decimal(4,0)"},
		{"ceil(1.5e3)", "bigint"},
		{"year(flight_date)", "int"},
		{"month(date)", "int"},
		{"day(date)", "int"},
		{"hour(date)", "int"},
		{"minute(date)", "int"},
		{"second(date)", "int"},
		{"to_date(origin)", "date"},
		{"to_date(date)", "date"},
		{"to_date(flight_date)", "date"},
		{"to_date(origin, 'dd/MM/yyyy')", "date"},
		{"to_date(origin, 'yyyy-MM-dd''T''HH:mm:ss')", "date"},
		{"to_date(NULL, 'yyyy-MM-dd')", "date"},
		{"make_date(2001, 1, 17)", "date"},
		{"make_date(CAST(year AS int), CAST(month AS int), CAST(day AS int))", "date"},
		{"date_add(flight_date, 1)", "date"},
		{"date_add(date, -1)", "date"},
		{"date_sub(flight_date, 7)", "date"},
		{"datediff(flight_date, DATE '2001-01-01')", "int"},
		{"datediff(date, flight_date)", "int"},
		{"datediff(flight_date, '2001-01-01')", ""},
		// Issue 12: conditionals and numbers.
		{"if(flag, delay, ratio)", "double"},
		{"if(delay > 1, origin, NULL)", "string"},
		{"if(delay, 1, 2)", ""},
		{"if(flag, origin, delay)", ""},
		{"ifnull(delay, big)", "bigint"},
		{"nvl(price, 0)", "decimal(12,2)"},
		{"nvl2(origin, flight_date, date)", "timestamp"},
		{"greatest(delay, 1.5)", "decimal(11,1)"},
		{"least(origin, 'x', NULL)", "string"},
		{"greatest(delay)", ""},
		{"greatest(origin, delay)", ""},
		{"mod(delay, 7)", "int"},
		{"pmod(amount, 2)", "decimal(3,2)"},
		{"pmod(origin, 2)", ""},
		{"power(delay, 2)", "double"},
		{"pow(NULL, 2)", "double"},
		{"sqrt(price)", "double"},
		{"exp(1)", "double"},
		{"ln(ratio)", "double"},
		{"log10(big)", "double"},
		{"sign(delay)", "double"},
		{"signum(price)", "double"},
		{"bround(price, 1)", "decimal(10,1)"},
		{"bround(delay, -1)", "int"},
		{"bround(ratio, delay)", ""},
		// Issue 12: strings.
		{"concat_ws(',', origin, NULL)", "string"},
		{"concat_ws(',')", ""},
		{"replace(origin, 'a')", "string"},
		{"translate(origin, 'a', 'b')", "string"},
		{"lpad(origin, 3, '0')", "string"},
		{"rpad(origin, big, '0')", ""},
		{"left(origin, 1)", "string"},
		{"right(delay, 1)", ""},
		{"initcap(dep.city)", "string"},
		{"reverse(origin)", "string"},
		{"instr(origin, 'a')", "int"},
		{"locate('a', origin)", "int"},
		{"locate('a', origin, delay)", "int"},
		{"split_part(origin, ',', 2)", "string"},
		{"split_part(origin, ',', 0)", ""},
		{"split_part(origin, ',', delay)", ""},
		{"startswith(origin, 'a')", "boolean"},
		{"endswith(origin, 'a')", "boolean"},
		{"contains(origin, 'a')", "boolean"},
		{"md5(origin)", "string"},
		{"sha2(origin, 256)", "string"},
		{"sha2(origin, 512)", ""},
		{"char_length(origin)", "int"},
		{"character_length(origin)", "int"},
		{"octet_length(origin)", "int"},
		{"rlike(origin, '[0-9]+')", "boolean"},
		{"rlike(origin, origin)", ""},
		{"regexp_extract(origin, '(a)')", "string"},
		{"regexp_extract(origin, 'a')", ""},
		{"regexp_extract(origin, 'a', 0)", "string"},
		{"regexp_replace(origin, 'a', 'b')", "string"},
		{"regexp_replace(origin, 'a', '$1')", ""},
		// Issue 12: dates and times.
		{"date_trunc('Month', flight_date)", "timestamp"},
		{"date_trunc('fortnight', date)", ""},
		{"date_trunc(origin, date)", ""},
		{"trunc(date, 'Q')", ""},
		{"trunc(date, 'quarter')", "date"},
		{"trunc(date, 'day')", ""},
		{"date_format(date, 'yyyy-MM-dd''T''HH:mm')", "string"},
		{"date_format(date, 'YYYY')", ""},
		{"date_format(date, 'yyy')", ""},
		{"to_timestamp(origin)", "timestamp"},
		{"to_timestamp(origin, 'yyyy-MM-dd HH:mm')", "timestamp"},
		{"to_timestamp(flight_date, 'yyyy-MM-dd')", ""},
		{"unix_timestamp(date)", "bigint"},
		{"unix_timestamp(origin, 'dd/MM/yyyy')", "bigint"},
		{"unix_timestamp()", ""},
		{"from_unixtime(big)", "string"},
		{"from_unixtime(ratio)", ""},
		{"dayofweek(date)", "int"},
		{"dayofyear(flight_date)", "int"},
		{"weekofyear(flight_date)", "int"},
		{"quarter(date)", "int"},
		{"last_day(date)", "date"},
		{"add_months(flight_date, delay)", "date"},
		{"add_months(flight_date, big)", ""},
		{"months_between(date, flight_date)", "double"},
		{"next_day(flight_date, 'Fri')", "date"},
		{"next_day(flight_date, 'Freitag')", ""},
		{"make_timestamp(2001, 1, 1, 0, 0, 1.5)", "timestamp"},
		{"from_utc_timestamp(date, 'Europe/Paris')", "timestamp"},
		{"to_utc_timestamp(date, 'UTC')", "timestamp"},
		{"to_utc_timestamp(date, '+02:00')", ""},
		{"from_utc_timestamp(date, 'PST')", ""},
		{"current_date()", ""},
		{"rand()", ""},
		// Issue 12: aggregates (checked as measures).
		{"count_if(delay > 1)", "bigint"},
		{"count_if(delay)", ""},
		{"stddev(price) + std(delay) + stddev_samp(ratio) + stddev_pop(big)", "double"},
		{"variance(delay) + var_samp(delay) + var_pop(price)", "double"},
		{"stddev(origin)", ""},
		{"bool_and(flag) OR every(flag) OR bool_or(flag) OR some(delay > 1)", "boolean"},
		{"bool_or(delay)", ""},
		{"max_by(origin, delay)", "string"},
		{"min_by(price, flight_date)", "decimal(10,2)"},
		{"max_by(origin)", ""},
	}
	for _, tt := range tests {
		opts := Options{}
		if strings.Contains(tt.src, "_by(") || strings.Contains(tt.src, "count_if") || strings.Contains(tt.src, "std") ||
			strings.Contains(tt.src, "var") || strings.Contains(tt.src, "bool_") {
			opts = Options{AllowAggregates: true, GroupKeys: []string{"origin"}}
		}
		_, typ, errs := check(t, tt.src, opts)
		if tt.want == "" {
			if errs == nil {
				t.Errorf("Check(%q) = %s, want an error", tt.src, typ)
			}
			continue
		}
		if errs != nil {
			t.Errorf("Check(%q): %v (hint %q)", tt.src, errs[0], errs[0].Hint)
			continue
		}
		if typ.String() != tt.want {
			t.Errorf("Check(%q) = %s, want %s", tt.src, typ, tt.want)
		}
	}
}

func TestStrftimeFormat(t *testing.T) {
	for in, want := range map[string]string{
		"yyyy-MM-dd HH:mm:ss":        "%Y-%m-%d %H:%M:%S",
		"d/M/yy h:m:s a":             "%-d/%-m/%y %-I:%-M:%-S %p",
		"EEE EEEE MMM MMMM D DDD":    "%a %A %b %B %-j %j",
		"HH:mm:ss.SSS ''SSSSSS 'x%'": "%H:%M:%S.%g '%f x%%",
	} {
		if got, err := StrftimeFormat(in); err != nil || got != want {
			t.Errorf("StrftimeFormat(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"YYYY", "yyy", "MMMMM", "T", "uuuu", "'open", "SS", "DD", "[yyyy]"} {
		if _, err := StrftimeFormat(in); err == nil {
			t.Errorf("StrftimeFormat(%q) accepted", in)
		}
	}
}

func TestRefusedFuncs(t *testing.T) {
	for _, r := range refusedList() {
		if _, ok := LookupFunc(r[0]); ok || r[1] == "" || r[2] == "" {
			t.Errorf("refused %s: in the catalogue or without reason and hint", r[0])
		}
		_, _, errs := check(t, r[0]+"(origin)", aggOpts)
		if len(errs) != 1 || errs[0].Code != codeUnknownFunc || !strings.Contains(errs[0].Msg, "not supported") || errs[0].Span != (Span{0, len(r[0])}) {
			t.Errorf("%s: %v", r[0], errs)
		}
	}
}

// TestDocsFunctions keeps docs/functions.md generated from the catalogue;
// every example must check over DocColumns.
func TestDocsFunctions(t *testing.T) {
	for _, f := range Funcs() {
		if f.AliasOf == "" && f.Example == "" {
			t.Errorf("%s has no example", f.Name)
		}
		if f.Category == "" {
			t.Errorf("%s has no category", f.Name)
		}
	}
	var b strings.Builder
	if err := writeFunctionsMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "../../docs/functions.md", []byte(b.String()))
}
