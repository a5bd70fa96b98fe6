package spec

import (
	"testing"

	"gopkg.in/yaml.v3"
)

type scalarNode struct {
	node    *yaml.Node
	isValue bool
}

func parseNode(t *testing.T, s string) *yaml.Node {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(s), &n); err != nil {
		t.Fatal(err)
	}
	return &n
}

// walkScalars visits every scalar, saying whether it is a mapping value or
// sequence item (not a key).
func walkScalars(n *yaml.Node, fn func(*scalarNode)) {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			if c.Kind == yaml.ScalarNode {
				fn(&scalarNode{c, true})
			} else {
				walkScalars(c, fn)
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			fn(&scalarNode{n.Content[i], false})
			if v := n.Content[i+1]; v.Kind == yaml.ScalarNode {
				fn(&scalarNode{v, true})
			} else {
				walkScalars(v, fn)
			}
		}
	}
}
