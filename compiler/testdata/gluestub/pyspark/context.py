import stub


_SEEN = {}


class _Statement:
    def execute(self, sql):
        stub.event("sql", " ".join(sql.split()))
        for needle in stub.CONFIG.get("fail_sql", []):
            if needle in sql:
                raise RuntimeError("redshift failed: " + needle)
        # [needle, n]: only the n-th statement (from 1) containing needle fails.
        for needle, n in stub.CONFIG.get("fail_sql_nth", []):
            if needle in sql:
                _SEEN[needle] = _SEEN.get(needle, 0) + 1
                if _SEEN[needle] == n:
                    raise RuntimeError("redshift failed: %s (#%d)" % (needle, n))

    def executeQuery(self, sql):
        """The live columns of the target: CONFIG["live_columns"], rows of
        [column_name, data_type, character_maximum_length,
        numeric_precision, numeric_scale] (none: there is no table)."""
        stub.event("query", " ".join(sql.split()))
        return _ResultSet(stub.CONFIG.get("live_columns") or [])

    def close(self):
        pass


class _ResultSet:
    def __init__(self, rows):
        self._rows, self._i = rows, -1

    def next(self):
        self._i += 1
        return self._i < len(self._rows)

    def getString(self, n):
        return self._rows[self._i][n - 1]

    def getInt(self, n):
        return self._rows[self._i][n - 1] or 0


class _Connection:
    def createStatement(self):
        return _Statement()

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
