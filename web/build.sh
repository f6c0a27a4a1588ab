#!/usr/bin/env bash
# Builds the browser checker into web/dist/: the wasm module (crate web/ace-pga-web, built for
# wasm32-unknown-unknown with Debian's rustc-web, whose std sources allow -Z build-std; rustup
# has no wasm32 standard library here) and the static page (web/static/).
#
# Needs (Debian): rustc-web cargo-web rust-web-src rust-web-llvm lld-22, and binaryen for
# wasm-opt (optional: without it the module is only larger). `.ci/run` installs them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

for tool in /usr/bin/rustc /usr/bin/cargo; do
    [ -x "$tool" ] || { echo "web/build.sh: $tool missing: apt-get install -y rustc-web cargo-web rust-web-src rust-web-llvm lld-22" >&2; exit 2; }
done

target_dir=${CARGO_TARGET_DIR_WEB:-$PWD/../target/wasm}
(
    cd ace-pga-web
    PATH=/usr/bin:/bin RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$target_dir" \
        /usr/bin/cargo build --release --target wasm32-unknown-unknown \
        -Z build-std=std,panic_abort
)
wasm="$target_dir/wasm32-unknown-unknown/release/ace_pga_web.wasm"

rm -rf dist
mkdir -p dist
cp static/index.html static/app.js static/worker.js static/style.css dist/
if command -v wasm-opt >/dev/null 2>&1; then
    wasm-opt -Os --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
        --enable-mutable-globals --enable-multivalue "$wasm" -o dist/ace_pga_web.wasm
else
    echo "web/build.sh: no wasm-opt (Debian binaryen): the module is not shrunk" >&2
    cp "$wasm" dist/ace_pga_web.wasm
fi
ls -l dist
