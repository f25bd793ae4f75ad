package core

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// searchJSONLimit is how many hits `search --json` prints without --limit.
const searchJSONLimit = 50

// searchHitJSON is one element of `search --json` (the contract).
type searchHitJSON struct {
	ID      int64   `json:"id"`
	JobID   string  `json:"job_id"`
	File    string  `json:"file"`
	Kind    string  `json:"kind"`
	Page    *int    `json:"page"`
	Snippet string  `json:"snippet"`
	Field   *string `json:"field"`
	Score   float64 `json:"score"`
}

func toSearchJSON(h jobs.SearchHit) searchHitJSON {
	out := searchHitJSON{ID: h.Job.ID, JobID: h.Job.JobID, File: h.Job.File, Kind: string(h.Job.Kind),
		Snippet: oneLineText(jobs.PlainSnippet(h.Snippet)), Score: h.Score}
	if h.Page > 0 {
		out.Page = &h.Page
	}
	if h.Field != "" {
		out.Field = &h.Field
	}
	return out
}

// RunSearch is `reducto-tray search QUERY [--json] [--limit N]`: the text
// of every stored result and the file names, best first, read from the
// database even while the app runs. The query's words may come before or
// after the flags.
func RunSearch(args []string, stdout, stderr io.Writer) int {
	c := newReadCommand("search", "QUERY, --json, --limit N", "hits", "No history yet, so nothing to search.")
	flags, words := splitSearchArgs(args)
	query := strings.TrimSpace(strings.Join(words, " "))
	c.check = func() string {
		if query == "" {
			return "a QUERY is required: words, \"a phrase\", prefix*, -word"
		}
		return ""
	}
	return c.run(flags, stdout, stderr, func(st *store.Store) error {
		limit := *c.limit
		if *c.json && !flagSet(c, "limit") {
			limit = searchJSONLimit
		}
		hits, err := st.Search(context.Background(), jobs.SearchQuery{Text: query, Limit: limit})
		if err != nil {
			return err
		}
		if *c.json {
			out := make([]searchHitJSON, 0, len(hits))
			for _, h := range hits {
				out = append(out, toSearchJSON(h))
			}
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(out)
		}
		return printSearchTable(st, stdout, hits)
	})
}

// splitSearchArgs separates the flags from the query's words: the flag
// package stops at the first word, and a query often comes first.
func splitSearchArgs(args []string) (flags, words []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		name := strings.TrimLeft(a, "-")
		switch {
		case a == "--":
			return flags, append(words, args[i+1:]...)
		case !strings.HasPrefix(a, "-") || !isSearchFlag(name):
			words = append(words, a) // "-draft" leaves out a word
		case name == "limit" && i+1 < len(args):
			flags = append(flags, a, args[i+1])
			i++
		default:
			flags = append(flags, a)
		}
	}
	return flags, words
}

// isSearchFlag reports whether name (without dashes, maybe with =value)
// is one of the command's flags, so "-json" is a flag and "-draft" a word.
func isSearchFlag(name string) bool {
	name, _, _ = strings.Cut(name, "=")
	switch name {
	case "json", "limit", "h", "help":
		return true
	}
	return false
}

func flagSet(c *readCommand, name string) bool {
	set := false
	c.fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// printSearchTable shows hits for a person: rank, file, page, field, the
// text around the hit; and says what the search could not see.
func printSearchTable(st *store.Store, w io.Writer, hits []jobs.SearchHit) error {
	if len(hits) == 0 {
		fmt.Fprintln(w, "No match in file names or stored results.")
	} else {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		// The rank, not the score: FTS5's scores are tiny numbers that
		// mean something only next to each other (--json has them).
		fmt.Fprintln(tw, "#\tID\tFILE\tPAGE\tFIELD\tTEXT")
		for i, h := range hits {
			page, field := "", h.Field
			if h.Page > 0 {
				page = strconv.Itoa(h.Page)
			}
			if h.Name {
				field = "(name)"
			}
			fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\n", i+1, h.Job.ID, filepath.Base(h.Job.File), page, field,
				truncateText(oneLineText(jobs.PlainSnippet(h.Snippet)), 90))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if done, total, err := st.SearchProgress(context.Background()); err == nil && done < total {
		fmt.Fprintf(w, "Still indexing: %d of %d results are searchable so far.\n", done, total)
	}
	fmt.Fprintln(w, "(Jobs on your account that this app did not submit are not searched: their results are never fetched.)")
	return nil
}

func oneLineText(s string) string { return strings.Join(strings.Fields(s), " ") }

func truncateText(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
