#!/usr/bin/env bash
# Binary size: one program, list the first page of droplets, built in release three ways:
#   raw      bench/size-raw: reqwest and serde_json by hand (the features of bench/build-baseline);
#   one-tag  bench/build-one-tag: `digitalocean-sdk` with `droplets` only;
#   full     the same with `--features full`: every tag compiled in.
# The sizes are of stripped binaries (`strip = "symbols"` through cargo's profile variable, the
# same for all three): symbol tables only inflate what is shipped, and by the length of the
# generated names, which says nothing about code. Prints `ratio size one-tag/raw: <number>`.
#
#   bench/binary_size.sh
#
# The three share one fresh target directory (their common dependencies compile once), which
# is removed at the end. Sources are fetched first; nothing else leaves the machine.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/do-binary-size.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$root"
export CARGO_TARGET_DIR="$work/target" CARGO_PROFILE_RELEASE_STRIP=symbols
echo "$(cargo --version), $(rustc --version), stripped (strip = \"symbols\"), release profile defaults otherwise"
for crate in size-raw build-one-tag; do
    cargo fetch --quiet --locked --manifest-path "bench/$crate/Cargo.toml"
done

size() { # NAME BIN cargo-args...: builds, prints and keeps the size in sizes[NAME]
    local name=$1 bin=$2
    shift 2
    cargo build --quiet --locked --release "$@"
    sizes[$name]=$(stat -c %s "$CARGO_TARGET_DIR/release/$bin")
    awk -v n="$name" -v s="${sizes[$name]}" 'BEGIN { printf "size %-8s %9d bytes (%.2f MiB)\n", n, s, s / 1048576 }'
}
declare -A sizes
size raw size-raw --manifest-path bench/size-raw/Cargo.toml
size one-tag build-one-tag --manifest-path bench/build-one-tag/Cargo.toml
size full build-one-tag --manifest-path bench/build-one-tag/Cargo.toml --features full
awk -v r="${sizes[raw]}" -v o="${sizes[one-tag]}" -v f="${sizes[full]}" 'BEGIN {
    printf "ratio size one-tag/raw: %.2f\n", o / r
    printf "ratio size full/raw: %.2f\n", f / r
    printf "size full: %.2f MiB\n", f / 1048576 }'
