#!/usr/bin/env bash
# Decoding a page of 200 droplets: pydo (from PyPI, in the venv of bench/pydo_vs_sdk.sh) against
# the SDK's typed decode and serde_json::Value, on the same bytes (the page of the
# decode_droplets bench), in alternating rounds. pydo has no model types: its decode is
# azure-core's `response.json()`, that is `json.loads` of the decoded text (bench/pydo_decode.py).
# Prints each round, the medians and `ratio decode pydo/sdk: <number>` (above 1: pydo is slower).
#
#   bench/pydo_decode.sh             # 5 rounds of 2 s each
#   ROUNDS=7 SECONDS_PER_RUN=3 bench/pydo_decode.sh
#
# Needs python3 (with venv) and cargo. Nothing leaves the machine but the PyPI install.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${ROUNDS:-5}
seconds=${SECONDS_PER_RUN:-2}
pydo_version=${PYDO_VERSION:-0.44.0}
venv="$root/.cache/pydo-venv"
target=${CARGO_TARGET_DIR:-$root/target}
work=$(mktemp -d "${TMPDIR:-/tmp}/do-pydo-decode.XXXXXX")
trap 'rm -rf "$work"' EXIT

if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import pydo, sys; sys.exit(pydo._version.VERSION != '$pydo_version')" 2>/dev/null; then
    "$venv/bin/pip" install --quiet --disable-pip-version-check "pydo==$pydo_version"
fi
(cd "$root" && cargo build --quiet --release -p digitalocean-sdk-bench --bin decode-droplets)
"$target/release/decode-droplets" --page >"$work/page.json"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "pydo $pydo_version, $("$venv/bin/python" --version); page: $(wc -c <"$work/page.json") bytes"

pydo=()
typed=()
value=()
for ((round = 1; round <= rounds; round++)); do
    p=$("$venv/bin/python" "$root/bench/pydo_decode.py" "$work/page.json" "$seconds" | sed -n 's/^pydo_us: //p')
    out=$("$target/release/decode-droplets" "$seconds")
    t=$(sed -n 's/^typed_us: //p' <<<"$out")
    v=$(sed -n 's/^value_us: //p' <<<"$out")
    echo "round $round: pydo $p µs, sdk typed $t µs, serde_json::Value $v µs per page"
    pydo+=("$p")
    typed+=("$t")
    value+=("$v")
done

python3 - "${pydo[*]}" "${typed[*]}" "${value[*]}" <<'PY'
import statistics, sys
pydo, typed, value = ([float(x) for x in arg.split()] for arg in sys.argv[1:4])
p, t, v = statistics.median(pydo), statistics.median(typed), statistics.median(value)
print(f"pydo decode (json.loads) median {p:.1f} µs per page (min {min(pydo):.1f}, max {max(pydo):.1f})")
print(f"sdk typed decode median {t:.1f} µs per page (min {min(typed):.1f}, max {max(typed):.1f})")
print(f"serde_json::Value median {v:.1f} µs per page")
print(f"ratio decode pydo/sdk: {p / t:.1f}")
print(f"ratio decode droplets/value (this run): {t / v:.3f}")
PY
