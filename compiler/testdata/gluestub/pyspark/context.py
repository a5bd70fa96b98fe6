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

    def close(self):
        pass


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
