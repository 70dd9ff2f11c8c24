// Package birdcfg writes BIRD 1.6 configuration files the way Calico's confd
// templates (bird.cfg, bird_aggr.cfg, bird_ipam.cfg) write them for a node,
// and a plain configuration for an underlay router that speaks BGP.
//
// Input: a Node or a Router. Output: the files' contents.
package birdcfg
