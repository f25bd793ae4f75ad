package core

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// jobsPage is how many jobs `jobs --json` reads at a time: a history of a
// million jobs never sits in memory whole.
const jobsPage = 1000

// RunJobs is `reducto-tray jobs [--json] [--limit N]`: the history, newest
// first, read from the database even while the app runs. With --json it
// prints the contract's JSON array of every job; without, a table of the
// most recent ones for a person.
func RunJobs(args []string, stdout, stderr io.Writer) int {
	c := newReadCommand("jobs", "--json [--all], --limit N", "history", "No jobs yet. Submit documents with: reducto-tray FILE...")
	all := c.fs.Bool("all", false, "with --json: also the account's jobs this install did not submit (origin \"account\")")
	c.check = func() string {
		if *all && !*c.json {
			return "--all goes with --json"
		}
		return ""
	}
	return c.run(args, stdout, stderr, func(st *store.Store) error {
		switch {
		case *c.json && *all:
			return printJSONAll(st, stdout)
		case *c.json:
			return printJSON(st, stdout)
		default:
			return printTable(st, stdout, *c.limit, time.Now())
		}
	})
}

// printJSON writes every job page by page, each page printed before the
// next is read.
func printJSON(st *store.Store, w io.Writer) error {
	out := jobs.NewJSONArrayWriter(w)
	for before := int64(0); ; {
		page, err := st.List(context.Background(), jobs.Query{BeforeID: before, Limit: jobsPage})
		if err != nil {
			return fmt.Errorf("read history: %w", err)
		}
		if err := out.Write(page); err != nil {
			return err
		}
		if len(page) < jobsPage {
			break
		}
		before = page[len(page)-1].ID
	}
	return out.Close()
}

// printTable writes the newest jobs as aligned columns.
func printTable(st *store.Store, w io.Writer, limit int, now time.Time) error {
	page, err := st.List(context.Background(), jobs.Query{Limit: limit})
	if err != nil {
		return fmt.Errorf("read history: %w", err)
	}
	if len(page) == 0 {
		_, err := fmt.Fprintln(w, "No jobs yet. Submit documents with: reducto-tray FILE...")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tKIND\tUPDATED\tFILE\tJOB ID\tERROR")
	for _, j := range page {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", j.ID, j.Status, j.Kind, Ago(now, j.UpdatedAt),
			clip(filepath.Base(j.File), 40), orDash(j.JobID), clip(orDash(j.Error), 60))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(page) == limit {
		fmt.Fprintf(w, "(the %d most recent; --limit N for more, --json for all)\n", limit)
	}
	return nil
}

// Ago says how long before now t was, in the largest whole unit.
func Ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	default:
		return t.Local().Format("2006-01-02")
	}
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return strings.ReplaceAll(s, "\n", " ")
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// printJSONAll writes the history and the account's jobs as one array,
// newest first by creation time, each with its origin; both are read a
// page at a time and merged.
func printJSONAll(st *store.Store, w io.Writer) error {
	ctx := context.Background()
	out := jobs.NewJSONArrayWriter(w)
	var (
		local      []jobs.Job
		remote     []jobs.AccountJob
		before     int64
		lastRemote jobs.AccountJob
		localDone  bool
		remoteDone bool
	)
	for {
		if len(local) == 0 && !localDone {
			page, err := st.List(ctx, jobs.Query{BeforeID: before, Limit: jobsPage})
			if err != nil {
				return fmt.Errorf("read history: %w", err)
			}
			local, localDone = page, len(page) < jobsPage
			if len(page) > 0 {
				before = page[len(page)-1].ID
			}
		}
		if len(remote) == 0 && !remoteDone {
			page, err := st.AccountJobs(ctx, store.AccountQuery{Before: lastRemote, Limit: jobsPage})
			if err != nil {
				return fmt.Errorf("read account jobs: %w", err)
			}
			remote, remoteDone = page, len(page) < jobsPage
			if len(page) > 0 {
				lastRemote = page[len(page)-1]
			}
		}
		var err error
		switch {
		case len(local) == 0 && len(remote) == 0:
			return out.Close()
		case len(remote) == 0 || (len(local) > 0 && !local[0].CreatedAt.Before(remote[0].CreatedAt)):
			err = out.WriteLocal(local[:1])
			local = local[1:]
		default:
			err = out.WriteAccount(remote[:1])
			remote = remote[1:]
		}
		if err != nil {
			return err
		}
	}
}
