#!/usr/bin/env bash
# Build cost at whole-API scale, measured in one session: cold builds, each in a fresh target
# directory, one after the other, of
#   baseline  bench/build-baseline: reqwest, rustls and tokio with the SDK's features and one
#             request, the least any client of this API compiles;
#   one-tag   bench/build-one-tag: a user's binary on `digitalocean-sdk` with `droplets` only;
#   full      the same binary with `--features full`: every tag of the API;
#   rsdo      bench/build-rsdo: the same binary on rsdo (pinned), the other progenitor client
#             of the same upstream spec, which generates its code in its build script;
# in the debug profile (what the goals are on), then baseline and one-tag in release (full and
# rsdo too with RELEASE=all); then the dependency counts and the time of `xtask generate` for
# the whole API, xtask built in release.
#
#   bench/build_cost.sh                # one round
#   ROUNDS=2 bench/build_cost.sh       # even rounds build in the reverse order
#   RELEASE=all bench/build_cost.sh    # release builds of full and rsdo as well (slow)
#   RELEASE=none bench/build_cost.sh   # debug only
#   BUILDS="baseline:debug one-tag:debug" bench/build_cost.sh   # just those builds
#
# Each build prints its wall time, its CPU time (user+sys of every process of the build) and
# the peak RSS of its biggest process. Those come from the kernel's rusage of the build's
# waited-for descendants (`getrusage(RUSAGE_CHILDREN)`, read by a small python wrapper: its
# `ru_maxrss` is the largest single process, not a sum), so no `time` package is needed.
# The ratios are of CPU time, which moves less than wall time on a machine shared with other
# builds; the wall ratios are printed beside them.
#
# Sources are fetched first (`cargo fetch`), so only compiling is timed. Nothing else leaves
# the machine: rsdo builds from the spec it ships (RSDO_OPENAPI_REF is cleared, and
# RSDO_REQUIRE_CODEGEN=1 makes a failed generation an error rather than a stub client, which
# would build in seconds and flatter the SDK). The build target directories are removed; the
# release-built xtask stays in CARGO_TARGET_DIR (default: target/).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${ROUNDS:-1}
release=${RELEASE:-cheap}
target=${CARGO_TARGET_DIR:-$root/target}
work=$(mktemp -d "${TMPDIR:-/tmp}/do-build-cost.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$root"
unset RSDO_OPENAPI_REF RUSTC_WRAPPER CARGO_BUILD_RUSTC_WRAPPER
export RSDO_REQUIRE_CODEGEN=1
# Not incremental, for every crate alike: a user gets the SDK and rsdo from the registry,
# where cargo never compiles incrementally, while a path dependency (as the SDK is here)
# would be, paying for incremental caches that a cold build never uses.
export CARGO_INCREMENTAL=0

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$(cargo --version), $(rustc --version)"
crates=(build-baseline build-one-tag build-rsdo)
for crate in "${crates[@]}"; do
    cargo fetch --quiet --locked --manifest-path "bench/$crate/Cargo.toml"
done
cargo fetch --quiet --locked

# measure NAME PROFILE cargo-args... -> prints "wall cpu rss_kib"; the build's output is kept
# in $work/NAME-PROFILE.log and shown if it fails.
measure() {
    local name=$1 profile=$2 dir="$work/target-$1-$2" log="$work/$1-$2.log" out
    shift 2
    local flags=()
    [[ $profile == release ]] && flags=(--release)
    out=$(
        CARGO_TARGET_DIR="$dir" python3 - "$log" cargo build --locked "${flags[@]}" "$@" <<'PY'
import resource, subprocess, sys, time
with open(sys.argv[1], "w") as log:
    start = time.monotonic()
    code = subprocess.call(sys.argv[2:], stdout=log, stderr=subprocess.STDOUT)
    wall = time.monotonic() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # every waited-for descendant
print(f"{wall:.1f} {usage.ru_utime + usage.ru_stime:.1f} {usage.ru_maxrss}")  # maxrss: KiB
sys.exit(code)
PY
    ) || { echo "build failed: $name ($profile)" >&2; tail -40 "$log" >&2; exit 1; }
    rm -rf "$dir"
    echo "$out"
}
manifest() { echo "--manifest-path=bench/$1/Cargo.toml"; }
build() { # NAME PROFILE: one measured build, printed and stored in results[NAME-PROFILE]
    local name=$1 profile=$2 args
    case $name in
        baseline) args=("$(manifest build-baseline)") ;;
        one-tag) args=("$(manifest build-one-tag)") ;;
        full) args=("$(manifest build-one-tag)" --features full) ;;
        rsdo) args=("$(manifest build-rsdo)") ;;
    esac
    local result
    result=$(measure "$name" "$profile" "${args[@]}")
    read -r wall cpu rss <<<"$result"
    awk -v n="$name" -v p="$profile" -v w="$wall" -v c="$cpu" -v r="$rss" 'BEGIN {
        printf "build %-8s %-7s %7.1f s wall, %7.1f s cpu, peak RSS %5.2f GB\n", n, p, w, c, r / 1048576 }'
    results["$name-$profile"]+="$wall,$cpu,$rss "
}

declare -A results
plan=(baseline:debug one-tag:debug full:debug rsdo:debug)
case $release in
    cheap) plan+=(baseline:release one-tag:release) ;;
    all) plan+=(baseline:release one-tag:release full:release rsdo:release) ;;
    none) ;;
    *) echo "RELEASE must be cheap, all or none" >&2; exit 2 ;;
esac
if [[ -n ${BUILDS:-} ]]; then read -ra plan <<<"$BUILDS"; fi
for ((round = 1; round <= rounds; round++)); do
    echo "round $round"
    order=("${plan[@]}")
    if ((round % 2 == 0)); then # reversed, so that a trend in the machine's load cancels out
        order=()
        for ((i = ${#plan[@]} - 1; i >= 0; i--)); do order+=("${plan[i]}"); done
    fi
    for step in "${order[@]}"; do
        build "${step%%:*}" "${step##*:}"
    done
done

# Medians over the rounds, and the ratios the goals are set on.
args=()
for key in "${!results[@]}"; do args+=("$key=${results[$key]}"); done
python3 - "${args[@]}" <<'PY'
import statistics, sys
runs = {}
for arg in sys.argv[1:]:
    key, rows = arg.split("=", 1)
    rows = [[float(x) for x in row.split(",")] for row in rows.split()]
    runs[key] = [statistics.median(col) for col in zip(*rows)]  # wall, cpu, rss
def ratio(label, a, b):
    if a in runs and b in runs:
        cpu, wall = runs[a][1] / runs[b][1], runs[a][0] / runs[b][0]
        print(f"ratio build {label}: {cpu:.2f}  (cpu time; wall {wall:.2f})")
ratio("one-tag/baseline", "one-tag-debug", "baseline-debug")
ratio("full/rsdo", "full-debug", "rsdo-debug")
ratio("full/baseline", "full-debug", "baseline-debug")
ratio("one-tag/baseline release", "one-tag-release", "baseline-release")
ratio("full/rsdo release", "full-release", "rsdo-release")
for key in ("full-debug", "rsdo-debug", "full-release", "rsdo-release"):
    if key in runs:
        name = "peak RSS full" if key == "full-debug" else f"peak RSS {key}"
        print(f"{name}: {runs[key][2] / 1048576:.2f} GB")
PY

count() { cargo tree --locked -e normal --prefix none "$@" 2>/dev/null | sed 's/ (\*)$//' | sort -u | wc -l; }
echo "packages in the normal dependency tree: baseline $(count "$(manifest build-baseline)")," \
    "one-tag $(count "$(manifest build-one-tag)"), full $(count "$(manifest build-one-tag)" --features full)," \
    "rsdo $(count "$(manifest build-rsdo)")"

# Generation of the whole API: xtask built in release first, then the real command, timed
# several times. It rewrites the generated files with what is already there: the tree must not
# change, which is checked.
runs_gen=${GENERATE_RUNS:-7}
CARGO_TARGET_DIR="$target" cargo build --quiet --locked --release -p xtask
before=$(git status --porcelain)
times=()
for ((i = 0; i < runs_gen; i++)); do
    start=$(date +%s%N)
    "$target/release/xtask" generate >/dev/null
    end=$(date +%s%N)
    times+=("$(awk -v ns=$((end - start)) 'BEGIN { printf "%.4f", ns / 1e9 }')")
done
[[ "$(git status --porcelain)" == "$before" ]] || echo "warning: xtask generate changed the tree (git status)" >&2
python3 - "${times[*]}" <<'PY'
import statistics, sys
t = [float(x) for x in sys.argv[1].split()]
print(f"xtask generate (release-built xtask): median {statistics.median(t):.3f} s (min {min(t):.3f}, max {max(t):.3f}, {len(t)} runs)")
print(f"generate: {statistics.median(t):.2f} s")
PY
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
