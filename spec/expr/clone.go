package expr

// Clone returns a deep copy of e (nil for nil): Check types a copy and
// leaves the parsed tree as the parser made it.
func Clone(e Expr) Expr {
	switch n := e.(type) {
	case nil:
		return nil
	case *Lit:
		c := *n
		return &c
	case *Col:
		c := *n
		return &c
	case *Unary:
		c := *n
		c.X = Clone(n.X)
		return &c
	case *Binary:
		c := *n
		c.X, c.Y = Clone(n.X), Clone(n.Y)
		return &c
	case *IsNull:
		c := *n
		c.X = Clone(n.X)
		return &c
	case *In:
		c := *n
		c.X, c.List = Clone(n.X), cloneList(n.List)
		return &c
	case *Between:
		c := *n
		c.X, c.Lo, c.Hi = Clone(n.X), Clone(n.Lo), Clone(n.Hi)
		return &c
	case *Like:
		c := *n
		c.X, c.Pattern = Clone(n.X), Clone(n.Pattern)
		return &c
	case *Case:
		c := *n
		c.Operand, c.Else = Clone(n.Operand), Clone(n.Else)
		c.Whens = nil
		for _, w := range n.Whens {
			c.Whens = append(c.Whens, &When{Cond: Clone(w.Cond), Then: Clone(w.Then), Sp: w.Sp})
		}
		return &c
	case *Cast:
		c := *n
		c.X = Clone(n.X)
		return &c
	case *Call:
		c := *n
		c.Args = cloneList(n.Args)
		return &c
	}
	return e // not reached: every node type is above (TestCloneIsDeep)
}

func cloneList(es []Expr) []Expr {
	if es == nil {
		return nil
	}
	out := make([]Expr, len(es))
	for i, e := range es {
		out[i] = Clone(e)
	}
	return out
}
