package ui

import (
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
)

// TestEveryKindHasFormAndView: each registered kind has its form section
// and its result view, registered from its own file; a kind missing one
// would show no options or no result without a switch to catch it.
func TestEveryKindHasFormAndView(t *testing.T) {
	for _, k := range jobs.Kinds() {
		if kindForms[k.Kind] == nil {
			t.Errorf("%s: no form section (registerKindForm)", k.Kind)
		}
		if kv, ok := kindViews[k.Kind]; !ok || kv.summary == nil || kv.object == nil {
			t.Errorf("%s: no result view (registerKindView)", k.Kind)
		}
		if kv := kindViews[k.Kind]; k.OnParse != (kv.chain != nil) {
			t.Errorf("%s: runs on a parse %v, but a chain one-off %v", k.Kind, k.OnParse, kv.chain != nil)
		}
	}
}
