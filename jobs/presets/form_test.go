package presets

import (
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
)

// TestEveryKindHasFormMapping: each registered kind maps its form options
// to its request and back, from its own file.
func TestEveryKindHasFormMapping(t *testing.T) {
	for _, k := range jobs.Kinds() {
		if m, ok := formMappings[k.Kind]; !ok || m.toRequest == nil || m.fromRequest == nil {
			t.Errorf("%s: no form mapping (registerForm)", k.Kind)
		}
	}
}
