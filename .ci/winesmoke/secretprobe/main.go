// Command secretprobe is a test program of the Wine smoke test, cross-built
// for Windows and never shipped. It stores a secret through the app's own
// secret store (jobs/settings: Windows Credential Manager, else a 0600 file
// in the data folder), reads it back and prints what happened as one JSON
// line, so the smoke test can check the fallback on the real Windows code.
//
// It also drives the start-at-login entry (ui/autostart: the registry's
// per-user Run key on Windows) for the smoke test's autostart step.
//
// Usage: secretprobe HOME NAME VALUE
//
//	secretprobe autostart enable|disable ID [EXE]
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/jobs/settings"
	"github.com/reductotray/reducto-tray/ui/autostart"
)

// result is what the probe prints.
type result struct {
	SetErr string `json:"set_err"`
	Get    string `json:"get"`
	GetErr string `json:"get_err"`
	// File says whether the fallback file holds the secret.
	File bool `json:"file"`
}

func main() {
	if len(os.Args) >= 4 && os.Args[1] == "autostart" {
		autostartProbe(os.Args[2], os.Args[3], os.Args[4:])
		return
	}
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: secretprobe HOME NAME VALUE")
		os.Exit(2)
	}
	home, name, value := os.Args[1], os.Args[2], os.Args[3]
	if err := os.MkdirAll(home, 0o700); err != nil {
		fmt.Fprintln(os.Stderr, "secretprobe:", err)
		os.Exit(1)
	}
	s := settings.NewSecrets(home, true)
	var r result
	if err := s.Set(name, value); err != nil {
		r.SetErr = err.Error()
	}
	got, err := s.Get(name)
	r.Get = got
	if err != nil {
		r.GetErr = err.Error()
	}
	if b, err := os.ReadFile(datadir.SecretPath(home, name)); err == nil && string(b) == value {
		r.File = true
	}
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		os.Exit(1)
	}
}

// autostartProbe enables or disables the login entry and prints whether it
// is enabled afterwards, and any error, as one JSON line.
func autostartProbe(op, id string, rest []string) {
	var r struct {
		Enabled bool   `json:"enabled"`
		Err     string `json:"err"`
	}
	var err error
	switch {
	case op == "enable" && len(rest) == 1:
		err = autostart.Enable(id, "Reducto Tray", rest[0])
	case op == "disable":
		err = autostart.Disable(id)
	default:
		fmt.Fprintln(os.Stderr, "usage: secretprobe autostart enable|disable ID [EXE]")
		os.Exit(2)
	}
	if err != nil {
		r.Err = err.Error()
	}
	r.Enabled = autostart.Enabled(id)
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		os.Exit(1)
	}
}
