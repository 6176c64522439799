#!/usr/bin/env bash
# Compares this client with Tencent Cloud's official Python SDK on the same offline work:
# building + signing a GetGroupInfo request, signing alone, and a whole call answered at once by
# an in-memory transport (Rust) or a stubbed HTTP send (Python). Nothing goes on the network.
#
#   PATH="$(cargo xtask venv)/bin:$PATH"    # the pinned official SDK, in the tests' environment
#   tests/bench/compare.sh                  # both pairs, criterion's default sampling
#   tests/bench/compare.sh prepare          # only pairs whose Rust bench matches "prepare"
#   CRITERION_ARGS="--warm-up-time 1 --measurement-time 2" tests/bench/compare.sh
#
# Rust numbers are criterion's mean estimate (target/criterion/<bench>/new/estimates.json);
# Python numbers are timeit's best of 5 runs (tests/bench/python_sdk_bench.py).
set -euo pipefail
cd "$(dirname "$0")/../.."

filter="${1:-}"
# Rust bench id  <->  python_sdk_bench.py mode
pairs=(
  "prepare/get_group_info build"
  "sign/get_group_info sign"
  "call/get_group_info_in_memory call"
)

target_dir=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')

printf '%-34s %12s %14s %8s\n' "work (GetGroupInfo)" "Rust µs/op" "Python µs/op" "ratio"
for pair in "${pairs[@]}"; do
  read -r bench mode <<<"$pair"
  [[ -n "$filter" && "$bench" != *"$filter"* ]] && continue
  # shellcheck disable=SC2086  # CRITERION_ARGS is a list of flags
  cargo bench --quiet -p iai-integration-tests --bench client -- "^${bench}\$" ${CRITERION_ARGS:-} >&2
  estimates="$target_dir/criterion/${bench//\//_}/new/estimates.json"
  rust_us=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["mean"]["point_estimate"] / 1000)' "$estimates")
  python_us=$(python3 tests/bench/python_sdk_bench.py "$mode" | sed -n 's/^RESULT us_per_op=//p')
  ratio=$(python3 -c 'import sys; print("%.1fx" % (float(sys.argv[2]) / float(sys.argv[1])))' "$rust_us" "$python_us")
  printf '%-34s %12.3f %14.3f %8s\n' "$bench vs $mode" "$rust_us" "$python_us" "$ratio"
done
echo "(ratio = Python time / Rust time; higher means the Rust client is faster)"
