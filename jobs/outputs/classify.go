package outputs

import "github.com/reductotray/reducto-tray/jobs"

// A classify writes its payload, {"category": ...}, as scan.classify.json.
func init() { renderers[jobs.KindClassify] = renderPayload }
