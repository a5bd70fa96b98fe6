package graph

import "sort"

// The SVG layout is a small layered (Sugiyama-style) layout, left to right:
//
//  1. layers: a block is one layer right of everything it reads (longest
//     path); tables share one column, the alerts come after them;
//  2. edges spanning several layers get a dummy vertex in each layer they
//     cross, so they run between boxes instead of through them;
//  3. order within a layer: spec order, then sweeps placing each vertex at
//     the mean position of its neighbours (barycenter), keeping the order
//     with the fewest crossings;
//  4. vertical positions: sweeps moving each vertex towards the ports it is
//     connected to, as close as the order and spacing allow (an isotonic
//     regression, solved exactly by pool-adjacent-violators).
//
// Every step is deterministic: ties keep the earlier position.

// Layout sizes, in pixels.
const (
	margin      = 16.0
	titleHeight = 30.0 // the graph's title above the drawing
	minLayerGap = 48.0 // between two columns
	labelPad    = 28.0 // around an edge label, within the column gap
	vertexGap   = 20.0 // between two boxes of a column
	dummyGap    = 14.0 // next to an edge passing through a column
	dummyHeight = 4.0
)

// vertex is a block or a dummy point of a long edge.
type vertex struct {
	block *blockBox // nil for a dummy
	layer int
	pos   int     // index in its layer
	y, h  float64 // top and height
	w     float64
	in    []*seg // segments ending here
	out   []*seg // segments starting here
}

// seg is the part of an edge between two adjacent layers.
type seg struct {
	route            *route
	from, to         *vertex
	fromPort, toPort float64 // y offsets of the attachment points from the tops
}

// route is one edge through its vertices.
type route struct {
	edge  *Edge
	verts []*vertex // the source block, dummies, the target block
	segs  []*seg
	// fromPort and toPort are the offsets of the end points in their blocks.
	fromPort, toPort float64
}

// layout is the placed drawing.
type layout struct {
	blocks []*blockBox
	layers [][]*vertex
	colX   []float64 // left of each column
	colW   []float64 // width of each column
	routes []*route
	w, h   float64
}

// place lays out a graph.
func place(g *Graph) *layout {
	l := &layout{}
	byNode := map[string]*vertex{}
	ports := map[string]float64{}
	var verts []*vertex
	for _, b := range g.Blocks {
		bb := sizeBlock(b)
		l.blocks = append(l.blocks, bb)
		v := &vertex{block: bb, w: bb.w, h: bb.h}
		verts = append(verts, v)
		for i, n := range b.Nodes {
			byNode[n.ID] = v
			ports[n.ID] = bb.inner[i].y + bb.inner[i].h/2
		}
	}
	var routes []*route
	for _, e := range g.Edges {
		from, to := byNode[e.From], byNode[e.To]
		if from == nil || to == nil || from == to {
			continue
		}
		routes = append(routes, &route{edge: e, verts: []*vertex{from, to}, fromPort: ports[e.From], toPort: ports[e.To]})
	}
	l.assignLayers(verts, routes)
	l.routes = routes
	l.order()
	l.columns()
	l.verticals()
	l.finish()
	return l
}

// assignLayers sets each block's layer (blocks come in an order where every
// edge points forward), then splits long edges with dummies.
func (l *layout) assignLayers(verts []*vertex, routes []*route) {
	index := map[*vertex]int{}
	for i, v := range verts {
		index[v] = i
	}
	for _, v := range verts { // blocks are in topological order
		for _, r := range routes {
			if r.verts[1] == v && index[r.verts[0]] < index[v] && r.verts[0].layer+1 > v.layer {
				v.layer = r.verts[0].layer + 1
			}
		}
	}
	tableLayer := -1
	for _, v := range verts {
		if v.block.kind == KindTable && v.layer > tableLayer {
			tableLayer = v.layer
		}
	}
	for _, v := range verts {
		if v.block.kind == KindTable {
			v.layer = tableLayer
		}
		if v.block.kind == KindAlerts && v.layer <= tableLayer {
			v.layer = tableLayer + 1
		}
	}
	maxLayer := 0
	for _, v := range verts {
		maxLayer = max(maxLayer, v.layer)
	}
	l.layers = make([][]*vertex, maxLayer+1)
	for _, v := range verts {
		l.layers[v.layer] = append(l.layers[v.layer], v)
	}
	for _, r := range routes {
		from, to := r.verts[0], r.verts[1]
		if to.layer <= from.layer {
			continue // cannot happen: every edge points forward
		}
		r.verts = []*vertex{from}
		for k := from.layer + 1; k < to.layer; k++ {
			d := &vertex{layer: k, h: dummyHeight}
			l.layers[k] = append(l.layers[k], d)
			r.verts = append(r.verts, d)
		}
		r.verts = append(r.verts, to)
		for i := 0; i+1 < len(r.verts); i++ {
			s := &seg{route: r, from: r.verts[i], to: r.verts[i+1], fromPort: dummyHeight / 2, toPort: dummyHeight / 2}
			if i == 0 {
				s.fromPort = r.fromPort
			}
			if i+1 == len(r.verts)-1 {
				s.toPort = r.toPort
			}
			s.from.out = append(s.from.out, s)
			s.to.in = append(s.to.in, s)
			r.segs = append(r.segs, s)
		}
	}
}

// order arranges the vertices of each layer to keep crossings few.
func (l *layout) order() {
	renumber := func() {
		for _, layer := range l.layers {
			for i, v := range layer {
				v.pos = i
			}
		}
	}
	renumber()
	best := l.snapshot()
	bestCross := l.crossings()
	for iter := 0; iter < 8 && bestCross > 0; iter++ {
		if iter%2 == 0 {
			for k := 1; k < len(l.layers); k++ {
				sortByBarycenter(l.layers[k], func(s *seg) *vertex { return s.from }, true)
			}
		} else {
			for k := len(l.layers) - 2; k >= 0; k-- {
				sortByBarycenter(l.layers[k], func(s *seg) *vertex { return s.to }, false)
			}
		}
		renumber()
		if c := l.crossings(); c < bestCross {
			bestCross, best = c, l.snapshot()
		}
	}
	l.layers = best
	renumber()
}

// sortByBarycenter orders a layer by the mean position of each vertex's
// neighbours on one side; a vertex without any keeps its position.
func sortByBarycenter(layer []*vertex, other func(*seg) *vertex, incoming bool) {
	key := make(map[*vertex]float64, len(layer))
	for _, v := range layer {
		segs := v.out
		if incoming {
			segs = v.in
		}
		if len(segs) == 0 {
			key[v] = float64(v.pos)
			continue
		}
		sum := 0.0
		for _, s := range segs {
			sum += float64(other(s).pos)
		}
		key[v] = sum / float64(len(segs))
	}
	sort.SliceStable(layer, func(i, j int) bool { return key[layer[i]] < key[layer[j]] })
}

func (l *layout) snapshot() [][]*vertex {
	out := make([][]*vertex, len(l.layers))
	for i, layer := range l.layers {
		out[i] = append([]*vertex(nil), layer...)
	}
	return out
}

// crossings counts pairs of segments that cross between adjacent layers.
func (l *layout) crossings() int {
	n := 0
	for _, layer := range l.layers {
		var segs []*seg
		for _, v := range layer {
			segs = append(segs, v.out...)
		}
		for i := range segs {
			for j := i + 1; j < len(segs); j++ {
				a, b := segs[i], segs[j]
				if (a.from.pos-b.from.pos)*(a.to.pos-b.to.pos) < 0 {
					n++
				}
			}
		}
	}
	return n
}

// columns sets the x extent of each layer; the gap before a layer is wide
// enough for the labels of the edges entering it.
func (l *layout) columns() {
	l.colX = make([]float64, len(l.layers))
	l.colW = make([]float64, len(l.layers))
	x := margin
	for k, layer := range l.layers {
		gap := minLayerGap
		for _, v := range layer {
			l.colW[k] = max(l.colW[k], v.w)
			for _, s := range v.in {
				if r := s.route; r.edge.Label != "" && s == r.segs[len(r.segs)-1] {
					gap = max(gap, labelWidth(r.edge.Label)+labelPad)
				}
			}
		}
		if k > 0 {
			x += gap
		}
		l.colX[k] = x
		x += l.colW[k]
	}
	l.w = x + margin
}

// verticals places the vertices of each column top to bottom.
func (l *layout) verticals() {
	for _, layer := range l.layers { // start stacked
		y := 0.0
		for i, v := range layer {
			if i > 0 {
				y += gapBetween(layer[i-1], v)
			}
			v.y = y
			y += v.h
		}
	}
	for iter := 0; iter < 12; iter++ {
		if iter%2 == 0 {
			for k := 1; k < len(l.layers); k++ {
				alignLayer(l.layers[k], true)
			}
		} else {
			for k := len(l.layers) - 2; k >= 0; k-- {
				alignLayer(l.layers[k], false)
			}
		}
	}
}

func gapBetween(a, b *vertex) float64 {
	if a.block == nil || b.block == nil {
		return dummyGap
	}
	return vertexGap
}

// alignLayer moves each vertex of a layer towards the mean of the ports it
// connects to on one side, keeping the order and the gaps: the
// least-squares solution, by pool-adjacent-violators.
func alignLayer(layer []*vertex, incoming bool) {
	n := len(layer)
	offset := make([]float64, n) // minimum distance of each top from the first
	want := make([]float64, n)
	weight := make([]float64, n)
	for i, v := range layer {
		if i > 0 {
			offset[i] = offset[i-1] + layer[i-1].h + gapBetween(layer[i-1], v)
		}
		segs := v.out
		if incoming {
			segs = v.in
		}
		target, w := v.y, 0.0
		if len(segs) > 0 {
			sum := 0.0
			for _, s := range segs {
				if incoming {
					sum += s.from.y + s.fromPort - s.toPort
				} else {
					sum += s.to.y + s.toPort - s.fromPort
				}
			}
			target, w = sum/float64(len(segs)), float64(len(segs))
		}
		want[i] = target - offset[i]
		weight[i] = max(w, 0.5) // unconnected vertices still resist moving
	}
	z := isotonic(want, weight)
	for i, v := range layer {
		v.y = z[i] + offset[i]
	}
}

// isotonic returns the non-decreasing sequence closest to want in weighted
// least squares (pool adjacent violators).
func isotonic(want, weight []float64) []float64 {
	type pool struct {
		sum, w float64
		n      int
	}
	var pools []pool
	for i := range want {
		pools = append(pools, pool{want[i] * weight[i], weight[i], 1})
		for len(pools) > 1 {
			a, b := pools[len(pools)-2], pools[len(pools)-1]
			if a.sum/a.w <= b.sum/b.w {
				break
			}
			pools = append(pools[:len(pools)-2], pool{a.sum + b.sum, a.w + b.w, a.n + b.n})
		}
	}
	out := make([]float64, 0, len(want))
	for _, p := range pools {
		for k := 0; k < p.n; k++ {
			out = append(out, p.sum/p.w)
		}
	}
	return out
}

// finish shifts the drawing below the title, centres each box in its
// column and sets the blocks' positions.
func (l *layout) finish() {
	top := 0.0
	bottom := 0.0
	first := true
	for _, layer := range l.layers {
		for _, v := range layer {
			if first || v.y < top {
				top = v.y
			}
			if first || v.y+v.h > bottom {
				bottom = v.y + v.h
			}
			first = false
		}
	}
	shift := margin + titleHeight - top
	for k, layer := range l.layers {
		for _, v := range layer {
			v.y += shift
			if v.block != nil {
				v.block.x = l.colX[k] + (l.colW[k]-v.w)/2
				v.block.y = v.y
			}
		}
	}
	l.h = bottom - top + margin*2 + titleHeight
}
