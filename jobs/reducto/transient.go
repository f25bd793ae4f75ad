package reducto

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"syscall"
)

// IsTransient reports whether err is a failure that may go away if the
// same call is made again later, so a caller may keep retrying (with
// backoff, for minutes) instead of failing a job:
//   - 5xx, 408, 409 and 429 answers (Reducto overloaded, rate limited,
//     timed out, or a job in transition), unless the server said
//     x-should-retry: false;
//   - a submission whose outcome is unknown (ErrAmbiguous): retry it only
//     after looking the job up by its client reference;
//   - a connection refused, reset or cut short, a DNS failure, a network
//     timeout, or a context deadline (a per-attempt timeout).
//
// It is false for clear answers (other 4xx, including a gone job and a bad
// key), for a refused insecure URL, for certificate errors, and for a
// cancelled context: the caller itself gave up.
func IsTransient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, ErrInsecureURL) {
		return false
	}
	if IsAmbiguous(err) {
		return true
	}
	if ae, ok := asAPIError(err); ok {
		return ae.Retryable
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) {
		return false // a wrong certificate does not fix itself
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNABORTED) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ETIMEDOUT) || errors.Is(err, syscall.ENETUNREACH) ||
		errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var netErr net.Error
	var opErr *net.OpError
	var dnsErr *net.DNSError
	return errors.As(err, &netErr) || errors.As(err, &opErr) || errors.As(err, &dnsErr)
}
