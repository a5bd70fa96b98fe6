class _Column:
    def cast(self, spark_type):
        return self


def lit(value):
    return _Column()
