class StringType:
    def __repr__(self):
        return "string"


class StructField:
    def __init__(self, name, data_type, nullable=True):
        self.name = name
        self.dataType = data_type
        self.nullable = nullable


class StructType:
    def __init__(self, fields):
        self.fields = fields

    @property
    def names(self):
        return [f.name for f in self.fields]
