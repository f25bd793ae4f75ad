package settings

import (
	"fmt"
	"net/url"
)

// CheckForwardURL checks a forward target (Settings' ForwardTargets,
// --forward): an absolute http or https URL with a host. Plain http is
// allowed anywhere: targets are the user's own handlers, usually on
// localhost.
func CheckForwardURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("forward target %q is not a URL: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("forward target %q must be an http:// or https:// URL", raw)
	}
	if u.Host == "" || u.Hostname() == "" {
		return fmt.Errorf("forward target %q has no host", raw)
	}
	return nil
}
