package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/fetch"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/result"
	"github.com/reductotray/reducto-tray/jobs/safefs"
	"github.com/reductotray/reducto-tray/jobs/store"
)

func init() {
	registerSender(jobs.KindEdit, sendEdit)
	registerFinisher(jobs.KindEdit, keepFilledDocument)
}

// filledTimeout bounds the download of one filled document.
const filledTimeout = 5 * time.Minute

// sendEdit submits POST /edit_async in its legacy shape: the upload is
// document_url, and the async object's parts are top-level — priority,
// and a webhook that carries the metadata with the client reference even
// when no notification is wanted (mode "disabled"), so a lookup in GET
// /jobs' raw_config finds the job after a crash as for the other kinds.
func sendEdit(ctx context.Context, e *Engine, job jobs.Job, input string, raw json.RawMessage) (string, error) {
	async, err := e.asyncConfig(job)
	if err != nil {
		return "", err
	}
	wh := &reducto.EditWebhook{Mode: "disabled", Metadata: async.Metadata}
	if async.Webhook != nil {
		wh.Mode, wh.URL, wh.Channels = async.Webhook.Mode, async.Webhook.URL, async.Webhook.Channels
	}
	o := job.Options.Edit
	var eo *reducto.EditOptions
	if o.Color != "" || o.Flatten || o.OverflowPages {
		eo = &reducto.EditOptions{Color: o.Color, Flatten: o.Flatten, EnableOverflowPages: o.OverflowPages}
	}
	return e.client.EditAsync(ctx, reducto.EditRequest{
		DocumentURL: input, EditInstructions: o.Instructions, EditOptions: eo,
		Priority: async.Priority, Webhook: wh, RawFields: raw,
	})
}

// keepFilledDocument downloads the filled document the result links to
// (a presigned link that expires) and puts it in the completion's patch,
// so the history keeps it. A link refused, over the cap or not a PDF
// fails the job; a network fault or a 5xx is tried again (GET /job then
// gives a fresh link).
func keepFilledDocument(ctx context.Context, e *Engine, job jobs.Job, res json.RawMessage, p *store.Patch) error {
	r, err := result.Read(jobs.KindEdit, res)
	if err != nil {
		return finalError{err}
	}
	ed := r.Edit
	doc, err := fetch.Get(ctx, nil, ed.DocumentURL, fetch.Limit{
		What: "filled document", Accept: "application/pdf",
		MaxBytes: store.MaxDocumentBytes, Timeout: filledTimeout,
	})
	var se *fetch.StatusError
	switch {
	case err == nil:
	case errors.As(err, &se) && se.Code < 500, errors.Is(err, fetch.ErrTooLarge), errors.Is(err, reducto.ErrInsecureURL):
		return finalError{fmt.Errorf("the filled document could not be downloaded: %w", err)}
	default:
		return err // a 5xx, the network, a timeout: GET /job again gives a fresh link
	}
	if !bytes.HasPrefix(doc, []byte("%PDF-")) {
		return finalError{fmt.Errorf("the filled document Reducto sent is not a PDF (%s starting %.8q)", jobs.SizeText(int64(len(doc))), doc)}
	}
	p.Document = doc
	return nil
}

// Document returns the filled document kept for edit job id
// (jobs.ErrNotFound when none is): Save as… in the detail view.
func (e *Engine) Document(ctx context.Context, id int64) ([]byte, error) {
	return e.store.Document(ctx, id)
}

// FilledDocumentPath returns a file holding edit job id's filled document,
// for the page view and Open: a private copy under the temporary folder,
// named like the output beside the document ("form.edit.pdf"), written
// once per Reducto job. The history stays the copy that counts.
func (e *Engine) FilledDocumentPath(ctx context.Context, id int64) (string, error) {
	job, err := e.store.Get(ctx, id)
	if err != nil {
		return "", fmt.Errorf("filled document of job %d: %w", id, err)
	}
	doc, err := e.store.Document(ctx, id)
	if err != nil {
		return "", err
	}
	base := filepath.Base(job.File)
	dir := filepath.Join(os.TempDir(), "reducto-tray-filled", safeName(job.JobID))
	path := filepath.Join(dir, strings.TrimSuffix(base, filepath.Ext(base))+".edit.pdf")
	if fi, err := os.Lstat(path); err == nil && fi.Mode().IsRegular() && fi.Size() == int64(len(doc)) {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("filled document of job %d: %w", id, err)
	}
	os.Remove(path) // a stale or partial copy of ours
	if err := safefs.WriteNew(path, 0o600, doc); err != nil {
		return "", fmt.Errorf("filled document of job %d: %w", id, err)
	}
	return path, nil
}

// safeName keeps a Reducto job id usable as one folder name.
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') {
			return r
		}
		return '_'
	}, s)
	if s == "" {
		return "job"
	}
	return s
}
