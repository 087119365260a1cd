package parser

import "testing"

func BenchmarkParseOK(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Parse("", "SELECT a FROM t WHERE x = 1")
	}
}

func BenchmarkParseErr(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Parse("", "SELECT a FROM t WHERE O0 A")
	}
}
