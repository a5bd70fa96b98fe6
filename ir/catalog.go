package ir

// Catalog is how a source is stored, as its Glue Data Catalog table
// describes it: the table's StorageDescriptor. The template's
// AWS::Glue::Table and the partitions the state machine registers
// (glue:BatchCreatePartition) both take it from here, so a partition is
// stored exactly as its table says.
type Catalog struct {
	Columns      []CatalogColumn // the file's columns; the partition keys are not among them
	Location     string          // s3://bucket/prefix/
	InputFormat  string
	OutputFormat string
	SerdeLibrary string
	SerdeParams  map[string]string // nil when the SerDe takes none
	// Classification is the table parameter "classification" (csv, json,
	// parquet).
	Classification string
}

// CatalogColumn is a column of a catalog table. Comment is "" when there
// is none.
type CatalogColumn struct {
	Name, Type, Comment string
}

// Catalog returns the source's catalog storage.
func (s *Source) Catalog() Catalog {
	c := Catalog{Location: "s3://" + s.Bucket + "/" + s.Prefix}
	switch s.Format {
	case "json":
		c.Classification, c.SerdeLibrary = "json", "org.openx.data.jsonserde.JsonSerDe"
		c.InputFormat, c.OutputFormat = "org.apache.hadoop.mapred.TextInputFormat", "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
	case "parquet":
		c.Classification, c.SerdeLibrary = "parquet", "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
		c.InputFormat, c.OutputFormat = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat", "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
	default:
		c.Classification, c.SerdeLibrary = "csv", "org.apache.hadoop.hive.serde2.OpenCSVSerde"
		c.InputFormat, c.OutputFormat = "org.apache.hadoop.mapred.TextInputFormat", "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
		c.SerdeParams = map[string]string{"separatorChar": s.CSV.Delimiter, "quoteChar": s.CSV.Quote, "escapeChar": s.CSV.Escape}
	}
	for _, col := range s.Columns {
		cc := CatalogColumn{Name: col.Name, Type: col.Type.String()}
		if s.Format == "csv" && cc.Type != "string" {
			// OpenCSVSerde reads typed columns only in narrow forms (numbers;
			// TIMESTAMP only as UNIX milliseconds; an empty field in a
			// numeric column fails the query with HIVE_BAD_DATA), so Athena
			// and Redshift Spectrum could not read the files through typed
			// columns: every column is a string, its declared type (bare, to
			// keep the template small) in the comment; a string column has
			// none. See Athena, "Open CSV SerDe for processing CSV",
			// https://docs.aws.amazon.com/athena/latest/ug/csv-serde.html.
			// The Glue jobs read the text and cast it by the spec's types
			// themselves; they rely on no catalog type.
			cc.Type, cc.Comment = "string", col.Type.String()
		}
		c.Columns = append(c.Columns, cc)
	}
	return c
}
