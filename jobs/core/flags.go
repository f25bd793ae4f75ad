package core

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/settings"
)

// Flags is the command line of the contract.
type Flags struct {
	Listen    string
	PublicURL string
	Webhook   jobs.WebhookMode // "" = the saved setting
	Channels  []string
	Headless  bool
	Sandbox   bool
	Relay     bool
	// Watch lists folders watched for this run (--watch, repeatable).
	Watch []string
	// WatchExisting says what --watch folders not watched before do with
	// the documents already in them: WatchExistingAll (submit them, the
	// default) or WatchExistingNew (only those that arrive from now on).
	WatchExisting string
	// Forward lists URLs every verified webhook delivery is forwarded to
	// in this run (--forward, repeatable), besides the saved targets.
	Forward []string
	// Preset names the preset this run's files, --watch folders and
	// hand-offs are submitted with ("" = the saved defaults).
	Preset string
	// From lists completed parses (local ids or Reducto job ids) to run
	// --preset on with jobid:// (--from, repeatable).
	From  []string
	Files []string
	// Version asks for `reducto-tray VERSION` on stdout and nothing else.
	Version bool
}

// UsageError is a bad flag value or argument: one line saying what is
// wrong and what is allowed; the process exits 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// The values of --watch-existing.
const (
	WatchExistingAll = "all"
	WatchExistingNew = "new"
)

const usage = `usage: reducto-tray [flags] [FILE|FOLDER...]
       reducto-tray jobs [--json]`

// ParseFlags reads the command line. It returns flag.ErrHelp for -h and
// --help (the usage has then been printed to out), and a *UsageError for
// anything else that is wrong.
func ParseFlags(args []string, out io.Writer) (Flags, error) {
	var f Flags
	fs := flag.NewFlagSet("reducto-tray", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported as one line below
	fs.Usage = func() {}
	fs.StringVar(&f.Listen, "listen", "", "receiver address (default: the saved setting, initially "+settings.DefaultListen+")")
	fs.StringVar(&f.PublicURL, "public-url", "", "base URL under which the receiver is reachable from outside (direct webhooks)")
	webhook := fs.String("webhook", "", "webhook mode for new submissions: none|svix|direct (default: the saved setting)")
	fs.Func("channel", "Svix channel for new submissions; repeatable", func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New("empty channel name")
		}
		f.Channels = append(f.Channels, s)
		return nil
	})
	fs.BoolVar(&f.Headless, "headless", false, "run engine, receiver and notifications without any window or tray")
	fs.BoolVar(&f.Sandbox, "sandbox", false, "use the built-in simulated Reducto API (no key, no network)")
	fs.BoolVar(&f.Version, "version", false, "print reducto-tray VERSION and exit")
	fs.BoolVar(&f.Relay, "relay", false, "receive Svix deliveries through the built-in Svix relay client")
	fs.Func("watch", "watch DIR and its subfolders for this run; repeatable", func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New("empty folder")
		}
		f.Watch = append(f.Watch, s)
		return nil
	})
	fs.StringVar(&f.WatchExisting, "watch-existing", WatchExistingAll, "for --watch folders not watched before: submit the documents already there (all) or only those that arrive from now on (new)")
	fs.Func("forward", "forward every verified webhook delivery to URL for this run (http or https); repeatable", func(s string) error {
		if err := settings.CheckForwardURL(s); err != nil {
			return errors.New(strings.TrimPrefix(err.Error(), "forward target "))
		}
		f.Forward = append(f.Forward, s)
		return nil
	})
	fs.StringVar(&f.Preset, "preset", "", "submit this run's files and --watch folders with the preset NAME (a file in presets/ of the data folder)")
	fs.Func("from", "run --preset (extract or split) on the completed parse ID, a local id or a Reducto job id; repeatable", func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New("empty job id")
		}
		f.From = append(f.From, strings.TrimSpace(s))
		return nil
	})
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(out, usage)
			fs.SetOutput(out)
			fs.PrintDefaults()
			return f, err
		}
		return f, &UsageError{Msg: "reducto-tray: " + err.Error() + " (see reducto-tray --help)"}
	}
	if *webhook != "" {
		f.Webhook = jobs.WebhookMode(*webhook)
		if !f.Webhook.Valid() {
			return f, &UsageError{Msg: fmt.Sprintf("reducto-tray: --webhook %q is not a webhook mode; use none, svix or direct", *webhook)}
		}
	}
	if f.WatchExisting != WatchExistingAll && f.WatchExisting != WatchExistingNew {
		return f, &UsageError{Msg: fmt.Sprintf("reducto-tray: --watch-existing %q is not a choice; use all or new", f.WatchExisting)}
	}
	if f.PublicURL != "" {
		if err := reducto.CheckSecureURL(f.PublicURL, "--public-url"); err != nil {
			return f, &UsageError{Msg: "reducto-tray: " + err.Error()}
		}
	}
	if f.Listen != "" && !strings.Contains(f.Listen, ":") {
		return f, &UsageError{Msg: fmt.Sprintf("reducto-tray: --listen %q needs a host and port, e.g. 127.0.0.1:7433", f.Listen)}
	}
	f.Files = fs.Args()
	return f, nil
}
