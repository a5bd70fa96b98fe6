import stub
from pyspark.sql import SparkSession


class _Writer:
    def from_jdbc_conf(self, frame, catalog_connection, connection_options, redshift_tmp_dir, transformation_ctx=""):
        stub.event("write", catalog_connection, connection_options, redshift_tmp_dir, frame.df.sql.strip().splitlines()[-1])


class GlueContext:
    def __init__(self, sc):
        self.spark_session = SparkSession(sc)
        self.write_dynamic_frame = _Writer()

    def extract_jdbc_conf(self, name):
        stub.event("jdbc_conf", name)
        return {"url": "jdbc:redshift://example.internal:5439/other?ssl=true", "user": "u", "password": "p"}
