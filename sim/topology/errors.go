package topology

import (
	"fmt"
)

// Pos is where a value stood in its source file. The zero Pos means the value
// was made by calisim (a default), not read from a file.
type Pos struct {
	File string `json:"file,omitempty" yaml:"file,omitempty"`
	Line int    `json:"line,omitempty" yaml:"line,omitempty"`
	Col  int    `json:"col,omitempty" yaml:"col,omitempty"`
	// Path is the field path inside the document, e.g. spec.underlay.subnets[1].
	Path string `json:"path,omitempty" yaml:"path,omitempty"`
}

// IsValid reports whether p names a place in a file.
func (p Pos) IsValid() bool { return p.File != "" }

// String prints FILE:LINE:COL (or less, where less is known).
func (p Pos) String() string {
	switch {
	case p.File == "":
		return "<default>"
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// FieldError is a problem with one field of the input. Every error a user can
// fix by editing a file is a FieldError, so that the command line maps it to
// exit code 2 and prints it as FILE:LINE:COL: PATH: MESSAGE.
type FieldError struct {
	File string
	Path string // e.g. spec.underlay.subnets[1].cidr
	Line int
	Col  int
	Err  error
}

func (e *FieldError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, e.Line)
		if e.Col > 0 {
			loc = fmt.Sprintf("%s:%d", loc, e.Col)
		}
	}
	if e.Path == "" {
		return fmt.Sprintf("%s: %v", loc, e.Err)
	}
	return fmt.Sprintf("%s: %s: %v", loc, e.Path, e.Err)
}

func (e *FieldError) Unwrap() error { return e.Err }

// Errorf makes a FieldError at pos (whose Path is used when path is empty).
func Errorf(pos Pos, path string, format string, args ...any) *FieldError {
	if path == "" {
		path = pos.Path
	}
	return &FieldError{File: pos.File, Path: path, Line: pos.Line, Col: pos.Col, Err: fmt.Errorf(format, args...)}
}

// Warning is something the user should know about that does not stop the run:
// a kind calisim does not model, a field that is accepted but not modelled, a
// default underlay that was made up.
type Warning struct {
	Pos     Pos    `json:"pos"`
	Message string `json:"message"`
}

func (w Warning) String() string { return fmt.Sprintf("%s: %s", w.Pos, w.Message) }
