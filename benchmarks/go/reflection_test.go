// Go twin of BM_Reflection (claims/reflection-cost.toml): reading the int64 field "Updated"
// (7th of 8) of 256 structs directly, through reflect with the field index found once, and
// through reflect.Value.FieldByName on every read. Here it is Go's real reflect, not a model.
package twins

import (
	"reflect"
	"testing"
)

type reflectOrder struct {
	ID               int64
	Quantity, Status int32
	Price            float64
	Customer         int64
	Created          int64
	Updated          int64
	Shipped          int64
}

const reflectOrders = 256 // 14 KiB: in L1, as on the C++ side

var reflectSum int64

func reflectMakeOrders() []reflectOrder {
	orders := make([]reflectOrder, reflectOrders)
	for i := range orders {
		v := int64(i)
		orders[i] = reflectOrder{v, 1, 2, 3.0, v * 2, v * 3, v*5 + 1, v * 7}
	}
	return orders
}

// One op = one field read (the C++ op); the reads walk the 256 structs over and over.
// go tool objdump (go1.19.8), checked for each loop (none deleted; each result is summed):
//   - direct: per read a bounds check, IMULQ $0x38, MOVQ 0x28(..) and ADDQ, no call.
//   - cached: reflect.ValueOf(&orders[j]) is inlined and allocates nothing (a pointer is the
//     interface's data word): CMPB $0, reflect.dummy (escapes), the kind byte at +0x17 of the
//     *reflectOrder descriptor, the flag word. Then CALL reflect.Value.Elem and CALL
//     reflect.Value.Field (too big to inline; each checks the kind and builds a Value header
//     from the descriptors) and Int inlined as compares on the kind.
//   - uncached: the same ValueOf and Elem, then CALL reflect.Value.FieldByName →
//     rtype.FieldByName → structType.FieldByName: per field CALL reflect.name.name (decodes the
//     varint length from the name's bytes), a length compare, runtime.memequal for the two
//     7-byte names; then structType.Field(i), which decodes the name again, calls name.tag and
//     builds a StructField including its Index []int{i}: one 8-byte allocation per read in
//     go1.19 (allocs/op = 1). The 104-byte StructField goes back in memory: 4 duffzero and 7
//     duffcopy calls per read. Then FieldByIndex → Field. pprof of this loop: duffcopy 25%,
//     name.name + readVarint 20%, structType.FieldByName's own loop 13%, mallocgc 11%.
//
// Every result is summed into reflectSum, so no call is dead.
func BenchmarkReflection(b *testing.B) {
	orders := reflectMakeOrders()
	field, ok := reflect.TypeOf(reflectOrder{}).FieldByName("Updated")
	if !ok || len(field.Index) != 1 {
		b.Fatal("reflect found no field Updated")
	}
	idx := field.Index[0] // the cache: looked up once
	var expected int64
	for i := range orders {
		expected += orders[i].Updated
	}
	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		var sum int64
		for i := 0; i < b.N; i++ {
			sum += orders[i&(reflectOrders-1)].Updated
		}
		reflectSum = sum
	})
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		var sum int64
		for i := 0; i < b.N; i++ {
			sum += reflect.ValueOf(&orders[i&(reflectOrders-1)]).Elem().Field(idx).Int()
		}
		reflectSum = sum
	})
	b.Run("uncached", func(b *testing.B) {
		b.ReportAllocs()
		var sum int64
		for i := 0; i < b.N; i++ {
			sum += reflect.ValueOf(&orders[i&(reflectOrders-1)]).Elem().FieldByName("Updated").Int()
		}
		reflectSum = sum
	})
	var check int64
	for i := range orders {
		check += reflect.ValueOf(&orders[i]).Elem().FieldByName("Updated").Int()
	}
	if check != expected {
		b.Fatal("reflect read the wrong field")
	}
}
