import json
import re

import stub


class DataFrame:
    """The result of spark.sql: its SQL, and the counts CONFIG gives."""

    def __init__(self, sql):
        self.sql = sql

    def createOrReplaceTempView(self, name):
        stub.event("view", name)

    def persist(self):
        return self

    def withColumn(self, name, column):
        stub.event("withColumn", name, column.value({}))
        return self

    def count(self):
        return stub.CONFIG.get("rows", 0)

    def collect(self):
        if "min_by(" in self.sql:
            return [_bad_values(self.sql)]
        if "octet_length(" in self.sql:
            n = self.sql.count("COUNT(CASE")
            return [tuple(stub.CONFIG.get("lengths", [0] * n))]
        return [(stub.count_for(self.sql),)]


def _bad_values(sql):
    """The row of a value check (VALUE_CHECKS): five values per column, from
    CONFIG["bad_values"][view][column] (else no bad value)."""
    view = re.search(r"FROM `([^`]+)`\n\) AS `bad`", sql).group(1)
    bad = stub.CONFIG.get("bad_values", {}).get(view, {})
    row = []
    for column in re.findall(r"THEN `([^`]+)` END AS `b\d+`", sql):
        row.extend(bad.get(column, [0, None, None, None, None]))
    return tuple(row)


class _Conf:
    def set(self, key, value):
        stub.event("conf", key, value)


class SparkSession:
    def __init__(self, sc):
        self.sparkContext = sc
        self.conf = _Conf()

    @property
    def read(self):
        return DataFrameReader()

    def sql(self, sql):
        return DataFrame(sql)


class Rows:
    """A DataFrame of rows read from files: the column names and the rows
    (dicts of column to text or None)."""

    def __init__(self, columns, rows):
        self.columns = columns
        self.rows = rows

    def select(self, columns):
        return Rows([c.name for c in columns], [{c.name: c.value(r) for c in columns} for r in self.rows])

    def union(self, other):
        # By position, as Spark's union.
        return Rows(self.columns, self.rows + [dict(zip(self.columns, (r[c] for c in other.columns))) for r in other.rows])

    def take(self, n):
        return self.rows[:n]

    def createOrReplaceTempView(self, name):
        stub.event("view", name, [[r[c] for c in self.columns] for r in self.rows])


class DataFrameReader:
    """spark.read: records each read and parses CONFIG["files"][path] the way
    Spark 3.3's readers do for the options the runtime sets."""

    def __init__(self):
        self._schema = None
        self._options = {}

    def schema(self, schema):
        self._schema = schema
        return self

    def options(self, **options):
        self._options.update(options)
        return self

    def _text(self, path):
        files = stub.CONFIG.get("files", {})
        if path not in files:
            raise RuntimeError("Path does not exist: " + path)
        return files[path]

    def csv(self, paths):
        stub.event("read", "csv", paths, self._options, self._schema.names)
        rows = []
        for path in paths:
            rows.extend(_csv_rows(self._text(path), self._schema.names, self._options, path))
        return Rows(self._schema.names, rows)

    def json(self, paths):
        stub.event("read", "json", paths, self._options, self._schema.names)
        return self._json_lines(paths, self._schema.names)

    def parquet(self, *paths):
        # The stand-in's parquet files are JSON lines too.
        stub.event("read", "parquet", list(paths))
        names = []
        for path in paths:
            for line in self._text(path).splitlines():
                names.extend(k for k in json.loads(line) if k not in names)
        return self._json_lines(paths, names)

    def _json_lines(self, paths, names):
        rows = []
        for path in paths:
            for line in self._text(path).splitlines():
                if line.strip():
                    # A JSON value read as a string keeps its text.
                    obj = json.loads(line, parse_float=str, parse_int=str)
                    rows.append({c: None if obj.get(c) is None else str(obj[c]) for c in names})
        return Rows(names, rows)


def _records(text, o):
    """Splits CSV text into records of (value, quoted) fields: sep, quote
    ("" turns quoting off) and escape (equal to quote: a doubled quote);
    with multiLine, line breaks inside quotes belong to the value."""
    sep, quote, escape = o["sep"], o["quote"], o["escape"]
    records, fields, buf = [], [], []
    quoted = in_quotes = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if in_quotes:
            if escape and text.startswith(escape + quote, i) and (escape != quote or i + 1 < n):
                buf.append(quote)
                i += len(escape) + len(quote)
                continue
            if ch == quote:
                in_quotes = False
                i += 1
                continue
            if ch in "\r\n" and not o.get("multiLine"):
                raise RuntimeError("line break inside quotes without multiLine")
            buf.append(ch)
            i += 1
            continue
        if quote and ch == quote and not buf:
            in_quotes = quoted = True
            i += 1
            continue
        if text.startswith(sep, i):
            fields.append(("".join(buf), quoted))
            buf, quoted = [], False
            i += len(sep)
            continue
        if ch in "\r\n":
            fields.append(("".join(buf), quoted))
            records.append(fields)
            fields, buf, quoted = [], [], False
            i += 2 if text.startswith("\r\n", i) else 1
            continue
        buf.append(ch)
        i += 1
    if buf or fields or quoted:
        fields.append(("".join(buf), quoted))
        records.append(fields)
    return records


def _csv_rows(text, names, o, path):
    records = _records(text, o)
    if o.get("header"):
        if not records:
            return []
        header, records = [v for v, _ in records[0]], records[1:]
        if not o.get("enforceSchema", True) and [h.lower() for h in header] != [c.lower() for c in names]:
            raise RuntimeError("CSV header does not conform to the schema.\n Header: %s\n Schema: %s\nCSV file: %s" % (", ".join(header), ", ".join(names), path))
    rows = []
    for fields in records:
        if len(fields) != len(names) and o.get("mode") == "FAILFAST":
            raise RuntimeError("Malformed records are detected in record parsing. Parse Mode: FAILFAST. (%s)" % path)
        row = {}
        for c, (value, quoted) in zip(names, fields):
            if quoted and value == "":
                value = o.get("emptyValue", "")
            if not quoted and value == "":
                value = o.get("nullValue", "")
            row[c] = None if value == o.get("nullValue", "") else value
        rows.append(row)
    return rows
