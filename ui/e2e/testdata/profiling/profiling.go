// This file is not built on its own: the e2e benchmarks add it to package
// main with `go build -overlay` when PERF_PROFILE_DIR is set, so the real
// binary can be profiled without a profiling hook in the shipped code.
// It writes, into $PERF_PROFILE_DIR:
//   - cpu.pprof: a CPU profile from process start for $PERF_PROFILE_SECONDS
//     (default 3), then heap.pprof (after a GC) at the same moment;
//   - heap-idle.pprof: a heap profile after twice that time, when idle,
//     and memstats.txt: the Go runtime's memory accounts at that moment;
//   - trace.out: an execution trace of the start-up, for `go tool trace`.
//
// With PERF_FREE_OS_MEMORY_AFTER=<seconds> (and no PERF_PROFILE_DIR needed)
// it calls debug.FreeOSMemory once that long after start: the experiment
// behind a proposed fix of idle RSS, tried without editing main.go.
package main

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
	"time"
)

func init() {
	if secs, _ := strconv.Atoi(os.Getenv("PERF_FREE_OS_MEMORY_AFTER")); secs > 0 {
		time.AfterFunc(time.Duration(secs)*time.Second, debug.FreeOSMemory)
	}
	dir := os.Getenv("PERF_PROFILE_DIR")
	if dir == "" {
		return
	}
	secs, _ := strconv.Atoi(os.Getenv("PERF_PROFILE_SECONDS"))
	if secs <= 0 {
		secs = 3
	}
	cpu, err := os.Create(filepath.Join(dir, "cpu.pprof"))
	if err != nil {
		return
	}
	tr, err := os.Create(filepath.Join(dir, "trace.out"))
	if err != nil {
		return
	}
	_ = pprof.StartCPUProfile(cpu)
	_ = trace.Start(tr)
	heap := func(name string) {
		runtime.GC()
		if f, err := os.Create(filepath.Join(dir, name)); err == nil {
			_ = pprof.Lookup("heap").WriteTo(f, 0)
			f.Close()
		}
	}
	go func() {
		time.Sleep(time.Duration(secs) * time.Second)
		trace.Stop()
		tr.Close()
		pprof.StopCPUProfile()
		cpu.Close()
		heap("heap.pprof")
		time.Sleep(time.Duration(secs) * time.Second)
		heap("heap-idle.pprof")
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		mib := func(n uint64) string { return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB" }
		_ = os.WriteFile(filepath.Join(dir, "memstats.txt"), []byte(
			"Sys "+mib(m.Sys)+"\nHeapAlloc "+mib(m.HeapAlloc)+"\nHeapInuse "+mib(m.HeapInuse)+
				"\nHeapIdle "+mib(m.HeapIdle)+"\nHeapReleased "+mib(m.HeapReleased)+
				"\nHeapIdle-Released (resident, free) "+mib(m.HeapIdle-m.HeapReleased)+
				"\nStackInuse "+mib(m.StackInuse)+"\nGCSys "+mib(m.GCSys)+"\nOtherSys "+mib(m.OtherSys)+
				"\nNextGC "+mib(m.NextGC)+"\n"), 0o644)
	}()
}
