package notify

import (
	"testing"

	"github.com/reductotray/reducto-tray/ui/internal/fakedesktop"
)

// TestMain puts the whole test binary on a private session bus with a fake
// notification server before beeep's first call caches the bus.
func TestMain(m *testing.M) { fakedesktop.Main(m) }
