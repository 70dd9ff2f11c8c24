// Package printer writes calisim's results as tables, JSON or YAML. Printers
// show what a result already holds and compute nothing; they write to an
// io.Writer so that commands and tests can capture them.
package printer
