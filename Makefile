# DSKE with courier-delivered PSRD. `make help` lists the targets.
SWIFT        ?= swift
RELEASE_BIN  := .build/release
# System packages the build and the tests need (Debian names). `make setup` installs the missing ones.
APT_PACKAGES := libssl-dev libsqlite3-dev libusb-1.0-0-dev libpcsclite-dev pkg-config \
                python3 python3-venv procps psmisc curl \
                pcscd vsmartcard-vpcd opensc pcsc-tools mtools fusefat dosfstools faketime e2fsprogs util-linux mount

.PHONY: help setup build release test release-smoke bench demo clean

help:
	@echo "make setup   install the system packages the build and tests need (apt-get)"
	@echo "make build   debug build of every target"
	@echo "make test    release build, every test (unit, fuzz, crash, end-to-end, cards), then a benchmark smoke run"
	@echo "make bench   release build, then every benchmark (figures for docs/performance.md)"
	@echo "make demo    run the whole courier flow (enrol, issue, import, courier-mode network, a key pair) on the embedded defaults"
	@echo "make clean   remove build products and demo state"

setup:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "system packages: all present"; fi

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release

# The tests run against a release build, the code as it ships: the optimizer exposes what a debug
# build hides (26 Nov 2026: GF256 kernels that trapped in release only, with 16 shares; a share
# pointer that outlived its buffer), and the end-to-end networks' nodes run at release speed, so
# a slow machine does not time them out. `-enable-testing` lets the suites use internal API; it
# changes code generation, so the test build has a scratch path of its own and `make bench`
# builds plainly.
TEST_BUILD  := -c release -Xswiftc -enable-testing --scratch-path .build-test
TEST_BIN    := .build-test/release

# The smart-card suites (PCSCTests, and psrd-courier's CardCLITests) drive one shared pcscd and
# virtual reader and time card removals; each runs on its own, after everything else, so they
# never meet each other's card and the load of the end-to-end networks cannot skew them.
test: setup
	$(SWIFT) build $(TEST_BUILD) --build-tests
	$(SWIFT) test $(TEST_BUILD) --skip-build --skip 'PCSCTests|CardCLITests'
	$(SWIFT) test $(TEST_BUILD) --skip-build --filter PCSCTests
	$(SWIFT) test $(TEST_BUILD) --skip-build --filter CardCLITests
	$(MAKE) release-smoke

# A short run of the release benchmarks from the test build: splits and rebuilds keys through
# every path (single keys, batches one at a time and in parallel) and checks each pair matches.
release-smoke:
	$(TEST_BIN)/dske-bench crypto --round-milliseconds 5
	$(TEST_BIN)/dske-bench network measure --pairs 50 --parallel-pairs 10 --keys-for-memory 0

bench: setup
	$(SWIFT) build -c release --product dske-bench
	$(SWIFT) build -c release --product psrd-courier
	$(RELEASE_BIN)/dske-bench crypto
	$(RELEASE_BIN)/dske-bench pool
	$(RELEASE_BIN)/dske-bench network
	$(RELEASE_BIN)/dske-bench tls
	$(RELEASE_BIN)/dske-bench courier   # needs root: loop-mounted ext4 image, drops the page cache
	$(RELEASE_BIN)/dske-bench card      # the virtual card in reader 0 (pcscd, vsmartcard-vpcd)

# `swift build` builds psrd-courier next to dske; the demo runs it from there (as root it
# loop-mounts an ext4 image as the USB stick, otherwise it uses a plain directory and says so).
demo: build
	.build/debug/dske demo

clean:
	rm -rf .build .build-test run data
