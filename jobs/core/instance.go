package core

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/reductotray/reducto-tray/receiver/control"
)

// claimPatience is how long a launch keeps trying to either become the
// instance or hand its files to the one that is: long enough for an
// instance that is starting (or quitting) to get there.
const claimPatience = 60 * time.Second

// ClaimWith makes this process the one instance on the data folder home,
// or hands req (files, with the launch's --preset, which the running
// instance reads from its presets folder) to the instance that is.
// Exactly one of the results is set: srv when this process now owns the
// folder (serve requests with handle, Close srv after everything else
// stopped), resp when the request was handed over. Five launches at the
// same instant end with one instance and four hand-offs; a launch during a
// quit waits for the folder to be free.
func ClaimWith(ctx context.Context, home string, req control.Request, handle control.Handler) (srv *control.Server, resp *control.Response, err error) {
	ctx, cancel := context.WithTimeout(ctx, claimPatience)
	defer cancel()
	wait := 20 * time.Millisecond
	for {
		r, err := control.Send(ctx, home, req)
		if err == nil {
			return nil, &r, nil
		}
		if !errors.Is(err, control.ErrNoInstance) && !errors.Is(err, control.ErrQuitting) {
			return nil, nil, fmt.Errorf("the running instance did not take the files: %w", err)
		}
		srv, err := control.Listen(home, handle)
		if err == nil {
			return srv, nil, nil
		}
		if !errors.Is(err, control.ErrAlreadyRunning) {
			return nil, nil, fmt.Errorf("claim the data folder %s: %w", home, err)
		}
		// Another process owns the folder but is not answering yet (it is
		// starting) or any more (it is quitting): ask again shortly.
		select {
		case <-ctx.Done():
			return nil, nil, fmt.Errorf("another Reducto Tray holds %s but did not answer in %s", home, claimPatience)
		case <-time.After(wait):
		}
		wait = min(2*wait, 500*time.Millisecond)
	}
}
