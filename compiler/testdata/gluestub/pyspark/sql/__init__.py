import stub


class _AllColumns:
    def __contains__(self, name):
        return True


class DataFrame:
    def __init__(self, sql):
        self.sql = sql
        self.columns = _AllColumns()

    def createOrReplaceTempView(self, name):
        stub.event("view", name)

    def persist(self):
        return self

    def count(self):
        return stub.CONFIG.get("rows", 0)

    def limit(self, n):
        return self

    def withColumn(self, name, value):
        return self

    def collect(self):
        if "octet_length(" in self.sql:
            n = self.sql.count("COUNT(CASE")
            return [tuple(stub.CONFIG.get("lengths", [0] * n))]
        return [(stub.count_for(self.sql),)]


class _Conf:
    def set(self, key, value):
        stub.event("conf", key, value)


class SparkSession:
    def __init__(self, sc):
        self.sparkContext = sc
        self.conf = _Conf()

    def sql(self, sql):
        return DataFrame(sql)
