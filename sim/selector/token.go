package selector

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxLabelLength is the longest label key Calico accepts in a selector.
const MaxLabelLength = 512

type tokKind uint8

const (
	tEOF tokKind = iota
	tLabel
	tString
	tLBrace
	tRBrace
	tComma
	tEq
	tNe
	tIn
	tNotIn
	tContains
	tStartsWith
	tEndsWith
	tNot
	tAnd
	tOr
	tLParen
	tRParen
	tHas
	tAll
	tGlobal
)

// tokText is how each fixed token is written, for messages.
var tokText = [...]string{
	tEOF:        "end of selector",
	tLBrace:     `"{"`,
	tRBrace:     `"}"`,
	tComma:      `","`,
	tEq:         `"=="`,
	tNe:         `"!="`,
	tIn:         `"in"`,
	tNotIn:      `"not in"`,
	tContains:   `"contains"`,
	tStartsWith: `"starts with"`,
	tEndsWith:   `"ends with"`,
	tNot:        `"!"`,
	tAnd:        `"&&"`,
	tOr:         `"||"`,
	tLParen:     `"("`,
	tRParen:     `")"`,
	tAll:        `"all()"`,
	tGlobal:     `"global()"`,
}

// token is one lexeme. off is its byte offset in the expression; text is the
// label key (tLabel, tHas) or the unquoted literal (tString).
type token struct {
	kind tokKind
	off  int
	text string
}

func (t token) String() string {
	switch t.kind {
	case tLabel:
		return fmt.Sprintf("label %q", t.text)
	case tString:
		return fmt.Sprintf("string %q", t.text)
	case tHas:
		return fmt.Sprintf(`"has(%s)"`, t.text)
	}
	return tokText[t.kind]
}

const opAfterLabel = `"==", "!=", "in", "not in", "contains", "starts with" or "ends with"`

// lex splits expr into tokens ending with tEOF. As in Calico the whole
// expression is tokenized before parsing, and which words are operators
// depends on the token before: "contains", "starts with", "ends with",
// "not in" and "in" are operators right after a label (and only there), and
// after a label nothing but an operator or punctuation may follow.
func lex(expr string) ([]token, *SyntaxError) {
	toks := make([]token, 0, 8)
	i := 0
	for {
		i = skipBlanks(expr, i)
		if i == len(expr) {
			return append(toks, token{kind: tEOF, off: i}), nil
		}
		afterLabel := len(toks) > 0 && toks[len(toks)-1].kind == tLabel
		start := i
		kind := tEOF
		text := ""
		switch c := expr[i]; c {
		case '(':
			kind, i = tLParen, i+1
		case ')':
			kind, i = tRParen, i+1
		case '{':
			kind, i = tLBrace, i+1
		case '}':
			kind, i = tRBrace, i+1
		case ',':
			kind, i = tComma, i+1
		case '"', '\'':
			end := strings.IndexByte(expr[i+1:], c)
			if end < 0 {
				return nil, errAt(expr, i, "unterminated string: no closing %c", c)
			}
			kind, text, i = tString, expr[i+1:i+1+end], i+end+2
		case '=':
			if !strings.HasPrefix(expr[i:], "==") {
				return nil, errAt(expr, i, `expected "==", found "="`)
			}
			kind, i = tEq, i+2
		case '!':
			if strings.HasPrefix(expr[i:], "!=") {
				kind, i = tNe, i+2
			} else {
				kind, i = tNot, i+1
			}
		case '&':
			if !strings.HasPrefix(expr[i:], "&&") {
				return nil, errAt(expr, i, `expected "&&", found "&"`)
			}
			kind, i = tAnd, i+2
		case '|':
			if !strings.HasPrefix(expr[i:], "||") {
				return nil, errAt(expr, i, `expected "||", found "|"`)
			}
			kind, i = tOr, i+2
		default:
			var err *SyntaxError
			if afterLabel {
				kind, i, err = lexOperator(expr, i, toks[len(toks)-1].text)
			} else {
				kind, text, i, err = lexWord(expr, i)
			}
			if err != nil {
				return nil, err
			}
		}
		toks = append(toks, token{kind: kind, off: start, text: text})
	}
}

// lexOperator reads the word operator that must follow a label.
func lexOperator(expr string, i int, label string) (tokKind, int, *SyntaxError) {
	if j, ok := words(expr, i, "contains"); ok {
		return tContains, j, nil
	}
	if j, ok := words(expr, i, "starts", "with"); ok {
		return tStartsWith, j, nil
	}
	if j, ok := words(expr, i, "ends", "with"); ok {
		return tEndsWith, j, nil
	}
	if j, ok := words(expr, i, "not", "in"); ok {
		return tNotIn, j, nil
	}
	if j, ok := words(expr, i, "in"); ok {
		return tIn, j, nil
	}
	return tEOF, i, errAt(expr, i, "expected %s after label %q", opAfterLabel, label)
}

// words matches a word, or a sequence of words separated by optional blanks,
// followed by a non-label character or the end. As in Calico, the blanks
// after the last of several words are skipped before that check, and
// "startswith" and "notin" are accepted.
func words(expr string, i int, ws ...string) (int, bool) {
	j := i
	for _, w := range ws {
		if !strings.HasPrefix(expr[j:], w) {
			return i, false
		}
		j += len(w)
		if len(ws) > 1 {
			j = skipBlanks(expr, j)
		}
	}
	if j < len(expr) && isLabelChar(expr[j]) {
		return i, false
	}
	return j, true
}

// lexWord reads has(key), all(), global() or a label key.
func lexWord(expr string, i int) (tokKind, string, int, *SyntaxError) {
	switch {
	case strings.HasPrefix(expr[i:], "has("):
		j := skipBlanks(expr, i+len("has("))
		key, j, err := lexLabel(expr, j)
		if err != nil {
			return tEOF, "", i, err
		}
		j = skipBlanks(expr, j)
		if j == len(expr) || expr[j] != ')' {
			return tEOF, "", i, errAt(expr, j, `expected ")" to close "has(", found %s`, describeAt(expr, j))
		}
		return tHas, key, j + 1, nil
	case strings.HasPrefix(expr[i:], "all("):
		j, err := closeCall(expr, i, "all(")
		return tAll, "", j, err
	case strings.HasPrefix(expr[i:], "global("):
		j, err := closeCall(expr, i, "global(")
		return tGlobal, "", j, err
	}
	key, j, err := lexLabel(expr, i)
	return tLabel, key, j, err
}

// closeCall reads the ")" of all() or global().
func closeCall(expr string, i int, open string) (int, *SyntaxError) {
	j := skipBlanks(expr, i+len(open))
	if j == len(expr) || expr[j] != ')' {
		return i, errAt(expr, j, `expected ")" after %q, found %s`, open, describeAt(expr, j))
	}
	return j + 1, nil
}

// lexLabel reads a label key: letters, digits and "_./-", 1 to
// MaxLabelLength characters.
func lexLabel(expr string, i int) (string, int, *SyntaxError) {
	j := i
	for j < len(expr) && isLabelChar(expr[j]) {
		j++
	}
	switch {
	case j == i:
		return "", i, errAt(expr, i, "expected a label, found %s", describeAt(expr, i))
	case j-i > MaxLabelLength:
		return "", i, errAt(expr, i, "label is %d characters long, more than %d", j-i, MaxLabelLength)
	}
	return expr[i:j], j, nil
}

// describeAt names what stands at byte i of expr, for a message.
func describeAt(expr string, i int) string {
	if i >= len(expr) {
		return "end of selector"
	}
	r, _ := utf8.DecodeRuneInString(expr[i:])
	return fmt.Sprintf("%q", r)
}

func isLabelChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '.' || c == '/' || c == '-'
}

// skipBlanks skips spaces and tabs, the only blanks Calico knows.
func skipBlanks(expr string, i int) int {
	for i < len(expr) && (expr[i] == ' ' || expr[i] == '\t') {
		i++
	}
	return i
}

// errAt makes a SyntaxError at byte offset off of expr.
func errAt(expr string, off int, format string, args ...any) *SyntaxError {
	if off > len(expr) {
		off = len(expr)
	}
	return &SyntaxError{
		Expr: expr,
		Col:  utf8.RuneCountInString(expr[:off]) + 1,
		Msg:  fmt.Sprintf(format, args...),
	}
}
