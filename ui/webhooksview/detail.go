package webhooksview

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/ui/widgets"
)

// DeliveryDetail shows one delivery: what was decided and why, the job,
// each forward target's state, its headers and pretty-printed body, and
// the actions on it.
type DeliveryDetail struct {
	v *View

	Title     *widget.Label
	Reasoning *widget.Label
	Fields    *widget.Form
	Job       *widget.Hyperlink
	Forwards  *widget.Label
	Outcome   *widget.Label // what the last replay or re-run did
	Headers   *widget.TextGrid
	Body      *widgets.LinesView

	Curl, Replay, Rerun *widget.Button

	rec    jobs.DeliveryRecord
	shown  bool
	seq    uint64 // bumps per Show; older loads are dropped
	values map[string]*widget.Label
	obj    fyne.CanvasObject
	empty  fyne.CanvasObject
	body   fyne.CanvasObject
}

var deliveryFields = []string{"Received", "Route", "Delivery id", "Answer", "Status"}

func newDeliveryDetail(v *View) *DeliveryDetail {
	d := &DeliveryDetail{v: v, values: map[string]*widget.Label{}}
	d.Title = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
	d.Reasoning = &widget.Label{Wrapping: fyne.TextWrapWord}
	d.Fields = widget.NewForm()
	for _, f := range deliveryFields {
		l := &widget.Label{Truncation: fyne.TextTruncateEllipsis, Selectable: true}
		d.values[f] = l
		d.Fields.Append(f, l)
	}
	d.Job = &widget.Hyperlink{Text: "—", OnTapped: d.showJob, Truncation: fyne.TextTruncateEllipsis}
	d.Fields.Append("Job", d.Job)
	d.Forwards = &widget.Label{Wrapping: fyne.TextWrapWord}
	d.Outcome = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.HighImportance}
	d.Outcome.Hide()
	d.Headers = widget.NewTextGrid()
	d.Body = widgets.NewLinesView()
	d.Curl = widget.NewButtonWithIcon("Copy as curl", theme.ContentCopyIcon(), d.copyCurl)
	d.Replay = widget.NewButtonWithIcon("Replay to forward targets", theme.MailForwardIcon(), d.replay)
	d.Rerun = widget.NewButtonWithIcon("Re-run through the app", theme.MediaReplayIcon(), d.rerun)

	// The buttons wrap onto more lines in a narrow pane; inside the
	// Summary tab, so they never take the Body tab's height.
	actions := container.NewGridWrap(fyne.NewSize(216, 36), d.Curl, d.Replay, d.Rerun)
	summary := container.NewVBox(actions, d.Outcome, d.Reasoning, d.Fields,
		widget.NewLabelWithStyle("Forward targets", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), d.Forwards)
	tabs := container.NewAppTabs(
		container.NewTabItem("Summary", container.NewVScroll(summary)),
		container.NewTabItem("Body", d.Body), // scrolls itself; draws only the lines in view
		container.NewTabItem("Headers", container.NewScroll(d.Headers)),
	)
	d.body = container.NewBorder(d.Title, nil, nil, nil, tabs)
	d.empty = container.NewCenter(widget.NewLabel("Select a delivery to see its headers and body."))
	d.body.Hide()
	d.obj = container.NewStack(d.empty, d.body)
	return d
}

// Object is the detail's canvas object.
func (d *DeliveryDetail) Object() fyne.CanvasObject { return d.obj }

// Show loads record seq. Main goroutine.
func (d *DeliveryDetail) Show(seq int64) { d.load(seq, true) }

// refresh reloads the shown record (its forwards move on). Main goroutine.
func (d *DeliveryDetail) refresh() {
	if d.shown {
		d.load(d.rec.Seq, false)
	}
}

func (d *DeliveryDetail) load(seq int64, fresh bool) {
	d.seq++
	ticket := d.seq
	be := d.v.be
	d.v.h.Go(func(ctx context.Context) {
		rec, err := be.Get(ctx, seq)
		if err != nil {
			if ctx.Err() == nil {
				d.v.h.Do(func() { d.v.h.ShowError("Load delivery", err) })
			}
			return
		}
		// Indenting a body of up to a megabyte is work for this
		// goroutine, not for the one that draws the window.
		body := bodyView(rec)
		headers := headersText(rec.Headers)
		d.v.h.Do(func() {
			if ticket != d.seq {
				return
			}
			d.fill(rec, body, headers, fresh)
		})
	})
}

// bodyView is the body as the Body tab shows it. Off the UI goroutine.
func bodyView(rec jobs.DeliveryRecord) *widgets.TextLines {
	switch {
	case rec.Body != nil:
		return widgets.NewTextLines(widgets.PrettyJSON(rec.Body)) // bounded by the log: no cap to apply
	case rec.BodySize > 0:
		return widgets.NewTextLines(fmt.Sprintf("(%s body not kept: bodies are kept for accepted and duplicate deliveries up to the size limit)", widgets.ByteSize(int64(rec.BodySize))))
	}
	return widgets.NewTextLines("(no body)")
}

func (d *DeliveryDetail) fill(rec jobs.DeliveryRecord, body *widgets.TextLines, headers string, fresh bool) {
	d.rec, d.shown = rec, true
	d.empty.Hide()
	d.body.Show()
	d.Title.SetText(fmt.Sprintf("%s — %s", upperFirst(verdictText(rec.Verdict)), rec.ID))
	d.Reasoning.SetText(reasoning(rec))
	set := func(k, v string) { d.values[k].SetText(v) }
	set("Received", rec.ReceivedAt.Local().Format(time.DateTime))
	set("Route", routeText(rec.Via))
	set("Delivery id", rec.ID)
	set("Answer", widgets.OrDash(strconv.Itoa(rec.HTTPStatus)))
	set("Status", widgets.OrDash(rec.Status))
	if rec.JobID == "" {
		d.Job.SetText("—")
	} else {
		d.Job.SetText(rec.JobID)
	}
	if len(rec.Forwards) == 0 {
		d.Forwards.SetText(noForwardsText(rec))
	} else {
		lines := make([]string, len(rec.Forwards))
		for i, f := range rec.Forwards {
			lines[i] = forwardText(f)
		}
		d.Forwards.SetText(strings.Join(lines, "\n"))
	}
	if headers == "" {
		headers = "(headers not kept)"
	}
	d.Headers.SetText(headers)
	d.Body.SetLines(body)
	if fresh {
		d.Outcome.Hide()
	}
	verified := rec.Verdict == jobs.VerdictAccepted || rec.Verdict == jobs.VerdictDuplicate
	widgets.Enable(d.Curl, rec.Headers != nil)
	widgets.Enable(d.Replay, verified && rec.Body != nil && d.v.hasForwardTargets())
	widgets.Enable(d.Rerun, verified && rec.Body != nil)
}

func noForwardsText(rec jobs.DeliveryRecord) string {
	switch rec.Verdict {
	case jobs.VerdictAccepted:
		return "None: add local targets in Settings (or run with --forward URL) to have verified deliveries sent to your own handler."
	case jobs.VerdictDuplicate:
		return "None: a duplicate is not forwarded again."
	}
	return "None: only verified deliveries are forwarded."
}

func routeText(v jobs.Via) string {
	switch v {
	case jobs.ViaSvix:
		return "svix (POST /webhooks/svix)"
	case jobs.ViaDirect:
		return "direct (POST /webhooks/direct/…)"
	case jobs.ViaRelay:
		return "relay (Svix relay, replayed in the app)"
	}
	return string(v)
}

// curlURL is where the curl command sends the delivery: the endpoint it
// came to (a relay event goes to the Svix endpoint, which checks it the
// same way).
func (d *DeliveryDetail) curlURL() string {
	if d.rec.Via == jobs.ViaDirect {
		if u := d.v.cfg.DirectURL(); u != "" {
			return u
		}
	}
	addr := d.v.cfg.ListenAddr
	if addr == "" {
		addr = "127.0.0.1:7433"
	}
	if d.rec.Via == jobs.ViaDirect {
		return "http://" + addr + "/webhooks/direct/TOKEN"
	}
	return "http://" + addr + "/webhooks/svix"
}

// copyCurl puts a curl command reproducing the request on the clipboard.
func (d *DeliveryDetail) copyCurl() {
	d.v.h.Clipboard().SetContent(curlCommand(d.curlURL(), d.rec))
	msg := "Copied a curl command with the delivery's headers and body"
	if d.rec.Body == nil {
		msg = "Copied a curl command with the delivery's headers (its body was not kept)"
	}
	if d.rec.Via != jobs.ViaDirect {
		// Worth knowing before pasting it: the copy is a replay.
		msg += "; the receiver refuses its svix timestamp after 5 minutes and answers a seen id as a duplicate"
	}
	d.v.h.SetStatus(msg)
}

func (d *DeliveryDetail) replay() {
	seq := d.rec.Seq
	d.Replay.Disable()
	d.v.h.Go(func(ctx context.Context) {
		err := d.v.be.Replay(ctx, seq)
		d.v.h.Do(func() {
			d.Replay.Enable()
			if err != nil {
				d.v.h.ShowError("Replay", err)
				d.showOutcome("Replay failed: " + err.Error())
				return
			}
			d.showOutcome("Sent again to the forward targets; their states below follow the new attempts.")
			d.refresh()
		})
	})
}

func (d *DeliveryDetail) rerun() {
	seq := d.rec.Seq
	d.Rerun.Disable()
	d.v.h.Go(func(ctx context.Context) {
		out, err := d.v.be.Rerun(ctx, seq)
		d.v.h.Do(func() {
			d.Rerun.Enable()
			if err != nil {
				d.v.h.ShowError("Re-run", err)
				d.showOutcome("Re-run failed: " + err.Error())
				return
			}
			d.showOutcome(rerunText(out))
		})
	})
}

// rerunText says what a re-run came to; a duplicate is the expected
// answer, and says why that is good.
func rerunText(out RerunOutcome) string {
	s := "Re-run through the app: " + verdictText(out.Verdict)
	if out.Detail != "" {
		s = "Re-run through the app: " + out.Detail
	}
	// The idempotency note only where it is the reason: a self-test, an
	// unknown job or a job still running also change nothing, for other
	// reasons that Detail gives (the note contradicted them).
	if out.Verdict == jobs.VerdictDuplicate && (out.Detail == "" || strings.HasPrefix(out.Detail, "duplicate")) {
		s += ". The app had already seen this delivery, so nothing changed: that is the idempotency working."
	}
	return s
}

func (d *DeliveryDetail) showOutcome(text string) {
	d.Outcome.SetText(text)
	d.Outcome.Show()
}

// showJob selects the delivery's job in the Jobs tab.
func (d *DeliveryDetail) showJob() {
	jobID := d.rec.JobID
	if jobID == "" {
		return
	}
	d.v.h.Go(func(ctx context.Context) {
		id, err := d.v.be.JobID(ctx, jobID)
		d.v.h.Do(func() {
			switch {
			case errors.Is(err, jobs.ErrNotFound):
				d.v.h.SetStatus("Job " + jobID + " was not submitted from this install")
			case err != nil:
				d.v.h.ShowError("Find job", err)
			default:
				d.v.h.ShowJob(id)
			}
		})
	})
}
