package modfs

import (
	"strings"
	"unicode/utf8"
)

// IgnoreFile is the name of the file, at the top of a local folder, that
// says what a sync leaves out, in gitignore syntax.
const IgnoreFile = ".qpyhubignore"

// defaultIgnore is left out of every sync, before the folder's own rules
// (which can bring it back with "!"): the ignore file itself and a git
// repository's own folder.
var defaultIgnore = []string{"/" + IgnoreFile, ".git/"}

// Ignore decides which paths of a folder a sync leaves out, as a
// .gitignore does: blank lines and "#" comments skipped, "!" brings a
// path back, a trailing "/" matches folders only, a pattern with a "/"
// before its end is anchored at the top, one without matches a name at
// any depth, "*" and "?" and "[a-z]" (or "[!a-z]") match within a name,
// "**" matches any number of folders, "\" escapes. The last matching
// pattern wins, and nothing inside a left-out folder comes back.
type Ignore struct {
	rules []ignoreRule
}

type ignoreRule struct {
	segments []string // the pattern split at "/"; "**" for any folders
	negate   bool
	dirOnly  bool
}

// ParseIgnore reads the rules of an ignore file (its text), after the
// defaults. A pattern gitignore would never match is kept and never
// matches; there are no errors.
func ParseIgnore(text string) *Ignore {
	ig := &Ignore{}
	for _, line := range append(append([]string{}, defaultIgnore...), strings.Split(text, "\n")...) {
		if r, ok := parseIgnoreLine(line); ok {
			ig.rules = append(ig.rules, r)
		}
	}
	return ig
}

func parseIgnoreLine(line string) (ignoreRule, bool) {
	line = strings.TrimSuffix(line, "\r")
	line = trimUnescapedSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return ignoreRule{}, false
	}
	var r ignoreRule
	if strings.HasPrefix(line, "!") {
		r.negate = true
		line = line[1:]
	}
	if strings.HasSuffix(line, "/") {
		r.dirOnly = true
		line = strings.TrimRight(line, "/")
	}
	anchored := strings.Contains(line, "/")
	line = strings.TrimPrefix(line, "/")
	if line == "" {
		return ignoreRule{}, false
	}
	r.segments = strings.Split(line, "/")
	if !anchored {
		r.segments = append([]string{"**"}, r.segments...)
	}
	return r, true
}

// trimUnescapedSpace drops trailing spaces unless a backslash keeps one.
func trimUnescapedSpace(s string) string {
	for strings.HasSuffix(s, " ") && !strings.HasSuffix(s, `\ `) {
		s = s[:len(s)-1]
	}
	return s
}

// Ignored reports whether the sync leaves out rel, a path relative to
// the folder's top with "/" between names.
func (ig *Ignore) Ignored(rel string, isDir bool) bool {
	parts := strings.Split(strings.Trim(rel, "/"), "/")
	for i := 1; i < len(parts); i++ {
		if ig.decide(parts[:i], true) {
			return true // inside a left-out folder
		}
	}
	return ig.decide(parts, isDir)
}

// decide applies the rules to one path, the last matching one winning.
func (ig *Ignore) decide(parts []string, isDir bool) bool {
	ignored := false
	for _, r := range ig.rules {
		if (!r.dirOnly || isDir) && matchSegments(r.segments, parts) {
			ignored = !r.negate
		}
	}
	return ignored
}

// matchSegments matches pattern segments against path names; "**"
// stands for any number of names, and a trailing "**" for at least one.
func matchSegments(pat, parts []string) bool {
	if len(pat) == 0 {
		return len(parts) == 0
	}
	if pat[0] == "**" {
		least := 0
		if len(pat) == 1 {
			least = 1
		}
		for skip := least; skip <= len(parts); skip++ {
			if matchSegments(pat[1:], parts[skip:]) {
				return true
			}
		}
		return false
	}
	return len(parts) > 0 && matchName(pat[0], parts[0]) && matchSegments(pat[1:], parts[1:])
}

// matchName matches one name against a glob: "*", "?", "[...]" and "\".
func matchName(pat, name string) bool {
	for len(pat) > 0 {
		switch pat[0] {
		case '*':
			for len(pat) > 0 && pat[0] == '*' {
				pat = pat[1:]
			}
			for i := len(name); i >= 0; i-- {
				if matchName(pat, name[i:]) {
					return true
				}
			}
			return false
		case '?':
			if name == "" {
				return false
			}
			_, size := utf8.DecodeRuneInString(name)
			pat, name = pat[1:], name[size:]
		case '[':
			if name == "" {
				return false
			}
			r, size := utf8.DecodeRuneInString(name)
			ok, rest, closed := matchClass(pat[1:], r)
			if !ok || !closed {
				return false // a class never closed matches nothing, as in git
			}
			pat, name = rest, name[size:]
		default:
			c := pat[0]
			if c == '\\' && len(pat) > 1 {
				pat = pat[1:]
				c = pat[0]
			}
			if name == "" || name[0] != c {
				return false
			}
			pat, name = pat[1:], name[1:]
		}
	}
	return name == ""
}

// matchClass matches r against a class whose "[" is already read; rest
// is the pattern after its "]". closed is false for a class never closed.
func matchClass(pat string, r rune) (ok bool, rest string, closed bool) {
	negate := len(pat) > 0 && (pat[0] == '!' || pat[0] == '^')
	if negate {
		pat = pat[1:]
	}
	first := true
	for len(pat) > 0 && (first || pat[0] != ']') {
		first = false
		lo, size := classRune(pat)
		pat = pat[size:]
		hi := lo
		if len(pat) > 1 && pat[0] == '-' && pat[1] != ']' {
			hi, size = classRune(pat[1:])
			pat = pat[1+size:]
		}
		if lo <= r && r <= hi {
			ok = true
		}
	}
	if len(pat) == 0 {
		return false, "", false
	}
	return ok != negate, pat[1:], true
}

func classRune(s string) (rune, int) {
	if s[0] == '\\' && len(s) > 1 {
		r, size := utf8.DecodeRuneInString(s[1:])
		return r, size + 1
	}
	return utf8.DecodeRuneInString(s)
}
