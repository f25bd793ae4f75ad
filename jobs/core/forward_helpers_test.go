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
	return newTestForwarderWith(st, forward.Config{})
}

// newTestForwarderWith is newTestForwarder with cfg's other fields (a
// secret, a number of attempts).
func newTestForwarderWith(st *store.Store, cfg forward.Config) *forward.Forwarder {
	cfg.Store = forwardStore{st}
	cfg.Policy = backoff.Policy{Min: 5 * time.Millisecond, Max: 20 * time.Millisecond, Factor: 2, Jitter: -1}
	cfg.Logger = quietLogger()
	return forward.New(cfg)
}
