#!/usr/bin/env bash
# Sequential convert calls per second: pydo (from PyPI, in a venv under .cache/) against the
# SDK, both on one keep-alive connection to the same loopback server, in alternating rounds.
# Prints each round, the medians and `ratio sdk/pydo throughput: <number>`.
#
#   bench/pydo_vs_sdk.sh            # 5 rounds of 3 s each
#   ROUNDS=7 SECONDS_PER_RUN=5 bench/pydo_vs_sdk.sh
#
# Needs python3 (with venv) and cargo. Nothing leaves the machine but the PyPI install.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${ROUNDS:-5}
seconds=${SECONDS_PER_RUN:-3}
pydo_version=${PYDO_VERSION:-0.44.0}
venv="$root/.cache/pydo-venv"
target=${CARGO_TARGET_DIR:-$root/target}

if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import pydo, sys; sys.exit(pydo._version.VERSION != '$pydo_version')" 2>/dev/null; then
    "$venv/bin/pip" install --quiet --disable-pip-version-check "pydo==$pydo_version"
fi
(cd "$root" && cargo build --quiet --release -p digitalocean-sdk-bench --bin loopback-server --bin sdk-sequential)

# The server ends when its stdin closes: when this script exits, however it exits.
coproc SERVER { exec "$target/release/loopback-server" --max-seconds 900; }
read -r url <&"${SERVER[0]}"
echo "loopback server: $url"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "pydo $pydo_version, $("$venv/bin/python" --version)"

pydo_rates=()
sdk_rates=()
for ((round = 1; round <= rounds; round++)); do
    pydo=$("$venv/bin/python" "$root/bench/pydo_driver.py" "$url" "$seconds" | sed -n 's/^calls_per_second: //p')
    sdk=$("$target/release/sdk-sequential" "$url" "$seconds" | sed -n 's/^calls_per_second: //p')
    echo "round $round: pydo $pydo calls/s, sdk $sdk calls/s"
    pydo_rates+=("$pydo")
    sdk_rates+=("$sdk")
done

python3 - "${pydo_rates[*]}" "${sdk_rates[*]}" <<'PY'
import statistics, sys
pydo = [float(x) for x in sys.argv[1].split()]
sdk = [float(x) for x in sys.argv[2].split()]
per_round = [s / p for s, p in zip(sdk, pydo)]
print(f"pydo median {statistics.median(pydo):.0f} calls/s (min {min(pydo):.0f}, max {max(pydo):.0f})")
print(f"sdk  median {statistics.median(sdk):.0f} calls/s (min {min(sdk):.0f}, max {max(sdk):.0f})")
print(f"per-round sdk/pydo: min {min(per_round):.1f}, max {max(per_round):.1f}")
print(f"ratio sdk/pydo throughput: {statistics.median(sdk) / statistics.median(pydo):.1f}")
PY
