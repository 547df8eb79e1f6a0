// Package twins holds the Go twins of claimbench's C++ analogues: for every check that compares
// two variants in C++, a Go benchmark of the same comparison, written the way the seeds write it.
// Standard library only; builds offline.
package twins
