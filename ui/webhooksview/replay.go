package webhooksview

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// The time ranges "Replay a time range…" offers.
const (
	rangeLastHour = "The last hour"
	rangeToday    = "Today"
	rangeSince    = "Since a date"
)

// sinceLayouts are what the "Since a date" entry reads, in local time.
var sinceLayouts = []string{"2006-01-02 15:04", "2006-01-02"}

// ReplayRangeForm is the "Replay a time range…" dialog's content: which
// range, and the date for "Since a date".
type ReplayRangeForm struct {
	Choice  *widget.RadioGroup
	Since   *widget.Entry
	Problem *widget.Label
	dlg     *dialog.ConfirmDialog
}

// replayRangeDialog asks which range to send again to the forward
// targets. Main goroutine.
func (v *View) replayRangeDialog() *ReplayRangeForm {
	if !v.hasForwardTargets() {
		dialog.ShowInformation("No forward targets", "Replays are sent to the forward targets. Add one in Settings → Forward targets (or run with --forward URL), then replay.", v.h.Window())
		return nil
	}
	f := &ReplayRangeForm{}
	f.Since = &widget.Entry{PlaceHolder: "2026-01-31 or 2026-01-31 14:00"}
	f.Since.Disable()
	f.Choice = widget.NewRadioGroup([]string{rangeLastHour, rangeToday, rangeSince}, func(s string) {
		if s == rangeSince {
			f.Since.Enable()
		} else {
			f.Since.Disable()
		}
	})
	f.Choice.Required = true
	f.Choice.SetSelected(rangeLastHour)
	f.Problem = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	f.Problem.Hide()
	intro := &widget.Label{Text: "Send every delivery received in the range (those kept with their body) again to the forward targets, oldest first.",
		Wrapping: fyne.TextWrapWord}
	content := widget.NewForm(widget.NewFormItem("", intro), widget.NewFormItem("Range", f.Choice),
		widget.NewFormItem("Date", f.Since), widget.NewFormItem("", f.Problem))
	f.dlg = dialog.NewCustomConfirm("Replay a time range", "Replay", "Cancel", content, func(ok bool) {
		if ok {
			v.confirmReplayRange(f)
		}
	}, v.h.Window())
	f.dlg.Resize(fyne.NewSize(min(440, v.h.Window().Canvas().Size().Width-40), 0))
	f.dlg.Show()
	v.rangeForm = f
	return f
}

// since is the start of the chosen range, in local time.
func (f *ReplayRangeForm) since(now time.Time) (time.Time, error) {
	switch f.Choice.Selected {
	case rangeToday:
		return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location()), nil
	case rangeSince:
		text := strings.TrimSpace(f.Since.Text)
		for _, l := range sinceLayouts {
			if t, err := time.ParseInLocation(l, text, now.Location()); err == nil {
				if t.After(now) {
					return time.Time{}, fmt.Errorf("%s is in the future", text)
				}
				return t, nil
			}
		}
		return time.Time{}, fmt.Errorf("%q is not a date: write 2026-01-31 or 2026-01-31 14:00", text)
	}
	return now.Add(-time.Hour), nil
}

// confirmReplayRange replays the chosen range; a date it cannot read opens
// the dialog again with the reason. Main goroutine.
func (v *View) confirmReplayRange(f *ReplayRangeForm) {
	now := v.cfg.Now()
	since, err := f.since(now)
	if err != nil {
		f.Problem.SetText(err.Error())
		f.Problem.Show()
		f.dlg.Show() // the choice and the date stay as typed
		return
	}
	v.ReplayRange.Disable()
	v.h.SetStatus("Replaying the deliveries since " + since.Format("2 Jan 15:04") + "…")
	v.h.Go(func(ctx context.Context) {
		n, err := v.be.ReplayRange(ctx, since, time.Time{})
		v.h.Do(func() {
			v.ReplayRange.Enable()
			switch {
			case err != nil:
				v.h.ShowError("Replay", err)
			case n == 0:
				v.h.SetStatus("Nothing to replay since " + since.Format("2 Jan 15:04") + ": no delivery with a body in that range")
			default:
				v.h.SetStatus(fmt.Sprintf("Replaying since %s: %d forwards queued; each delivery shows its targets' states",
					since.Format("2 Jan 15:04"), n))
				v.list.refresh()
				v.detail.refresh()
			}
		})
	})
}
