"""Stand-in for boto3: an S3 client that lists the objects of
CONFIG["files"] (s3://bucket/key -> the file's text), each with its ETag
from CONFIG["etags"] (s3://bucket/key -> ETag; default "e0"), in quotes
as S3 returns it."""
import stub


class _Paginator:
    def paginate(self, Bucket, Prefix):
        stub.event("list", Bucket, Prefix)
        keys = []
        for path in stub.CONFIG.get("files", {}):
            bucket, _, key = path[len("s3://"):].partition("/")
            if bucket == Bucket and key.startswith(Prefix):
                keys.append(key)
        # S3 returns keys in UTF-8 binary order, a page at most 1000 keys.
        keys.sort(key=lambda k: k.encode("utf-8"))
        for i in range(0, max(len(keys), 1), 1000):
            etags = stub.CONFIG.get("etags", {})
            yield {"Contents": [{"Key": k, "ETag": '"%s"' % etags.get("s3://%s/%s" % (Bucket, k), "e0")} for k in keys[i:i + 1000]]} if keys else {}


class _S3:
    def get_paginator(self, name):
        assert name == "list_objects_v2", name
        return _Paginator()


def client(name):
    assert name == "s3", name
    return _S3()
