#!/usr/bin/env bash
# Build cost, measured in one session: a cold release build of `digitalocean-sdk` against a
# cold release build of bench/build-baseline (the same reqwest, rustls and tokio features and
# one request), each in a fresh target directory, one after the other; then the dependency
# counts and the time `cargo xtask generate` takes once xtask is built.
#
#   bench/build_cost.sh              # one round: baseline, then sdk
#   ROUNDS=2 bench/build_cost.sh     # rounds alternate which goes first
#   FEATURES="--no-default-features --features tls-aws-lc-rs" bench/build_cost.sh
#
# Sources are fetched first, so only compiling is timed. The target directories are removed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${ROUNDS:-1}
features=${FEATURES:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/do-build-cost.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$root"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$(cargo --version), $(rustc --version)"
cargo fetch --quiet
cargo fetch --quiet --manifest-path bench/build-baseline/Cargo.toml

seconds() { # command... -> wall seconds of a build in a fresh target dir
    local dir="$work/target-$RANDOM$RANDOM" start end
    start=$(date +%s%N)
    CARGO_TARGET_DIR="$dir" "$@" >/dev/null 2>&1 || { echo "build failed: $*" >&2; exit 1; }
    end=$(date +%s%N)
    rm -rf "$dir"
    awk -v ns=$((end - start)) 'BEGIN { printf "%.2f", ns / 1e9 }'
}
build_sdk() { seconds cargo build --release --locked -p digitalocean-sdk $features; }
build_baseline() { seconds cargo build --release --locked --manifest-path bench/build-baseline/Cargo.toml; }

sdk_times=()
base_times=()
for ((round = 1; round <= rounds; round++)); do
    if ((round % 2 == 1)); then
        b=$(build_baseline); s=$(build_sdk)
    else
        s=$(build_sdk); b=$(build_baseline)
    fi
    awk -v r="$round" -v b="$b" -v s="$s" 'BEGIN { printf "round %d: baseline %.1f s, sdk %.1f s, sdk/baseline %.2f\n", r, b, s, s / b }'
    sdk_times+=("$s")
    base_times+=("$b")
done
python3 - "${base_times[*]}" "${sdk_times[*]}" <<'PY'
import statistics, sys
base = [float(x) for x in sys.argv[1].split()]
sdk = [float(x) for x in sys.argv[2].split()]
print(f"cold release build: baseline median {statistics.median(base):.1f} s, sdk median {statistics.median(sdk):.1f} s")
print(f"ratio sdk/baseline build time: {statistics.median(sdk) / statistics.median(base):.2f}")
PY

count() { cargo tree -e normal --prefix none "$@" 2>/dev/null | sed 's/ (\*)$//' | sort -u | wc -l; }
echo "packages in the normal dependency tree: sdk $(count -p digitalocean-sdk $features), baseline $(count --manifest-path bench/build-baseline/Cargo.toml)"

# Generation: xtask built first, then ten timed runs of the real command.
cargo build --quiet -p xtask
times=()
for _ in 1 2 3 4 5 6 7 8 9 10; do
    start=$(date +%s%N)
    cargo xtask generate >/dev/null
    end=$(date +%s%N)
    times+=("$(awk -v ns=$((end - start)) 'BEGIN { printf "%.4f", ns / 1e9 }')")
done
python3 - "${times[*]}" <<'PY'
import statistics, sys
t = [float(x) for x in sys.argv[1].split()]
print(f"cargo xtask generate (xtask built): median {statistics.median(t):.3f} s (min {min(t):.3f}, max {max(t):.3f}, 10 runs)")
PY
