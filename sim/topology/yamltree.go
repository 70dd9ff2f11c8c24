package topology

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// The loader reads YAML into a small tree of its own (ynode) instead of
// decoding straight into structs: every node keeps its line and column, alias
// expansion is counted and bounded, and the strict decoder (decode.go) can
// name the field path of every problem.

type nodeKind uint8

const (
	nodeNull nodeKind = iota
	nodeScalar
	nodeMap
	nodeSeq
)

func (k nodeKind) String() string {
	switch k {
	case nodeScalar:
		return "a scalar"
	case nodeMap:
		return "a mapping"
	case nodeSeq:
		return "a sequence"
	}
	return "null"
}

// scalarKind is the YAML core schema type of a scalar.
type scalarKind uint8

const (
	scalarString scalarKind = iota
	scalarInt
	scalarFloat
	scalarBool
)

func (k scalarKind) String() string {
	switch k {
	case scalarInt:
		return "integer"
	case scalarFloat:
		return "number"
	case scalarBool:
		return "boolean"
	}
	return "string"
}

// ynode is one YAML node. A mapping keeps its keys in order (keys[i] is a
// scalar, vals[i] its value); a sequence keeps its items in vals. Nodes
// reached through an alias are shared, not copied.
type ynode struct {
	kind      nodeKind
	sk        scalarKind
	text      string
	line, col int
	// vcol is the column of the value's first character when the scalar
	// stands on one line (after an opening quote), else 0.
	vcol int
	keys []*ynode
	vals []*ynode
}

// get returns the value of key in a mapping (nil when absent).
func (n *ynode) get(key string) *ynode {
	if n == nil || n.kind != nodeMap {
		return nil
	}
	for i, k := range n.keys {
		if k.text == key {
			return n.vals[i]
		}
	}
	return nil
}

// str returns a scalar's text ("" for anything else).
func (n *ynode) str() string {
	if n == nil || n.kind != nodeScalar {
		return ""
	}
	return n.text
}

// document is one YAML document of one file.
type document struct {
	file  string
	index int // 0-based document number in its file
	root  *ynode
}

func (d *document) pos(n *ynode, path string) Pos {
	p := Pos{File: d.file, Path: path}
	if n != nil {
		p.Line, p.Col = n.line, n.col
	}
	return p
}

// parseYAML turns one file's bytes into documents. Empty documents are
// skipped. Every error is a *FieldError with the file and, where known, the
// line and column.
func parseYAML(file string, data []byte) ([]*document, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if err := precheck(file, data); err != nil {
		return nil, err
	}
	// Documents are parsed one at a time, so that the parser's AST (some
	// hundred bytes per input byte) never holds more than one document.
	var docs []*document
	index := 0
	for _, c := range splitDocuments(data) {
		if len(c.data) > MaxDocumentSize {
			return nil, &FieldError{File: file, Line: c.line, Err: fmt.Errorf("a document of %d bytes; at most %d (4 MiB): split it into several documents", len(c.data), MaxDocumentSize)}
		}
		f, err := safeParse(c.data)
		if err != nil {
			fe := syntaxError(file, c.data, err).(*FieldError)
			if fe.Line > 0 {
				fe.Line += c.line - 1
			}
			return nil, fe
		}
		for _, d := range f.Docs {
			if d == nil || d.Body == nil {
				continue
			}
			tb := treeBuilder{file: file, off: c.line - 1, anchors: map[string]*ynode{}, sizes: map[*ynode]int{}}
			root, _, err := tb.conv(d.Body, 0)
			if err != nil {
				return nil, err
			}
			if root == nil || root.kind == nodeNull {
				continue
			}
			docs = append(docs, &document{file: file, index: index, root: root})
			index++
		}
	}
	return docs, nil
}

// chunk is the text of one YAML document and the line it starts on.
type chunk struct {
	data []byte
	line int
}

// splitDocuments cuts a YAML stream before every document marker ("---" at
// column 0, which ends any scalar in YAML) and after every end marker
// ("..."). Directives ("%YAML") stay with the document they precede.
func splitDocuments(data []byte) []chunk {
	var out []chunk
	start, startLine := 0, 1
	content := false // the current chunk holds more than directives, comments and blanks
	line := 1
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		next := len(data)
		if end >= 0 {
			next = off + end + 1
		}
		l := data[off:next]
		marker := func(m string) bool {
			return bytes.HasPrefix(l, []byte(m)) && (len(l) == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\n' || l[3] == '\r')
		}
		switch {
		case marker("---"):
			if content {
				out = append(out, chunk{data[start:off], startLine})
				start, startLine = off, line
			}
			content = true
		case marker("..."):
			out = append(out, chunk{data[start:next], startLine})
			start, startLine, content = next, line+1, false
		default:
			t := bytes.TrimSpace(l)
			if len(t) > 0 && t[0] != '#' && !(t[0] == '%' && l[0] == '%') {
				content = true
			}
		}
		off = next
		line++
	}
	if start < len(data) {
		out = append(out, chunk{data[start:], startLine})
	}
	return out
}

// safeParse runs the YAML parser, turning a panic inside it into an error:
// bad input must never crash calisim.
func safeParse(data []byte) (f *ast.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("the YAML parser failed on this input: %v", r)
		}
	}()
	return parser.ParseBytes(data, 0)
}

var rangeInFlow = regexp.MustCompile(`\{\s*[^{}]*:\s*[^"'{}\s,]*\{[0-9]+\.\.[0-9]+\}`)

// syntaxError converts a parser error into a FieldError at its position.
func syntaxError(file string, data []byte, err error) error {
	fe := &FieldError{File: file}
	msg := err.Error()
	var ye yaml.Error
	if errors.As(err, &ye) {
		msg = ye.GetMessage()
		if tk := ye.GetToken(); tk != nil {
			fe.Line, fe.Col = tk.Position.Line, tk.Position.Column
			// The commonest mistake: an unquoted node range inside a flow
			// mapping, where YAML reads "{" as the start of a mapping.
			if rangeInFlow.MatchString(lineOf(data, fe.Line)) {
				msg += `; quote a range inside a flow mapping: {name: "w-{1..20}"}`
			}
		}
	}
	fe.Err = fmt.Errorf("YAML syntax: %s", msg)
	return fe
}

func lineOf(data []byte, line int) string {
	for i := 1; i < line; i++ {
		j := bytes.IndexByte(data, '\n')
		if j < 0 {
			return ""
		}
		data = data[j+1:]
	}
	if j := bytes.IndexByte(data, '\n'); j >= 0 {
		data = data[:j]
	}
	return string(data)
}

// precheck refuses binary input and nesting that would make the YAML parser
// slow, before the parser sees it.
func precheck(file string, data []byte) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return &FieldError{File: file, Err: errors.New("no documents: the file is empty")}
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		l, c := lineCol(data, i)
		return &FieldError{File: file, Line: l, Col: c, Err: errors.New("a NUL byte: this is binary data, not YAML")}
	}
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		l, c := lineCol(data, i)
		return &FieldError{File: file, Line: l, Col: c, Err: errors.New("not valid UTF-8: this is binary data, not YAML")}
	}
	depth, docs, line := 0, 0, 1
	lineStart := true
	indent := 0
	inComment := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == '\n' {
			line++
			lineStart, indent, inComment = true, 0, false
			continue
		}
		if inComment {
			continue
		}
		if lineStart {
			if c == ' ' || c == '-' && (i+1 == len(data) || data[i+1] == ' ' || data[i+1] == '\n') {
				indent++
				if indent > maxIndent {
					return &FieldError{File: file, Line: line, Err: fmt.Errorf("nesting deeper than %d columns", maxIndent)}
				}
				continue
			}
			if indent == 0 && (bytes.HasPrefix(data[i:], []byte("---")) || bytes.HasPrefix(data[i:], []byte("..."))) {
				docs++
				if docs > MaxDocuments {
					return &FieldError{File: file, Line: line, Err: fmt.Errorf("more than %d documents", MaxDocuments)}
				}
			}
			lineStart = false
		}
		switch c {
		case '#':
			if i == 0 || data[i-1] == ' ' || data[i-1] == '\t' {
				inComment = true
			}
		case '[', '{':
			depth++
			if depth > maxFlowDepth {
				l, col := lineCol(data, i)
				return &FieldError{File: file, Line: l, Col: col, Err: fmt.Errorf("brackets nested deeper than %d", maxFlowDepth)}
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return nil
}

func lineCol(data []byte, off int) (int, int) {
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - bytes.LastIndexByte(data[:off], '\n')
	return line, col
}

// treeBuilder converts one document's AST, resolving anchors and aliases
// with a budget.
type treeBuilder struct {
	file       string
	off        int // lines before the document's chunk
	anchors    map[string]*ynode
	sizes      map[*ynode]int // nodes under an anchored node, aliases expanded
	aliasNodes int
}

func (tb *treeBuilder) errAt(n ast.Node, format string, args ...any) error {
	fe := &FieldError{File: tb.file, Err: fmt.Errorf(format, args...)}
	if n != nil {
		if tk := n.GetToken(); tk != nil {
			fe.Line, fe.Col = tk.Position.Line+tb.off, tk.Position.Column
		}
	}
	return fe
}

func satAdd(a, b int) int {
	if s := a + b; s >= a && s < 1<<40 {
		return s
	}
	return 1 << 40
}

// conv returns the converted node and the number of nodes it stands for
// (aliases counted as their expansion).
func (tb *treeBuilder) conv(n ast.Node, depth int) (*ynode, int, error) {
	if depth > MaxDepth {
		return nil, 0, tb.errAt(n, "nested deeper than %d levels", MaxDepth)
	}
	if n == nil {
		return &ynode{kind: nodeNull}, 1, nil
	}
	pos := func(y *ynode) *ynode {
		if tk := n.GetToken(); tk != nil {
			y.line, y.col = tk.Position.Line+tb.off, tk.Position.Column
		}
		return y
	}
	switch n := n.(type) {
	case *ast.DocumentNode:
		return tb.conv(n.Body, depth)
	case *ast.NullNode:
		return pos(&ynode{kind: nodeNull}), 1, nil
	case *ast.StringNode:
		y := pos(&ynode{kind: nodeScalar, sk: scalarString, text: n.Value})
		if tk := n.GetToken(); tk != nil && !strings.Contains(strings.TrimRight(tk.Origin, " \t\r\n"), "\n") {
			y.vcol = y.col
			if tk.Type == token.SingleQuoteType || tk.Type == token.DoubleQuoteType {
				y.vcol++
			}
		}
		return y, 1, nil
	case *ast.LiteralNode:
		y := pos(&ynode{kind: nodeScalar, sk: scalarString})
		if n.Value != nil {
			y.text = n.Value.Value
		}
		return y, 1, nil
	case *ast.IntegerNode:
		return pos(&ynode{kind: nodeScalar, sk: scalarInt, text: n.GetToken().Value}), 1, nil
	case *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return pos(&ynode{kind: nodeScalar, sk: scalarFloat, text: n.GetToken().Value}), 1, nil
	case *ast.BoolNode:
		return pos(&ynode{kind: nodeScalar, sk: scalarBool, text: fmt.Sprint(n.Value)}), 1, nil
	case *ast.TagNode:
		y, size, err := tb.conv(n.Value, depth+1)
		if err != nil {
			return nil, 0, err
		}
		if n.Start != nil && n.Start.Value == "!!str" && y.kind == nodeScalar && y.sk != scalarString {
			c := *y
			c.sk = scalarString
			y = &c
		}
		return y, size, nil
	case *ast.AnchorNode:
		y, size, err := tb.conv(n.Value, depth+1)
		if err != nil {
			return nil, 0, err
		}
		if y.line == 0 {
			pos(y)
		}
		if n.Name != nil {
			tb.anchors[n.Name.GetToken().Value] = y
			tb.sizes[y] = size
		}
		return y, size, nil
	case *ast.AliasNode:
		name := ""
		if n.Value != nil && n.Value.GetToken() != nil {
			name = n.Value.GetToken().Value
		}
		y, ok := tb.anchors[name]
		if !ok {
			return nil, 0, tb.errAt(n, "alias *%s names no anchor defined before it", name)
		}
		size := tb.sizes[y]
		tb.aliasNodes = satAdd(tb.aliasNodes, size)
		if tb.aliasNodes > MaxAliasNodes {
			return nil, 0, tb.errAt(n, "alias expansion exceeds %d nodes in this document (an alias bomb?)", MaxAliasNodes)
		}
		return y, size, nil
	case *ast.MappingKeyNode:
		return tb.conv(n.Value, depth)
	case *ast.MappingValueNode:
		return tb.convMap(n, []*ast.MappingValueNode{n}, depth)
	case *ast.MappingNode:
		return tb.convMap(n, n.Values, depth)
	case *ast.SequenceNode:
		y := pos(&ynode{kind: nodeSeq})
		size := 1
		for _, v := range n.Values {
			c, s, err := tb.conv(v, depth+1)
			if err != nil {
				return nil, 0, err
			}
			if c.line == 0 {
				c.line, c.col = y.line, y.col
			}
			y.vals = append(y.vals, c)
			size = satAdd(size, s)
		}
		return y, size, nil
	case *ast.CommentNode, *ast.CommentGroupNode, *ast.DirectiveNode:
		return pos(&ynode{kind: nodeNull}), 1, nil
	}
	return nil, 0, tb.errAt(n, "unsupported YAML construct (%s)", n.Type())
}

func (tb *treeBuilder) convMap(at ast.Node, values []*ast.MappingValueNode, depth int) (*ynode, int, error) {
	y := &ynode{kind: nodeMap}
	size := 1
	var merged []*ynode // mappings merged in with <<, applied after the explicit keys
	for _, mv := range values {
		if mv == nil {
			continue
		}
		if _, ok := mv.Key.(*ast.MergeKeyNode); ok {
			v, s, err := tb.conv(mv.Value, depth+1)
			if err != nil {
				return nil, 0, err
			}
			size = satAdd(size, s)
			switch v.kind {
			case nodeMap:
				merged = append(merged, v)
			case nodeSeq:
				for _, item := range v.vals {
					if item.kind != nodeMap {
						return nil, 0, tb.errAt(mv.Value, "a merge key (<<) takes a mapping or a list of mappings")
					}
					merged = append(merged, item)
				}
			default:
				return nil, 0, tb.errAt(mv.Value, "a merge key (<<) takes a mapping or a list of mappings")
			}
			continue
		}
		k, _, err := tb.conv(mv.Key, depth+1)
		if err != nil {
			return nil, 0, err
		}
		if k.kind != nodeScalar {
			return nil, 0, tb.errAt(mv.Key, "a mapping key must be a plain value, not %s", k.kind)
		}
		v, s, err := tb.conv(mv.Value, depth+1)
		if err != nil {
			return nil, 0, err
		}
		if v.line == 0 {
			v.line, v.col = k.line, k.col
		}
		size = satAdd(size, s+1)
		y.keys = append(y.keys, k)
		y.vals = append(y.vals, v)
	}
	for _, m := range merged {
		for i, k := range m.keys {
			if y.get(k.text) == nil && !hasKey(y, k.text) {
				y.keys = append(y.keys, k)
				y.vals = append(y.vals, m.vals[i])
			}
		}
	}
	if len(y.keys) > 0 {
		y.line, y.col = y.keys[0].line, y.keys[0].col
	} else if tk := at.GetToken(); tk != nil {
		y.line, y.col = tk.Position.Line+tb.off, tk.Position.Column
	}
	return y, size, nil
}

func hasKey(n *ynode, key string) bool {
	for _, k := range n.keys {
		if k.text == key {
			return true
		}
	}
	return false
}
