//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat;
// Linux exports 100 to user space on every architecture Go runs on.
const clockTicks = 100

// rssKiB reads VmRSS, the resident set of pid, from /proc/<pid>/status.
func rssKiB(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read status of %d: %w", pid, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			f := strings.Fields(rest) // "123456 kB"
			if len(f) < 1 {
				break
			}
			return strconv.ParseInt(f[0], 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// cpuTime reads the CPU time pid has used so far, user plus system
// (utime + stime of /proc/<pid>/stat, fields 14 and 15).
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read stat of %d: %w", pid, err)
	}
	// The command name (field 2) may hold spaces; the fields after its
	// closing parenthesis start at field 3 (state).
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no ')'", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields after the name", pid, len(f))
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: utime %q stime %q", pid, f[11], f[12])
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// frame is a cheap look at Xvfb's screen: a hash of every pixel, to see
// change, and the number of distinct colours (up to 16) in a sample, to see
// drawn content (text and icons are antialiased, a bare background is one
// colour, the X root weave two).
type frame struct {
	sum    uint64
	colors int
}

var frameSeed = maphash.MakeSeed()

// readFrame reads the screen from Xvfb's -fbdir file. It reads the XWD
// bytes directly rather than decoding an image, so polling every few
// milliseconds costs well under a millisecond of CPU beside the app
// being measured.
func (x xvfb) readFrame() (frame, error) {
	b, err := os.ReadFile(filepath.Join(x.fbdir, "Xvfb_screen0"))
	if err != nil {
		return frame{}, fmt.Errorf("read Xvfb framebuffer: %w", err)
	}
	if len(b) < xwdHeaderWords*4 {
		return frame{}, fmt.Errorf("xwd: short header")
	}
	word := func(i int) int { return int(binary.BigEndian.Uint32(b[i*4:])) }
	headerSize, width, height, bpp, bytesPerLine, ncolors := word(0), word(4), word(5), word(11), word(12), word(19)
	off := headerSize + ncolors*12
	if bpp != 32 || off < 0 || len(b) < off+height*bytesPerLine {
		return frame{}, fmt.Errorf("xwd: unexpected layout (bpp %d, %d bytes)", bpp, len(b))
	}
	px := b[off : off+height*bytesPerLine]
	f := frame{sum: maphash.Bytes(frameSeed, px)}
	seen := make(map[uint32]struct{}, 16)
	// Every 3rd row and column: a window of several hundred pixels
	// square cannot hide its text from that.
	for y := 0; y < height && len(seen) < 16; y += 3 {
		row := px[y*bytesPerLine:]
		for xx := 0; xx < width; xx += 3 {
			seen[binary.LittleEndian.Uint32(row[xx*4:])&0xffffff] = struct{}{}
			if len(seen) >= 16 {
				break
			}
		}
	}
	f.colors = len(seen)
	return f, nil
}

// memBreakdown is the Rss* lines of /proc/<pid>/status (anonymous memory,
// mapped files, shared memory), to tell heap from code and GL buffers.
func memBreakdown(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return err.Error()
	}
	var parts []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "Rss") || strings.HasPrefix(line, "VmRSS") || strings.HasPrefix(line, "Threads") {
			parts = append(parts, strings.Join(strings.Fields(line), " "))
		}
	}
	return strings.Join(parts, ", ")
}

// topMappings lists the n mappings of pid with the most resident memory,
// from /proc/<pid>/smaps: where an RSS difference lives.
func topMappings(pid, n int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		return err.Error()
	}
	type mapping struct {
		name string
		rss  int64
	}
	byName := map[string]int64{}
	var cur string
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 5 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":"):
			cur = "[anon]"
			if len(f) >= 6 {
				cur = f[5]
			}
		case len(f) >= 2 && f[0] == "Rss:":
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			byName[cur] += kb
		}
	}
	var ms []mapping
	for name, rss := range byName {
		ms = append(ms, mapping{name, rss})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].rss > ms[j].rss })
	var sb strings.Builder
	for i := 0; i < n && i < len(ms); i++ {
		fmt.Fprintf(&sb, "\n\t%7d KiB %s", ms[i].rss, ms[i].name)
	}
	return sb.String()
}
