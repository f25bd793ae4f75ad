package receiver

import (
	"net"
	"net/url"
	"slices"
	"strings"
)

// hostAllowed reports whether a request's Host may see /healthz: a
// loopback name or address, the host of an address the receiver listens
// on, or the public URL's host. Anything else is a name the receiver does
// not answer to; a web page whose own name was rebound to 127.0.0.1 (DNS
// rebinding) still sends its own name, and so is refused. Ports are not
// compared: the name is what a rebinding attack cannot fake.
func (s *Server) hostAllowed(hostport string) bool {
	host := normHost(hostport)
	if host == "" {
		return false
	}
	if host == "localhost" {
		return true
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return true
	}
	if slices.Contains(s.listenHosts(), host) {
		return true
	}
	if s.cfg.PublicURL != nil {
		if u, err := url.Parse(s.cfg.PublicURL()); err == nil && u.Host != "" && host == normHost(u.Host) {
			return true
		}
	}
	return false
}

// normHost returns the host part of a Host value ("name", "name:port",
// "[v6]:port" or "[v6]"), lower-case and without a trailing dot.
func normHost(hostport string) string {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	return strings.TrimSuffix(strings.ToLower(host), ".")
}

// listenHosts returns the hosts of the configured address and of every
// listener Serve was given (its bound address, e.g. after port 0).
func (s *Server) listenHosts() []string {
	s.addrMu.Lock()
	defer s.addrMu.Unlock()
	return slices.Clone(s.addrs)
}

// addListenHost records the host of addr as one the receiver answers to.
func (s *Server) addListenHost(addr string) {
	h := normHost(addr)
	if h == "" {
		return
	}
	s.addrMu.Lock()
	defer s.addrMu.Unlock()
	if slices.Contains(s.addrs, h) {
		return
	}
	s.addrs = append(s.addrs, h)
}
