package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/intake"
)

// Dropped submits the files dropped on the window with the submit panel's
// options. Main wires it with Window.SetOnDropped; it runs on the main
// goroutine. Folders are walked for documents as the CLI does (intake.Collect). When the
// panel's options are invalid, the files wait in the panel until the user
// fixes them and presses Submit.
func (u *App) Dropped(_ fyne.Position, uris []fyne.URI) {
	paths := make([]string, 0, len(uris))
	for _, uri := range uris {
		if uri.Scheme() != "file" {
			u.setWarning(fmt.Sprintf("Skipped %s: only local files can be submitted", uri.String()))
			continue
		}
		paths = append(paths, uri.Path())
	}
	u.goBg(func(ctx context.Context) {
		files, skipped := intake.Collect(paths)
		u.do(func() { u.submitFromPanel(files, skipped) })
	})
}

// OpenFiles submits paths with the saved default options, as the contract
// says for `reducto-tray FILE...` and the hand-off from a second process.
// Safe to call from any goroutine.
func (u *App) OpenFiles(paths []string) {
	u.goBg(func(ctx context.Context) {
		files, skipped := intake.Collect(paths)
		u.do(func() {
			if len(files) == 0 {
				u.reportSkipped(skipped)
				return
			}
			u.submitFiles(files, withSource(u.defaults, jobs.SourceCLI), skipped)
		})
	})
}

// submitFromPanel submits files with the panel's options, or stages them
// there when the options are invalid. Main goroutine.
func (u *App) submitFromPanel(files []string, skipped []intake.Skip) {
	if len(files) == 0 {
		u.reportSkipped(skipped)
		return
	}
	opts, err := u.submitForm().options()
	if err != nil {
		u.submit.stage(files)
		u.tabs.SelectIndex(1)
		u.setStatus(fmt.Sprintf("%d file(s) waiting: fix the submission options first (%v)", len(files), err))
		return
	}
	u.submit.rememberIfAsked(opts)
	u.submitFiles(files, withSource(opts, jobs.SourceDrop), skipped)
}

// submitFiles hands files to the engine in the background; the status
// line then says what was queued and what was skipped. Main goroutine.
func (u *App) submitFiles(files []string, opts jobs.Options, skipped []intake.Skip) {
	u.setStatus(fmt.Sprintf("Submitting %d file(s)…", len(files)))
	u.goBg(func(ctx context.Context) {
		js, err := u.be.Submit(ctx, files, opts)
		u.do(func() {
			if len(js) == 0 && err != nil {
				u.showError("Submit", err)
				return
			}
			msg := fmt.Sprintf("Queued %d %s job(s)", len(js), opts.Kind)
			if note := intake.SkippedNote(skipped); note != "" {
				msg += "; s" + note[1:]
			}
			if err != nil { // some files could not be submitted
				msg += "; " + err.Error()
			}
			if err != nil || len(skipped) > 0 {
				u.setWarning(msg) // which files were refused, and why, stays readable
				return
			}
			u.setStatus(msg)
		})
	})
}

// withSource returns opts recording where the submission came from.
func withSource(opts jobs.Options, s jobs.Source) jobs.Options {
	opts.Source = s
	return opts
}

// reportSkipped says which dropped items were not documents.
func (u *App) reportSkipped(skipped []intake.Skip) {
	if note := intake.SkippedNote(skipped); note != "" {
		u.setWarning(note)
	}
}
