package notify

import (
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/reductotray/reducto-tray/jobs"
)

// outcome is one job's end as the notifier remembers it until it is shown.
type outcome struct {
	id      int64
	name    string // the file's base name, raw
	kind    jobs.Kind
	failed  bool
	reason  string // Job.Error, raw; only when failed
	account bool   // another client's job on the account (Event.Account)
}

func newOutcome(j jobs.Job) outcome {
	return outcome{
		id:     j.ID,
		name:   oneLine(filepath.Base(j.File)),
		kind:   j.Kind,
		failed: j.Status == jobs.StatusFailed,
		reason: oneLine(j.Error),
	}
}

func (o outcome) word() string {
	if o.failed {
		return "failed"
	}
	return "completed"
}

// markup escapes the three characters a body-markup server would read as
// markup. Quotes are left alone: they only matter inside attributes, and the
// text never lands in one.
var markup = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// maxReason keeps one failure from flooding a notification; the full reason
// is in the history.
const maxReason = 200

// oneLine flattens control characters (a newline in a file name would break
// the summary's one-file-per-line promise) and collapses runs of spaces.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

func shorten(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

// line is the escaped description of one outcome, as used in both the single
// and the summary body.
func (o outcome) line() string {
	var b strings.Builder
	b.WriteString(markup.Replace(o.name))
	b.WriteString(": ")
	if o.kind != "" {
		b.WriteString(string(o.kind))
		b.WriteByte(' ')
	}
	b.WriteString(o.word())
	if o.failed {
		reason := o.reason
		if reason == "" {
			reason = "no reason given"
		}
		b.WriteString(": ")
		b.WriteString(markup.Replace(shorten(reason, maxReason)))
	}
	return b.String()
}

// render turns a batch into the notification's title and body. One outcome
// gives "report.pdf completed"; several give a summary whose title counts
// them and whose body names every file, one per line.
//
// The title is the D-Bus "summary" field, which the notification spec
// defines as plain text, so it is never escaped; every body is, because
// servers advertising body-markup parse it.
func render(batch []outcome) (title, body string) {
	if len(batch) == 1 {
		o := batch[0]
		return o.name + " " + o.word(), o.line()
	}
	failed := 0
	lines := make([]string, len(batch))
	for i, o := range batch {
		if o.failed {
			failed++
		}
		lines[i] = o.line()
	}
	completed := len(batch) - failed
	switch {
	case failed == 0:
		title = fmt.Sprintf("%d documents completed", completed)
	case completed == 0:
		title = fmt.Sprintf("%d documents failed", failed)
	default:
		title = fmt.Sprintf("%d completed, %d failed", completed, failed)
	}
	return title, strings.Join(lines, "\n")
}
