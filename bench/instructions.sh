#!/usr/bin/env bash
# Instructions and cache misses per convert call, SDK against raw reqwest, counted by
# valgrind's cachegrind (simulated 32 KiB L1 caches). Counts do not depend on the machine's
# load, so they show where the SDK's per-call cost goes even when timings are noisy.
#
# Usage: bench/instructions.sh [CALLS]   (default 1000; needs valgrind)
# With OUT_DIR set, the cachegrind files stay there (<kind>.<calls>.cg), for cg_annotate to say
# which functions the counts come from.
set -euo pipefail
cd "$(dirname "$0")/.."
calls="${1:-1000}"
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
cargo build --quiet --release -p digitalocean-sdk-bench --bin loopback-server --bin call-loop
work="$(mktemp -d)"
exec 3> >(target/release/loopback-server > "$work/addr" 2>/dev/null)
trap 'exec 3>&-; rm -rf "$work"' EXIT
for _ in $(seq 50); do [ -s "$work/addr" ] && break; sleep 0.1; done
url="$(head -1 "$work/addr")"
case "$url" in http://127.0.0.1:*) ;; *) echo "the loopback server did not start" >&2; exit 1 ;; esac

# Ir, I1 misses, D1 misses (reads + writes) of one run.
count() {
    valgrind --tool=cachegrind --cache-sim=yes --cachegrind-out-file="${OUT_DIR:-$work}/$1.$2.cg" \
        target/release/call-loop "$1" "$2" "$url" 2>&1 |
        awk '/I *refs:/ {gsub(",","",$4); ir=$4} /I1 *misses:/ {gsub(",","",$4); i1=$4}
             /D1 *misses:/ {gsub(",","",$4); d1=$4} END {print ir, i1, d1}'
}
printf '%-10s %14s %14s %14s\n' kind "instr/call" "I1 miss/call" "D1 miss/call"
for kind in sdk raw raw-typed; do
    read -r ir0 i10 d10 <<<"$(count "$kind" 0)"
    read -r ir1 i11 d11 <<<"$(count "$kind" "$calls")"
    awk -v k="$kind" -v n="$calls" -v a="$ir0" -v b="$ir1" -v c="$i10" -v d="$i11" -v e="$d10" -v f="$d11" \
        'BEGIN {printf "%-10s %14.0f %14.0f %14.0f\n", k, (b-a)/n, (d-c)/n, (f-e)/n}' | tee -a "$work/table"
done
awk '$1=="sdk" {s=$2; si=$3; sd=$4} $1=="raw" {r=$2; ri=$3; rd=$4}
     END {printf "instructions sdk/raw: %.3f\nI1 misses sdk/raw: %.3f\nD1 misses sdk/raw: %.3f\n", s/r, si/ri, sd/rd}' "$work/table"
