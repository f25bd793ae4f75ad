//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/ui/internal/fakedesktop"
)

// The desktop targets of docs/benchmarks.md ("History: 1,000,000 jobs; cold
// start to first window under 1 s; idle RSS within 1.3x of an empty Fyne
// window; idle CPU near zero"), measured on the real binary under Xvfb:
//
//	go test -tags e2e -run '^$' -bench Desktop -benchtime 3x ./ui/e2e/
//
// "First window" is observed from outside, on Xvfb's framebuffer: the
// moment the screen first shows the window's drawn content (text: at least
// 16 distinct colours), timed from just before the process is started.
// Fyne's Lifecycle().SetOnStarted is no such signal: it fires in runGL
// before the queued Show has created, mapped or painted the window.
const (
	pollEvery   = 5 * time.Millisecond    // framebuffer polls while starting
	quietFor    = 1500 * time.Millisecond // no screen change for this long: settled
	settleLimit = 20 * time.Second
	idleWait    = 5 * time.Second  // settled to the RSS reading
	cpuWindow   = 10 * time.Second // idle CPU is measured over this
)

// screenTimes are the moments a start is seen on the screen, from the
// process start.
type screenTimes struct {
	paint   time.Duration // first change from the empty X root
	content time.Duration // first frame with drawn content
	settled time.Duration // last change before quietFor of calm
}

// watchStart polls the screen until the window's content shows and then
// until the screen has not changed for quietFor. blank is the screen before
// the start; needContent is false for a window that draws no text.
func watchStart(b testing.TB, x xvfb, p *process, t0 time.Time, blank frame, needContent bool) screenTimes {
	b.Helper()
	var st screenTimes
	last := blank
	deadline := t0.Add(60 * time.Second)
	for {
		f, err := x.readFrame()
		now := time.Since(t0)
		if err == nil {
			if st.paint == 0 && f.sum != blank.sum {
				st.paint = now
			}
			if st.content == 0 && f.sum != blank.sum && (f.colors >= 16 || !needContent) {
				st.content = now
				saveScreen(b, x, "first-window")
			}
			if f.sum != last.sum {
				st.settled, last = now, f
			}
		}
		if p.exited() {
			b.Fatalf("the program exited while starting; see %s", p.log)
		}
		switch {
		case st.content == 0 && time.Now().After(deadline):
			b.Fatalf("no window on the screen within 60s (last read error %v)", err)
		case st.content != 0 && now-st.settled >= quietFor:
			saveScreen(b, x, "settled")
			return st
		case st.content != 0 && now >= settleLimit:
			b.Logf("the screen still changes %s after start; settled = last change seen", now)
			return st
		}
		if st.content == 0 {
			time.Sleep(pollEvery) // poll interval; the deadline decides
		} else {
			time.Sleep(50 * time.Millisecond) // settling is measured coarser
		}
	}
}

// saveScreen writes the screen as $PERF_SCREENSHOT_DIR/<benchmark>-<what>.png
// when that variable is set, to check what a measured moment looked like.
func saveScreen(b testing.TB, x xvfb, what string) {
	dir := os.Getenv("PERF_SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	img, err := x.screenshot()
	if err == nil {
		name := strings.NewReplacer("/", "_", "=", "-").Replace(b.Name())
		err = writePNG(filepath.Join(dir, name+"-"+what+".png"), cropToContent(img))
	}
	if err != nil {
		b.Logf("screenshot %s: %v", what, err)
	}
}

// stage is one fresh display and session bus for one start.
type stage struct {
	d     *fakedesktop.Desktop
	x     xvfb
	blank frame
}

func newStage(b testing.TB) stage {
	b.Helper()
	s := stage{d: fakedesktop.Start(b), x: startXvfb(b)}
	f, err := s.x.readFrame()
	if err != nil {
		b.Fatal(err)
	}
	s.blank = f
	return s
}

// close stops the session bus now (its cleanup then finds it closed). The
// idle Xvfb stays until the benchmark's cleanups: the harness keeps its pid.
func (s stage) close() { s.d.Close() }

// stop ends a process the benchmark started (SIGTERM, by its pid) and waits.
func stop(b testing.TB, p *process) {
	b.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		b.Logf("pid %d ignored SIGTERM for 15s; killing it", p.cmd.Process.Pid)
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// history prepares an install's data folder: "" leaves it empty (a first
// start), otherwise the database is copied in as its history.db.
func prepareHistory(b testing.TB, in *install, db string) {
	b.Helper()
	if db == "" {
		return
	}
	if err := copyFile(db, datadir.DatabasePath(in.home)); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkDesktopStartup times cold starts of the app (sandbox mode, fresh
// Xvfb and session bus each time) with an empty and a 1,000,000-job history,
// beside an empty Fyne window. "caches=fresh" is a user's very first launch:
// an empty XDG cache, so Mesa compiles every shader (llvmpipe JIT-compiles
// them with LLVM here) and go-text scans the system fonts; "caches=warm" is
// every later launch: the cache folder one untimed launch filled. The
// operating system's page cache is warm either way (the fixture was just
// copied and synced): "cold" means a new process, not an empty page cache.
func BenchmarkDesktopStartup(b *testing.B) {
	histories := []struct {
		name string
		db   func(testing.TB) string
	}{
		{"emptywindow", nil}, // the floor: Fyne and Mesa alone
		{"history=empty", func(testing.TB) string { return "" }},
		{"history=1M", finishedFixture},
		// The store fixture as built: 40,000 jobs left unfinished, which
		// the engine resumes at start (a recovery, not a normal start).
		{"history=1M-40k-unfinished", storeFixture},
	}
	for _, h := range histories {
		for _, caches := range []string{"fresh", "warm"} {
			b.Run(h.name+"/caches="+caches, func(b *testing.B) {
				l := launchSpec{bin: appUnderTest(b), args: []string{"--sandbox", "--listen", ""}, needContent: true}
				if h.db == nil {
					l = launchSpec{bin: emptyWindowBinary(b)}
				} else {
					l.db = h.db(b)
				}
				if caches == "warm" {
					l.env = []string{"XDG_CACHE_HOME=" + b.TempDir()}
					l.startOnce(b) // fills the cache; not timed
				}
				var sum screenTimes
				var rss int64
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					st, r := l.startOnce(b)
					b.Logf("run %d: first paint %s, content %s, settled %s, RSS %d MiB", i,
						st.paint.Round(time.Millisecond), st.content.Round(time.Millisecond), st.settled.Round(time.Millisecond), r>>10)
					sum.paint += st.paint
					sum.content += st.content
					sum.settled += st.settled
					rss += r
				}
				ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / float64(b.N) }
				b.ReportMetric(ms(sum.paint), "first-paint-ms")
				b.ReportMetric(ms(sum.content), "first-window-ms")
				b.ReportMetric(ms(sum.settled), "settled-ms")
				b.ReportMetric(float64(rss)/1024/float64(b.N), "settled-rss-MiB")
			})
		}
	}
}

// launchSpec is one kind of start: a program, its arguments (args[2], if
// any, is replaced by a free --listen address), the history it starts with
// and what it adds to the environment.
type launchSpec struct {
	bin         string
	args        []string
	db          string
	env         []string
	needContent bool // the window draws text (the empty window draws none)
}

// startOnce starts l on a fresh display and bus, with the benchmark timer
// running only from just before the process starts until its window shows,
// waits for the screen to settle, reads the RSS and stops the process.
func (l launchSpec) startOnce(b *testing.B) (screenTimes, int64) {
	b.Helper()
	b.StopTimer()
	defer b.StartTimer()
	s := newStage(b)
	defer s.close()
	in := newInstall(b, l.bin, s.d, s.x, append(l.env, appEnv()...)...)
	defer os.RemoveAll(in.home) // a copied history is 430 MB
	prepareHistory(b, in, l.db)
	args := slices.Clone(l.args)
	if args != nil {
		args[2] = freeAddr(b)
	}
	b.StartTimer()
	t0 := time.Now()
	p := in.start(args...)
	defer stop(b, p)
	st := watchStart(b, s.x, p, t0, s.blank, l.needContent)
	b.StopTimer()
	r, err := rssKiB(p.cmd.Process.Pid)
	if err != nil {
		b.Fatal(err)
	}
	return st, r
}

// appEnv is what the benchmarks add to the app's environment when asked
// to explain a result: PERF_APP_ENV (e.g. "GODEBUG=gctrace=1,inittrace=1")
// and the profiling variables of testdata/profiling.
func appEnv() []string {
	env := strings.Fields(os.Getenv("PERF_APP_ENV"))
	for _, k := range []string{"PERF_PROFILE_DIR", "PERF_PROFILE_SECONDS", "PERF_FREE_OS_MEMORY_AFTER"} {
		if v := os.Getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	return env
}

var profiled struct {
	once sync.Once
	bin  string
	err  error
}

// appUnderTest is the app binary. With PERF_PROFILE_DIR,
// PERF_FREE_OS_MEMORY_AFTER or PERF_BUILD_TAGS set it is a variant build:
// testdata/profiling/profiling.go added to package main through
// `go build -overlay` (profiles and a trace of the start written to
// PERF_PROFILE_DIR; see that file) and the given build tags (e.g. no_emoji).
// Measure the targets without them: profiling costs time.
func appUnderTest(b testing.TB) string {
	b.Helper()
	app := appBinary(b)
	tags := os.Getenv("PERF_BUILD_TAGS")
	if os.Getenv("PERF_PROFILE_DIR") == "" && os.Getenv("PERF_FREE_OS_MEMORY_AFTER") == "" && tags == "" {
		return app
	}
	profiled.once.Do(func() {
		root := repoRoot(b)
		dir := filepath.Dir(app)
		overlay := filepath.Join(dir, "overlay.json")
		spec := fmt.Sprintf(`{"Replace": {%q: %q}}`,
			filepath.Join(root, "zz_perf_profiling.go"), filepath.Join(root, "ui", "e2e", "testdata", "profiling", "profiling.go"))
		if profiled.err = os.WriteFile(overlay, []byte(spec), 0o644); profiled.err != nil {
			return
		}
		profiled.bin = filepath.Join(dir, "reducto-tray-profiled")
		profiled.err = goBuild(root, profiled.bin, ".", "-overlay", overlay, "-tags", tags)
	})
	if profiled.err != nil {
		b.Fatal(profiled.err)
	}
	return profiled.bin
}

var emptyWindow struct {
	once sync.Once
	bin  string
	err  error
}

// emptyWindowBinary builds testdata/emptywindow, the baseline Fyne program,
// beside the app binary.
func emptyWindowBinary(b testing.TB) string {
	b.Helper()
	app := appBinary(b)
	emptyWindow.once.Do(func() {
		emptyWindow.bin = filepath.Join(filepath.Dir(app), "emptywindow")
		emptyWindow.err = goBuild(repoRoot(b), emptyWindow.bin, "./ui/e2e/testdata/emptywindow")
	})
	if emptyWindow.err != nil {
		b.Fatal(emptyWindow.err)
	}
	return emptyWindow.bin
}

// idleSample is a program's footprint once started and left alone.
type idleSample struct {
	rssKiB int64         // VmRSS idleWait after the screen settled
	cpu    time.Duration // CPU used over cpuWindow after that
}

// measureIdle starts l in a fresh stage, waits for its window to settle,
// then for idleWait, reads its RSS, and measures its CPU over cpuWindow.
func measureIdle(b testing.TB, l launchSpec) idleSample {
	b.Helper()
	s := newStage(b)
	defer s.close()
	in := newInstall(b, l.bin, s.d, s.x, append(l.env, appEnv()...)...)
	defer os.RemoveAll(in.home)
	prepareHistory(b, in, l.db)
	args := slices.Clone(l.args)
	if args != nil {
		args[2] = freeAddr(b)
	}
	bin := l.bin
	t0 := time.Now()
	p := in.start(args...)
	defer func() {
		stop(b, p)
		if os.Getenv("PERF_SMAPS") == "1" {
			out, _ := os.ReadFile(p.log)
			b.Logf("%s output:\n%s", filepath.Base(bin), out)
		}
	}()
	watchStart(b, s.x, p, t0, s.blank, l.needContent)
	pid := p.cmd.Process.Pid
	time.Sleep(idleWait) // the measured idle time itself, not synchronisation
	var out idleSample
	var err error
	if out.rssKiB, err = rssKiB(pid); err != nil {
		b.Fatal(err)
	}
	c0, err := cpuTime(pid)
	if err != nil {
		b.Fatal(err)
	}
	time.Sleep(cpuWindow) // the measured idle time itself
	c1, err := cpuTime(pid)
	if err != nil {
		b.Fatal(err)
	}
	out.cpu = c1 - c0
	b.Logf("%s: %s", filepath.Base(bin), memBreakdown(pid))
	if os.Getenv("PERF_SMAPS") == "1" {
		b.Logf("%s: largest mappings:%s", filepath.Base(bin), topMappings(pid, 12))
	}
	return out
}

// BenchmarkDesktopIdle compares the app, idle with a 1,000,000-job history,
// with an empty Fyne window under the same kind of Xvfb: resident memory
// and CPU time while nothing happens. Both run with fresh caches (a first
// launch) and with warm ones (later launches; see BenchmarkDesktopStartup):
// Mesa maps less of LLVM when its shaders come from the cache.
func BenchmarkDesktopIdle(b *testing.B) {
	for _, caches := range []string{"fresh", "warm"} {
		b.Run("caches="+caches, func(b *testing.B) {
			app := launchSpec{bin: appUnderTest(b), args: []string{"--sandbox", "--listen", ""}, db: finishedFixture(b), needContent: true}
			empty := launchSpec{bin: emptyWindowBinary(b)}
			if caches == "warm" {
				app.env = []string{"XDG_CACHE_HOME=" + b.TempDir()}
				empty.env = []string{"XDG_CACHE_HOME=" + b.TempDir()}
				app.startOnce(b)
				empty.startOnce(b)
			}
			var as, es idleSample
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				e := measureIdle(b, empty)
				a := measureIdle(b, app)
				b.Logf("run %d: app RSS %d MiB, CPU %s/%s; empty window RSS %d MiB, CPU %s/%s", i,
					a.rssKiB>>10, a.cpu, cpuWindow, e.rssKiB>>10, e.cpu, cpuWindow)
				as.rssKiB += a.rssKiB
				as.cpu += a.cpu
				es.rssKiB += e.rssKiB
				es.cpu += e.cpu
			}
			n := float64(b.N)
			perMin := func(d time.Duration) float64 {
				return float64(d) / float64(time.Millisecond) / n * float64(time.Minute) / float64(cpuWindow)
			}
			b.ReportMetric(float64(as.rssKiB)/1024/n, "app-rss-MiB")
			b.ReportMetric(float64(es.rssKiB)/1024/n, "empty-rss-MiB")
			b.ReportMetric(float64(as.rssKiB)/float64(es.rssKiB), "rss-ratio")
			b.ReportMetric(perMin(as.cpu), "app-cpu-ms/min")
			b.ReportMetric(perMin(es.cpu), "empty-cpu-ms/min")
		})
	}
}

// BenchmarkDesktopJobsJSON times `reducto-tray jobs --json` over the
// 1,000,000-job history and reports its peak memory (getrusage maxrss).
func BenchmarkDesktopJobsJSON(b *testing.B) {
	bin := appBinary(b)
	db := finishedFixture(b)
	home := b.TempDir()
	if err := copyFile(db, datadir.DatabasePath(home)); err != nil {
		b.Fatal(err)
	}
	var maxRSS int64
	var outBytes int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin, "jobs", "--json")
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "REDUCTO_TRAY_HOME=" + home}
		out, err := os.Create(filepath.Join(home, "jobs.json"))
		if err != nil {
			b.Fatal(err)
		}
		cmd.Stdout = out
		err = cmd.Run()
		out.Close()
		if err != nil {
			b.Fatalf("jobs --json: %v", err)
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > maxRSS {
			maxRSS = ru.Maxrss // KiB on Linux
		}
		if fi, err := os.Stat(filepath.Join(home, "jobs.json")); err == nil {
			outBytes = fi.Size()
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(maxRSS)/1024, "peak-rss-MiB")
	b.ReportMetric(float64(outBytes)/(1<<20), "output-MiB")
}
