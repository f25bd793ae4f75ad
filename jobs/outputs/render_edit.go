package outputs

import (
	"bytes"
	"fmt"

	"github.com/reductotray/reducto-tray/jobs"
)

func init() { renderers[jobs.KindEdit] = renderEdit }

// renderEdit writes the filled document the history keeps (form.edit.pdf):
// the result itself only links to it, by a presigned URL that expires.
func renderEdit(_ []byte, document func() ([]byte, error)) ([][]byte, error) {
	doc, err := document()
	if err != nil {
		return nil, fmt.Errorf("the filled document: %w", err)
	}
	if !bytes.HasPrefix(doc, []byte("%PDF-")) {
		return nil, fmt.Errorf("the filled document kept in the history is not a PDF (%d bytes)", len(doc))
	}
	return [][]byte{doc}, nil
}
