// Package ipam assigns IPAM blocks to nodes and addresses to pods, as Calico's
// IPAM does, deterministically.
//
// Input: a topology.Scenario (nodes in scenario order, IPPools sorted by name
// and defaulted, pods in workload order and placed on nodes). Output: an
// Allocation: the blocks each node holds, each node's tunnel address, each
// pod's address, exhausted pods, overlapping pools and the capacity figures.
// Blocks are never released, so each pool keeps a cursor and a pool costs
// memory only for the blocks it hands out, never for the blocks it could.
package ipam
