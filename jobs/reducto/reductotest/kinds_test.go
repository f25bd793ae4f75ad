package reductotest

import (
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
)

// TestEveryKindSimulated: the simulator serves every kind the app knows,
// each registered from its own file; an async kind has a result and a
// listing type.
func TestEveryKindSimulated(t *testing.T) {
	for _, k := range jobs.Kinds() {
		sk, ok := simKinds[string(k.Kind)]
		if !ok || sk.routes == nil {
			t.Errorf("%s: not simulated (registerKind)", k.Kind)
			continue
		}
		if (sk.result == nil) != (sk.typ == "") {
			t.Errorf("%s: a result %v but a listing type %q", k.Kind, sk.result != nil, sk.typ)
		}
	}
}
