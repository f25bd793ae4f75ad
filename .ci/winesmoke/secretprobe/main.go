// Command secretprobe is a test program of the Wine smoke test, cross-built
// for Windows and never shipped. It stores a secret through the app's own
// secret store (jobs/settings: Windows Credential Manager, else a 0600 file
// in the data folder), reads it back and prints what happened as one JSON
// line, so the smoke test can check the fallback on the real Windows code.
//
// Usage: secretprobe HOME NAME VALUE
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/reductotray/reducto-tray/jobs/settings"
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
	if b, err := os.ReadFile(settings.SecretPath(home, name)); err == nil && string(b) == value {
		r.File = true
	}
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		os.Exit(1)
	}
}
