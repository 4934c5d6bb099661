package twinquery

import (
	"strconv"
	"strings"
)

// Query is a parsed "SELECT * FROM devices [WHERE …]".
type Query struct {
	Where Expr // nil: every device
}

// Match reports whether twin passes the query's WHERE clause.
func (q Query) Match(twin map[string]any) bool {
	return q.Where == nil || q.Where.eval(twin) == yes
}

// Parse reads a whole query. Keywords are case-insensitive.
func Parse(src string) (Query, error) {
	p, err := newParser(src)
	if err != nil {
		return Query{}, err
	}
	for _, kw := range []string{"SELECT", "*", "FROM", "devices"} {
		t := p.next()
		if !strings.EqualFold(t.text, kw) || t.kind == tokString {
			return Query{}, &SyntaxError{Pos: t.pos, Reason: "only SELECT * FROM devices [WHERE …] is supported"}
		}
	}
	var q Query
	if p.keyword("WHERE") {
		e, err := p.condition()
		if err != nil {
			return Query{}, err
		}
		q.Where = e
	}
	return q, p.end()
}

// ParseCondition reads a WHERE clause without its WHERE, as jobs take it
// ("queryCondition"); an empty one matches every device.
func ParseCondition(src string) (Query, error) {
	if strings.TrimSpace(src) == "" {
		return Query{}, nil
	}
	p, err := newParser(src)
	if err != nil {
		return Query{}, err
	}
	p.keyword("WHERE") // tolerated
	e, err := p.condition()
	if err != nil {
		return Query{}, err
	}
	return Query{Where: e}, p.end()
}

type parser struct {
	toks []token
	i    int
}

func newParser(src string) (*parser, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	return &parser{toks: toks}, nil
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

// keyword consumes the identifier kw (any case) when it comes next.
func (p *parser) keyword(kw string) bool {
	t := p.peek()
	if t.kind == tokIdent && strings.EqualFold(t.text, kw) {
		p.i++
		return true
	}
	return false
}

func (p *parser) punct(s string) bool {
	if t := p.peek(); t.kind == tokPunct && t.text == s {
		p.i++
		return true
	}
	return false
}

func (p *parser) end() error {
	if t := p.peek(); t.kind != tokEOF {
		return &SyntaxError{Pos: t.pos, Reason: "unexpected " + describe(t)}
	}
	return nil
}

func (p *parser) condition() (Expr, error) {
	left, err := p.conjunction()
	for err == nil && p.keyword("OR") {
		var right Expr
		if right, err = p.conjunction(); err == nil {
			left = or{left, right}
		}
	}
	return left, err
}

func (p *parser) conjunction() (Expr, error) {
	left, err := p.negation()
	for err == nil && p.keyword("AND") {
		var right Expr
		if right, err = p.negation(); err == nil {
			left = and{left, right}
		}
	}
	return left, err
}

func (p *parser) negation() (Expr, error) {
	if p.keyword("NOT") {
		e, err := p.negation()
		return not{e}, err
	}
	return p.primary()
}

func (p *parser) primary() (Expr, error) {
	if p.punct("(") {
		e, err := p.condition()
		if err != nil {
			return nil, err
		}
		if !p.punct(")") {
			return nil, &SyntaxError{Pos: p.peek().pos, Reason: "')' expected"}
		}
		return e, nil
	}
	if p.keyword("IS_DEFINED") {
		if !p.punct("(") {
			return nil, &SyntaxError{Pos: p.peek().pos, Reason: "'(' expected after IS_DEFINED"}
		}
		path, err := p.path()
		if err != nil {
			return nil, err
		}
		if !p.punct(")") {
			return nil, &SyntaxError{Pos: p.peek().pos, Reason: "')' expected"}
		}
		return defined{path}, nil
	}
	path, err := p.path()
	if err != nil {
		return nil, err
	}
	return p.comparison(path)
}

func (p *parser) comparison(path []string) (Expr, error) {
	t := p.next()
	switch {
	case t.kind == tokOp:
		v, err := p.literal()
		return compare{path, t.text, v}, err
	case t.kind == tokIdent && (strings.EqualFold(t.text, "IN") || strings.EqualFold(t.text, "NIN")):
		list, err := p.list()
		var e Expr = in{path, list}
		if strings.EqualFold(t.text, "NIN") {
			e = not{e}
		}
		return e, err
	}
	return nil, &SyntaxError{Pos: t.pos, Reason: "comparison expected, found " + describe(t)}
}

func (p *parser) path() ([]string, error) {
	var path []string
	for {
		t := p.next()
		if t.kind != tokIdent {
			return nil, &SyntaxError{Pos: t.pos, Reason: "property name expected, found " + describe(t)}
		}
		path = append(path, t.text)
		if !p.punct(".") {
			return path, nil
		}
	}
}

func (p *parser) list() ([]any, error) {
	if !p.punct("[") {
		return nil, &SyntaxError{Pos: p.peek().pos, Reason: "'[' expected"}
	}
	var out []any
	for !p.punct("]") {
		if len(out) > 0 && !p.punct(",") {
			return nil, &SyntaxError{Pos: p.peek().pos, Reason: "',' or ']' expected"}
		}
		v, err := p.literal()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// literal reads a string, number, true, false or null.
func (p *parser) literal() (any, error) {
	t := p.next()
	switch t.kind {
	case tokString:
		return t.text, nil
	case tokNumber:
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, &SyntaxError{Pos: t.pos, Reason: "not a number"}
		}
		return f, nil
	case tokIdent:
		switch strings.ToLower(t.text) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
	}
	return nil, &SyntaxError{Pos: t.pos, Reason: "value expected, found " + describe(t)}
}

func describe(t token) string {
	switch t.kind {
	case tokEOF:
		return "end of query"
	case tokString:
		return "a string"
	}
	return strconv.Quote(t.text)
}
