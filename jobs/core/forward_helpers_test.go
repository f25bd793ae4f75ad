package core

import (
	"net"
	"time"

	"github.com/reductotray/reducto-tray/jobs/backoff"
	"github.com/reductotray/reducto-tray/jobs/store"
	"github.com/reductotray/reducto-tray/receiver/forward"
)

func newLoopbackListener() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

func listenOn(addr string) (net.Listener, error) { return net.Listen("tcp", addr) }

// newTestForwarder is the core's forwarder with retries every few
// milliseconds.
func newTestForwarder(st *store.Store, h *deliveryHub) *forward.Forwarder {
	return forward.New(forward.Config{
		Store:  forwardStore{st},
		Policy: backoff.Policy{Min: 5 * time.Millisecond, Max: 20 * time.Millisecond, Factor: 2, Jitter: -1},
		Logger: quietLogger(),
	})
}
