# shellcheck shell=bash
# Kizuna's build library, sourced by scripts/dev, scripts/test and scripts/build.
# Every ensure_* step installs what is missing at the pinned version and skips what is
# already there, so the README's commands are idempotent on a fresh Debian machine.
set -euo pipefail

KIZUNA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$KIZUNA_ROOT"

WASM_BINDGEN_VERSION=0.2.130
WORKER_BUILD_VERSION=0.8.7
WASM_SPLIT_VERSION=0.2.4

log() { printf '\033[1;34m==> %s\033[0m\n' "$*" >&2; }

CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$KIZUNA_ROOT/node_modules/.bin:$CARGO_BIN:$PATH"
export WASM_BINDGEN_BIN="$CARGO_BIN/wasm-bindgen"
export WASM_OPT_BIN="$KIZUNA_ROOT/node_modules/.bin/wasm-opt"
export ESBUILD_BIN="$KIZUNA_ROOT/node_modules/.bin/esbuild"
export WRANGLER_SEND_METRICS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_rust() {
  command -v cargo >/dev/null || { echo "Rust is required: https://rustup.rs" >&2; exit 1; }
  for component in clippy rustfmt; do
    if ! rustup component list --installed | grep -q "^$component"; then
      log "adding the $component component"
      rustup component add "$component"
    fi
  done
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  # Ask the exact binaries the build will use, not whatever PATH finds first.
  if [ "$("$CARGO_BIN/wasm-bindgen" --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
  if [ "$("$CARGO_BIN/worker-build" --version 2>/dev/null)" != "$WORKER_BUILD_VERSION" ]; then
    log "installing worker-build $WORKER_BUILD_VERSION (a few minutes, once)"
    cargo install worker-build --version "$WORKER_BUILD_VERSION" --force
  fi
  # Cuts the console's wasm into its first load and lazily loaded parts (www/console/src/parts.rs).
  if ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
    log "installing wasm-split-cli $WASM_SPLIT_VERSION (two minutes, once)"
    cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --locked --force
  fi
}

ensure_node() {
  command -v npm >/dev/null || { echo "Node.js and npm are required" >&2; exit 1; }
  # npm records what it installed in node_modules/.package-lock.json; reinstall when the
  # project's lockfile or manifest is newer.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
    || [ package.json -nt node_modules/.package-lock.json ]; then
    log "installing npm packages (wrangler, node 22, binaryen, playwright-core, redocly)"
    npm install --no-audit --no-fund
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    log "installing Debian's chromium for the browser tests"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
  fi
  # The console's Japanese screenshots need a Japanese font (else every glyph is a box).
  if [ -z "$(fc-list :lang=ja 2>/dev/null)" ]; then
    log "installing Noto CJK fonts for the console's Japanese screens"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends fonts-noto-cjk
  fi
}

# The real-software check of kizuna-files (files/tests/real_software.rs): a project-local
# Python (target/pyenv) with msoffcrypto-tool (decrypts and verifies the workbook's
# integrity), openpyxl (reads it) and pyzipper (opens the AES ZIP), and 7-Zip (`7z t`; bookworm's 7zip package names it 7zz).
PYENV_PACKAGES=(msoffcrypto-tool==5.4.2 openpyxl==3.1.5 pyzipper==0.3.6)
ensure_pyenv() {
  local python="${PYTHON:-python3}"
  if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
    log "installing Debian's python3-venv"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv
    python=/usr/bin/python3
  fi
  if [ ! -x target/pyenv/bin/python ]; then
    log "creating the Python environment target/pyenv"
    "$python" -m venv target/pyenv
  fi
  local installed wanted
  installed="$(target/pyenv/bin/python -m pip freeze 2>/dev/null | grep -iE '^(msoffcrypto-tool|openpyxl|pyzipper)==' | sort || true)"
  wanted="$(printf '%s\n' "${PYENV_PACKAGES[@]}" | sort)"
  if [ "$installed" != "$wanted" ]; then
    log "installing ${PYENV_PACKAGES[*]} into target/pyenv"
    target/pyenv/bin/python -m pip install --quiet --disable-pip-version-check "${PYENV_PACKAGES[@]}"
  fi
  if ! command -v 7z >/dev/null && ! command -v 7zz >/dev/null; then
    log "installing Debian's 7zip"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y 7zip
  fi
}

# Copies www/ into the assets directory the worker serves (target/site), except the
# console's sources (www/console): build_console puts only its built files there.
assemble_site() {
  rm -rf target/site
  mkdir -p target/site
  find www -mindepth 1 -maxdepth 1 ! -name console -exec cp -R {} target/site/ \;
}

# widget/ -> target/site/widget.js (loader + wasm-bindgen glue, minified) + widget.wasm
build_widget() {
  log "building the widget"
  cargo build --release -p kizuna-widget --target wasm32-unknown-unknown
  rm -rf target/widget
  wasm-bindgen --target no-modules --no-typescript --out-dir target/widget \
    target/wasm32-unknown-unknown/release/kizuna_widget.wasm
  wasm-opt -Oz --strip-debug --strip-producers target/widget/kizuna_widget_bg.wasm -o target/site/widget.wasm
  node scripts/bundle-widget.mjs target/widget/kizuna_widget.js widget/loader.js target/site/widget.js
}

# www/console -> target/site/console: index.html, main.js, console.css, and the build in a
# folder named by its hash (`app-<hash>/`): the wasm-bindgen glue (--target web: an ES
# module), the first-load wasm, and the parts `wasm-split` cut out at each `#[wasm_split]`
# screen of www/console/src/parts.rs, with the loader (`__wasm_split.js`) that fetches them. The hashed folder keeps
# an open console from ever pairing its wasm with another build's parts. After
# assemble_site, which wipes target/site. No getrandom backend flag is needed: nothing on
# wasm32 pulls getrandom in (only leptos_macro's uuid, on the host).
build_console() {
  log "building the console"
  local cargo_target="${CARGO_TARGET_DIR:-target}"
  # `erase_components` makes each Leptos component and view return a type-erased view,
  # which cuts the monomorphised rendering code by about a fifth (measured in issue 11);
  # wasm-split needs the linker's relocations to cut the module.
  RUSTFLAGS="--cfg erase_components -Clink-args=--emit-relocs" \
    cargo build --profile console -p kizuna-console --target wasm32-unknown-unknown
  # Not target/console: that is where cargo keeps the console profile's build scripts and
  # proc macros (host artefacts), and wiping it rebuilt every dependency each time.
  rm -rf target/console-parts
  mkdir -p target/console-parts/split target/console-parts/bindgen
  wasm-split-cli --out-name kizuna_console \
    "$cargo_target/wasm32-unknown-unknown/console/kizuna_console.wasm" target/console-parts/split
  wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle \
    --out-dir target/console-parts/bindgen target/console-parts/split/kizuna_console.wasm
  local hash
  hash="$(cat target/console-parts/bindgen/kizuna_console_bg.wasm target/console-parts/split/*.wasm target/console-parts/split/*.js \
    $(find target/console-parts/bindgen/snippets -type f 2>/dev/null | sort) | sha256sum | cut -c1-16)"
  local out="target/site/console/app-$hash"
  rm -rf target/site/console
  mkdir -p "$out"
  # -Oz on the first load and on every part, two at a time (what cargo-leptos does).
  {
    echo "target/console-parts/bindgen/kizuna_console_bg.wasm"
    find target/console-parts/split -name '*.wasm' ! -name kizuna_console.wasm
  } | xargs -P 2 -I{} bash -c 'set -o pipefail
      wasm-opt -Oz --strip-debug --strip-producers "$1" -o "$2/$(basename "$1")" 2>&1 \
        | { grep -v "unknown name subsection" || true; } >&2' _ {} "$out"
  # The glue names the loader once per split point in one object: the same module each time.
  esbuild --minify --log-level=warning --log-override:duplicate-object-key=silent \
    target/console-parts/bindgen/kizuna_console.js --outfile="$out/kizuna_console.js"
  esbuild --minify --log-level=warning target/console-parts/split/__wasm_split.js --outfile="$out/__wasm_split.js"
  # The JS the glue imports from `#[wasm_bindgen(module = ...)]` (the statistics chart's
  # bridge to uPlot), at the path the glue names.
  if [ -d target/console-parts/bindgen/snippets ]; then
    cp -R target/console-parts/bindgen/snippets "$out/snippets"
  fi
  # uPlot (npm, pinned) and its stylesheet: fetched by that bridge the first time a chart is
  # drawn, so they are not in the first load; files, because the CSP allows no inline code.
  esbuild --minify --log-level=warning node_modules/uplot/dist/uPlot.esm.js --outfile=target/site/console/uplot.js
  cp node_modules/uplot/dist/uPlot.min.css target/site/console/uplot.css
  cp www/console/assets/index.html www/console/assets/console.css www/console/assets/favicon.svg target/site/console/
  sed "s|\./kizuna_console\.js|./app-$hash/kizuna_console.js|" www/console/assets/main.js >target/site/console/main.js
  grep -q "app-$hash" target/site/console/main.js
}

# edge/ -> edge/build (the worker bundle wrangler runs)
build_edge() {
  log "building the worker"
  (cd edge && worker-build --release)
}

build_all() {
  assemble_site
  build_widget
  build_console
  build_edge
}

# Applies the D1 migrations and the demo seed to a local state folder.
seed_local() {
  local state="$1"
  mkdir -p "$state"
  CI=true wrangler d1 migrations apply DB --local --persist-to "$state" -c edge/wrangler.toml >/dev/null
  wrangler d1 execute DB --local --persist-to "$state" -c edge/wrangler.toml --file edge/seed/demo.sql >/dev/null
}
