package control

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// Send hands req to the instance running on the data folder home. Relative
// paths in req.Open are made absolute against the caller's working
// directory. It returns an error satisfying errors.Is(err, ErrNoInstance)
// when nobody listens, and a *RemoteError when the instance refused.
func Send(ctx context.Context, home string, req Request) (Response, error) {
	open, err := absolutePaths(req.Open)
	if err != nil {
		return Response{}, err
	}
	req.Open = open

	conn, auth, err := dialPlatform(ctx, home)
	if err != nil {
		return Response{}, err
	}
	defer conn.Close()

	deadline := time.Now().Add(ioTimeout + handleTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := conn.SetDeadline(deadline); err != nil {
		return Response{}, fmt.Errorf("control deadline: %w", err)
	}
	// A cancelled context must unblock the read, not only a deadline.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()

	b, err := json.Marshal(wireRequest{Request: req, Auth: hex.EncodeToString(auth)})
	if err != nil {
		return Response{}, fmt.Errorf("encode control request: %w", err)
	}
	if len(b) > MaxRequestSize {
		return Response{}, fmt.Errorf("control request of %d bytes exceeds %d", len(b), MaxRequestSize)
	}
	if _, err := conn.Write(append(b, '\n')); err != nil {
		return Response{}, fmt.Errorf("send control request: %w", err)
	}
	line, err := readLine(bufio.NewReader(conn), maxResponseSize)
	if err != nil {
		if ctx.Err() != nil {
			return Response{}, fmt.Errorf("read control reply: %w", ctx.Err())
		}
		return Response{}, fmt.Errorf("read control reply: %w", err)
	}
	var resp wireResponse
	if err := json.Unmarshal(line, &resp); err != nil {
		return Response{}, fmt.Errorf("decode control reply: %w", err)
	}
	if resp.Error == ErrQuitting.Error() {
		return resp.Response, ErrQuitting
	}
	if resp.Error != "" {
		return resp.Response, &RemoteError{Msg: resp.Error}
	}
	return resp.Response, nil
}
