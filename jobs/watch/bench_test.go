//go:build unix

package watch

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// BenchmarkWriteToQueued measures, for 1,000 files copied in at once, the
// time from each file's last write to its queued row, minus the settling
// time (the part the watcher adds): p50 and p99.
func BenchmarkWriteToQueued(b *testing.B) {
	t := &testing.T{}
	for range b.N {
		r := newRig(t, reductotest.Config{})
		r.cfg.Settle = DefaultSettle
		r.start(r.folder())
		const n = 1000
		written := make(map[string]time.Time, n)
		for i := range n {
			p := filepath.Join(r.dir, fmt.Sprintf("doc-%04d.pdf", i))
			if err := os.WriteFile(p, pdf(fmt.Sprint("doc", i)), 0o644); err != nil {
				b.Fatal(err)
			}
			written[p] = time.Now()
		}
		deadline := time.Now().Add(2 * time.Minute)
		var js []jobs.Job
		for len(js) < n && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
			js, _ = r.store.List(context.Background(), jobs.Query{Limit: n})
		}
		if len(js) != n {
			b.Fatalf("%d jobs queued; want %d", len(js), n)
		}
		lat := make([]float64, 0, n)
		for _, j := range js {
			lat = append(lat, float64(j.CreatedAt.Sub(written[j.File])-DefaultSettle)/float64(time.Millisecond))
		}
		slices.Sort(lat)
		b.ReportMetric(lat[n/2], "p50-ms-after-settle")
		b.ReportMetric(lat[n*99/100], "p99-ms-after-settle")
		r.stop()
	}
}

// seedProcessed makes n small documents in dir and records them in the
// ledger as done, as if the folder had been watched for months.
func seedProcessed(b *testing.B, st *store.Store, dir string, n int) {
	b.Helper()
	batch := make([]store.LedgerEntry, 0, 1000)
	flush := func() {
		claims, err := st.LedgerClaim(context.Background(), batch)
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range claims {
			if err := st.LedgerSetState(context.Background(), c.Entry.ID, store.LedgerDone, nil, ""); err != nil {
				b.Fatal(err)
			}
		}
		batch = batch[:0]
	}
	for i := range n {
		p := filepath.Join(dir, fmt.Sprintf("d%03d", i/1000), fmt.Sprintf("doc-%06d.pdf", i))
		if i%1000 == 0 {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				b.Fatal(err)
			}
		}
		if err := os.WriteFile(p, []byte("%PDF-1.4\n"), 0o644); err != nil {
			b.Fatal(err)
		}
		info, _ := os.Stat(p)
		batch = append(batch, store.LedgerEntry{
			Folder: dir, Path: p, Size: info.Size(), MtimeNS: info.ModTime().UnixNano(),
			Hash: fmt.Sprintf("%064d", i), ClientRef: fmt.Sprint("ref-", i),
		})
		if len(batch) == cap(batch) {
			flush()
		}
	}
	flush()
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkIdle100k watches a folder of 100,000 processed documents (100
// subfolders): the heap the ledger index takes after the start, the CPU of
// one safety-net rescan (ns/op), and the CPU used over 5 s of idling
// between rescans.
func BenchmarkIdle100k(b *testing.B) {
	t := &testing.T{}
	r := newRig(t, reductotest.Config{})
	defer r.stop()
	const n = 100_000
	st, err := store.Open(r.dbPath)
	if err != nil {
		b.Fatal(err)
	}
	seedProcessed(b, st, r.dir, n)
	st.Close()

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r.start(r.folder())
	var f *folder
	deadline := time.Now().Add(2 * time.Minute)
	for {
		sts := r.mgr.Statuses()
		if len(sts) == 1 && sts[0].State == jobs.FolderWatching && !sts[0].LastScan.IsZero() {
			break
		}
		if time.Now().After(deadline) {
			b.Fatal("the folder never finished its first scan")
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, x := range r.mgr.folders {
		f = x
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heapMiB := float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
	if w := f.status().Waiting; w != 0 {
		b.Fatalf("%d processed files waiting to be submitted again", w)
	}

	idle0 := cpuTime()
	time.Sleep(5 * time.Second)
	idleMS := float64(cpuTime()-idle0) / float64(time.Millisecond) / 5

	cpu0 := cpuTime()
	b.ResetTimer()
	for range b.N {
		// What the rescan ticker runs; the loop goroutine is parked on
		// its select, and scan only touches the watcher's map here.
		// Every subfolder is watched already, so walk only reads the
		// loop's watch list.
		f.walk(f.cfg.Path)
	}
	b.StopTimer()
	b.ReportMetric(heapMiB, "MiB-heap-watching")
	b.ReportMetric(idleMS, "idle-cpu-ms/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/rescan")
	if w := f.status().Waiting; w != 0 {
		b.Fatalf("a rescan queued %d processed files", w)
	}
}

// BenchmarkStartAfterLongHistory starts a folder holding 100 documents
// whose ledger also has 100,000 rows of files long gone (moved into
// processed/, deleted): the heap its start keeps and the time it takes,
// first within the retention (rows kept on disk, not in memory), then past
// it (rows deleted).
func BenchmarkStartAfterLongHistory(b *testing.B) {
	t := &testing.T{}
	r := newRig(t, reductotest.Config{})
	defer r.stop()
	st, err := store.Open(r.dbPath)
	if err != nil {
		b.Fatal(err)
	}
	seedProcessed(b, st, r.dir, 100)
	batch := make([]store.LedgerEntry, 0, 1000)
	for i := range 100_000 {
		batch = append(batch, store.LedgerEntry{Folder: r.dir, Path: filepath.Join(r.dir, fmt.Sprintf("gone-%06d.pdf", i)),
			Size: 9, MtimeNS: 1, Hash: fmt.Sprintf("g%063d", i), ClientRef: fmt.Sprint("gone-", i)})
		if len(batch) == cap(batch) {
			claims, err := st.LedgerClaim(context.Background(), batch)
			if err != nil {
				b.Fatal(err)
			}
			for _, c := range claims {
				if err := st.LedgerSetState(context.Background(), c.Entry.ID, store.LedgerDone, nil, ""); err != nil {
					b.Fatal(err)
				}
			}
			batch = batch[:0]
		}
	}
	st.Close()
	start := func() (heapMiB, ms float64, known int) {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		t0 := time.Now()
		r.start(r.folder())
		deadline := time.Now().Add(2 * time.Minute)
		for {
			sts := r.mgr.Statuses()
			if len(sts) == 1 && sts[0].State == jobs.FolderWatching && !sts[0].LastScan.IsZero() {
				break
			}
			if time.Now().After(deadline) {
				b.Fatal("the folder never finished its first scan")
			}
			time.Sleep(5 * time.Millisecond)
		}
		ms = float64(time.Since(t0)) / float64(time.Millisecond)
		f := r.mgr.folderOf(r.dir, "")
		runtime.GC()
		runtime.ReadMemStats(&after)
		f.mu.Lock()
		known = len(f.known)
		f.mu.Unlock()
		r.stop()
		return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / (1 << 20), ms, known
	}
	b.ResetTimer()
	heap, ms, known := start()
	if known != 100 {
		b.Fatalf("%d files known in memory; want the 100 in the folder", known)
	}
	r.cfg.LedgerRetention = time.Nanosecond
	_, pruneMS, _ := start()
	_, afterMS, _ := start()
	b.StopTimer()
	b.ReportMetric(heap, "MiB-heap-kept")
	b.ReportMetric(ms, "ms-start")
	b.ReportMetric(pruneMS, "ms-start-pruning")
	b.ReportMetric(afterMS, "ms-start-pruned")
}
