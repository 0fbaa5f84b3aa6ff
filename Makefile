# Tokenkeeper: `make run` starts the app, `make test` runs every test. Both install what is
# missing first (Debian 12 / Ubuntu: system packages through apt, npm packages, tauri-driver).

# The Tauri CLI reads CI and accepts only true/false (CI=1, as many CI systems set, is an error).
# It guesses the frontend folder from the package.json files it finds (tests/oauth has one too),
# and runs beforeBuildCommand there: name it.
TAURI := env CI=true TAURI_FRONTEND_PATH=$(CURDIR)/ui TAURI_APP_PATH=$(CURDIR)/src-tauri ui/node_modules/.bin/tauri
SESSION := scripts/session.sh

.PHONY: run test deps app app-release deb dist lint test-rust test-ui test-e2e test-package bindings bench cli screenshots audit

run: deps app
	./target/debug/tokenkeeper-app

deps:
	@scripts/deps.sh

# A debug build with the UI embedded (no dev server needed).
app: deps
	$(TAURI) build --debug --no-bundle

app-release: deps
	$(TAURI) build --no-bundle

# The .deb: the app, and beside it in /usr/bin the CLI and its git and docker credential-helper
# shims, with shell completions and the man page (tauri.conf.json's deb "files" name them).
# One cargo build makes all four binaries (the app's and the CLI's dependencies resolve to one
# feature set; building the CLI on its own compiled every shared dependency twice), then
# `tauri bundle` packages them.
deb: deps
	npm --prefix ui run build
	cargo build --release --locked -p tokenkeeper-app -p tokenkeeper --bins \
	  --features tokenkeeper-app/custom-protocol
	$(MAKE) dist
	$(TAURI) bundle --bundles deb

# Completions and the man page, from the release CLI (`make deb` builds it).
dist:
	mkdir -p target/dist/completions target/dist/man
	target/release/tokenkeeper completions bash > target/dist/completions/tokenkeeper.bash
	target/release/tokenkeeper completions zsh > target/dist/completions/_tokenkeeper
	target/release/tokenkeeper completions fish > target/dist/completions/tokenkeeper.fish
	target/release/tokenkeeper man | gzip -9n > target/dist/man/tokenkeeper.1.gz

cli:
	cargo build --release -p tokenkeeper

# The end-to-end tests run on the release build the .deb packages, so one app build serves both
# last stages (a separate debug build for them cost ~4 minutes of a cold CI run).
test: deps
	@scripts/deps.sh --test
	$(MAKE) lint
	$(MAKE) test-ui
	$(SESSION) $(MAKE) test-rust
	$(MAKE) deb
	TK_E2E_APP_BIN=$(CURDIR)/target/release/tokenkeeper-app $(SESSION) tests/e2e/run.sh
	$(SESSION) tests/package/deb.sh

# cargo deny: licenses, bans and sources of every crate (deny.toml); no advisory database needed.
lint:
	cargo fmt --all --check
	cargo deny --locked check bans sources licenses
	cargo clippy --workspace --all-targets --locked -- -D warnings
	npm --prefix ui run check
	npm --prefix ui run lint

test-ui:
	npm --prefix ui test

# Rust unit and integration tests, including the ones against the real gnome-keyring.
test-rust:
	cargo test --workspace --locked

test-e2e: app
	$(SESSION) tests/e2e/run.sh

# Refreshes docs/screenshots (README's pictures) by running the e2e suite with them as target.
screenshots: app
	TK_SCREENSHOTS=$(CURDIR)/docs/screenshots $(SESSION) tests/e2e/run.sh

# Builds the .deb and checks its desktop entry starts the app (without installing it).
test-package: deb
	$(SESSION) tests/package/deb.sh

# Known vulnerabilities (needs the network for the RustSec database and the npm registry).
audit:
	cargo deny --locked check advisories
	npm --prefix ui audit --omit=dev

# Rewrites ui/src/lib/bindings from the Rust types (the bindings test fails until you do).
bindings:
	UPDATE_BINDINGS=1 cargo test -p tokenkeeper-app --test generated

bench:
	cargo bench -p tokenkeeper-core
	tests/bench/app.sh
	tests/bench/watcher.sh
