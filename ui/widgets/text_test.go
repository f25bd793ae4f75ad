package widgets

import (
	"testing"
	"time"
)

func TestAgeStaysShort(t *testing.T) {
	day := 24 * time.Hour
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{30 * time.Second, "now"},
		{59 * time.Minute, "59m ago"},
		{23 * time.Hour, "23h ago"},
		{13 * day, "13d ago"},
		{14 * day, "2w ago"},
		{341 * day, "48w ago"},
		{364 * day, "52w ago"},
		{365 * day, "1y ago"},
		{3 * 365 * day, "3y ago"},
	} {
		if got := Age(c.d); got != c.want {
			t.Errorf("Age(%s) = %q, want %q", c.d, got, c.want)
		}
		if len(Age(c.d)) > len("59m ago") {
			t.Errorf("Age(%s) = %q, longer than the column's %q", c.d, Age(c.d), "59m ago")
		}
	}
}

func TestCountGroupsThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0 jobs", 1: "1 job", 2: "2 jobs", 999: "999 jobs", 1000: "1,000 jobs",
		40000: "40,000 jobs", 1000000: "1,000,000 jobs"} {
		if got := Count(n, "job", "jobs"); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}
