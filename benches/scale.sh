#!/usr/bin/env bash
# Time and peak memory of bipgen at the sizes real operations have, measured the way a
# user meets them: a new release process per run, cold. Prints a Markdown table.
#
#   bash benches/scale.sh            # Chad, 200, 2,000 and 20,000 services
#   SIZES="200 2000" bash benches/scale.sh
#
# The generated operations (tests/support/operation.rs) are the Chad example with 12
# areas, 30 concerns, 360 pathways and 3 languages, and the given number of services.
# A run over LIMIT seconds (default 900) is stopped and reported as such.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"200 2000 20000"}
LIMIT=${LIMIT:-900}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet --bin bipgen --example generate_operation
bipgen=target/release/bipgen
generate=target/release/examples/generate_operation

# measure NAME COMMAND…: one row of the table.
measure() {
    local name=$1
    shift
    local status=0
    /usr/bin/time -f "%e %M" -o "$work/time" timeout "$LIMIT" "$@" >/dev/null 2>"$work/stderr" || status=$?
    read -r wall kb <"$work/time" || true
    if [ "$status" -eq 124 ]; then
        echo "| $name | over ${LIMIT} s | — |"
    elif [ "$status" -ne 0 ]; then
        echo "| $name | failed (exit $status) | $((kb / 1024)) MB |"
        tail -3 "$work/stderr" >&2
    else
        echo "| $name | ${wall} s | $((kb / 1024)) MB |"
    fi
}

echo "| case | wall | peak memory |"
echo "| --- | --- | --- |"
measure "Chad, full build" "$bipgen" build examples/chad/country.toml --out "$work/chad" --quiet
measure "Chad, French SOP only (--only sop --lang fr)" "$bipgen" build examples/chad/country.toml --out "$work/chad-sop" --quiet --only sop --lang fr
for n in $SIZES; do
    "$generate" "$n" "$work/op$n" >/dev/null
    measure "$n services, check" "$bipgen" check "$work/op$n/country.toml"
    measure "$n services, full build" "$bipgen" build "$work/op$n/country.toml" --out "$work/out$n" --quiet
    rm -rf "$work/out$n"
done
