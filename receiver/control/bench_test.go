package control

import (
	"context"
	"testing"
)

// BenchmarkHandOff measures one Send to a live instance: dial, request,
// handler, reply.
func BenchmarkHandOff(b *testing.B) {
	home := b.TempDir()
	s, err := Listen(home, (&recorder{}).handle)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	req := Request{Open: []string{"/tmp/a.pdf", "/tmp/b.pdf"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Send(ctx, home, req); err != nil {
			b.Fatal(err)
		}
	}
}
