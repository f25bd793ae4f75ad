package receiver

import (
	"testing"

	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// openDeliveryLog opens the real SQLite history at path as the delivery
// log; reopening the same path is a restart on the same data folder.
func openDeliveryLog(t testing.TB, path string) (DeliveryLog, func()) {
	t.Helper()
	st, err := store.Open(path)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	return st, func() {
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	}
}

// newDeliveryLog opens a fresh SQLite history in t's temp dir, closed at
// the end of the test.
func newDeliveryLog(t testing.TB) DeliveryLog {
	t.Helper()
	l, closeLog := openDeliveryLog(t, t.TempDir()+"/history.db")
	t.Cleanup(closeLog)
	return l
}

// *store.Store is what main wires in as the delivery log.
var _ DeliveryLog = (*store.Store)(nil)

// *engine.Engine is what main wires in as the sink.
var _ Sink = (*engine.Engine)(nil)
