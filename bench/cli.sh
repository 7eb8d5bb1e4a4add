#!/usr/bin/env bash
# Wall and CPU time of each ./cairn command other than serve, on a fresh data dir, through the real
# launcher (jar already built and cached: one unmeasured run first):
#
#   bench/cli.sh [CHECKOUT] [RUNS]      e.g.  bench/cli.sh /path/to/other/checkout 5
#
# CHECKOUT defaults to this one; compare two checkouts side by side in one sitting, since a loaded
# machine stretches every figure. Prints, per command, the median wall and CPU (user + system)
# seconds over RUNS runs (default 5).
set -euo pipefail
checkout="$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/..}" && pwd)"
runs=${2:-5}
work="$(mktemp -d /tmp/cairn-cli-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
export CAIRN_DATA_DIR="$work/data"
cairn="$checkout/cairn"
"$cairn" keys create --workspace bench --name warm-up > /dev/null   # builds and caches what is missing

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
measure() {   # NAME COMMAND...: RUNS runs, the median wall and CPU seconds
  local name=$1; shift
  : > "$work/times"
  for i in $(seq 1 "$runs"); do
    /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" > /dev/null 2>> "$work/stderr"
    cat "$work/time" >> "$work/times"
  done
  printf '%-14s wall %ss  cpu %ss\n' "$name" "$(cut -d' ' -f1 "$work/times" | median)" \
    "$(awk '{print $2 + $3}' "$work/times" | median)"
}
measure "keys create" "$cairn" keys create --workspace bench --name measured
measure "keys list" "$cairn" keys list
# Each run revokes another of the keys just made: the ids come in the order of the list.
"$cairn" keys list --workspace bench | awk '/measured/ {print $1}' > "$work/ids"
measure "keys revoke" bash -c "'$cairn' keys revoke \"\$(sed -n 1p '$work/ids')\" && sed -i 1d '$work/ids'"
measure "log vkey" "$cairn" log vkey
"$cairn" log vkey > "$work/vkey"
measure "export audit" bash -c "rm -rf '$work/bundle' && '$cairn' export audit --out '$work/bundle'"
measure "verify --dir" "$cairn" verify --dir "$work/bundle" --vkey "$(cat "$work/vkey")" --state "$work/verify-state"
