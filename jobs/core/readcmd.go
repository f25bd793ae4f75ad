package core

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// readCommand is a CLI command that reads the history while the app may
// run (`jobs`, `deliveries`): --json, --limit N for its table, maybe more
// flags of its own.
type readCommand struct {
	name    string // e.g. "jobs"
	allowed string // the flags, for messages: "--json, --limit N"
	// empty is what the table form prints when there is no history yet.
	empty string
	fs    *flag.FlagSet
	json  *bool
	limit *int
	// check, if set, returns what is wrong with the flags' combination.
	check func() string
}

// newReadCommand declares the flags every read command has; add more to
// c.fs before calling run.
func newReadCommand(name, allowed, what, empty string) *readCommand {
	c := &readCommand{name: name, allowed: allowed, empty: empty,
		fs: flag.NewFlagSet("reducto-tray "+name, flag.ContinueOnError)}
	c.fs.SetOutput(io.Discard)
	c.json = c.fs.Bool("json", false, "print the whole "+what+" as a JSON array, newest first")
	c.limit = c.fs.Int("limit", 20, "how many recent entries the table shows")
	return c
}

// run parses args, opens the data folder's history read-only and calls
// read with it. Bad usage is one line on stderr and exit 2; no history
// yet prints [] (or c.empty) and exits 0.
func (c *readCommand) run(args []string, stdout, stderr io.Writer, read func(*store.Store) error) int {
	if err := c.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stdout, "usage: reducto-tray %s [%s]\n", c.name, c.allowed)
			c.fs.SetOutput(stdout)
			c.fs.PrintDefaults()
			return 0
		}
		fmt.Fprintf(stderr, "reducto-tray %s: %v (allowed: %s)\n", c.name, err, c.allowed)
		return 2
	}
	if c.fs.NArg() > 0 {
		fmt.Fprintf(stderr, "reducto-tray %s: unexpected argument %q (allowed: %s)\n", c.name, c.fs.Arg(0), c.allowed)
		return 2
	}
	if c.check != nil {
		if msg := c.check(); msg != "" {
			fmt.Fprintf(stderr, "reducto-tray %s: %s (allowed: %s)\n", c.name, msg, c.allowed)
			return 2
		}
	}
	if *c.limit < 1 {
		fmt.Fprintf(stderr, "reducto-tray %s: --limit %d must be at least 1\n", c.name, *c.limit)
		return 2
	}
	home, err := datadir.Home()
	if err != nil {
		fmt.Fprintln(stderr, "reducto-tray:", err)
		return 1
	}
	path := datadir.DatabasePath(home)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if *c.json {
			fmt.Fprintln(stdout, "[]")
		} else {
			fmt.Fprintln(stdout, c.empty)
		}
		return 0
	}
	st, err := store.OpenReadOnly(path)
	if err != nil {
		fmt.Fprintln(stderr, "reducto-tray:", err)
		return 1
	}
	defer st.Close()
	if err := read(st); err != nil {
		fmt.Fprintln(stderr, "reducto-tray:", err)
		return 1
	}
	return 0
}
