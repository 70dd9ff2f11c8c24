package topology

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// The strict decoder: a ynode tree into the file types of files.go,
// calico_files.go and kube_files.go. Field names come from `yaml` tags. It
// knows four special types:
//
//   - a field `Pos Pos` receives the position and field path of the node;
//   - Scalar is a string with its position (list entries that errors point at);
//   - NotModelled accepts any value and records the field once as accepted
//     but not modelled;
//   - Raw keeps the node for values of more than one type (int-or-string).
//
// A struct with a field tagged `calisim:"lenient"` accepts unknown fields
// (recorded as not modelled): Kubernetes containers carry many fields that
// calisim never reads. Elsewhere an unknown field is an error with a "did you
// mean" suggestion.

// Scalar is a string value with its position.
type Scalar struct {
	Value string
	Pos   Pos
	vcol  int // column of the value's first character; 0: not on one line
}

// Col returns the column of the i-th byte (0-based) of the value, when the
// value stands on one line; else the column of the value.
func (s Scalar) Col(i int) int {
	if s.vcol == 0 {
		return s.Pos.Col
	}
	return s.vcol + i
}

// NotModelled is a field of the real API that calisim accepts and ignores.
type NotModelled struct{}

// Raw is a value decoded later by hand (int-or-string fields).
type Raw struct {
	node *ynode
	Pos  Pos
}

// IsSet reports whether the field was present.
func (r Raw) IsSet() bool { return r.node != nil && r.node.kind != nodeNull }

// Lenient marks a struct that accepts unknown fields as not modelled.
type Lenient struct{}

// FoldCase marks a struct whose field names are also accepted in another
// case (containerport for containerPort), with a warning: Go's
// encoding/json matches names that way, so manifests written for tools built
// on it (netpol-analyzer's test cases among them) load as they are, while
// Kubernetes' strict decoding would refuse them.
type FoldCase struct{}

var (
	posType         = reflect.TypeFor[Pos]()
	scalarType      = reflect.TypeFor[Scalar]()
	notModelledType = reflect.TypeFor[NotModelled]()
	rawType         = reflect.TypeFor[Raw]()
	lenientType     = reflect.TypeFor[Lenient]()
	foldCaseType    = reflect.TypeFor[FoldCase]()
)

type fieldInfo struct {
	name  string
	index int
}

type structInfo struct {
	fields   []fieldInfo // by yaml name, in declaration order
	pos      int         // index of the Pos field, -1 when none
	lenient  bool
	foldCase bool
}

func (si *structInfo) field(name string) (fieldInfo, bool) {
	for _, f := range si.fields {
		if f.name == name {
			return f, true
		}
	}
	return fieldInfo{}, false
}

// foldedField finds a field whose name differs from name in case only.
func (si *structInfo) foldedField(name string) (fieldInfo, bool) {
	if !si.foldCase {
		return fieldInfo{}, false
	}
	for _, f := range si.fields {
		if strings.EqualFold(f.name, name) {
			return f, true
		}
	}
	return fieldInfo{}, false
}

// decoder decodes the documents of one load; it collects errors instead of
// stopping at the first.
type decoder struct {
	doc      *document
	kind     string // the resource kind, for the not-modelled list
	base     string // the resource's path in its document (items[3] in a List)
	errs     *errList
	nm       *notModelledSet
	warnings *[]Warning
	structs  map[reflect.Type]*structInfo
}

func newDecoder(errs *errList, nm *notModelledSet, warnings *[]Warning) *decoder {
	return &decoder{errs: errs, nm: nm, warnings: warnings, structs: map[reflect.Type]*structInfo{}}
}

func (d *decoder) info(t reflect.Type) *structInfo {
	if si, ok := d.structs[t]; ok {
		return si
	}
	si := &structInfo{pos: -1}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Name == "Pos" && f.Type == posType {
			si.pos = i
			continue
		}
		if f.Type == lenientType {
			si.lenient = true
			continue
		}
		if f.Type == foldCaseType {
			si.foldCase = true
			continue
		}
		tag := f.Tag.Get("yaml")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name[:1]) + f.Name[1:]
		}
		si.fields = append(si.fields, fieldInfo{name: name, index: i})
	}
	d.structs[t] = si
	return si
}

func (d *decoder) errorf(n *ynode, path, format string, args ...any) {
	d.errs.add(Errorf(d.doc.pos(n, path), path, format, args...))
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// decode fills v from n. It never panics on input; problems become errors.
func (d *decoder) decode(n *ynode, path string, v reflect.Value) {
	if n == nil {
		return
	}
	t := v.Type()
	switch t {
	case posType:
		v.Set(reflect.ValueOf(d.doc.pos(n, path)))
		return
	case scalarType:
		if n.kind == nodeNull {
			return
		}
		if n.kind != nodeScalar {
			d.errorf(n, path, "expected a string, found %s", n.kind)
			return
		}
		v.Set(reflect.ValueOf(Scalar{Value: n.text, Pos: d.doc.pos(n, path), vcol: n.vcol}))
		return
	case notModelledType:
		d.notModelled(path, d.doc.pos(n, path))
		return
	case rawType:
		v.Set(reflect.ValueOf(Raw{node: n, Pos: d.doc.pos(n, path)}))
		return
	}
	if n.kind == nodeNull && t.Kind() != reflect.Pointer {
		return // null leaves the zero value, as Kubernetes does
	}
	switch t.Kind() {
	case reflect.Pointer:
		if n.kind == nodeNull {
			if t.Elem().Kind() == reflect.Slice || t.Elem().Kind() == reflect.Map {
				// present but empty: a non-nil pointer to an empty value
				v.Set(reflect.New(t.Elem()))
			}
			return
		}
		p := reflect.New(t.Elem())
		d.decode(n, path, p.Elem())
		v.Set(p)
	case reflect.String:
		if n.kind != nodeScalar {
			d.errorf(n, path, "expected a string, found %s", n.kind)
			return
		}
		v.SetString(n.text)
	case reflect.Bool:
		if n.kind != nodeScalar || n.sk != scalarBool {
			d.errorf(n, path, "expected true or false, found %s", describe(n))
			return
		}
		v.SetBool(n.text == "true")
	case reflect.Int, reflect.Int64, reflect.Int32:
		i, ok := d.integer(n, path)
		if !ok {
			return
		}
		if v.OverflowInt(i) {
			d.errorf(n, path, "%s is out of range", n.text)
			return
		}
		v.SetInt(i)
	case reflect.Uint32, reflect.Uint16, reflect.Uint8:
		i, ok := d.integer(n, path)
		if !ok {
			return
		}
		if i < 0 || v.OverflowUint(uint64(i)) {
			d.errorf(n, path, "%s is out of range (0-%d)", n.text, uint64(1)<<(8*t.Size())-1)
			return
		}
		v.SetUint(uint64(i))
	case reflect.Float64:
		if n.kind != nodeScalar || (n.sk != scalarInt && n.sk != scalarFloat) {
			d.errorf(n, path, "expected a number, found %s", describe(n))
			return
		}
		f, err := strconv.ParseFloat(strings.ReplaceAll(n.text, "_", ""), 64)
		if err != nil {
			if i, ok := parseYAMLInt(n.text); ok {
				f, err = float64(i), nil
			}
		}
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			d.errorf(n, path, "%q is not a finite number", n.text)
			return
		}
		v.SetFloat(f)
	case reflect.Slice:
		if n.kind == nodeMap && len(n.keys) == 0 {
			v.Set(reflect.MakeSlice(t, 0, 0)) // {} for an empty list, as some tools write it
			return
		}
		if n.kind != nodeSeq {
			d.errorf(n, path, "expected a list, found %s", describe(n))
			return
		}
		s := reflect.MakeSlice(t, len(n.vals), len(n.vals))
		for i, item := range n.vals {
			d.decode(item, index(path, i), s.Index(i))
		}
		v.Set(s)
	case reflect.Map:
		if n.kind != nodeMap {
			d.errorf(n, path, "expected a mapping, found %s", describe(n))
			return
		}
		if t.Key().Kind() != reflect.String {
			d.errorf(n, path, "internal: unsupported map key type %s", t.Key())
			return
		}
		m := reflect.MakeMapWithSize(t, len(n.keys))
		for i, k := range n.keys {
			ev := reflect.New(t.Elem()).Elem()
			if t.Elem().Kind() == reflect.String {
				// label and data values: any scalar, as its text
				val := n.vals[i]
				switch val.kind {
				case nodeScalar:
					ev.SetString(val.text)
				case nodeNull:
				default:
					d.errorf(val, join(path, k.text), "expected a string, found %s", val.kind)
					continue
				}
			} else {
				d.decode(n.vals[i], join(path, k.text), ev)
			}
			m.SetMapIndex(reflect.ValueOf(k.text).Convert(t.Key()), ev)
		}
		v.Set(m)
	case reflect.Struct:
		d.decodeStruct(n, path, v)
	default:
		d.errorf(n, path, "internal: unsupported type %s", t)
	}
}

func (d *decoder) decodeStruct(n *ynode, path string, v reflect.Value) {
	if n.kind != nodeMap {
		d.errorf(n, path, "expected a mapping, found %s", describe(n))
		return
	}
	si := d.info(v.Type())
	if si.pos >= 0 {
		v.Field(si.pos).Set(reflect.ValueOf(d.doc.pos(n, path)))
	}
	for i, k := range n.keys {
		fp := join(path, k.text)
		f, ok := si.field(k.text)
		if !ok {
			if ff, folded := si.foldedField(k.text); folded {
				*d.warnings = append(*d.warnings, Warning{Pos: d.doc.pos(k, fp),
					Message: fmt.Sprintf("%s: %q read as %q (Kubernetes' strict decoding would refuse it)", fp, k.text, ff.name)})
				d.decode(n.vals[i], join(path, ff.name), v.Field(ff.index))
				continue
			}
			if si.lenient {
				d.notModelled(fp, d.doc.pos(k, fp))
				continue
			}
			names := make([]string, len(si.fields))
			for j, f := range si.fields {
				names[j] = f.name
			}
			msg := fmt.Sprintf("unknown field %q", k.text)
			if s := suggest(k.text, names); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			d.errs.add(&FieldError{File: d.doc.file, Path: fp, Line: k.line, Col: k.col, Err: fmt.Errorf("%s", msg)})
			continue
		}
		d.decode(n.vals[i], fp, v.Field(f.index))
	}
}

// notModelled lists a field by its path inside the resource.
func (d *decoder) notModelled(path string, pos Pos) {
	if d.base != "" {
		path = strings.TrimPrefix(strings.TrimPrefix(path, d.base), ".")
	}
	d.nm.add(d.kind, path, pos)
}

func (d *decoder) integer(n *ynode, path string) (int64, bool) {
	if n.kind != nodeScalar || n.sk != scalarInt {
		d.errorf(n, path, "expected an integer, found %s", describe(n))
		return 0, false
	}
	i, ok := parseYAMLInt(n.text)
	if !ok {
		d.errorf(n, path, "%s is not an integer in range", n.text)
	}
	return i, ok
}

// parseYAMLInt reads a YAML integer: decimal, 0x hex, 0o or 0 octal, 0b binary,
// with optional sign and underscores.
func parseYAMLInt(s string) (int64, bool) {
	s = strings.ReplaceAll(s, "_", "")
	if strings.HasPrefix(s, "0o") || strings.HasPrefix(s, "0O") {
		s = "0" + s[2:]
	}
	i, err := strconv.ParseInt(s, 0, 64)
	return i, err == nil
}

func describe(n *ynode) string {
	if n.kind == nodeScalar {
		return fmt.Sprintf("%s %q", n.sk, n.text)
	}
	return n.kind.String()
}

// suggest returns the candidate closest to name: one that matches ignoring
// case, else one within Levenshtein distance 2 and shorter than the name
// (the closest, ties by order).
func suggest(name string, candidates []string) string {
	for _, c := range candidates {
		if strings.EqualFold(c, name) {
			return c
		}
	}
	// a suggestion must keep some of the name: "b" is not a typo of "a"
	best, bestD := "", min(3, len(name))
	for _, c := range candidates {
		if d := levenshtein(name, c, bestD); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// levenshtein is the edit distance of a and b, or max when it is at least max.
func levenshtein(a, b string, max int) int {
	if d := len(a) - len(b); d >= max || -d >= max {
		return max
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= max {
			return max
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], max)
}

// notModelledSet lists each accepted-but-not-modelled field once: by kind and
// field path with list indices removed.
type notModelledSet struct {
	seen map[string]bool
	list []Warning
}

func (s *notModelledSet) add(kind, path string, pos Pos) {
	key := kind + " " + stripIndices(path)
	if s.seen[key] {
		return
	}
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	s.seen[key] = true
	what := stripIndices(path)
	if kind != "" {
		what = kind + " " + what
	}
	s.list = append(s.list, Warning{Pos: pos, Message: what + ": accepted, not modelled"})
}

func stripIndices(path string) string {
	if !strings.Contains(path, "[") {
		return path
	}
	var b strings.Builder
	skip := false
	for _, r := range path {
		switch {
		case r == '[':
			skip = true
			b.WriteString("[]")
		case r == ']':
			skip = false
		case !skip:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// errList collects FieldErrors.
type errList struct{ errs []*FieldError }

func (l *errList) add(e *FieldError) { l.errs = append(l.errs, e) }

// reported reports whether an error was already added at pos for path:
// checks of a decoded value skip values the decoder refused.
func (l *errList) reported(pos Pos, path string) bool {
	for _, e := range l.errs {
		if e.File == pos.File && e.Line == pos.Line && e.Col == pos.Col && e.Path == path {
			return true
		}
	}
	return false
}

func (l *errList) addf(pos Pos, path, format string, args ...any) {
	l.add(Errorf(pos, path, format, args...))
}

// err returns every error sorted by file, line, column and path, joined; nil
// when there is none. Identical errors are reported once.
func (l *errList) err() error {
	if len(l.errs) == 0 {
		return nil
	}
	slices.SortStableFunc(l.errs, func(a, b *FieldError) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		if a.Col != b.Col {
			return a.Col - b.Col
		}
		return strings.Compare(a.Path, b.Path)
	})
	errs := make([]error, 0, len(l.errs))
	var last string
	for _, e := range l.errs {
		if s := e.Error(); s != last {
			errs = append(errs, e)
			last = s
		}
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return errors.Join(errs...)
}
