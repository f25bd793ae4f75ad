# Shortcuts; the README's two commands are the canonical ones.
.PHONY: run test bench build windows wine-smoke package

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

# dist/reducto-tray-windows-amd64.zip: reducto-tray.exe with icon, version
# information and manifest, and its console twin reducto-tray.com
# (docs/packaging.md).
windows:
	bash .ci/windows-package

# The Windows package driven through the contract under Wine.
wine-smoke: windows
	bash .ci/wine-smoke dist/reducto-tray-windows-amd64/reducto-tray.exe

package:
	go run fyne.io/tools/cmd/fyne@v1.7.2 package -os linux -release
