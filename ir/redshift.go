package ir

import (
	"fmt"
	"strings"
)

// RSKind is a Redshift column type.
type RSKind int

// Redshift types a table column may have.
const (
	RSUnknown RSKind = iota
	RSSmallint
	RSInteger
	RSBigint
	RSDecimal
	RSReal
	RSDouble
	RSBoolean
	RSChar
	RSVarchar
	RSDate
	RSTimestamp
	RSTimestamptz
)

// RedshiftType is a parsed Redshift column type.
type RedshiftType struct {
	Kind      RSKind
	Precision int // decimal
	Scale     int // decimal
	Length    int // char, varchar
}

// rsNames are the types written without parameters, by DDL name.
var rsNames = []struct {
	name string
	kind RSKind
}{
	{"smallint", RSSmallint}, {"integer", RSInteger}, {"bigint", RSBigint}, {"real", RSReal},
	{"double precision", RSDouble}, {"boolean", RSBoolean}, {"date", RSDate},
	{"timestamp", RSTimestamp}, {"timestamptz", RSTimestamptz},
}

// RedshiftTypeNamed returns the type without parameters whose DDL name is
// name (lower case, single spaces), if there is one.
func RedshiftTypeNamed(name string) (RedshiftType, bool) {
	for _, n := range rsNames {
		if name == n.name {
			return RedshiftType{Kind: n.kind}, true
		}
	}
	return RedshiftType{}, false
}

// String renders the type as DDL.
func (t RedshiftType) String() string {
	switch t.Kind {
	case RSDecimal:
		return fmt.Sprintf("decimal(%d,%d)", t.Precision, t.Scale)
	case RSChar:
		return fmt.Sprintf("char(%d)", t.Length)
	case RSVarchar:
		return fmt.Sprintf("varchar(%d)", t.Length)
	}
	for _, n := range rsNames {
		if n.kind == t.Kind {
			return n.name
		}
	}
	return "unknown"
}

// MaxRedshiftIdent is the length in bytes of the longest Redshift identifier.
const MaxRedshiftIdent = 127

// Redshift reserved words (AWS Redshift documentation, "Reserved words").
var redshiftReserved = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`aes128 aes256 all allowoverwrite analyse analyze and any array as asc
	authorization az64 backup between binary blanksasnull both bytedict bzip2 case cast check collate column
	constraint create credentials cross current_date current_time current_timestamp current_user
	current_user_id default deferrable deflate defrag delta delta32k desc disable distinct do else
	emptyasnull enable encode encrypt encryption end except explicit false for foreign freeze from full
	globaldict256 globaldict64k grant group gzip having identity ignore ilike in initially inner intersect
	interval into is isnull join language leading left like limit localtime localtimestamp lun luns lzo
	lzop minus mostly16 mostly32 mostly8 natural new not notnull null nulls off offline offset oid old on
	only open or order outer overlaps parallel partition percent permissions pivot placing primary raw
	readratio recover references rejectlog resort respect restore right select session_user similar
	snapshot some sysdate system table tag tdes text255 text32k then timestamp to top trailing true
	truncatecolumns union unique unnest unpivot user using verbose wallet when where with without`) {
		redshiftReserved[w] = true
	}
}

// IsRedshiftReserved reports whether name is a Redshift reserved word.
func IsRedshiftReserved(name string) bool { return redshiftReserved[strings.ToLower(name)] }

// Names of flowc's own bookkeeping in the warehouse (docs/run-model.md,
// issue 16 requirements 2 and 3). Names starting with _flowc are reserved
// for flowc (spec FC216), so no spec column collides with them.
const (
	// OwnerColumn is the hidden column of a merge table with OwnerCheck:
	// the partition of the triggered source that produced the row
	// ("year=2001/month=01/day=17"); NULL for rows loaded before it
	// existed (owner unknown).
	OwnerColumn = "_flowc_partition"
	// OwnerColumnType is its Redshift type.
	OwnerColumnType = "varchar(1024)"
	// Ledger is the Redshift table, in the pipeline's schema, recording the
	// objects each append table loaded (table, source, partition, object
	// key, ETag), written in the transaction that inserts their rows.
	Ledger = "flowc_ledger"
	// LocalLedger is the same ledger in `flowc run`'s warehouse file.
	LocalLedger = "_flowc_ledger"
)
