// raceEnabled = true in a `go test -race` build (the race build tag), so each twin reports
// which binary it ran in.
//go:build race

package twins

const raceEnabled = true
