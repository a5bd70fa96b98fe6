package expr

import (
	"fmt"
	"strconv"
)

// Strings beyond the first catalogue (issue 12). Positions and lengths
// count characters (code points), as Spark does.

var (
	str2   = []param{{"s", argString, false}, {"sub", argString, false}}
	strLen = []param{{"s", argString, false}, {"n", argInt, false}}
	padPs  = []param{{"s", argString, false}, {"len", argInt, false}, {"pad", argString, false}}
)

var strFuncs = []Func{
	{Name: "concat_ws", Sig: "concat_ws(sep string, s string, ...) string", Doc: "the non-NULL strings joined by sep (NULLs are skipped; '' when all are NULL); NULL when sep is NULL",
		Example: "concat_ws('-', origin, destination)", MinArgs: 2, MaxArgs: -1,
		params: []param{{"sep", argString, false}, {"s", argString, false}}, result: fixed(typString)},
	{Name: "replace", Sig: "replace(s string, search string[, repl string]) string", Doc: "s with every search replaced by repl (default ''); s unchanged when search is ''",
		Example: "replace(origin, 'X', '')", MinArgs: 2, MaxArgs: 3,
		params: []param{{"s", argString, false}, {"search", argString, false}, {"repl", argString, false}}, result: fixed(typString)},
	{Name: "translate", Sig: "translate(s string, from string, to string) string", Doc: "s with each character of from replaced by the character at the same place in to, or removed when to is shorter",
		Example: "translate(origin, 'AEIOU', 'aeiou')", MinArgs: 3, MaxArgs: 3,
		params: []param{{"s", argString, false}, {"from", argString, false}, {"to", argString, false}}, result: fixed(typString)},
	{Name: "lpad", Sig: "lpad(s string, len int, pad string) string", Doc: "s left-padded with pad to len characters, or cut to len when longer (or when pad is ''); '' when len <= 0",
		Example: "lpad(CAST(delay AS string), 4, '0')", MinArgs: 3, MaxArgs: 3, params: padPs, result: fixed(typString),
		Notes: "DuckDB fails on an empty pad: the translation cuts as Spark"},
	{Name: "rpad", Sig: "rpad(s string, len int, pad string) string", Doc: "s right-padded with pad to len characters, or cut to len when longer (or when pad is ''); '' when len <= 0",
		Example: "rpad(origin, 5, '.')", MinArgs: 3, MaxArgs: 3, params: padPs, result: fixed(typString),
		Notes: "DuckDB fails on an empty pad: the translation cuts as Spark"},
	{Name: "left", Sig: "left(s string, n int) string", Doc: "the first n characters of s; '' when n <= 0",
		Example: "left(origin, 2)", MinArgs: 2, MaxArgs: 2, params: strLen, result: fixed(typString),
		Notes: "DuckDB's left(s, -1) drops the last character: the translation gives ''"},
	{Name: "right", Sig: "right(s string, n int) string", Doc: "the last n characters of s; '' when n <= 0",
		Example: "right(origin, 2)", MinArgs: 2, MaxArgs: 2, params: strLen, result: fixed(typString),
		Notes: "DuckDB's right(s, -1) drops the first character: the translation gives ''"},
	{Name: "initcap", Sig: "initcap(s string) string", Doc: "s in lower case with the first letter of each space-separated word in upper case",
		Example: "initcap(dep.city)", MinArgs: 1, MaxArgs: 1, params: str1, result: fixed(typString),
		Notes: "DuckDB has no initcap: the translation splits on spaces"},
	{Name: "reverse", Sig: "reverse(s string) string", Doc: "s with its characters (code points) in reverse order",
		Example: "reverse(origin)", MinArgs: 1, MaxArgs: 1, params: str1, result: fixed(typString),
		Notes: "DuckDB's reverse keeps combining marks with their letter: the translation reverses code points as Spark"},
	{Name: "instr", Sig: "instr(s string, sub string) int", Doc: "position (1-based) of the first sub in s; 0 when absent; 1 when sub is ''",
		Example: "instr(dep.name, 'Intl')", MinArgs: 2, MaxArgs: 2, params: str2, result: fixed(typInt)},
	{Name: "locate", Sig: "locate(sub string, s string[, pos int]) int", Doc: "position (1-based) of the first sub in s at or after pos (default 1); 0 when absent or pos < 1 or pos is NULL; 1 when sub is ''",
		Example: "locate('-', origin, 2)", MinArgs: 2, MaxArgs: 3,
		params: []param{{"sub", argString, false}, {"s", argString, false}, {"pos", argInt, false}}, result: fixed(typInt)},
	{Name: "split_part", Sig: "split_part(s string, delim string, n int) string", Doc: "the n-th part of s split at delim (n a non-zero literal; negative counts from the end); '' when there is no such part; s itself for part 1 or -1 when delim is ''",
		Example: "split_part(dep.name, ' ', 1)", MinArgs: 3, MaxArgs: 3,
		params: []param{{"s", argString, false}, {"delim", argString, false}, {"n", argInt, true}}, result: splitPartType,
		Notes: "Spark fails on part 0, so n must be a non-zero literal; DuckDB splits at every character for an empty delim: the translation does not split"},
	{Name: "startswith", Sig: "startswith(s string, prefix string) boolean", Doc: "whether s begins with prefix (TRUE for '')",
		Example: "startswith(origin, 'J')", MinArgs: 2, MaxArgs: 2, params: []param{{"s", argString, false}, {"prefix", argString, false}}, result: fixed(typBoolean)},
	{Name: "endswith", Sig: "endswith(s string, suffix string) boolean", Doc: "whether s ends with suffix (TRUE for '')",
		Example: "endswith(dep.name, 'Airport')", MinArgs: 2, MaxArgs: 2, params: []param{{"s", argString, false}, {"suffix", argString, false}}, result: fixed(typBoolean)},
	{Name: "contains", Sig: "contains(s string, sub string) boolean", Doc: "whether sub occurs in s (TRUE for '')",
		Example: "contains(dep.name, 'Intl')", MinArgs: 2, MaxArgs: 2, params: str2, result: fixed(typBoolean)},
	{Name: "md5", Sig: "md5(s string) string", Doc: "MD5 of the UTF-8 bytes of s, 32 lower-case hex digits",
		Example: "md5(origin)", MinArgs: 1, MaxArgs: 1, params: str1, result: fixed(typString)},
	{Name: "sha2", Sig: "sha2(s string, bits int) string", Doc: "SHA-256 of the UTF-8 bytes of s, 64 lower-case hex digits; bits is the literal 256 (or 0, which means 256)",
		Example: "sha2(origin, 256)", MinArgs: 2, MaxArgs: 2, params: []param{{"s", argString, false}, {"bits", argInt, true}}, result: sha2Type,
		Notes: "DuckDB has only SHA-256 of the SHA-2 family, so bits 224, 384 and 512 are refused"},
	{Name: "char_length", Sig: "char_length(s string) int", Doc: "alias of length", AliasOf: "length", MinArgs: 1, MaxArgs: 1, params: str1, result: fixed(typInt)},
	{Name: "character_length", Sig: "character_length(s string) int", Doc: "alias of length", AliasOf: "length", MinArgs: 1, MaxArgs: 1, params: str1, result: fixed(typInt)},
	{Name: "octet_length", Sig: "octet_length(s string) int", Doc: "number of bytes of s in UTF-8",
		Example: "octet_length(dep.name)", MinArgs: 1, MaxArgs: 1, params: str1, result: fixed(typInt)},
}

// litInt is the value of an int literal argument (checked as one).
func litInt(e Expr) (int, bool) {
	l, ok := e.(*Lit)
	if !ok || l.Kind != LitInt {
		return 0, false
	}
	v, err := strconv.Atoi(l.Text)
	return v, err == nil
}

func splitPartType(c *checker, n *Call, _ []Type) Type {
	if v, ok := litInt(n.Args[2]); ok && v == 0 {
		c.report(n.Args[2].Span(), codeBadLiteral, "parts count from 1, or from -1 at the end", "split_part part 0 does not exist (Spark fails on it)")
		return Type{}
	}
	return typString
}

func sha2Type(c *checker, n *Call, _ []Type) Type {
	if v, ok := litInt(n.Args[1]); ok && v != 0 && v != 256 {
		hint := "use sha2(s, 256), or md5(s)"
		c.report(n.Args[1].Span(), codeBadLiteral, hint, "sha2 with %s bits is not supported (only 256 means the same on both engines)", fmt.Sprint(v))
		return Type{}
	}
	return typString
}
