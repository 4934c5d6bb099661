package prefstore

import "math"

// A value read back from the file has JSON's types: numbers are float64
// and lists are []any. The getters accept both that and what a setter
// stored in this run.

func asBool(v any) (bool, bool)     { b, ok := v.(bool); return b, ok }
func asString(v any) (string, bool) { s, ok := v.(string); return s, ok }
func asFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	}
	return 0, false
}
func asInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case float64:
		if n == math.Trunc(n) && math.Abs(n) <= 1<<53 {
			return int(n), true
		}
	}
	return 0, false
}

// asList reads a list whose every item converts with one.
func asList[T any](v any, one func(any) (T, bool)) ([]T, bool) {
	switch l := v.(type) {
	case []T:
		return append([]T(nil), l...), true
	case []any:
		out := make([]T, 0, len(l))
		for _, item := range l {
			t, ok := one(item)
			if !ok {
				return nil, false
			}
			out = append(out, t)
		}
		return out, true
	}
	return nil, false
}

func get[T any](s *Store, key string, conv func(any) (T, bool), fallback T) T {
	if t, ok := conv(s.value(key)); ok {
		return t
	}
	return fallback
}

func getList[T any](s *Store, key string, one func(any) (T, bool), fallback []T) []T {
	if l, ok := asList(s.value(key), one); ok {
		return l
	}
	return fallback
}

func (s *Store) Bool(key string) bool { return get(s, key, asBool, false) }
func (s *Store) BoolWithFallback(key string, fallback bool) bool {
	return get(s, key, asBool, fallback)
}
func (s *Store) SetBool(key string, value bool) { s.set(key, value) }

func (s *Store) BoolList(key string) []bool { return getList(s, key, asBool, nil) }
func (s *Store) BoolListWithFallback(key string, fallback []bool) []bool {
	return getList(s, key, asBool, fallback)
}
func (s *Store) SetBoolList(key string, value []bool) { s.set(key, append([]bool(nil), value...)) }

func (s *Store) Float(key string) float64 { return get(s, key, asFloat, 0) }
func (s *Store) FloatWithFallback(key string, fallback float64) float64 {
	return get(s, key, asFloat, fallback)
}
func (s *Store) SetFloat(key string, value float64) { s.set(key, value) }

func (s *Store) FloatList(key string) []float64 { return getList(s, key, asFloat, nil) }
func (s *Store) FloatListWithFallback(key string, fallback []float64) []float64 {
	return getList(s, key, asFloat, fallback)
}
func (s *Store) SetFloatList(key string, value []float64) {
	s.set(key, append([]float64(nil), value...))
}

func (s *Store) Int(key string) int { return get(s, key, asInt, 0) }
func (s *Store) IntWithFallback(key string, fallback int) int {
	return get(s, key, asInt, fallback)
}
func (s *Store) SetInt(key string, value int) { s.set(key, value) }

func (s *Store) IntList(key string) []int { return getList(s, key, asInt, nil) }
func (s *Store) IntListWithFallback(key string, fallback []int) []int {
	return getList(s, key, asInt, fallback)
}
func (s *Store) SetIntList(key string, value []int) { s.set(key, append([]int(nil), value...)) }

func (s *Store) String(key string) string { return get(s, key, asString, "") }
func (s *Store) StringWithFallback(key, fallback string) string {
	return get(s, key, asString, fallback)
}
func (s *Store) SetString(key string, value string) { s.set(key, value) }

func (s *Store) StringList(key string) []string { return getList(s, key, asString, nil) }
func (s *Store) StringListWithFallback(key string, fallback []string) []string {
	return getList(s, key, asString, fallback)
}
func (s *Store) SetStringList(key string, value []string) {
	s.set(key, append([]string(nil), value...))
}
