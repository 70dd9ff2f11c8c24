// Package gobgp runs a BGP plan with real GoBGP speakers, in process, as a
// cross-check of the model engine.
//
// Input: a bgp.Plan. Output: a bgp.Result, as the model engine gives one.
// Every speaker is a GoBGP BgpServer listening on its own loopback address
// (127.B.x.y, B chosen per process; TCP/179 when the process may bind it,
// else a port per speaker); the sessions are real TCP connections over
// loopback, the routes real BGP UPDATEs. Next hops are set and read back in underlay addresses. The engine
// binds loopback only, refuses more than MaxSpeakers speakers, and leaves no
// socket and no goroutine behind when it returns.
package gobgp
