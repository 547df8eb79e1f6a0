// raceEnabled = false in a plain build (no race build tag).
//go:build !race

package twins

const raceEnabled = false
