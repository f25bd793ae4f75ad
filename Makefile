# Shortcuts; the README's two commands are the canonical ones.
.PHONY: run test bench build windows wine-smoke packages check-packages package version

# The one version (jobs/core/core.go) and the build users get (.ci/buildflags).
VERSION := $(shell sed -n 's/^const Version = "\(.*\)"$$/\1/p' jobs/core/core.go)
APP_TAGS := $(shell . ./.ci/buildflags && echo $$APP_TAGS)

run:
	bash .ci/app

test:
	bash .ci/test

# Speed targets (results in docs/benchmarks.md).
bench:
	go test -run '^$$' -bench . -benchtime 1x ./jobs/
	go test -run '^$$' -bench . ./receiver/

build:
	go build -tags "$(APP_TAGS)" -o reducto-tray .

version:
	@echo $(VERSION)

# dist/reducto-tray-windows-amd64.zip: reducto-tray.exe with icon, version
# information and manifest, and its console twin reducto-tray.com
# (docs/packaging.md).
windows:
	bash .ci/windows-package

# dist/: reducto-tray_VERSION-1_amd64.deb, reducto-tray-VERSION-1.x86_64.rpm
# (nfpm) and reducto-tray-VERSION-x64.msi (wixl), beside the zip.
packages:
	bash .ci/packages

# lintian, desktop-file-validate, appstreamcli and an apt install of the .deb.
check-packages: packages
	bash .ci/check-packages

# The .msi installed, driven through the contract and uninstalled under Wine.
wine-smoke: packages
	bash .ci/wine-smoke --msi dist/reducto-tray-$(VERSION)-x64.msi

# Fyne's own packager (a tar.xz; docs/packaging.md).
package:
	go run fyne.io/tools/cmd/fyne@v1.7.2 package -os linux -release -app-version $(VERSION) -tags "$(APP_TAGS)"
