// Package selector parses and evaluates Calico label selectors.
//
// Input: a selector expression as Calico writes it ("app == 'web' && has(tier)").
// Output: a compiled, immutable Selector that answers Matches for a label set
// without allocating, and prints a canonical form that parses back to itself.
//
// The language and its corner cases follow Calico's libcalico-go selector
// parser: only spaces and tabs are blanks, string literals take single or
// double quotes and have no escapes, "" means all(), a run of "!" collapses to
// one negation or none, sets may end with a comma, and global() matches
// everything when a selector is evaluated as such. In a rule's
// namespaceSelector Calico gives all() and global() their own meaning
// (namespaced entities only, non-namespaced entities only); MatchesNamespace
// models that.
package selector
