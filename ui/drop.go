package ui

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"

	"github.com/reductotray/reducto-tray/jobs"
)

// maxFolderFiles caps how many documents one dropped folder contributes, so
// dropping a home folder by mistake does not queue a hundred thousand jobs.
const maxFolderFiles = 5000

// documentExts are the extensions taken from dropped folders: the formats
// Reducto reads. Files dropped one by one are taken whatever their name,
// since the user chose them.
var documentExts = map[string]bool{
	".pdf": true, ".docx": true, ".doc": true, ".xlsx": true, ".xls": true, ".pptx": true, ".ppt": true,
	".png": true, ".jpg": true, ".jpeg": true, ".tif": true, ".tiff": true, ".bmp": true, ".gif": true,
	".webp": true, ".heic": true, ".csv": true, ".txt": true, ".rtf": true,
}

// Dropped submits the files dropped on the window with the submit panel's
// options. Main wires it with Window.SetOnDropped; it runs on the main
// goroutine. Folders are walked for documents (see collectFiles). When the
// panel's options are invalid, the files wait in the panel until the user
// fixes them and presses Submit.
func (u *App) Dropped(_ fyne.Position, uris []fyne.URI) {
	paths := make([]string, 0, len(uris))
	for _, uri := range uris {
		if uri.Scheme() != "file" {
			u.setStatus(fmt.Sprintf("Skipped %s: only local files can be submitted", uri.String()))
			continue
		}
		paths = append(paths, uri.Path())
	}
	u.goBg(func(ctx context.Context) {
		files, skipped := collectFiles(paths)
		u.do(func() { u.submitFromPanel(files, skipped) })
	})
}

// OpenFiles submits paths with the saved default options, as the contract
// says for `reducto-tray FILE...` and the hand-off from a second process.
// Safe to call from any goroutine.
func (u *App) OpenFiles(paths []string) {
	u.goBg(func(ctx context.Context) {
		files, skipped := collectFiles(paths)
		u.do(func() {
			if len(files) == 0 {
				u.reportSkipped(skipped)
				return
			}
			u.submitFiles(files, u.defaults, skipped)
		})
	})
}

// submitFromPanel submits files with the panel's options, or stages them
// there when the options are invalid. Main goroutine.
func (u *App) submitFromPanel(files []string, skipped []string) {
	if len(files) == 0 {
		u.reportSkipped(skipped)
		return
	}
	opts, err := u.submit.options()
	if err != nil {
		u.submit.stage(files)
		u.tabs.SelectIndex(1)
		u.setStatus(fmt.Sprintf("%d file(s) waiting: fix the submission options first (%v)", len(files), err))
		return
	}
	u.submit.rememberIfAsked(opts)
	u.submitFiles(files, opts, skipped)
}

// submitFiles hands files to the engine in the background; the status
// line then says what was queued and what was skipped. Main goroutine.
func (u *App) submitFiles(files []string, opts jobs.Options, skipped []string) {
	u.setStatus(fmt.Sprintf("Submitting %d file(s)…", len(files)))
	u.goBg(func(ctx context.Context) {
		js, err := u.be.Submit(ctx, files, opts)
		u.do(func() {
			if len(js) == 0 && err != nil {
				u.showError("Submit", err)
				return
			}
			msg := fmt.Sprintf("Queued %d %s job(s)", len(js), opts.Kind)
			if note := skippedNote(skipped); note != "" {
				msg += "; s" + note[1:]
			}
			if err != nil { // some files could not be submitted
				msg += "; " + err.Error()
			}
			u.setStatus(msg)
		})
	})
}

// reportSkipped says which dropped items were not documents.
func (u *App) reportSkipped(skipped []string) {
	if note := skippedNote(skipped); note != "" {
		u.setStatus(note)
	}
}

func skippedNote(skipped []string) string {
	switch len(skipped) {
	case 0:
		return ""
	case 1:
		return "Skipped " + skipped[0]
	default:
		return fmt.Sprintf("Skipped %d items (first: %s)", len(skipped), skipped[0])
	}
}

// collectFiles turns dropped or opened paths into absolute paths of regular
// files. A file is taken as is; a folder is walked recursively for files
// with a document extension, skipping hidden entries, up to maxFolderFiles
// (dropping a folder of scans is common, and walking is what a user
// expects). Missing paths and other kinds of entry are returned in skipped
// with the reason.
func collectFiles(paths []string) (files, skipped []string) {
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			files = append(files, p)
		}
	}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("%s (%v)", p, err))
			continue
		}
		info, err := os.Stat(abs)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("%s (not found)", filepath.Base(abs)))
			continue
		}
		switch {
		case info.Mode().IsRegular():
			add(abs)
		case info.IsDir():
			n := 0
			_ = filepath.WalkDir(abs, func(path string, d fs.DirEntry, err error) error {
				if err != nil {
					return nil // unreadable subfolder: skip it, keep the rest
				}
				if path != abs && strings.HasPrefix(d.Name(), ".") {
					if d.IsDir() {
						return filepath.SkipDir
					}
					return nil
				}
				if d.Type().IsRegular() && documentExts[strings.ToLower(filepath.Ext(path))] {
					if n >= maxFolderFiles {
						skipped = append(skipped, fmt.Sprintf("%s (more than %d documents; the rest were left out)", filepath.Base(abs), maxFolderFiles))
						return filepath.SkipAll
					}
					n++
					add(path)
				}
				return nil
			})
		default:
			skipped = append(skipped, fmt.Sprintf("%s (not a regular file)", filepath.Base(abs)))
		}
	}
	return files, skipped
}
