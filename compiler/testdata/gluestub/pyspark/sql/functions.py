class Column:
    """A column expression, kept as the text of its SQL."""

    def __init__(self, text):
        self.text = text

    def cast(self, spark_type):
        return Column("CAST(%s AS %s)" % (self.text, spark_type))

    def alias(self, name):
        return Column("%s AS `%s`" % (self.text, name))


def lit(value):
    return Column("NULL" if value is None else repr(value))


def col(name):
    return Column(name)
