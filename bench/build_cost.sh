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
# Sources are fetched first, so only compiling is timed. CPU time (user+sys, all processes of
# the build) moves less than wall time on a machine shared with other work; both are shown.
# The target directories are removed.
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

measure() { # command... -> "wall cpu" seconds of a build in a fresh target dir (cpu: user+sys)
    local dir="$work/target-$RANDOM$RANDOM" out
    out=$(
        export CARGO_TARGET_DIR="$dir" TIMEFORMAT='%R %U %S'
        { time "$@" >/dev/null 2>&1; } 2>&1
    ) || { echo "build failed: $*" >&2; exit 1; }
    rm -rf "$dir"
    awk '{ printf "%.1f %.1f", $1, $2 + $3 }' <<<"$out"
}
build_sdk() { measure cargo build --release --locked -p digitalocean-sdk $features; }
build_baseline() { measure cargo build --release --locked --manifest-path bench/build-baseline/Cargo.toml; }

rows=()
for ((round = 1; round <= rounds; round++)); do
    if ((round % 2 == 1)); then
        b=$(build_baseline); s=$(build_sdk)
    else
        s=$(build_sdk); b=$(build_baseline)
    fi
    read -r bw bc <<<"$b"
    read -r sw sc <<<"$s"
    awk -v r="$round" -v bw="$bw" -v bc="$bc" -v sw="$sw" -v sc="$sc" 'BEGIN {
        printf "round %d: baseline %.1f s wall, %.1f s cpu; sdk %.1f s wall, %.1f s cpu; sdk/baseline wall %.2f, cpu %.2f\n",
            r, bw, bc, sw, sc, sw / bw, sc / bc }'
    rows+=("$bw,$bc,$sw,$sc")
done
python3 - "${rows[@]}" <<'PY'
import statistics, sys
rows = [[float(x) for x in r.split(",")] for r in sys.argv[1:]]
bw, bc, sw, sc = (statistics.median(col) for col in zip(*rows))
print(f"cold release build, medians: baseline {bw:.1f} s wall / {bc:.1f} s cpu, sdk {sw:.1f} s wall / {sc:.1f} s cpu")
print(f"ratio sdk/baseline build cpu time: {sc / bc:.2f}")
print(f"ratio sdk/baseline build wall time: {sw / bw:.2f}")
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
