# Shortcuts; the README's two commands are the canonical ones.
.PHONY: run test bench build windows package

run:
	bash .ci/app

test:
	bash .ci/test

# Speed targets (results in docs/benchmarks.md).
bench:
	go test -run '^$$' -bench . -benchtime 1x ./jobs/
	go test -run '^$$' -bench . ./receiver/

build:
	go build -o reducto-tray .

windows:
	CGO_ENABLED=1 GOOS=windows CC=x86_64-w64-mingw32-gcc go build -o reducto-tray.exe .

package:
	go run fyne.io/tools/cmd/fyne@v1.7.2 package -os linux -release
