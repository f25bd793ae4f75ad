package reducto

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// ErrInsecureURL marks a URL refused because it would send data in clear
// text over the network: plain http:// to a host that is not loopback.
// Test with errors.Is.
var ErrInsecureURL = errors.New("plain http:// is allowed only for a loopback host (localhost, 127.0.0.0/8, ::1); use https://")

// CheckSecureURL checks a URL the app sends credentials or documents to
// (the API base URL, a public webhook URL): it must be an absolute https://
// URL with a host, or http:// to a loopback host (localhost, 127.0.0.0/8
// or ::1), where nothing leaves the machine. what names the URL in the
// error, e.g. "public URL". The error says what is allowed; a refusal of
// plain http matches ErrInsecureURL.
func CheckSecureURL(u, what string) error {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil {
		return fmt.Errorf("%s %q is not a valid URL (want https://host, or http:// only for localhost, 127.0.0.0/8 or ::1): %w", what, u, err)
	}
	return checkSecure(p, what, u)
}

// CheckBaseURL checks an API base URL (REDUCTO_BASE_URL, the settings'
// custom region) by CheckSecureURL's rule. An empty value is accepted: it
// means the default, BaseURLUS.
func CheckBaseURL(u string) error {
	if strings.TrimSpace(u) == "" {
		return nil
	}
	return CheckSecureURL(u, "API base URL")
}

// checkSecure applies the rule to a parsed URL; shown is how the URL
// appears in the error (presigned URLs hide their signed query).
func checkSecure(p *url.URL, what, shown string) error {
	switch {
	case p.Scheme == "https" && p.Host != "":
		return nil
	case p.Scheme == "http" && p.Host != "":
		if IsLoopbackHost(p.Hostname()) {
			return nil
		}
		return fmt.Errorf("%s %q: %w", what, shown, ErrInsecureURL)
	default:
		return fmt.Errorf("%s %q must be an absolute https:// URL (plain http:// only for localhost, 127.0.0.0/8 or ::1)", what, shown)
	}
}

// IsLoopbackHost reports whether host (a name or an address, without a
// port or brackets) can only mean this machine: "localhost", an address in
// 127.0.0.0/8 or ::1. Other names are not resolved: what they point to can
// change after the check.
func IsLoopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
