package parser

import "testing"

func BenchmarkParse(b *testing.B) {
	src := "SELECT customer_id, COUNT(*) FILTER (WHERE event_type = 'purchase') AS n FROM events WHERE ts > now() - 30 DAYS GROUP BY customer_id"
	for i := 0; i < b.N; i++ {
		if _, err := Parse("", src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseError measures the error path, which probes the grammar
// to say what would have fitted.
func BenchmarkParseError(b *testing.B) {
	src := "SELECT customer_id, COUNT(*) FROM events WHERE ts > now() - 30 DAYS GRUOP BY customer_id"
	for i := 0; i < b.N; i++ {
		if _, err := Parse("", src); err == nil {
			b.Fatal("no error")
		}
	}
}
