// Package webhooksview is the Webhooks tab: the receiver's state and
// health check, the delivery log with each delivery's headers, body and
// forwards, replay and re-run, and the editor of forward targets that
// Settings shows. It reaches the app only through Host and the values of
// Config, and the delivery log only through Deliveries.
package webhooksview

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/ui/widgets"
)

// Deliveries is what the Webhooks view needs of the receiver's delivery
// log and its tools (the core's, adapted in main). Every method may block.
type Deliveries interface {
	// List returns log records matching f, newest first, without their
	// headers and bodies.
	List(ctx context.Context, f jobs.DeliveryFilter) ([]jobs.DeliveryRecord, error)
	// Get returns one record with its headers, body and forwards.
	Get(ctx context.Context, seq int64) (jobs.DeliveryRecord, error)
	// Changes ticks (coalesced) whenever a record is added or a forward's
	// state changes.
	Changes() <-chan struct{}
	// Replay sends the record's delivery again to every forward target.
	Replay(ctx context.Context, seq int64) error
	// ReplayRange sends every delivery received in [since, until) (until
	// zero: up to now) whose body was kept again to every forward target,
	// oldest first, and returns how many forwards it queued.
	ReplayRange(ctx context.Context, since, until time.Time) (int, error)
	// Rerun hands the record's delivery to the app again, as if it had
	// just arrived, and says what the app made of it.
	Rerun(ctx context.Context, seq int64) (RerunOutcome, error)
	// SelfTest sends a delivery signed with the configured secret to the
	// app's own receiver and reports each step.
	SelfTest(ctx context.Context) ([]SelfTestStep, error)
	// JobID returns the local id of the job with Reducto job id jobID
	// (jobs.ErrNotFound when this install has none).
	JobID(ctx context.Context, jobID string) (int64, error)
}

// forwardTargeter is what a Deliveries may also say: the forward targets
// in force. Without one, Replay has nowhere to send and is not offered.
type forwardTargeter interface {
	ForwardTargets() []string
}

// hasForwardTargets reports whether a replay has somewhere to go (true
// when the backend does not say).
func (v *View) hasForwardTargets() bool {
	ft, ok := v.be.(forwardTargeter)
	return !ok || len(ft.ForwardTargets()) > 0
}

// RerunOutcome is what the app made of a delivery handed to it again.
type RerunOutcome = jobs.RerunOutcome

// SelfTestStep is one step of the health check and its result.
type SelfTestStep = jobs.SelfTestStep

// webhooksEmptyText is the delivery list's empty state.
const webhooksEmptyText = "No webhook deliveries yet. Choose svix or direct in Settings, or try the health check above."

// Host is what the view needs of the app around it.
type Host interface {
	// Go runs f off the UI goroutine; ctx ends when the app closes.
	Go(f func(ctx context.Context))
	// Do runs f on the UI goroutine, unless the app has closed.
	Do(f func())
	// SetStatus shows news in the status line.
	SetStatus(msg string)
	// ShowError says in the status line what failed, and logs it.
	ShowError(what string, err error)
	// ShowJob shows the job with local id id in the Jobs tab.
	ShowJob(id int64)
	// Window is the window dialogs open over.
	Window() fyne.Window
	// Clipboard is the desktop's clipboard.
	Clipboard() fyne.Clipboard
}

// Config is what the view shows of the app's setup.
type Config struct {
	// Deliveries is the delivery log; nil: the tab says it is not
	// available in this run.
	Deliveries Deliveries
	// ListenAddr is the receiver's address ("" when it is not listening).
	ListenAddr string
	// DirectURL returns the URL direct-mode jobs send their webhook to
	// ("" when none); not nil.
	DirectURL func() string
	// RelayStatus returns the Svix relay's state and public URL; nil when
	// the app has no relay.
	RelayStatus func() (state, url string)
	// Now is the clock for ages; not nil.
	Now func() time.Time
}

// View is the Webhooks tab: the receiver's state and health check
// on top, the delivery log on the left, a delivery's detail on the right.
type View struct {
	h   Host
	cfg Config
	be  Deliveries

	Listen *widget.Label
	Relay  *widget.Label
	Last   *widget.Label
	Check  *widget.Button
	// ReplayRange opens "Replay a time range…".
	ReplayRange *widget.Button
	rangeForm   *ReplayRangeForm // the dialog last opened; main goroutine
	Steps       *fyne.Container  // one row per self-test step
	list        *DeliveryList
	detail      *DeliveryDetail
	obj         fyne.CanvasObject
	started     bool
	relay       [2]string // state, url; main goroutine
	lastSeen    *jobs.DeliveryRecord
}

// New builds the tab; it reads the log only once Start is called.
func New(h Host, cfg Config) *View {
	v := &View{h: h, cfg: cfg, be: cfg.Deliveries}
	v.Listen = &widget.Label{Truncation: fyne.TextTruncateEllipsis, Selectable: true}
	v.Relay = &widget.Label{Truncation: fyne.TextTruncateEllipsis, Selectable: true}
	v.Last = &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	v.Check = widget.NewButtonWithIcon("Send a signed test delivery to myself", theme.MailSendIcon(), v.selfTest)
	v.ReplayRange = widget.NewButtonWithIcon("Replay a time range…", theme.MailForwardIcon(), func() { v.replayRangeDialog() })
	v.Steps = container.NewVBox()
	v.list = newDeliveryList(v)
	v.detail = newDeliveryDetail(v)

	state := widget.NewForm(
		widget.NewFormItem("Receiver", v.Listen),
		widget.NewFormItem("Relay", v.Relay),
		widget.NewFormItem("Last delivery", v.Last),
	)
	// The health check sits beside the state, so the list keeps the
	// height of a small window.
	top := container.NewVBox(container.NewBorder(nil, nil, nil, container.NewVBox(v.Check, v.ReplayRange), state), v.Steps, widget.NewSeparator())
	split := container.NewHSplit(v.list.Object(), v.detail.Object())
	split.Offset = 0.5
	v.obj = container.NewBorder(top, nil, nil, nil, split)
	if v.be == nil {
		v.Check.Disable()
		v.ReplayRange.Disable()
		v.list.Empty.SetText("The delivery log is not available in this run.")
		v.list.Empty.Show()
	}
	if cfg.RelayStatus != nil {
		v.relay[0], v.relay[1] = cfg.RelayStatus()
	}
	v.showState()
	return v
}

// Object is the tab's content.
func (v *View) Object() fyne.CanvasObject { return v.obj }

// Start loads the log and follows its changes; the first time the tab is
// shown, so an app idling in the tray never reads the log. Main goroutine.
func (v *View) Start() {
	if v.started || v.be == nil {
		return
	}
	v.started = true
	v.list.Reload()
	v.h.Go(v.follow)
}

// follow reloads the list (and the shown delivery) on each change of the
// log, at most every quarter second however fast deliveries arrive.
func (v *View) follow(ctx context.Context) {
	c := v.be.Changes()
	if c == nil {
		return
	}
	const gap = 250 * time.Millisecond
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-c:
			if !ok {
				return
			}
		}
		v.h.Do(func() {
			v.list.refresh()
			v.detail.refresh()
		})
		t := time.NewTimer(gap)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// SetRelay shows the relay's state; main calls ui's SetRelayStatus on
// every change. Main goroutine.
func (v *View) SetRelay(state, url string) {
	v.relay = [2]string{state, url}
	v.showState()
}

// setLast shows the newest delivery of the whole log (nil: none). Main
// goroutine.
func (v *View) setLast(rec *jobs.DeliveryRecord) {
	v.lastSeen = rec
	v.showState()
}

// showState fills the receiver's lines. Main goroutine.
func (v *View) showState() {
	addr := v.cfg.ListenAddr
	if addr == "" {
		v.Listen.SetText("not listening (see the log: the address may be in use)")
	} else {
		v.Listen.SetText("listening on http://" + addr)
	}
	switch state, url := v.relay[0], v.relay[1]; {
	case state == "" && url == "":
		v.Relay.SetText("off (turn it on in Settings to receive Svix deliveries without a public URL)")
	case url == "":
		v.Relay.SetText(state)
	default:
		v.Relay.SetText(state + " — " + url)
	}
	if v.lastSeen == nil {
		v.Last.SetText("none yet")
		return
	}
	r := v.lastSeen
	v.Last.SetText(fmt.Sprintf("%s (%s) via %s, %s", widgets.Age(v.cfg.Now().Sub(r.ReceivedAt)),
		r.ReceivedAt.Local().Format("15:04:05"), r.Via, verdictText(r.Verdict)))
}

// selfTest runs the health check and shows each step. Main goroutine.
func (v *View) selfTest() {
	v.Check.Disable()
	v.Steps.RemoveAll()
	v.Steps.Add(widget.NewLabel("Sending a signed test delivery…"))
	v.h.Go(func(ctx context.Context) {
		steps, err := v.be.SelfTest(ctx)
		v.h.Do(func() {
			v.Check.Enable()
			v.showSteps(steps, err)
		})
	})
}

// showSteps lists the self-test's steps, each with a tick or a cross, and
// the error that stopped it. Main goroutine.
func (v *View) showSteps(steps []SelfTestStep, err error) {
	v.Steps.RemoveAll()
	ok := err == nil && len(steps) > 0
	for _, s := range steps {
		ok = ok && s.OK
	}
	if ok {
		// One line when all went well: three lines of ticks left a small
		// window two rows of the delivery log.
		names := make([]string, len(steps))
		for i, s := range steps {
			names[i] = s.Name
		}
		v.Steps.Add(stepRow(true, "Health check passed: "+strings.Join(names, ", ")))
	}
	for _, s := range steps {
		if ok {
			break
		}
		text := upperFirst(s.Name)
		if s.Detail != "" {
			text += ": " + s.Detail
		}
		v.Steps.Add(stepRow(s.OK, text))
	}
	if err != nil {
		v.Steps.Add(stepRow(false, "The health check stopped: "+err.Error()))
	}
	if ok {
		v.h.SetStatus("Health check passed: a signed delivery went through the receiver end to end")
	} else {
		v.h.SetStatus("Health check failed; the steps say where")
	}
}

// RunCheck runs the health check, when there is a log to check. Main
// goroutine.
func (v *View) RunCheck() {
	if v.be != nil {
		v.selfTest()
	}
}

// ShowDelivery shows record seq in the detail. Main goroutine.
func (v *View) ShowDelivery(seq int64) { v.detail.Show(seq) }

// StepsText is what the health check shows, one line per step, for
// tests.
func (v *View) StepsText() []string {
	var out []string
	for _, o := range v.Steps.Objects {
		switch o := o.(type) {
		case *widget.Label:
			out = append(out, o.Text)
		case *fyne.Container:
			mark := "✗ "
			if o.Objects[1].(*widget.Icon).Resource == stepOK() {
				mark = "✓ "
			}
			out = append(out, mark+o.Objects[0].(*widget.Label).Text)
		}
	}
	return out
}

func stepRow(ok bool, text string) *fyne.Container {
	icon := widget.NewIcon(stepFailed())
	if ok {
		icon.SetResource(stepOK())
	}
	label := &widget.Label{Text: text, Wrapping: fyne.TextWrapWord}
	return container.NewBorder(nil, nil, icon, nil, label)
}

// Icons of the health check's steps, made once like the list's.
var (
	stepOK     = func() fyne.Resource { return verdictIcon(jobs.VerdictAccepted) }
	stepFailed = func() fyne.Resource { return verdictIcon(jobs.VerdictBadSignature) }
)
