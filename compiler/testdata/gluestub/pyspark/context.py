import stub


_SEEN = {}


class _ResultSet:
    """The rows of a query: the first CONFIG["query_rows"] entry [needle,
    rows] whose needle is in the query, else none; each row a list of
    strings or None."""

    def __init__(self, rows):
        self._rows = rows
        self._i = -1

    def getMetaData(self):
        meta = _Namespace()
        n = len(self._rows[0]) if self._rows else 1
        meta.getColumnCount = lambda: n
        return meta

    def next(self):
        self._i += 1
        return self._i < len(self._rows)

    def getString(self, i):
        return self._rows[self._i][i - 1]


class _Statement:
    def executeQuery(self, sql):
        stub.event("query", " ".join(sql.split()))
        self._fail(sql)
        for needle, rows in stub.CONFIG.get("query_rows", []):
            if needle in sql:
                return _ResultSet(rows)
        return _ResultSet([])

    def execute(self, sql):
        stub.event("sql", " ".join(sql.split()))
        self._fail(sql)

    def _fail(self, sql):
        for needle in stub.CONFIG.get("fail_sql", []):
            if needle in sql:
                raise RuntimeError("redshift failed: " + needle)
        # [needle, n]: only the n-th statement (from 1) containing needle fails.
        for needle, n in stub.CONFIG.get("fail_sql_nth", []):
            if needle in sql:
                _SEEN[needle] = _SEEN.get(needle, 0) + 1
                if _SEEN[needle] == n:
                    raise RuntimeError("redshift failed: %s (#%d)" % (needle, n))

    def close(self):
        pass


class _Connection:
    def createStatement(self):
        return _Statement()

    def getMetaData(self):
        meta = _Namespace()
        meta.getUserName = lambda: "loader"
        return meta

    def setAutoCommit(self, on):
        stub.event("autocommit", on)

    def commit(self):
        stub.event("commit")

    def rollback(self):
        stub.event("rollback")

    def close(self):
        stub.event("close")


class _DriverManager:
    @staticmethod
    def getConnection(url, user, password):
        stub.event("connect", url, user)
        return _Connection()


class _Namespace:
    pass


class SparkContext:
    _instance = None

    def __init__(self):
        jvm = _Namespace()
        jvm.java = _Namespace()
        jvm.java.sql = _Namespace()
        jvm.java.sql.DriverManager = _DriverManager
        self._gateway = _Namespace()
        self._gateway.jvm = jvm

    @classmethod
    def getOrCreate(cls):
        if cls._instance is None:
            cls._instance = SparkContext()
        return cls._instance
