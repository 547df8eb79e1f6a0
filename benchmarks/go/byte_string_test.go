// Go twin of BM_ByteString (claims/byte-string-conversion.toml): a key held as []byte used as
// a string, by conversion (copy), without a copy, and as a map key with and without the
// compiler's m[string(b)] optimisation.
package twins

import (
	"strconv"
	"testing"
	"unsafe"
)

const byteStringKeys = 256 // one op = one key; the loop walks the 256 keys over and over

func byteStringKeysOf(length int) [][]byte {
	keys := make([][]byte, byteStringKeys)
	for i := range keys {
		k := []byte(strconv.Itoa(i) + "-")
		for len(k) < length {
			k = append(k, 'x')
		}
		keys[i] = k[:length:length]
	}
	return keys
}

var (
	byteStringSink  string
	byteStringFound int
)

// Sub-benchmarks (go1.19.8, checked with -gcflags=-m and go tool objdump):
//   - copy: byteStringSink = string(k): "string(k) escapes to heap", a CALL to
//     runtime.slicebytetostring with a nil buffer, so mallocgc and a memmove for any length
//     above one byte (7 bytes too: Go has no small-string buffer inside the string header).
//   - view: the zero-copy conversion (unsafe: the string header is the slice header's first two
//     words; Go 1.20's unsafe.String is the same), no call.
//   - lookup-temp: s := string(k) stored to byteStringSink, then m[s]: the conversion escapes,
//     so it allocates and copies, then mapaccess1_faststr. This is the lookup "if the compiler
//     did copy" (what k := string(b) that escapes costs).
//   - lookup-view: m[string(k)]: the compiler's special case, slicebytetostringtmp (no copy,
//     no call) feeding mapaccess1_faststr.
//   - lookup-local (not in the C++ suite): s := string(k) that does not escape: the compiler
//     gives slicebytetostring a 32-byte stack buffer, so up to 32 bytes it copies but does
//     not allocate.
func BenchmarkByteString(b *testing.B) {
	for _, n := range []int{7, 32} {
		keys := byteStringKeysOf(n)
		m := make(map[string]int, byteStringKeys)
		for i, k := range keys {
			m[string(k)] = i
		}
		suffix := "/len:" + strconv.Itoa(n)
		b.Run("copy"+suffix, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				byteStringSink = string(keys[i&(byteStringKeys-1)])
			}
		})
		if n == 32 {
			b.Run("view"+suffix, func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					k := keys[i&(byteStringKeys-1)]
					byteStringSink = *(*string)(unsafe.Pointer(&k))
				}
			})
		}
		b.Run("lookup-temp"+suffix, func(b *testing.B) {
			b.ReportAllocs()
			found := 0
			for i := 0; i < b.N; i++ {
				s := string(keys[i&(byteStringKeys-1)])
				byteStringSink = s
				found += m[s]
			}
			byteStringFound = found
		})
		b.Run("lookup-view"+suffix, func(b *testing.B) {
			b.ReportAllocs()
			found := 0
			for i := 0; i < b.N; i++ {
				found += m[string(keys[i&(byteStringKeys-1)])]
			}
			byteStringFound = found
		})
		b.Run("lookup-local"+suffix, func(b *testing.B) {
			b.ReportAllocs()
			found := 0
			for i := 0; i < b.N; i++ {
				s := string(keys[i&(byteStringKeys-1)])
				found += m[s]
			}
			byteStringFound = found
		})
	}
}
