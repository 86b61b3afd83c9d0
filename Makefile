# Mnemo — the two commands: `make run` and `make test`.
# Both install the Debian packages the build and the tests need (only when
# one is missing), build in release mode, then run.

SHELL := /bin/bash
DEBIAN_PACKAGES := libopenblas-dev libncurses-dev ncurses-term zlib1g-dev pkg-config tmux libopenmpi-dev openmpi-bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# One set of flags for every build: `make run` after `make test` (or the
# other way round) reuses the same objects instead of rebuilding everything,
# which a differing flag (-enable-testing) forces. Release mode: the numerics
# are far too slow in debug builds; -enable-testing costs nothing measurable
# at run time (it keeps internal symbols visible to @testable imports).
# Measured: after `make test`, `make run`'s build step takes 0.4 s (no-op).
SWIFT_FLAGS := -c release -Xswiftc -enable-testing
SWIFT_RELEASE := swift build $(SWIFT_FLAGS)
SWIFT_TEST := swift test $(SWIFT_FLAGS)

export SWIFT_BACKTRACE ?= interactive=no

.PHONY: run test build deps clean completions man

run: build
	.build/release/mnemo $(ARGS)

# Two passes: the terminal tests (a real mnemo in tmux, waiting for frames)
# run alone after the rest, so that on a 2-core machine they do not compete
# with the numerical suites for the CPU; under that load a first frame once
# took more than a minute to appear (CI, stop 21).
TERMINAL_TESTS := DashboardEndToEndTests
test: deps
	$(SWIFT_RELEASE) --build-tests
	MNEMO_BINARY=$(CURDIR)/.build/release/mnemo $(SWIFT_TEST) --skip-build --skip $(TERMINAL_TESTS)
	MNEMO_BINARY=$(CURDIR)/.build/release/mnemo $(SWIFT_TEST) --skip-build --filter $(TERMINAL_TESTS)

build: deps
	$(SWIFT_RELEASE)

deps:
	@missing=""; \
	for p in $(DEBIAN_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing Debian packages:$$missing"; \
	  $(SUDO) apt-get update && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $$missing; \
	fi

# Shell completions from ArgumentParser's generator, for bash, zsh and fish
# (see the README for where to install them).
completions: build
	mkdir -p .build/completions
	for shell in bash zsh fish; do \
	  .build/release/mnemo --generate-completion-script $$shell > .build/completions/mnemo.$$shell; \
	done
	@echo "completions in .build/completions/"

# The man page from ArgumentParser's generate-manual tool, built from the
# package checkout SwiftPM already has (no network), in its own scratch
# folder so the project's build is untouched; one page with every subcommand.
man: build
	swift build -c release --package-path .build/checkouts/swift-argument-parser \
	  --scratch-path .build/tools --product generate-manual
	mkdir -p .build/man
	.build/tools/release/generate-manual .build/release/mnemo --output-directory .build/man
	@echo "man page: .build/man/mnemo.1 (man -l .build/man/mnemo.1)"

clean:
	rm -rf .build
