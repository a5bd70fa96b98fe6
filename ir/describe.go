package ir

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// descriptionVersion is the newest format version of a Description. A
// reader refuses a description with a version it does not know; a change
// that an older reader would misread takes the next number.
//
// Version 2 adds a table's on_destructive_change and a column's
// renamed_from: a version-1 reader would read a rename as a drop and an
// add. A description that uses neither is written as version 1, byte for
// byte what an older flowc wrote, so older readers keep reading it.
const descriptionVersion = 2

// descriptionV1 is the first format version, still written when a
// description needs nothing newer.
const descriptionV1 = 1

// Description is the typed description of a pipeline that `flowc build`
// writes (pipeline.json, and manifest.json's "description") and `flowc
// deploy` and `flowc diff` read back, from the build and from the deployed
// stack, to say what changed in the pipeline's own words: its sources and
// its Redshift tables with their columns, keys and load modes. It holds
// facts of the spec only (no AWS resource names), in spec order, so the
// same spec and environment give the same bytes.
type Description struct {
	Version  int                 `json:"version"`
	Pipeline string              `json:"pipeline"`
	Env      string              `json:"environment"`
	Sources  []SourceDescription `json:"sources"`
	Tables   []TableDescription  `json:"tables"`
}

// SourceDescription describes a source.
type SourceDescription struct {
	Name       string              `json:"name"`
	Location   string              `json:"location"` // s3://bucket/prefix/
	Format     string              `json:"format"`   // csv | json | parquet
	Columns    []ColumnDescription `json:"columns"`  // the file's columns, flowc types
	Partitions []ColumnDescription `json:"partitions,omitempty"`
	Trigger    TriggerKind         `json:"trigger"`            // none | on_arrival | schedule
	Schedule   string              `json:"schedule,omitempty"` // cron(...) or rate(...)
}

// TableDescription describes a Redshift table the pipeline loads.
type TableDescription struct {
	Name      string   `json:"name"`
	From      string   `json:"from"` // the source or transform loaded
	Load      string   `json:"load"` // append | replace_partition | merge
	Key       []string `json:"key,omitempty"`
	Distkey   string   `json:"distkey,omitempty"`
	Diststyle string   `json:"diststyle,omitempty"` // as the DDL declares it: "key" with a distkey; "" = Redshift's default (auto)
	Sortkey   []string `json:"sortkey,omitempty"`
	// OnDestructiveChange is "allow" when the spec allows destructive
	// changes, "" for the default (error). Version 2.
	OnDestructiveChange string              `json:"on_destructive_change,omitempty"`
	Columns             []ColumnDescription `json:"columns"` // Redshift types, as DDL
	// Trigger is the triggered source in the table's lineage ("" if none).
	Trigger string `json:"trigger,omitempty"`
}

// ColumnDescription is a named column and its type: a flowc type for a
// source ("bigint", "decimal(9,2)"), a Redshift type as the DDL writes it
// for a table ("varchar(32)", "double precision").
type ColumnDescription struct {
	Name string `json:"name"`
	Type string `json:"type"`
	// RenamedFrom is a table column's earlier name, when the spec renames
	// it. Version 2.
	RenamedFrom string `json:"renamed_from,omitempty"`
}

// Describe returns the description of the pipeline.
func (ir *IR) Describe() *Description {
	d := &Description{Version: descriptionV1, Pipeline: ir.Pipeline, Env: ir.Env,
		Sources: []SourceDescription{}, Tables: []TableDescription{}}
	for _, s := range ir.Sources {
		sd := SourceDescription{Name: s.Name, Location: s.Location, Format: s.Format,
			Columns: []ColumnDescription{}, Trigger: s.Trigger, Schedule: s.Schedule}
		for _, c := range s.Columns {
			sd.Columns = append(sd.Columns, ColumnDescription{Name: c.Name, Type: c.Type.String()})
		}
		for _, c := range s.Partitions {
			sd.Partitions = append(sd.Partitions, ColumnDescription{Name: c.Name, Type: c.Type.String()})
		}
		d.Sources = append(d.Sources, sd)
	}
	for _, t := range ir.Tables {
		td := t.Describe()
		if td.OnDestructiveChange != "" {
			d.Version = descriptionVersion
		}
		for _, c := range td.Columns {
			if c.RenamedFrom != "" {
				d.Version = descriptionVersion
			}
		}
		d.Tables = append(d.Tables, td)
	}
	return d
}

// Describe returns the description of the table (an entry of
// IR.Describe's Tables).
func (t *Table) Describe() TableDescription {
	td := TableDescription{Name: t.Name, From: t.From, Load: t.Load, Key: t.Key,
		Distkey: t.Distkey, Diststyle: t.Diststyle, Sortkey: t.Sortkey, Columns: []ColumnDescription{}}
	for _, c := range t.Columns {
		td.Columns = append(td.Columns, ColumnDescription{Name: c.Name, Type: c.Type.String(), RenamedFrom: c.RenamedFrom})
	}
	if t.OnDestructive == OnDestructiveAllow {
		td.OnDestructiveChange = OnDestructiveAllow
	}
	if t.Distkey != "" { // a distkey implies diststyle key (a spec rule)
		td.Diststyle = "key"
	}
	if t.Trigger != nil {
		td.Trigger = t.Trigger.Name
	}
	return td
}

// JSON renders the description as pipeline.json: indented by two spaces,
// no HTML escaping, a trailing newline. Struct fields keep their order, so
// the bytes depend on the description only.
func (d *Description) JSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ParseDescription reads a description written by JSON, refusing a format
// version it does not know (a description from a newer flowc).
func ParseDescription(data []byte) (*Description, error) {
	var d Description
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("pipeline description: %w", err)
	}
	if d.Version < descriptionV1 || d.Version > descriptionVersion {
		return nil, fmt.Errorf("pipeline description: format version %d, this flowc reads version %d", d.Version, descriptionVersion)
	}
	return &d, nil
}

// Table returns the described table with the given name, or nil.
func (d *Description) Table(name string) *TableDescription {
	for i := range d.Tables {
		if d.Tables[i].Name == name {
			return &d.Tables[i]
		}
	}
	return nil
}
