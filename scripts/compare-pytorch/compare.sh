#!/usr/bin/env bash
# Mnemo against an independent PyTorch implementation of the same
# configurations (l2o_torch.py), side by side on this machine: the two
# programs alternate ROUNDS times, and each figure is reported as the median
# over rounds of each program's own median, with the ratio PyTorch / Mnemo
# (above 1: Mnemo is faster).
#
#   scripts/compare-pytorch/compare.sh [--rounds N] [--repeats N] [--mnist DIR]
#
# Creates a virtual environment (scripts/compare-pytorch/.venv, or
# $MNEMO_TORCH_VENV) with PyTorch from PyPI on first use, and builds Mnemo in
# release mode. Not part of `make test`. Run it on a quiet machine: both
# programs use two threads, and a busy neighbour slows OpenMP's thread pool
# far more than it slows Mnemo.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rounds=5
repeats=15
mnist=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    --mnist) mnist="$2"; shift 2 ;;
    -h|--help) sed -n 2,15p "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if [ -z "$mnist" ]; then
  for candidate in "$root/data/mnist" "$root/../shared/data/mnist"; do
    if [ -e "$candidate/train-images-idx3-ubyte.gz" ] || [ -e "$candidate/train-images-idx3-ubyte" ]; then
      mnist="$candidate"; break
    fi
  done
fi
[ -n "$mnist" ] || { echo "compare.sh: MNIST not found; pass --mnist DIR" >&2; exit 2; }

venv="${MNEMO_TORCH_VENV:-$here/.venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import torch" 2>/dev/null; then
  echo "compare.sh: creating $venv with PyTorch (first use only)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet torch numpy
fi
(cd "$root" && make build >/dev/null)
mnemo="$root/.build/release/mnemo"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

for round in $(seq 1 "$rounds"); do
  echo "round $round/$rounds" >&2
  "$mnemo" bench --figures quadratic,lstm-forward,mnist --repeats "$repeats" --mnist "$mnist" \
    > "$out/mnemo-$round.json" 2>/dev/null
  "$venv/bin/python" "$here/l2o_torch.py" --figures quadratic,lstm-forward,mnist --repeats "$repeats" \
    --mnist "$mnist" > "$out/torch-$round.json" 2>/dev/null
done
# Peak memory of one short MNIST meta-training run of each (10 iterations).
sessions="$(mktemp -d)"
/usr/bin/time -f "%M" -o "$out/mnemo-train.kb" "$mnemo" train --problem mnist-mlp --mnist "$mnist" \
  --iterations 10 --session compare --sessions "$sessions" --quiet >/dev/null 2>&1 || true
rm -rf "$sessions"
/usr/bin/time -f "%M" -o "$out/torch-train.kb" "$venv/bin/python" "$here/l2o_torch.py" --figures mnist \
  --repeats 9 --mnist "$mnist" >/dev/null 2>&1 || true

python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys, os
out, rounds = sys.argv[1], int(sys.argv[2])
def load(kind):
    return [json.load(open(os.path.join(out, f"{kind}-{r}.json"))) for r in range(1, rounds + 1)]
mnemo, torch = load("mnemo"), load("torch")
print(f"PyTorch {torch[0]['torch_version']} ({torch[0]['threads']} threads) against Mnemo, "
      f"{rounds} alternating rounds; medians over rounds (min–max)")
print()
print("| figure | Mnemo | PyTorch | PyTorch / Mnemo |")
print("| --- | --- | --- | --- |")
for key, label in [("meta_iteration_quadratic_ms", "meta-iteration, quadratic (128 × 10, K = 20, 2×20 LSTM)"),
                   ("meta_iteration_mnist_ms", "meta-iteration, MNIST MLP (15,910 coordinates, K = 20)"),
                   ("lstm_forward_step_n16000_ms", "LSTM optimizer forward step, n = 16,000")]:
    a = [m[key] for m in mnemo if key in m]
    b = [t[key] for t in torch if key in t]
    if not a or not b:
        print(f"| {label} | — | — | — |"); continue
    ratios = [y / x for x, y in zip(a, b)]
    print(f"| {label} | {statistics.median(a):.1f} ms ({min(a):.1f}–{max(a):.1f}) | "
          f"{statistics.median(b):.1f} ms ({min(b):.1f}–{max(b):.1f}) | "
          f"**{statistics.median(ratios):.2f}×** ({min(ratios):.2f}–{max(ratios):.2f}) |")
def kb(name):
    try: return int(open(os.path.join(out, name)).read().split()[-1]) / 1024
    except Exception: return float("nan")
m, t = kb("mnemo-train.kb"), kb("torch-train.kb")
print(f"| peak memory, MNIST meta-training (Mnemo: `mnemo train`, 10 iterations and its final race; "
      f"PyTorch: its MNIST figure) | {m:.0f} MB | {t:.0f} MB | {t / m:.2f}× |")
PY
