package cfn_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/compiler"
	"github.com/flowc-dev/flowc/compiler/asl"
	"github.com/flowc-dev/flowc/compiler/cfn"
	"github.com/flowc-dev/flowc/compiler/internal/testspec"
	"github.com/flowc-dev/flowc/layout"
)

// cfnTemplate is a parsed template, for tests.
type cfnTemplate struct {
	Parameters map[string]any
	Conditions map[string]any
	Resources  map[string]struct {
		Type       string
		Condition  string
		Properties map[string]any
	}
	Outputs map[string]any
}

func parseTemplate(t *testing.T, b []byte) cfnTemplate {
	t.Helper()
	var tm cfnTemplate
	if err := json.Unmarshal(b, &tm); err != nil {
		t.Fatal(err)
	}
	return tm
}

// TestLogicalIDsStable: adding a source and a table adds resources and
// leaves every existing job, catalog table, rule and bucket as it
// was, under the same logical ID.
func TestLogicalIDsStable(t *testing.T) {
	src := testspec.Example(t)
	base := parseTemplate(t, testspec.Compile(t, src, "dev", compiler.Options{}).File(layout.TemplatePath))
	grown := strings.Replace(src, "\ntransforms:", `
  carriers:
    location: s3://${params.landing_bucket}/reference/carriers/
    columns: {code: string, name: string}

transforms:`, 1)
	grown = strings.Replace(grown, "\nalerts:", `
    carriers:
      from: carriers
      load: append
      columns: {code: varchar(8), name: varchar(128)}

alerts:`, 1)
	next := parseTemplate(t, testspec.Compile(t, grown, "dev", compiler.Options{}).File(layout.TemplatePath))
	for _, id := range []string{"SourceCarriersTable", "TableCarriersJob"} {
		if _, ok := next.Resources[id]; !ok {
			t.Errorf("new resource %s missing", id)
		}
	}
	// What refers to every job or source changes; nothing else does.
	mayChange := map[string]bool{"StateMachine": true, "StateMachineRole": true, "JobRolesSecretPolicy": true, "JobRolesCommonPolicy": true, "BucketAcmeFlightsLandingDev": false}
	for id, r := range base.Resources {
		n, ok := next.Resources[id]
		if !ok {
			t.Errorf("resource %s disappeared when the spec grew", id)
			continue
		}
		if n.Type != r.Type {
			t.Errorf("resource %s changed type", id)
		}
		if !mayChange[id] && !reflect.DeepEqual(n.Properties, r.Properties) {
			t.Errorf("resource %s changed when an unrelated table was added", id)
		}
	}
}

// TestIAMLeastPrivilege: no Allow grants a wildcard action, and Resource
// "*" appears only where AWS documents no resource scoping.
func TestIAMLeastPrivilege(t *testing.T) {
	// In a key policy Resource "*" means the key itself (AWS KMS, "Key policies").
	noScoping := map[string]bool{"LogDeliveryHasNoResourceScoping": true, "VpcConnectionHasNoResourceScoping": true,
		"KeyPolicyAccountAdministers": true, "KeyPolicyCloudWatchAlarms": true}
	for name, src := range map[string]string{"example": testspec.Example(t), "large": testspec.Gen(60)} {
		out := testspec.Compile(t, src, "dev", compiler.Options{})
		for _, f := range out.Files {
			if !strings.HasSuffix(f.Path, ".json") || f.Path == layout.ManifestPath || f.Path == layout.StateMachinePath {
				continue
			}
			walkStatements(parseAny(t, f.Data), func(st map[string]any) {
				if st["Effect"] != "Allow" {
					return
				}
				for _, a := range st["Action"].([]any) {
					if s := a.(string); s == "*" || strings.HasSuffix(s, ":*") || strings.Contains(s, "*") {
						t.Errorf("%s %s: statement %v allows wildcard action %s", name, f.Path, st["Sid"], s)
					}
				}
				rs, _ := st["Resource"].([]any)
				sid, _ := st["Sid"].(string)
				for _, r := range rs {
					if r == "*" && !noScoping[sid] {
						t.Errorf("%s %s: statement %v allows Resource *", name, f.Path, st["Sid"])
					}
				}
			})
		}
	}
}

// TestPartitionsWithoutCrawler: the build has no Glue crawler; the state
// machine may call glue:BatchCreatePartition and glue:GetTable (the
// table's StorageDescriptor, for the partition) on the catalog, the database
// and the catalog tables of the sources whose runs register a partition
// (the partitioned sources triggered on arrival), and nothing else of the
// catalog; the Glue jobs, which read S3 directly, may not touch the
// catalog at all.
func TestPartitionsWithoutCrawler(t *testing.T) {
	out := testspec.Compile(t, testspec.Example(t), "dev", compiler.Options{})
	tm := parseTemplate(t, out.File(layout.TemplatePath))
	for id, r := range tm.Resources {
		if r.Type == "AWS::Glue::Crawler" {
			t.Errorf("%s is a Glue crawler", id)
		}
	}
	var register []string
	walkStatements(parseAny(t, out.File(layout.TemplatePath)), func(st map[string]any) {
		for _, a := range st["Action"].([]any) {
			if !strings.HasPrefix(a.(string), "glue:") || strings.Contains(a.(string), "JobRun") || a == "glue:GetConnection" {
				continue
			}
			if st["Sid"] != "RegisterPartitions" || a != "glue:BatchCreatePartition" && a != "glue:GetTable" {
				t.Errorf("statement %v allows %s", st["Sid"], a)
			}
			b, _ := json.Marshal(st["Resource"])
			register = append(register, string(b))
		}
	})
	want := `[{"Fn::Sub":"arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:catalog"},` +
		`{"Fn::Sub":"arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:database/flights_dev"},` +
		`{"Fn::Sub":"arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:table/flights_dev/flights"}]`
	if len(register) != 2 || register[0] != want || register[1] != want {
		t.Errorf("BatchCreatePartition and GetTable granted on %v, want each once on %s", register, want)
	}
}

func parseAny(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// walkStatements calls fn on every IAM statement (an object with Effect
// and Action) in v.
func walkStatements(v any, fn func(map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["Effect"]; ok {
			if _, ok := x["Action"]; ok {
				fn(x)
				return
			}
		}
		for _, e := range x {
			walkStatements(e, fn)
		}
	case []any:
		for _, e := range x {
			walkStatements(e, fn)
		}
	}
}

// TestEventRule: the rule matches the objects created in the source's
// bucket whose key ends in the format's extension in any case (suffix with
// equals-ignore-case); the state machine checks the prefix. The pattern is
// evaluated as EventBridge documents its operators
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html):
// .csv and .CSV match, .csvx and .csv.gz do not. internal/e2e runs the same
// pattern through the emulator's EventBridge.
func TestEventRule(t *testing.T) {
	tm := parseTemplate(t, testspec.Compile(t, testspec.Example(t), "dev", compiler.Options{}).File(layout.TemplatePath))
	r := tm.Resources["SourceFlightsRule"]
	got, _ := json.Marshal(r.Properties["EventPattern"])
	want := `{"detail":{"bucket":{"name":["acme-flights-landing-dev"]},"object":{"key":[{"suffix":{"equals-ignore-case":".csv"}}]}},"detail-type":["Object Created"],"source":["aws.s3"]}`
	if string(got) != want {
		t.Errorf("pattern:\n got %s\nwant %s", got, want)
	}
	pattern := r.Properties["EventPattern"].(map[string]any)
	for key, match := range map[string]bool{
		"raw/flights/year=2001/month=01/day=17/f.csv":    true,
		"raw/flights/year=2001/month=01/day=17/f.CSV":    true,
		"raw/flights/year=2001/month=01/day=17/f.Csv":    true,
		"raw/flights/year=2001/month=01/day=17/f.csvx":   false,
		"raw/flights/year=2001/month=01/day=17/f.csv.gz": false,
		"raw/flights/year=2001/month=01/day=17/csv":      false,
	} {
		event := map[string]any{"source": "aws.s3", "detail-type": "Object Created",
			"detail": map[string]any{"bucket": map[string]any{"name": "acme-flights-landing-dev"}, "object": map[string]any{"key": key}}}
		if got := eventMatches(t, pattern, event); got != match {
			t.Errorf("key %s: matches %v, want %v", key, got, match)
		}
	}
	if _, ok := tm.Resources["SourceAirportsRule"]; ok {
		t.Error("a source without a trigger has a rule")
	}
	if _, ok := tm.Resources["SourceAirportsCrawler"]; ok {
		t.Error("a source without partitions has a crawler")
	}
}

// eventMatches evaluates the subset of EventBridge's pattern language the
// rules use: objects nest, a leaf is an array of alternatives (ORed), each
// a literal or {"suffix": {"equals-ignore-case": S}}; fields of an object
// are ANDed. Anything else fails the test.
func eventMatches(t *testing.T, pattern, event map[string]any) bool {
	t.Helper()
	for field, p := range pattern {
		v := event[field]
		switch p := p.(type) {
		case map[string]any:
			sub, ok := v.(map[string]any)
			if !ok || !eventMatches(t, p, sub) {
				return false
			}
		case []any:
			matched := false
			for _, alt := range p {
				switch alt := alt.(type) {
				case string:
					matched = matched || v == alt
				case map[string]any:
					suf, ok := alt["suffix"].(map[string]any)
					s, isStr := v.(string)
					if !ok || len(alt) != 1 || len(suf) != 1 || suf["equals-ignore-case"] == nil {
						t.Fatalf("filter %v is not in the subset this test evaluates", alt)
					}
					matched = matched || isStr && strings.HasSuffix(strings.ToLower(s), strings.ToLower(suf["equals-ignore-case"].(string)))
				default:
					t.Fatalf("filter %v is not in the subset this test evaluates", alt)
				}
			}
			if !matched {
				return false
			}
		default:
			t.Fatalf("pattern field %s: %v is not an object or an array", field, p)
		}
	}
	return true
}

// TestNestedStacksStable: a large pipeline splits its jobs into nested
// stacks by a hash of the table name; adding a table changes only the
// nested stack it lands in (and the root, which points at it).
func TestNestedStacksStable(t *testing.T) {
	a := testspec.Compile(t, testspec.Gen(500), "dev", compiler.Options{})
	b := testspec.Compile(t, testspec.Gen(501), "dev", compiler.Options{})
	if len(a.Manifest.Stacks) < 2 {
		t.Fatalf("500 tables did not split: %+v", a.Manifest.Stacks)
	}
	newShard := layout.NestedStackPath(cfn.ShardOf("t500"))
	changed := 0
	for _, f := range a.Files {
		if !strings.HasPrefix(f.Path, layout.StacksDir) {
			continue
		}
		if !bytes.Equal(f.Data, b.File(f.Path)) {
			changed++
			if f.Path != newShard {
				t.Errorf("%s changed when table t500 (in %s) was added", f.Path, newShard)
			}
		}
	}
	if changed != 1 {
		t.Errorf("%d nested stacks changed, want 1", changed)
	}
	root := parseTemplate(t, a.File(layout.TemplatePath))
	for id, r := range root.Resources {
		if r.Type == "AWS::Glue::Job" {
			t.Errorf("root stack still holds job %s", id)
		}
	}
	for _, s := range a.Manifest.Stacks {
		if s.Resources > layout.MaxResources || s.Outputs > layout.MaxOutputs || s.Bytes > layout.MaxTemplateS3 {
			t.Errorf("%+v passes a limit", s)
		}
	}
	// A small pipeline stays one stack.
	if small := testspec.Compile(t, testspec.Gen(20), "dev", compiler.Options{}); len(small.Manifest.Stacks) != 1 {
		t.Errorf("20 tables split into %d stacks", len(small.Manifest.Stacks))
	}
}

// TestNoHardCodedPartition: no file of a build names the aws partition in
// an ARN (AWS::Partition is aws, aws-cn or aws-us-gov): the template's ARNs
// are built with ${AWS::Partition}, and so is the ARN of every service
// integration that a placeholder of the state machine definition stands
// for, in DefinitionSubstitutions; the one-stack and nested-stack builds
// alike. A spec's own values (the Redshift iam_role ARN of the example)
// are the user's, and are left out of the check.
func TestNoHardCodedPartition(t *testing.T) {
	for name, src := range map[string]string{"example": testspec.Example(t), "large": testspec.Gen(500)} {
		out := testspec.Compile(t, src, "dev", compiler.Options{})
		for _, f := range out.Files {
			if !strings.HasSuffix(f.Path, ".json") {
				continue
			}
			text := strings.ReplaceAll(string(f.Data), "arn:aws:iam::111111111111:role/redshift", "")
			if i := strings.Index(text, "arn:aws:"); i >= 0 {
				t.Errorf("%s %s names the aws partition: ...%s...", name, f.Path, text[max(0, i-60):min(len(text), i+60)])
			}
		}
		sm := parseTemplate(t, out.File(layout.TemplatePath)).Resources["StateMachine"].Properties
		subs := sm["DefinitionSubstitutions"].(map[string]any)
		def, _ := json.Marshal(sm["Definition"])
		used := 0
		for placeholder, resource := range layout.IntegrationResource {
			if !strings.Contains(string(def), "${"+placeholder+"}") {
				if _, ok := subs[placeholder]; ok {
					t.Errorf("%s: substitution %s for an integration the definition does not call", name, placeholder)
				}
				continue
			}
			used++
			got, _ := json.Marshal(subs[placeholder])
			if want := `{"Fn::Sub":"arn:${AWS::Partition}:states:::` + resource + `"}`; string(got) != want {
				t.Errorf("%s: substitution %s = %s, want %s", name, placeholder, got, want)
			}
		}
		if used < 3 {
			t.Errorf("%s: the definition calls %d integrations through placeholders", name, used)
		}
	}
}

// TestCatalogColumnsUnderOpenCSVSerde: a csv source's catalog table (read
// by OpenCSVSerde) declares every column as string, which Athena and
// Redshift Spectrum read whatever the text; the declared type is in the
// column's comment. Partition keys (read from the folder names, not by the
// SerDe) and the tables of other formats keep their types.
func TestCatalogColumnsUnderOpenCSVSerde(t *testing.T) {
	src := strings.Replace(testspec.Example(t), "\ntransforms:", `
  events:
    location: s3://${params.landing_bucket}/raw/events/
    format: json
    columns: {id: bigint, at: timestamp}

transforms:`, 1)
	tm := parseTemplate(t, testspec.Compile(t, src, "dev", compiler.Options{}).File(layout.TemplatePath))
	csv := 0
	for id, r := range tm.Resources {
		if r.Type != "AWS::Glue::Table" {
			continue
		}
		in := r.Properties["TableInput"].(map[string]any)
		sd := in["StorageDescriptor"].(map[string]any)
		lib := sd["SerdeInfo"].(map[string]any)["SerializationLibrary"]
		for _, c := range sd["Columns"].([]any) {
			c := c.(map[string]any)
			comment, _ := c["Comment"].(string)
			switch {
			case lib == "org.apache.hadoop.hive.serde2.OpenCSVSerde":
				csv++
				if c["Type"] != "string" || comment == "string" {
					t.Errorf("%s column %v: type %v, comment %q", id, c["Name"], c["Type"], comment)
				}
			case c["Type"] == "string" && comment != "":
				t.Errorf("%s (%v) column %v made string", id, lib, c["Name"])
			}
		}
		if id == "SourceEventsTable" {
			b, _ := json.Marshal(sd["Columns"])
			if string(b) != `[{"Name":"id","Type":"bigint"},{"Name":"at","Type":"timestamp"}]` && string(b) != `[{"Name":"at","Type":"timestamp"},{"Name":"id","Type":"bigint"}]` {
				t.Errorf("json source columns %s", b)
			}
		}
	}
	if csv < 5 {
		t.Errorf("only %d csv columns checked", csv)
	}
	b, _ := json.Marshal(tm.Resources["SourceFlightsTable"].Properties["TableInput"].(map[string]any)["StorageDescriptor"].(map[string]any)["Columns"])
	if !strings.Contains(string(b), `{"Comment":"timestamp","Name":"date","Type":"string"}`) {
		t.Errorf("flights columns %s: want date as a string commented timestamp", b)
	}
	flights := tm.Resources["SourceFlightsTable"].Properties["TableInput"].(map[string]any)
	b, _ = json.Marshal(flights["PartitionKeys"])
	if !strings.Contains(string(b), `"Name":"year"`) {
		t.Errorf("partition keys %s", b)
	}
}

// TestNestedSources: a pipeline of one source per table past the root's
// limits with the jobs nested puts every source's catalog table and rule in
// the nested stack of sources a hash of its name chooses; each nested stack
// takes as parameters exactly what the root passes it and refers to
// nothing else outside itself; adding a source changes only its nested
// stack of sources (and the one of its table's job).
func TestNestedSources(t *testing.T) {
	a := testspec.Compile(t, testspec.Wide(240, 240), "dev", compiler.Options{})
	b := testspec.Compile(t, testspec.Wide(241, 241), "dev", compiler.Options{})
	root := parseTemplate(t, a.File(layout.TemplatePath))
	nested := 0
	for id, r := range root.Resources {
		switch r.Type {
		case "AWS::Glue::Table", "AWS::Events::Rule", "AWS::Glue::Job":
			t.Errorf("root stack still holds %s (%s)", id, r.Type)
		case "AWS::CloudFormation::Stack":
			nested++
		}
	}
	if nested < 2*16-2 {
		t.Errorf("%d nested stacks, want about 32", nested)
	}
	if sm := root.Resources["StateMachine"].Properties; sm["Definition"] != nil || sm["DefinitionString"] == nil {
		t.Errorf("the state machine's definition is not its compact text: %v", sm["Definition"] != nil)
	}
	for i := 0; i < 240; i++ {
		name := fmt.Sprintf("s%04d", i)
		st := parseTemplate(t, a.File(layout.NestedSourceStackPath(cfn.ShardOf(name))))
		for _, id := range []string{"Source" + strings.ToUpper(name[:1]) + name[1:] + "Table", "Source" + strings.ToUpper(name[:1]) + name[1:] + "Rule"} {
			if _, ok := st.Resources[id]; !ok {
				t.Errorf("%s not in %s", id, layout.NestedSourceStackPath(cfn.ShardOf(name)))
			}
		}
	}
	checkNestedWiring(t, a)
	newShards := map[string]bool{layout.NestedSourceStackPath(cfn.ShardOf("s0240")): true, layout.NestedStackPath(cfn.ShardOf("t0240")): true}
	for _, f := range a.Files {
		if layout.IsNestedStack(f.Path) && !bytes.Equal(f.Data, b.File(f.Path)) && !newShards[f.Path] {
			t.Errorf("%s changed when source s0240 and table t0240 were added", f.Path)
		}
	}
	for _, s := range a.Manifest.Stacks {
		if s.Resources > layout.MaxResources || s.Outputs > layout.MaxOutputs || s.Bytes > layout.MaxTemplateS3 {
			t.Errorf("%+v passes a limit", s)
		}
	}
}

// checkNestedWiring: every nested stack of a build declares the
// parameters its stack resource in the root passes, no more, and every Ref
// and ${...} in it names one of its parameters, its resources or a pseudo
// parameter.
func checkNestedWiring(t *testing.T, out *compiler.Output) {
	t.Helper()
	root := parseTemplate(t, out.File(layout.TemplatePath))
	byKey := map[string]string{}
	for _, a := range out.Assets {
		byKey[a.Key] = a.Path
	}
	seen := 0
	for id, r := range root.Resources {
		if r.Type != "AWS::CloudFormation::Stack" {
			continue
		}
		url, _ := json.Marshal(r.Properties["TemplateURL"])
		var p string
		for k, path := range byKey {
			if strings.Contains(string(url), k) {
				p = path
			}
		}
		if p == "" {
			t.Fatalf("%s: TemplateURL %s names no asset", id, url)
		}
		seen++
		nt := parseTemplate(t, out.File(p))
		passed, _ := r.Properties["Parameters"].(map[string]any)
		if len(passed) != len(nt.Parameters) {
			t.Errorf("%s (%s): root passes %d parameters, template declares %d", id, p, len(passed), len(nt.Parameters))
		}
		for k := range nt.Parameters {
			if _, ok := passed[k]; !ok {
				t.Errorf("%s (%s): parameter %s not passed", id, p, k)
			}
		}
		refs := map[string]bool{}
		collectRefs(nt.Resources, refs)
		for ref := range refs {
			_, isParam := nt.Parameters[ref]
			_, isRes := nt.Resources[ref]
			if !isParam && !isRes && !strings.HasPrefix(ref, "AWS::") {
				t.Errorf("%s refers to %s, which it neither declares nor holds", p, ref)
			}
		}
	}
	if seen == 0 {
		t.Error("no nested stack")
	}
}

// collectRefs gathers the names a template value refers to (Ref, GetAtt,
// ${Name} in Fn::Sub).
func collectRefs(v any, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			switch k {
			case "Ref":
				if s, ok := e.(string); ok {
					out[s] = true
				}
			case "Fn::GetAtt":
				if a, ok := e.([]any); ok && len(a) > 0 {
					out[a[0].(string)] = true
				}
			case "Fn::Sub":
				if s, ok := e.(string); ok {
					for _, part := range strings.Split(s, "${")[1:] {
						if name, _, ok := strings.Cut(part, "}"); ok && !strings.HasPrefix(name, "!") {
							out[strings.SplitN(name, ".", 2)[0]] = true
						}
					}
				}
			}
			collectRefs(e, out)
		}
	case []any:
		for _, e := range x {
			collectRefs(e, out)
		}
	}
}

// TestSourcesAtScale: at 2000 sources, each with its own table, every
// stack of the build is within CloudFormation's resource and output limits
// and every nested template within its size; what the root still passes
// is the state machine's definition it holds: within Step Functions' own
// 1 MB since the per-source states of compiler/asl are shared (issue 15),
// but, JSON-quoted in the root, still past CloudFormation's 1 MB (moving
// it to S3, DefinitionS3Location, is what remains). The templates are the
// same bytes twice.
func TestSourcesAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("2000 sources")
	}
	pl := testspec.Load(t, testspec.Wide(2000, 2000), "dev")
	def, err := asl.StateMachine(pl, asl.Options{SlotPollSeconds: 30})
	if err != nil {
		t.Fatal(err)
	}
	st, err := cfn.Templates(pl, cfn.Options{Definition: def, AssetKeys: map[string]string{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range append([]cfn.Stack{st.Root}, st.Nested...) {
		if s.Resources > layout.MaxResources || s.Outputs > layout.MaxOutputs {
			t.Errorf("%s: %d resources, %d outputs", s.Path, s.Resources, s.Outputs)
		}
		if s.Path != layout.TemplatePath && len(s.Body) > layout.MaxTemplateS3 {
			t.Errorf("%s: %d bytes", s.Path, len(s.Body))
		}
	}
	// The root reads the definition from S3 (placement 5): only its
	// bucket and content-addressed key are in the template, and the build
	// makes statemachine.asl.json an asset.
	if len(st.Definition) == 0 || len(st.Definition) >= layout.MaxDefinition {
		t.Errorf("the definition read from S3 is %d bytes, want some and within %d", len(st.Definition), layout.MaxDefinition)
	}
	if len(st.Root.Body) > layout.MaxTemplateS3 {
		t.Errorf("the root is %d bytes, over %d", len(st.Root.Body), layout.MaxTemplateS3)
	}
	root := parseTemplate(t, st.Root.Body)
	sm := root.Resources["StateMachine"].Properties
	key, _ := layout.AssetKey(layout.CompactStateMachinePath, st.Definition)
	loc, _ := json.Marshal(sm["DefinitionS3Location"])
	if want := `{"Bucket":{"Ref":"AssetBucket"},"Key":"` + key + `"}`; string(loc) != want || sm["Definition"] != nil || sm["DefinitionString"] != nil {
		t.Errorf("state machine's definition: DefinitionS3Location %s, want %s and no Definition or DefinitionString", loc, want)
	}
	if sm["DefinitionSubstitutions"] == nil {
		t.Error("the definition read from S3 lost its substitutions")
	}
	if n := len(st.Nested); n != 32 {
		t.Errorf("%d nested stacks, want 32", n)
	}
	again, err := cfn.Templates(pl, cfn.Options{Definition: def, AssetKeys: map[string]string{}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(st, again) {
		t.Error("two renderings of the templates differ")
	}
}
