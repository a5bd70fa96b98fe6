class Column:
    """A column expression, kept as the text of its SQL, and evaluated on a
    row (a dict) by value."""

    def __init__(self, text, value, name=None):
        self.text = text
        self.value = value
        self.name = name

    def cast(self, spark_type):
        def value(row):
            v = self.value(row)
            return None if v is None else str(v)
        return Column("CAST(%s AS %s)" % (self.text, spark_type), value, self.name)

    def alias(self, name):
        return Column("%s AS `%s`" % (self.text, name), self.value, name)


def lit(value):
    return Column("NULL" if value is None else repr(value), lambda row: value)


def col(name):
    bare = name.strip("`")
    return Column(name, lambda row: row[bare], bare)
