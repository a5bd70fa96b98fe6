package sqlgen

import (
	"fmt"

	"github.com/flowc-dev/flowc/spec/expr"
)

// rewriteCols returns a copy of e in which every column reference is
// replaced by what fn returns; e itself is not changed.
func rewriteCols(e expr.Expr, fn func(*expr.Col) (*expr.Col, error)) (expr.Expr, error) {
	var err error
	var walk func(expr.Expr) expr.Expr
	walk = func(e expr.Expr) expr.Expr {
		if e == nil || err != nil {
			return e
		}
		switch n := e.(type) {
		case *expr.Lit:
			c := *n
			return &c
		case *expr.Col:
			var c *expr.Col
			c, err = fn(n)
			return c
		case *expr.Unary:
			c := *n
			c.X = walk(n.X)
			return &c
		case *expr.Binary:
			c := *n
			c.X, c.Y = walk(n.X), walk(n.Y)
			return &c
		case *expr.IsNull:
			c := *n
			c.X = walk(n.X)
			return &c
		case *expr.In:
			c := *n
			c.X = walk(n.X)
			c.List = make([]expr.Expr, len(n.List))
			for i, x := range n.List {
				c.List[i] = walk(x)
			}
			return &c
		case *expr.Between:
			c := *n
			c.X, c.Lo, c.Hi = walk(n.X), walk(n.Lo), walk(n.Hi)
			return &c
		case *expr.Like:
			c := *n
			c.X, c.Pattern = walk(n.X), walk(n.Pattern)
			return &c
		case *expr.Case:
			c := *n
			c.Operand = walk(n.Operand)
			c.Whens = make([]*expr.When, len(n.Whens))
			for i, w := range n.Whens {
				c.Whens[i] = &expr.When{Cond: walk(w.Cond), Then: walk(w.Then), Sp: w.Sp}
			}
			c.Else = walk(n.Else)
			return &c
		case *expr.Cast:
			c := *n
			c.X = walk(n.X)
			return &c
		case *expr.Call:
			c := *n
			c.Args = make([]expr.Expr, len(n.Args))
			for i, x := range n.Args {
				c.Args[i] = walk(x)
			}
			return &c
		}
		err = fmt.Errorf("unknown expression node %T", e)
		return e
	}
	out := walk(e)
	if err != nil {
		return nil, err
	}
	return out, nil
}
