package relay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

const (
	// dialTimeout bounds the websocket handshake.
	dialTimeout = 30 * time.Second
	// writeTimeout bounds sending one frame.
	writeTimeout = 10 * time.Second
	// handlerTimeout bounds one replayed delivery, as the CLI bounds its
	// local request.
	handlerTimeout = 30 * time.Second
	// maxFrame caps one incoming frame: a 1 MiB webhook (the receiver's
	// limit) grows by a third in base64, plus headers.
	maxFrame = 8 << 20
	// maxStartReads is how many data frames may precede the start reply.
	maxStartReads = 10
	// inUseReason is the close reason the relay gives when the token is
	// held by another connection (with close code 1008).
	inUseReason = "This socket is already in use"
)

var (
	errSilent    = errors.New("relay silent past the keepalive")
	errClockJump = errors.New("wall clock jumped (system sleep?)")
)

// publicURL is where senders deliver for the relay's reply token.
func publicURL(replyToken string) string {
	return "https://play.svix.com/in/" + replyToken + "/"
}

// session runs one connection: dial, handshake, then replay events until the
// connection fails, goes silent, or ctx ends. It always returns an error
// saying why the connection is over.
func (c *Client) session(ctx context.Context, token string) error {
	sctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	var last atomic.Int64 // monotonic time of the last sign of life
	touch := func() {
		_, mono := c.now()
		last.Store(int64(mono))
	}
	touch()

	dctx, dcancel := context.WithTimeout(sctx, dialTimeout)
	conn, resp, err := websocket.Dial(dctx, c.cfg.URL, &websocket.DialOptions{
		OnPingReceived: func(context.Context, []byte) bool { touch(); return true },
		OnPongReceived: func(context.Context, []byte) { touch() },
	})
	dcancel()
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		return fmt.Errorf("dial relay %s: %w", c.cfg.URL, err)
	}
	defer conn.CloseNow()
	conn.SetReadLimit(maxFrame)

	go c.watchdog(sctx, cancel, &last)

	// Prefer the watchdog's reason over the read error it provoked.
	why := func(err error) error {
		if cause := context.Cause(sctx); cause != nil {
			return cause
		}
		return err
	}

	replyToken, err := c.handshake(sctx, conn, "c_"+token, touch)
	if err != nil {
		return why(err)
	}
	url := publicURL(replyToken)
	c.setStatus(func(s *Status) { *s = Status{State: StateConnected, PublicURL: url} })
	c.log.Info("relay connected", "public_url", url)

	for {
		_, data, err := conn.Read(sctx)
		if err != nil {
			return why(closeError("relay connection lost", err))
		}
		touch()
		if err := c.dispatch(sctx, ctx, conn, data); err != nil {
			return why(err)
		}
	}
}

// handshake sends the start frame and waits for the relay's start reply,
// returning the token of the public URL.
func (c *Client) handshake(ctx context.Context, conn *websocket.Conn, wireToken string, touch func()) (string, error) {
	start, err := encodeFrame("start", startData{Token: wireToken})
	if err != nil {
		return "", fmt.Errorf("encode start: %w", err)
	}
	wctx, cancel := context.WithTimeout(ctx, writeTimeout)
	err = conn.Write(wctx, websocket.MessageText, start)
	cancel()
	if err != nil {
		return "", fmt.Errorf("relay handshake: send start: %w", err)
	}
	for range maxStartReads {
		_, data, err := conn.Read(ctx)
		if err != nil {
			return "", closeError("relay handshake", err)
		}
		touch()
		var f frame
		if err := json.Unmarshal(data, &f); err != nil {
			return "", fmt.Errorf("relay handshake: bad frame: %w", err)
		}
		if f.Type != "start" {
			continue
		}
		var sd startData
		if err := json.Unmarshal(f.Data, &sd); err != nil || sd.Token == "" {
			return "", fmt.Errorf("relay handshake: start reply without a token: %s", f.Data)
		}
		return sd.Token, nil
	}
	return "", fmt.Errorf("relay handshake: no start reply in %d frames", maxStartReads)
}

// closeError names what ended a read, singling out the token-in-use close.
func closeError(what string, err error) error {
	var ce websocket.CloseError
	if errors.As(err, &ce) {
		if ce.Code == websocket.StatusPolicyViolation && ce.Reason == inUseReason {
			return ErrTokenInUse
		}
		return fmt.Errorf("%s: relay closed the connection (%d %q)", what, ce.Code, ce.Reason)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// watchdog ends the session when the relay has been silent longer than the
// keepalive, or when the wall clock moved unlike the monotonic clock: after
// a suspend the socket is almost surely dead although, measured by the
// monotonic clock (which stops during sleep on Linux and macOS), no time
// has passed.
func (c *Client) watchdog(ctx context.Context, cancel context.CancelCauseFunc, last *atomic.Int64) {
	keep := c.cfg.KeepAlive
	t := time.NewTicker(max(keep/4, time.Millisecond))
	defer t.Stop()
	prevWall, prevMono := c.now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		wall, mono := c.now()
		jump := wall.Sub(prevWall) - (mono - prevMono)
		if jump > keep || jump < -keep {
			cancel(fmt.Errorf("%w by %s", errClockJump, jump.Round(time.Millisecond)))
			return
		}
		prevWall, prevMono = wall, mono
		if silent := mono - time.Duration(last.Load()); silent > keep {
			cancel(fmt.Errorf("%w: nothing for %s", errSilent, silent.Round(time.Millisecond)))
			return
		}
	}
}

// dispatch starts replaying an event frame. Events run concurrently so a
// slow handler never stops the read loop from answering pings; at most
// maxConcurrentEvents run at once. sctx is the connection's context, ctx the
// client's: a delivery in progress finishes even if the connection drops.
func (c *Client) dispatch(sctx, ctx context.Context, conn *websocket.Conn, data []byte) error {
	var f frame
	if err := json.Unmarshal(data, &f); err != nil {
		c.log.Warn("relay sent an unreadable frame; skipped", "err", err)
		return nil
	}
	if f.Type != "event" {
		return nil
	}
	var ev eventIn
	if err := json.Unmarshal(f.Data, &ev); err != nil {
		c.log.Warn("relay sent an unreadable event; skipped", "err", err)
		return nil
	}
	select {
	case c.sem <- struct{}{}:
	case <-sctx.Done():
		return context.Cause(sctx)
	}
	c.inflight.Add(1)
	go func() {
		defer c.inflight.Done()
		defer func() { <-c.sem }()
		c.replay(ctx, conn, ev)
	}()
	return nil
}

// replay runs one delivery through the handler and sends its answer back.
// If the event cannot be turned into a request nothing is answered, as the
// Svix CLI does: the sender times out and retries.
func (c *Client) replay(ctx context.Context, conn *websocket.Conn, ev eventIn) {
	hctx, cancel := context.WithTimeout(ctx, handlerTimeout)
	defer cancel()
	req, err := buildRequest(hctx, ev)
	if err != nil {
		c.log.Warn("relay event not replayable; left to the sender's retry", "err", err)
		return
	}
	reply := c.serve(req).reply(ev.ID)
	out, err := encodeFrame("event", reply)
	if err != nil {
		c.log.Error("encode relay reply", "id", ev.ID, "err", err)
		return
	}
	wctx, wcancel := context.WithTimeout(ctx, writeTimeout)
	defer wcancel()
	// Binary, like the Svix CLI's replies.
	if err := conn.Write(wctx, websocket.MessageBinary, out); err != nil {
		c.log.Warn("relay reply lost; the sender will retry", "id", ev.ID, "err", err)
		return
	}
	c.log.Debug("relayed delivery", "id", ev.ID, "status", reply.Status)
}

// serve calls the handler, turning a panic into a 500 so one bad delivery
// cannot take the app down.
func (c *Client) serve(req *http.Request) (rec *recorder) {
	rec = newRecorder()
	defer func() {
		if p := recover(); p != nil {
			c.log.Error("handler panicked on a relayed delivery", "panic", p)
			rec = newRecorder()
			rec.WriteHeader(http.StatusInternalServerError)
		}
	}()
	c.cfg.Handler.ServeHTTP(rec, req)
	return rec
}
