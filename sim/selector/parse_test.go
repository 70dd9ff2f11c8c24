package selector

import (
	"errors"
	"strings"
	"testing"
)

func TestCanonical(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// Calico's canonicalisationTests (parser_test.go).
		{"empty", "", "all()"},
		{"all blanks", " all() ", "all()"},
		{"all in parens", " (all() )", "all()"},
		{"not or", `! (has( b)||! has(a ))`, "!(has(b) || !has(a))"},
		{"not and", `! (a == "b"&&! c != "d")`, `!(a == "b" && !c != "d")`},
		{"single quote in double", `a == "'"`, `a == "'"`},
		{"double quote in single", `a == '"'`, `a == '"'`},
		{"contains double quote", `a contains '"'`, `a contains '"'`},
		{"contains single quote", `a contains "'"`, `a contains "'"`},
		{"startswith", `a startswith '"'`, `a starts with '"'`},
		{"endswith", `a endswith "'"`, `a ends with "'"`},
		{"ne no blanks", `a!='"'`, `a != '"'`},
		{"set one", `a in {"d"}`, `a in {"d"}`},
		{"set two", `a in {"a", "b"}`, `a in {"a", "b"}`},
		{"set sorted", `a in {"d", "a", "b"}`, `a in {"a", "b", "d"}`},
		{"set sorted 4", `a in {"z", "x", "y", "a"}`, `a in {"a", "x", "y", "z"}`},
		{"set deduplicated", `a in {"z", "z", "x", "y", "x", "a"}`, `a in {"a", "x", "y", "z"}`},
		// Ours.
		{"tabs", "\ta\t==\t'b'\t", `a == "b"`},
		{"blank only", " \t ", "all()"},
		{"global", " global( ) ", "global()"},
		{"keys", "projectcalico.org/namespace == 'prod' && kubernetes.io/hostname in {'n-1'}",
			`(projectcalico.org/namespace == "prod" && kubernetes.io/hostname in {"n-1"})`},
		{"or of ands", "a == 'x' && b == 'y' || c == 'z'", `((a == "x" && b == "y") || c == "z")`},
		{"and of or", "a == 'x' && (b == 'y' || c == 'z')", `(a == "x" && (b == "y" || c == "z"))`},
		{"flat and", "has(a) && has(b) && has(c)", "(has(a) && has(b) && has(c))"},
		{"nested and kept", "has(a) && (has(b) && has(c))", "(has(a) && (has(b) && has(c)))"},
		{"double not collapses", "!!has(a)", "has(a)"},
		{"triple not", "! !! has(a)", "!has(a)"},
		{"not of not in parens", "!(!has(a))", "has(a)"},
		{"not of parenthesised leaf", "!(a == 'b')", `!a == "b"`},
		{"not in", "a not in {'b'}", `a not in {"b"}`},
		{"notin", "a notin{'b'}", `a not in {"b"}`},
		{"not  in", "a not \t in {'b'}", `a not in {"b"}`},
		{"starts  with", "a starts   with 'b'", `a starts with "b"`},
		{"empty set", "a in {}", "a in {}"},
		{"trailing comma", "a in {'b',}", `a in {"b"}`},
		{"empty literal", "a == ''", `a == ""`},
		{"blanks in literal", "a == ' b c '", `a == " b c "`},
		{"utf-8 literal", "a == 'héllo'", `a == "héllo"`},
		{"label named like keyword", "has == 'x' && in in {'y'} && contains contains 'z'",
			`(has == "x" && in in {"y"} && contains contains "z")`},
		{"label has prefix", "hasty == 'x'", `hasty == "x"`},
		{"not all", "!all()", "!all()"},
		{"many parens", "((((has(a)))))", "has(a)"},
		{"mixed quotes set", `a in {'"', "'"}`, `a in {'"', "'"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if got := s.String(); got != tc.want {
				t.Errorf("Parse(%q).String() = %q, want %q", tc.in, got, tc.want)
			}
			s2, err := Parse(s.String())
			if err != nil {
				t.Fatalf("Parse(%q) (canonical): %v", s.String(), err)
			}
			if !s2.Equal(s) || s2.String() != s.String() {
				t.Errorf("round trip: %q became %q", s.String(), s2.String())
			}
		})
	}
}

func TestSyntaxError(t *testing.T) {
	tests := []struct {
		name, in string
		col      int
		msg      string // a part of the message
	}{
		{"label alone", "b", 2, `expected "==", "!=", "in", "not in", "contains", "starts with" or "ends with" after label "b", found end of selector`},
		{"two labels", "a b", 3, `expected "==", "!=", "in", "not in", "contains", "starts with" or "ends with" after label "a"`},
		{"unquoted value", "b == b", 6, `expected a quoted string after "==", found label "b"`},
		{"unquoted contains", "b contains b", 12, `expected a quoted string after "contains"`},
		{"literal first", "'b1' == b", 1, `found string "b1"`},
		{"lone not", "!", 2, "found end of selector"},
		{"single amp", `foo == "bar" &`, 14, `expected "&&", found "&"`},
		{"single bar", `foo == "bar" |`, 14, `expected "||", found "|"`},
		{"ne then or", "foo != ||", 8, `expected a quoted string after "!=", found "||"`},
		{"set not closed", `foo in {"", ||`, 13, `expected a quoted string or "}" in the set, found "||"`},
		{"set without braces", `foo in ""`, 8, `expected "{" after "in", found string ""`},
		{"unterminated double", `"FOO`, 1, "unterminated string: no closing \""},
		{"unterminated single", `a == 'FOO`, 6, "unterminated string: no closing '"},
		{"open paren", "(", 2, "found end of selector"},
		{"unclosed paren", `(a == "foo"`, 12, `expected ")" to close the "(" at col 1, found end of selector`},
		{"close paren", ")", 1, `found ")"`},
		{"empty parens", "()", 2, `found ")"`},
		{"percent", "%", 1, `expected a label, found '%'`},
		{"percent after and", `a == "b" && %`, 13, `expected a label, found '%'`},
		{"dangling and", "has(foo) &&", 12, "found end of selector"},
		{"long label", strings.Repeat("a", MaxLabelLength+1) + ` == "v"`, 1, "label is 513 characters long, more than 512"},
		{"single equals", `label = "value"`, 7, `expected "==", found "="`},
		{"all open", "all(", 5, `expected ")" after "all(", found end of selector`},
		{"global open", "global( x", 9, `expected ")" after "global(", found 'x'`},
		{"has empty", "has()", 5, `expected a label, found ')'`},
		{"has open", "has( foo ", 10, `expected ")" to close "has(", found end of selector`},
		{"starts foo", `label starts foo "value"`, 7, "after label \"label\""},
		{"inf", `label inf "value"`, 7, "after label \"label\""},
		{"ends withs", `label ends withs "value"`, 7, "after label \"label\""},
		{"starts with label", `label starts with value`, 7, "after label \"label\""},
		{"newline is not blank", "a == 'b'\n", 9, `expected a label, found '\n'`},
		{"column counts characters", "a == 'é' b", 10, `unexpected label "b"`},
		{"has with space before paren", "has (a)", 5, `after label "has", found "("`},
		{"set of labels", "a in {b}", 7, `expected a quoted string or "}" in the set, found label "b"`},
		{"leading comma in set", "a in {,}", 7, `found ","`},
		{"trailing and or", "has(a) && || has(b)", 11, `found "||"`},
		{"not before operator", "a ! == 'b'", 3, `after label "a", found "!"`},
		{"literal after literal", "a == 'b' 'c'", 10, `unexpected string "c"`},
		{"too deep", strings.Repeat("(", MaxDepth+1) + "has(a)" + strings.Repeat(")", MaxDepth+1), MaxDepth + 1, "nested more than 1000 deep"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse(tc.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %q, want an error", tc.in, s)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q): %T, want *SyntaxError", tc.in, err)
			}
			if se.Expr != tc.in {
				t.Errorf("Expr = %q, want %q", se.Expr, tc.in)
			}
			if se.Col != tc.col {
				t.Errorf("Parse(%q): col %d, want %d (%v)", tc.in, se.Col, tc.col, err)
			}
			if !strings.Contains(se.Msg, tc.msg) {
				t.Errorf("Parse(%q): message %q, want it to contain %q", tc.in, se.Msg, tc.msg)
			}
			if want := "col "; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("Error() = %q, want it to start with %q", err.Error(), want)
			}
		})
	}
}

func TestDepthLimitAccepted(t *testing.T) {
	expr := strings.Repeat("(", MaxDepth) + "has(a)" + strings.Repeat(")", MaxDepth)
	s, err := Parse(expr)
	if err != nil {
		t.Fatalf("Parse at depth %d: %v", MaxDepth, err)
	}
	if !s.Matches(Map{"a": ""}) || s.Matches(Map{}) {
		t.Error("deeply nested has(a) matches wrongly")
	}
}

func TestUnmarshalText(t *testing.T) {
	var s Selector
	if err := s.UnmarshalText([]byte("a in {'y', 'x'}")); err != nil {
		t.Fatal(err)
	}
	text, err := s.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(text), `a in {"x", "y"}`; got != want {
		t.Errorf("MarshalText = %q, want %q", got, want)
	}
	if err := s.UnmarshalText([]byte("a ==")); err == nil {
		t.Error("UnmarshalText of a bad selector gave no error")
	}
}
