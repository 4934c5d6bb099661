package twinquery

import (
	"encoding/json"
	"strings"
)

// truth is SQL's three-valued logic: a comparison with a property a twin
// lacks, or across types, is neither true nor false, and NOT keeps it so.
type truth int

const (
	unknown truth = iota
	no
	yes
)

func of(b bool) truth {
	if b {
		return yes
	}
	return no
}

// Expr is one parsed condition.
type Expr interface {
	eval(twin map[string]any) truth
}

type and struct{ l, r Expr }
type or struct{ l, r Expr }
type not struct{ e Expr }
type defined struct{ path []string }
type compare struct {
	path []string
	op   string
	v    any
}
type in struct {
	path []string
	list []any
}

func (e and) eval(t map[string]any) truth {
	a, b := e.l.eval(t), e.r.eval(t)
	switch {
	case a == no || b == no:
		return no
	case a == unknown || b == unknown:
		return unknown
	}
	return yes
}

func (e or) eval(t map[string]any) truth {
	a, b := e.l.eval(t), e.r.eval(t)
	switch {
	case a == yes || b == yes:
		return yes
	case a == unknown || b == unknown:
		return unknown
	}
	return no
}

func (e not) eval(t map[string]any) truth {
	switch e.e.eval(t) {
	case yes:
		return no
	case no:
		return yes
	}
	return unknown
}

func (e defined) eval(t map[string]any) truth {
	_, ok := lookup(t, e.path)
	return of(ok)
}

func (e compare) eval(t map[string]any) truth {
	got, ok := lookup(t, e.path)
	if !ok {
		return unknown
	}
	c, ok := order(got, e.v)
	if !ok {
		return unknown
	}
	if !ordered(e.v) && e.op != "=" && e.op != "!=" && e.op != "<>" {
		return unknown // true < false means nothing
	}
	switch e.op {
	case "=":
		return of(c == 0)
	case "!=", "<>":
		return of(c != 0)
	case "<":
		return of(c < 0)
	case "<=":
		return of(c <= 0)
	case ">":
		return of(c > 0)
	case ">=":
		return of(c >= 0)
	}
	return unknown
}

func (e in) eval(t map[string]any) truth {
	got, ok := lookup(t, e.path)
	if !ok {
		return unknown
	}
	for _, v := range e.list {
		if c, ok := order(got, v); ok && c == 0 {
			return yes
		}
	}
	return no
}

// lookup follows a dotted path through nested objects. A name matches a
// key exactly, else regardless of case (IoT Hub's own field names are
// written both ways in the wild: deviceId, DeviceId).
func lookup(doc map[string]any, path []string) (any, bool) {
	var cur any = doc
	for _, name := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		v, ok := m[name]
		if !ok {
			for k, kv := range m {
				if strings.EqualFold(k, name) {
					v, ok = kv, true
					break
				}
			}
		}
		if !ok {
			return nil, false
		}
		cur = v
	}
	return cur, true
}

// order compares two JSON values of one kind: -1, 0 or 1, and false for
// values of different kinds or kinds without an order (objects, arrays;
// booleans and null only compare equal or not).
func order(a, b any) (int, bool) {
	if n, ok := a.(json.Number); ok {
		f, err := n.Float64()
		if err != nil {
			return 0, false
		}
		a = f
	}
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		if !ok {
			return 0, false
		}
		switch {
		case x < y:
			return -1, true
		case x > y:
			return 1, true
		}
		return 0, true
	case string:
		y, ok := b.(string)
		if !ok {
			return 0, false
		}
		return strings.Compare(x, y), true
	case bool:
		y, ok := b.(bool)
		if !ok {
			return 0, false
		}
		if x == y {
			return 0, true
		}
		return 1, true
	case nil:
		if b == nil {
			return 0, true
		}
		return 1, true
	}
	return 0, false
}

// ordered reports whether values of v's kind have an order.
func ordered(v any) bool {
	switch v.(type) {
	case float64, string:
		return true
	}
	return false
}
