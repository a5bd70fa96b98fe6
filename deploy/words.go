package deploy

import (
	"fmt"
	"sort"
	"strings"
)

// pipelineWords says what changed in the words of the spec: Redshift
// tables and their columns (tableChanges, from the pipeline's
// descriptions), source columns and locations (Glue catalog tables),
// triggers (EventBridge rules), alert recipients (SNS subscriptions), Glue
// job settings and data buckets (from the templates). Each line starts
// with "+", "-" or "~".
func pipelineWords(old, new *template, tables []string) []string {
	w := append([]string(nil), tables...)
	w = append(w, sourceWords(old, new)...)
	w = append(w, triggerWords(old, new)...)
	w = append(w, recipientWords(old, new)...)
	w = append(w, jobWords(old, new)...)
	w = append(w, bucketWords(old, new)...)
	return w
}

// columnWords compares two column lists of one table.
func columnWords(what string, old, new []column) []string {
	om, nm := map[string]string{}, map[string]string{}
	for _, c := range old {
		om[c.name] = c.typ
	}
	for _, c := range new {
		nm[c.name] = c.typ
	}
	var w []string
	for _, c := range new {
		if t, ok := om[c.name]; !ok {
			w = append(w, fmt.Sprintf("~ %s gained column %s %s", what, c.name, c.typ))
		} else if t != c.typ {
			w = append(w, fmt.Sprintf("~ %s: column %s changed type from %s to %s", what, c.name, t, c.typ))
		}
	}
	for _, c := range old {
		if _, ok := nm[c.name]; !ok {
			w = append(w, fmt.Sprintf("~ %s lost column %s %s", what, c.name, c.typ))
		}
	}
	return w
}

func namedTyped(list []any, nameKey, typeKey string) []column {
	var cols []column
	for _, e := range list {
		m, _ := e.(map[string]any)
		n, _ := m[nameKey].(string)
		t, _ := m[typeKey].(string)
		if n != "" {
			cols = append(cols, column{name: n, typ: t})
		}
	}
	return cols
}

// resourcesOf returns a template's resources of one type by logical ID.
func resourcesOf(t *template, typ string) map[string]*resource {
	out := map[string]*resource{}
	for id, r := range t.Resources {
		if r.Type == typ {
			out[id] = r
		}
	}
	return out
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	}
	return canonical(v)
}

// sourceWords compares the Glue catalog tables flowc declares for sources.
func sourceWords(old, new *template) []string {
	o, n := resourcesOf(old, "AWS::Glue::Table"), resourcesOf(new, "AWS::Glue::Table")
	var w []string
	name := func(id string, r *resource) string {
		if n := str(lookup(r.Properties, []string{"TableInput", "Name"})); n != "" {
			return n
		}
		return id
	}
	location := func(r *resource) string {
		return str(lookup(r.Properties, []string{"TableInput", "StorageDescriptor", "Location"}))
	}
	for _, id := range unionKeys(o, n) {
		or, nr := o[id], n[id]
		switch {
		case or == nil:
			w = append(w, fmt.Sprintf("+ source %s at %s", name(id, nr), location(nr)))
			continue
		case nr == nil:
			w = append(w, fmt.Sprintf("- source %s at %s", name(id, or), location(or)))
			continue
		}
		what := "source " + name(id, nr)
		ocols, _ := lookup(or.Properties, []string{"TableInput", "StorageDescriptor", "Columns"}).([]any)
		ncols, _ := lookup(nr.Properties, []string{"TableInput", "StorageDescriptor", "Columns"}).([]any)
		w = append(w, columnWords(what, namedTyped(ocols, "Name", "Type"), namedTyped(ncols, "Name", "Type"))...)
		okeys, _ := lookup(or.Properties, []string{"TableInput", "PartitionKeys"}).([]any)
		nkeys, _ := lookup(nr.Properties, []string{"TableInput", "PartitionKeys"}).([]any)
		for _, s := range columnWords(what, namedTyped(okeys, "Name", "Type"), namedTyped(nkeys, "Name", "Type")) {
			w = append(w, strings.Replace(s, " column ", " partition column ", 1))
		}
		if ol, nl := location(or), location(nr); ol != nl {
			w = append(w, fmt.Sprintf("~ %s moved from %s to %s", what, ol, nl))
		}
	}
	return w
}

// ruleTrigger describes what starts runs through an EventBridge rule.
func ruleTrigger(r *resource) string {
	if s := str(r.Properties["ScheduleExpression"]); s != "" {
		return "schedule " + s
	}
	ep := r.Properties["EventPattern"]
	bucket := firstString(lookup(ep, []string{"detail", "bucket", "name"}))
	var key string
	if keys, ok := lookup(ep, []string{"detail", "object", "key"}).([]any); ok && len(keys) > 0 {
		switch k := keys[0].(type) {
		case string:
			key = k
		case map[string]any:
			for _, op := range []string{"wildcard", "prefix"} {
				if s, ok := k[op].(string); ok {
					key = s
					if op == "prefix" {
						key += "*"
					}
				}
			}
		}
	}
	if bucket == "" && key == "" {
		return canonical(ep)
	}
	return "s3://" + bucket + "/" + key
}

func firstString(v any) string {
	if l, ok := v.([]any); ok && len(l) > 0 {
		return str(l[0])
	}
	return str(v)
}

// triggerWords compares the EventBridge rules that start runs.
func triggerWords(old, new *template) []string {
	o, n := resourcesOf(old, "AWS::Events::Rule"), resourcesOf(new, "AWS::Events::Rule")
	var w []string
	for _, id := range unionKeys(o, n) {
		or, nr := o[id], n[id]
		switch {
		case or == nil:
			w = append(w, fmt.Sprintf("+ trigger %s (rule %s)", ruleTrigger(nr), id))
		case nr == nil:
			w = append(w, fmt.Sprintf("- trigger %s (rule %s)", ruleTrigger(or), id))
		default:
			if a, b := ruleTrigger(or), ruleTrigger(nr); a != b {
				w = append(w, fmt.Sprintf("~ trigger moved from %s to %s (rule %s)", a, b, id))
			}
		}
	}
	return w
}

// recipientWords compares the alert subscriptions: who gets alerts, and
// which outcomes (the subscription's filter policy on "outcome").
func recipientWords(old, new *template) []string {
	set := func(t *template) map[string]string {
		m := map[string]string{}
		add := func(proto, ep string, filter any) {
			key := ep + " (" + proto + ")"
			var outcomes []string
			if l, ok := lookup(filter, []string{"outcome"}).([]any); ok {
				for _, o := range l {
					outcomes = append(outcomes, str(o))
				}
			}
			sort.Strings(outcomes)
			if prev, dup := m[key]; dup && prev != "" {
				outcomes = append(outcomes, prev)
			}
			m[key] = strings.Join(outcomes, ", ")
		}
		for _, r := range resourcesOf(t, "AWS::SNS::Subscription") {
			add(str(r.Properties["Protocol"]), str(r.Properties["Endpoint"]), r.Properties["FilterPolicy"])
		}
		for _, r := range resourcesOf(t, "AWS::SNS::Topic") {
			subs, _ := r.Properties["Subscription"].([]any)
			for _, s := range subs {
				sm, _ := s.(map[string]any)
				add(str(sm["Protocol"]), str(sm["Endpoint"]), nil)
			}
		}
		return m
	}
	on := func(outcomes string) string {
		if outcomes == "" {
			return ""
		}
		return " on " + outcomes
	}
	o, n := set(old), set(new)
	var w []string
	for _, k := range unionKeys(o, n) {
		ov, oOK := o[k]
		nv, nOK := n[k]
		switch {
		case !oOK:
			w = append(w, fmt.Sprintf("+ alert recipient %s%s", k, on(nv)))
		case !nOK:
			w = append(w, fmt.Sprintf("- alert recipient %s%s", k, on(ov)))
		case ov != nv:
			w = append(w, fmt.Sprintf("~ alert recipient %s now alerted%s (was%s)", k, on(nv), on(ov)))
		}
	}
	return w
}

// jobWords compares the settings of Glue jobs that exist on both sides.
func jobWords(old, new *template) []string {
	o, n := resourcesOf(old, "AWS::Glue::Job"), resourcesOf(new, "AWS::Glue::Job")
	settings := []struct{ prop, what string }{
		{"GlueVersion", "Glue version"}, {"WorkerType", "worker type"},
		{"NumberOfWorkers", "workers"}, {"Timeout", "timeout (minutes)"},
	}
	var w []string
	for _, id := range unionKeys(o, n) {
		or, nr := o[id], n[id]
		if or == nil || nr == nil {
			continue
		}
		name := str(nr.Properties["Name"])
		if name == "" {
			name = id
		}
		for _, s := range settings {
			if a, b := str(or.Properties[s.prop]), str(nr.Properties[s.prop]); a != b {
				w = append(w, fmt.Sprintf("~ Glue job %s: %s %s -> %s", name, s.what, a, b))
			}
		}
	}
	return w
}

// bucketWords names the data buckets added or removed.
func bucketWords(old, new *template) []string {
	names := func(t *template) map[string]bool {
		m := map[string]bool{}
		for id, r := range resourcesOf(t, "AWS::S3::Bucket") {
			n := str(r.Properties["BucketName"])
			if n == "" {
				n = id
			}
			m[n] = true
		}
		return m
	}
	o, n := names(old), names(new)
	var w []string
	for _, b := range unionKeys(o, n) {
		switch {
		case !o[b]:
			w = append(w, "+ data bucket "+b)
		case !n[b]:
			w = append(w, "- data bucket "+b+" (leaves the stack; a retained bucket keeps its data)")
		}
	}
	sort.Strings(w)
	return w
}
