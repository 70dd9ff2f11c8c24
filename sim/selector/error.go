package selector

import "fmt"

// SyntaxError is a selector Calico would refuse.
type SyntaxError struct {
	Expr string // the selector as given
	Col  int    // 1-based column (in characters) of the problem
	Msg  string
}

// Error prints the column and the problem, e.g.
// `col 3: expected "==", "!=", "in", "not in", "contains", "starts with" or "ends with" after label "a"`.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("col %d: %s", e.Col, e.Msg)
}
