//go:build linux

package search

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// The benchmark history: 20,000 parsed documents of 5 pages (100,000
// pages), 16 blocks a page of about 16 words drawn from a Zipf
// distribution over a 40,000-word vocabulary (as words in prose are), about
// 2 KB of text a page. A few marker words sit at known rates.
const (
	benchDocs       = 20_000
	benchPages      = 5
	benchBlocks     = 16
	benchWordsBlock = 16
	benchVocab      = 40_000
	benchFixtureVer = 7
)

var (
	benchOnce sync.Once
	benchPath string
	benchText int64 // bytes of block text in the fixture
	benchErr  error
)

// benchWord is the vocabulary's word of rank i: made of syllables, so
// words look like words and share prefixes.
func benchWord(i int) string {
	syl := []string{"ka", "ren", "to", "mi", "sal", "ve", "dor", "pu", "li", "an", "gre", "tho", "su", "bel", "ni", "co"}
	var b strings.Builder
	for n := i + 16; n > 0; n /= 16 {
		b.WriteString(syl[n%16])
	}
	return b.String()
}

// benchDoc is document d's parse result and its text bytes.
func benchDoc(d int) ([]byte, int64) {
	rng := rand.New(rand.NewPCG(uint64(d), 7))
	z := rand.NewZipf(rand.New(rand.NewPCG(uint64(d), 11)), 1.07, 2, benchVocab-1)
	var text int64
	out := parseJSON(benchPages, benchBlocks, func(_, k int) string {
		words := make([]string, benchWordsBlock)
		for w := range words {
			words[w] = benchWord(int(z.Uint64()))
		}
		// Marker words: "indemnity" on about one page in 100, a contract
		// phrase on one in 1,000.
		if k == 3 && rng.IntN(100) == 0 {
			words[5] = "indemnity"
		}
		if k == 7 && rng.IntN(1000) == 0 {
			copy(words[2:], []string{"limitation", "of", "liability"})
		}
		c := strings.Join(words, " ")
		text += int64(len(c))
		return c
	})
	return out, text
}

// benchFixture is the path of an unindexed history of benchDocs parsed
// documents, built once and kept in the temp folder.
func benchFixture(b *testing.B) (string, int64) {
	if testing.Short() {
		b.Skip("the 100,000-page fixture is skipped in -short mode")
	}
	benchOnce.Do(func() {
		benchPath = filepath.Join(os.TempDir(), fmt.Sprintf("reducto-tray-search-bench-f%d-%d.db", benchFixtureVer, benchDocs))
		for d := 0; d < benchDocs; d++ {
			_, n := benchDoc(d)
			benchText += n
		}
		if _, err := os.Stat(benchPath); err == nil {
			return
		}
		tmp := benchPath + fmt.Sprintf(".building-%d", os.Getpid())
		benchErr = buildBenchFixture(tmp)
		if benchErr == nil {
			benchErr = os.Rename(tmp, benchPath)
		}
		os.Remove(tmp + "-wal")
		os.Remove(tmp + "-shm")
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchPath, benchText
}

func buildBenchFixture(path string) error {
	st, err := store.Open(path)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx := context.Background()
	for lo := 0; lo < benchDocs; lo += 500 {
		var js []jobs.Job
		for d := lo; d < min(lo+500, benchDocs); d++ {
			js = append(js, jobs.Job{File: fmt.Sprintf("/home/ann/Documents/contract-%05d.pdf", d), Kind: jobs.KindParse,
				Webhook: jobs.WebhookNone, ClientRef: fmt.Sprintf("bench-%d", d), Options: jobs.Options{Kind: jobs.KindParse, Webhook: jobs.WebhookNone}})
		}
		created, err := st.Create(ctx, js)
		if err != nil {
			return err
		}
		for i, j := range created {
			raw, _ := benchDoc(lo + i)
			if _, _, err := st.Update(ctx, j.ID, jobs.StatusCompleted, store.Patch{Result: raw}); err != nil {
				return err
			}
		}
	}
	return nil
}

// copyFixture copies the fixture to a fresh temp file (each benchmark
// indexes its own copy).
func copyFixture(b *testing.B, src string) string {
	dst := filepath.Join(b.TempDir(), "history.db")
	in, err := os.Open(src)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
	return dst
}

// dbBytes is the database's size in pages in use (free pages left out),
// after a checkpoint.
func dbBytes(b *testing.B, path string) int64 {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var pages, free, size int64
	if _, err := db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
	if err := db.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		b.Fatal(err)
	}
	db.QueryRow(`PRAGMA freelist_count`).Scan(&free)
	db.QueryRow(`PRAGMA page_size`).Scan(&size)
	return (pages - free) * size
}

// threadCPU is the CPU time of the calling thread (RUSAGE_THREAD).
func threadCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(1, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// processCPU is the CPU time of the whole process.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// percentile of sorted durations.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	return ds[min(len(ds)-1, int(float64(len(ds))*p))]
}

// BenchmarkSearchBackfill indexes the whole 100,000-page history (the
// first start of this version on an older history) while another
// goroutine writes a job every 2 ms as the engine would, and reports the
// pages indexed per second, the index's size against the text it holds,
// and how long those writes waited.
func BenchmarkSearchBackfill(b *testing.B) {
	src, text := benchFixture(b)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		path := copyFixture(b, src)
		before := dbBytes(b, path)
		st, err := store.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		ix := New(st, quiet())
		// The indexer's goroutine is locked to its thread, so the thread's
		// CPU time between two commits bounds how long each of its
		// transactions held the write connection, whatever else the
		// shared machine was running.
		// Writes and merge steps are separate transactions, measured
		// apart (a merge step's time runs from the write's end).
		var holds, merges []time.Duration
		var lastCPU time.Duration
		// The WAL's salt changes when a write restarts the WAL after a
		// checkpoint: a write followed by a new salt is one whose commit
		// may have run SQLite's automatic checkpoint.
		var salts []uint64
		wal, err := os.Open(path + "-wal")
		if err != nil {
			b.Fatal(err)
		}
		// Whether a garbage collection ended during the write (its mark
		// assists and pauses count in the thread's time).
		gcs := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
		var gcAt uint64
		var gcDuring []bool
		ix.afterWrite = func(int64, bool) {
			now := threadCPU()
			holds = append(holds, now-lastCPU)
			metrics.Read(gcs)
			gcDuring = append(gcDuring, gcs[0].Value.Uint64() != gcAt)
			var h [8]byte
			wal.ReadAt(h[:], 16)
			salts = append(salts, binary.BigEndian.Uint64(h[:]))
			lastCPU = now
		}
		ix.afterMerge = func() {
			metrics.Read(gcs)
			gcAt = gcs[0].Value.Uint64()
			now := threadCPU()
			merges = append(merges, now-lastCPU)
			lastCPU = now
		}
		// The same writer for 10 s before the pass: what its waits are on
		// this machine without the indexer.
		var alone []time.Duration
		for n, end := 0, time.Now().Add(10*time.Second); time.Now().Before(end); n++ {
			t0 := time.Now()
			if _, err := st.Create(context.Background(), []jobs.Job{{File: fmt.Sprintf("/a/%d.pdf", n), Kind: jobs.KindParse,
				Webhook: jobs.WebhookNone, ClientRef: fmt.Sprintf("a-%d-%d", i, n), Options: jobs.Options{Kind: jobs.KindParse, Webhook: jobs.WebhookNone}}}); err != nil {
				b.Fatal(err)
			}
			alone = append(alone, time.Since(t0))
			time.Sleep(2 * time.Millisecond)
		}
		slices.Sort(alone)
		ctx, cancel := context.WithCancel(context.Background())
		var waits []time.Duration
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ctx.Err() == nil; n++ {
				t0 := time.Now()
				_, err := st.Create(context.Background(), []jobs.Job{{File: fmt.Sprintf("/w/%d.pdf", n), Kind: jobs.KindParse,
					Webhook: jobs.WebhookNone, ClientRef: fmt.Sprintf("w-%d-%d", i, n), Options: jobs.Options{Kind: jobs.KindParse, Webhook: jobs.WebhookNone}}})
				if err != nil {
					b.Error(err)
					return
				}
				waits = append(waits, time.Since(t0))
				time.Sleep(2 * time.Millisecond)
			}
		}()
		b.StartTimer()
		cpu0, t0 := processCPU(), time.Now()
		passErr := make(chan error, 1)
		go func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			lastCPU = threadCPU()
			passErr <- ix.Pass(context.Background())
		}()
		if err := <-passErr; err != nil {
			b.Fatal(err)
		}
		el, cpu := time.Since(t0), processCPU()-cpu0
		b.StopTimer()
		cancel()
		wg.Wait()
		st.Close()
		after := dbBytes(b, path)
		slices.Sort(waits)
		wal.Close()
		var ckpt, other, withGC, withoutGC time.Duration
		restarts := 0
		for k := range holds {
			if gcDuring[k] {
				withGC = max(withGC, holds[k])
			} else {
				withoutGC = max(withoutGC, holds[k])
			}
			if k+1 < len(salts) && salts[k+1] != salts[k] {
				restarts++
				ckpt = max(ckpt, holds[k])
			} else {
				other = max(other, holds[k])
			}
		}
		slices.Sort(holds)
		slices.Sort(merges)
		pages := float64(benchDocs * benchPages)
		b.ReportMetric(pages/el.Seconds(), "pages/s")
		b.ReportMetric(pages/cpu.Seconds(), "pages/cpu-s")
		b.ReportMetric(float64(after-before)/float64(text), "index/text")
		b.ReportMetric(float64(text)/1e6, "text-MB")
		b.ReportMetric(float64(percentile(holds, 0.99).Microseconds())/1000, "tx-cpu-p99-ms")
		b.ReportMetric(float64(holds[len(holds)-1].Microseconds())/1000, "tx-cpu-max-ms")
		b.ReportMetric(float64(ckpt.Microseconds())/1000, "tx-cpu-max-before-wal-restart-ms")
		b.ReportMetric(float64(other.Microseconds())/1000, "tx-cpu-max-others-ms")
		b.ReportMetric(float64(restarts), "wal-restarts")
		b.ReportMetric(float64(withGC.Microseconds())/1000, "tx-cpu-max-gc-ended-ms")
		b.ReportMetric(float64(withoutGC.Microseconds())/1000, "tx-cpu-max-no-gc-ms")
		b.ReportMetric(float64(len(holds)), "writes")
		b.ReportMetric(float64(percentile(merges, 0.99).Microseconds())/1000, "merge-cpu-p99-ms")
		b.ReportMetric(float64(merges[len(merges)-1].Microseconds())/1000, "merge-cpu-max-ms")
		b.ReportMetric(float64(percentile(waits, 0.99).Microseconds())/1000, "write-p99-ms")
		b.ReportMetric(float64(waits[len(waits)-1].Microseconds())/1000, "write-max-ms")
		b.ReportMetric(float64(percentile(alone, 0.99).Microseconds())/1000, "alone-write-p99-ms")
		b.ReportMetric(float64(alone[len(alone)-1].Microseconds())/1000, "alone-write-max-ms")
		b.StartTimer()
	}
}

var (
	indexedOnce sync.Once
	indexedPath string
	indexedErr  error
)

// indexedFixture is the fixture with its index built, kept beside it.
func indexedFixture(b *testing.B) string {
	src, _ := benchFixture(b)
	indexedOnce.Do(func() {
		indexedPath = strings.TrimSuffix(src, ".db") + "-indexed.db"
		if _, err := os.Stat(indexedPath); err == nil {
			return
		}
		tmp := indexedPath + ".building"
		in, _ := os.ReadFile(src)
		if indexedErr = os.WriteFile(tmp, in, 0o600); indexedErr != nil {
			return
		}
		st, err := store.Open(tmp)
		if err != nil {
			indexedErr = err
			return
		}
		ix := New(st, quiet())
		indexedErr = ix.Pass(context.Background())
		st.Close()
		if indexedErr == nil {
			indexedErr = os.Rename(tmp, indexedPath)
		}
	})
	if indexedErr != nil {
		b.Fatal(indexedErr)
	}
	return indexedPath
}

// benchQueries are the searches measured: a common word, a rare one, a
// prefix, three words together, a phrase, and a word and its exclusion.
var benchQueries = []struct{ name, q string }{
	{"one-word-rare", "indemnity"},
	{"one-word-common", benchWord(40)},
	{"one-word-mid", benchWord(400)},
	{"three-words", benchWord(30) + " " + benchWord(300) + " " + benchWord(3000)},
	{"phrase", `"limitation of liability"`},
	{"prefix", benchWord(500)[:4] + "*"},       // a prefix of hundreds of words
	{"prefix-3", benchWord(500)[:3] + "*"},     // more still
	{"prefix-5", benchWord(500)[:5] + "*"},     // past the prefix index's lengths
	{"prefix-long", benchWord(5000)[:7] + "*"}, // "indemn*": a few words
	{"name", "contract-1234"},
}

// BenchmarkSearchQuery runs each query for its first 50 hits on the
// indexed 100,000-page history and reports p50 and p99.
func BenchmarkSearchQuery(b *testing.B) {
	path := indexedFixture(b)
	st, err := store.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	for _, q := range benchQueries {
		b.Run(q.name, func(b *testing.B) {
			benchSearch(b, st, q.q)
		})
	}
}

func benchSearch(b *testing.B, st *store.Store, q string) {
	ctx := context.Background()
	hits, err := st.Search(ctx, jobs.SearchQuery{Text: q, Limit: 50})
	if err != nil {
		b.Fatal(err)
	}
	// SQLite runs on the calling goroutine: locked to its thread, the
	// thread's CPU time is what a query costs whatever else the shared
	// machine runs (its wall time is reported too).
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var ds, cs []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0, c0 := time.Now(), threadCPU()
		if _, err := st.Search(ctx, jobs.SearchQuery{Text: q, Limit: 50}); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t0))
		cs = append(cs, threadCPU()-c0)
	}
	b.StopTimer()
	slices.Sort(ds)
	slices.Sort(cs)
	b.ReportMetric(float64(len(hits)), "hits")
	b.ReportMetric(float64(percentile(ds, 0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(ds, 0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(percentile(cs, 0.5).Microseconds())/1000, "cpu-p50-ms")
	b.ReportMetric(float64(percentile(cs, 0.99).Microseconds())/1000, "cpu-p99-ms")
}

// BenchmarkSearchWhileIndexing searches the indexed history while the
// indexer writes 2,000 more documents (10,000 pages) into it.
func BenchmarkSearchWhileIndexing(b *testing.B) {
	path := copyFixture(b, indexedFixture(b))
	st, err := store.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	// 2,000 new results, not indexed yet.
	for lo := benchDocs; lo < benchDocs+2000; lo += 500 {
		var js []jobs.Job
		for d := lo; d < lo+500; d++ {
			js = append(js, jobs.Job{File: fmt.Sprintf("/new/%d.pdf", d), Kind: jobs.KindParse, Webhook: jobs.WebhookNone,
				ClientRef: fmt.Sprintf("new-%d", d), Options: jobs.Options{Kind: jobs.KindParse, Webhook: jobs.WebhookNone}})
		}
		created, err := st.Create(ctx, js)
		if err != nil {
			b.Fatal(err)
		}
		for i, j := range created {
			raw, _ := benchDoc(lo + i)
			if _, _, err := st.Update(ctx, j.ID, jobs.StatusCompleted, store.Patch{Result: raw}); err != nil {
				b.Fatal(err)
			}
		}
	}
	ix := New(st, quiet())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := ix.Pass(ctx); err != nil {
			b.Error(err)
		}
	}()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var ds, cs []time.Duration
	b.ResetTimer()
	for i := 0; ; i++ {
		q := benchQueries[i%4].q
		t0, c0 := time.Now(), threadCPU()
		if _, err := st.Search(ctx, jobs.SearchQuery{Text: q, Limit: 50}); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t0))
		cs = append(cs, threadCPU()-c0)
		select {
		case <-done:
		default:
			runtime.Gosched()
			continue
		}
		break
	}
	b.StopTimer()
	slices.Sort(ds)
	slices.Sort(cs)
	b.ReportMetric(float64(len(ds)), "searches")
	b.ReportMetric(float64(percentile(ds, 0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(ds, 0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(percentile(cs, 0.5).Microseconds())/1000, "cpu-p50-ms")
	b.ReportMetric(float64(percentile(cs, 0.99).Microseconds())/1000, "cpu-p99-ms")
}
