#!/usr/bin/env bash
# Data-parallel scaling of meta-training on this machine: problems per second
# with 1 and 2 MPI ranks (or the rank counts given), and the communication
# time per meta-iteration, as `mnemo train --distributed` reports them.
#
#   scripts/scaling.sh [ranks...]          (default: 1 2)
#   MNEMO=path/to/mnemo BATCH=128 ITERATIONS=30 scripts/scaling.sh 1 2 4
#
# Needs Open MPI (apt-get install libopenmpi-dev openmpi-bin) and a release
# build (swift build -c release). Sessions go to a temporary folder.
set -euo pipefail
MNEMO=${MNEMO:-.build/release/mnemo}
BATCH=${BATCH:-128}
ITERATIONS=${ITERATIONS:-30}
PROBLEM=${PROBLEM:-quadratic}
RANKS=("$@")
[ ${#RANKS[@]} -gt 0 ] || RANKS=(1 2)
command -v mpirun >/dev/null || { echo "mpirun not found: apt-get install libopenmpi-dev openmpi-bin" >&2; exit 1; }
[ -x "$MNEMO" ] || { echo "$MNEMO not found: build with swift build -c release (or set MNEMO)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export MNEMO_CACHE="$work/cache"
# One BLAS thread per rank, so 1 rank is not secretly using every core.
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
echo "problem $PROBLEM, batch $BATCH, $ITERATIONS meta-iterations, $(nproc) cores"
for n in "${RANKS[@]}"; do
  line=$(mpirun --allow-run-as-root --oversubscribe -np "$n" "$MNEMO" train --distributed \
    --problem "$PROBLEM" --batch "$BATCH" --iterations "$ITERATIONS" --validate-every 100000 \
    --session "scaling-$n" --sessions "$work/sessions" 2>&1 | grep '^distributed:' || true)
  echo "${line:-distributed: $n ranks: no statistics line (the run failed)}"
done
