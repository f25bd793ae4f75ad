package engine

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/safefs"
)

// uploadFile sends a job's document. A job whose caller named the version
// of the file it checked (RefDoc.Expect: a watched folder) is read only
// if the path still holds that version, opened without following a link:
// the check and the read are of the same open file, so a link or a newer
// save put there after the watcher's last look is never uploaded. The
// watcher sees the change itself and treats it as a new file. Any other
// job from a watched folder (a retry by hand) is still never read through
// a link: the watcher ignores links, so one there was not what it took.
func (e *Engine) uploadFile(ctx context.Context, job jobs.Job) (reducto.Upload, error) {
	e.mu.Lock()
	want, checked := e.expect[job.ID]
	e.mu.Unlock()
	if !checked && job.Source != jobs.SourceWatch {
		return e.client.UploadFile(ctx, job.File, e.uploadProgress(job))
	}
	f, got, err := safefs.Open(job.File)
	if err != nil {
		return reducto.Upload{}, fmt.Errorf("upload %s: %w", job.File, err)
	}
	defer f.Close()
	if checked && !got.Same(want) {
		return reducto.Upload{}, fmt.Errorf("upload %s: %w", job.File, ErrFileChanged)
	}
	return e.client.Upload(ctx, filepath.Base(job.File), f, got.Size, e.uploadProgress(job))
}

// ErrFileChanged is why a job from SubmitRefs uploaded nothing: the file
// at its path is no longer the version its caller checked.
var ErrFileChanged = errors.New("the file changed after it was checked (a newer version is a new document)")
