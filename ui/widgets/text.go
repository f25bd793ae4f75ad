package widgets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Age is a short "how long ago", never longer than "59m ago": the job
// list's column is that wide, so older ages count weeks, then years
// ("341d ago" was cut to "341d a…").
func Age(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d < time.Minute:
		return "now"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < day:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	case d < 14*day:
		return fmt.Sprintf("%dd ago", int(d/day))
	case d < 365*day:
		return fmt.Sprintf("%dw ago", int(d/(7*day)))
	default:
		return fmt.Sprintf("%dy ago", int(d/(365*day)))
	}
}

// Count is n (0 or more) things, its digits grouped by thousands: "1 job",
// "1,000,000 jobs".
func Count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	digits := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String() + " " + many
}

// ByteSize is n bytes in B, kB or MB.
func ByteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// PrettyJSON is raw indented by two spaces, or raw as it is when it is not
// JSON.
func PrettyJSON(raw []byte) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return string(raw)
	}
	return buf.String()
}

// SplitList is the non-empty items of a comma-separated list, trimmed.
func SplitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// OrDash is s, or a dash for an empty value ("" or "0").
func OrDash(s string) string {
	if s == "" || s == "0" {
		return "—"
	}
	return s
}
