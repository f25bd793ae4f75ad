package relay

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// BenchmarkRelayRoundTrip measures one delivery through the client: event
// frame in, in-process handler, reply frame out, over loopback.
func BenchmarkRelayRoundTrip(b *testing.B) {
	relay := newFakeRelay(b)
	handler := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	startClient(b, Config{URL: relay.url, Home: b.TempDir(), Handler: handler, KeepAlive: time.Minute})
	rc := relay.next(b)
	body := base64.StdEncoding.EncodeToString([]byte(`{"job_id":"job-1","status":"Completed"}`))
	headers := map[string]string{"svix-id": "msg", "svix-timestamp": "1700000000", "svix-signature": "v1,x", "content-type": "application/json"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		rc.sendEvent(b, eventIn{ID: strconv.Itoa(i), Method: "POST", Headers: headers, Body: body})
		if out, _ := rc.readReply(b); out.Status != http.StatusNoContent {
			b.Fatalf("status %d", out.Status)
		}
	}
}
