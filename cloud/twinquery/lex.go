package twinquery

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokenKind int

const (
	tokEOF tokenKind = iota
	tokIdent
	tokString
	tokNumber
	tokOp    // = != <> < <= > >=
	tokPunct // ( ) [ ] , * .
)

type token struct {
	kind tokenKind
	text string // identifiers as written; strings unquoted
	pos  int    // byte offset, for errors
}

// lex splits a query into tokens. Identifiers may hold letters, digits,
// '_' and '$' (for $version and friends); dotted paths are split at '.'.
func lex(src string) ([]token, error) {
	var out []token
	i := 0
	for i < len(src) {
		r, w := utf8.DecodeRuneInString(src[i:])
		switch {
		case r == utf8.RuneError && w == 1:
			return nil, &SyntaxError{Pos: i, Reason: "not UTF-8"}
		case unicode.IsSpace(r):
			i += w
		case r == '\'' || r == '"':
			s, n, err := lexString(src, i, byte(r))
			if err != nil {
				return nil, err
			}
			out = append(out, token{tokString, s, i})
			i += n
		case isDigit(r) || (r == '-' && i+1 < len(src) && isDigit(rune(src[i+1]))):
			j := i + 1
			for j < len(src) && (isDigit(rune(src[j])) || strings.ContainsRune(".eE+-", rune(src[j]))) {
				if (src[j] == '+' || src[j] == '-') && src[j-1] != 'e' && src[j-1] != 'E' {
					break
				}
				j++
			}
			out = append(out, token{tokNumber, src[i:j], i})
			i = j
		case isIdentStart(r):
			j := i + w
			for j < len(src) {
				r2, w2 := utf8.DecodeRuneInString(src[j:])
				if !isIdentStart(r2) && !isDigit(r2) {
					break
				}
				j += w2
			}
			out = append(out, token{tokIdent, src[i:j], i})
			i = j
		case strings.ContainsRune("<>!=", r):
			op := string(r)
			if i+1 < len(src) {
				switch two := src[i : i+2]; two {
				case "<=", ">=", "!=", "<>":
					op = two
				}
			}
			if op == "!" {
				return nil, &SyntaxError{Pos: i, Reason: "'!' must be followed by '='"}
			}
			out = append(out, token{tokOp, op, i})
			i += len(op)
		case strings.ContainsRune("()[],*.", r):
			out = append(out, token{tokPunct, string(r), i})
			i += w
		default:
			return nil, &SyntaxError{Pos: i, Reason: fmt.Sprintf("unexpected character %q", r)}
		}
	}
	return append(out, token{tokEOF, "", len(src)}), nil
}

// lexString reads a quoted string; a doubled quote stands for one.
func lexString(src string, start int, q byte) (string, int, error) {
	var b strings.Builder
	for j := start + 1; j < len(src); j++ {
		if src[j] != q {
			b.WriteByte(src[j])
			continue
		}
		if j+1 < len(src) && src[j+1] == q {
			b.WriteByte(q)
			j++
			continue
		}
		return b.String(), j + 1 - start, nil
	}
	return "", 0, &SyntaxError{Pos: start, Reason: "string not closed"}
}

func isDigit(r rune) bool      { return r >= '0' && r <= '9' }
func isIdentStart(r rune) bool { return r == '_' || r == '$' || unicode.IsLetter(r) }
