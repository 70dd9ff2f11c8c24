// Package iproute takes `ip route` lines apart and matches them as DESIGN.md's
// expectations do: same type and destination, and every `key value` pair and
// flag of the expected line present in the table's line with the same value.
//
// Input: lines as iproute2 prints them. Output: Line values and matches.
// The twin's expectations (package sim) and calisim verify's comparison
// with real tables use the same rule.
package iproute
