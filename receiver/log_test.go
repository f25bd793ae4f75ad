package receiver

import (
	"sync"
	"testing"
)

// Until jobs.Store's RecordDeliveries lands, durable logs are stood in for
// by in-memory ones keyed by path, which survive a Server "restart" within
// the test process.
var (
	memLogsMu sync.Mutex
	memLogs   = map[string]*memLog{}
)

// openDeliveryLog opens the delivery log kept at path.
func openDeliveryLog(t testing.TB, path string) (DeliveryLog, func()) {
	t.Helper()
	memLogsMu.Lock()
	defer memLogsMu.Unlock()
	l, ok := memLogs[path]
	if !ok {
		l = newMemLog()
		memLogs[path] = l
	}
	return l, func() {}
}

// newDeliveryLog opens a fresh delivery log in t's temp dir, closed at the
// end of the test.
func newDeliveryLog(t testing.TB) DeliveryLog {
	t.Helper()
	l, closeLog := openDeliveryLog(t, t.TempDir()+"/history.db")
	t.Cleanup(closeLog)
	return l
}
