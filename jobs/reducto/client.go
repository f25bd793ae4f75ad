package reducto

// THIS FILE IS A STUB so that the other packages compile; the client helper
// replaces it (keep the exported signatures, add what is missing).

import (
	"context"
	"errors"
)

// Client talks to the Reducto API.
type Client struct{}

// ConfigureWebhook returns the Svix portal URL.
func (c *Client) ConfigureWebhook(ctx context.Context) (string, error) {
	return "", errors.New("stub")
}
