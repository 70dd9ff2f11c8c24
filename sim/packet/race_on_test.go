//go:build race

package packet

// raceEnabled: the race detector slows walks several times over, so time
// budgets are not checked.
const raceEnabled = true
