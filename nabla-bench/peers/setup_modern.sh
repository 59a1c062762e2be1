#!/usr/bin/env bash
# Makes (idempotently) the virtual environments of the modern Python peers, from the Python packages the machine's
# local package index carries (plain pip; no network), and prints their interpreters.
#   nabla-bench/peers/setup_modern.sh [DIR]     DIR defaults to $NABLA_PEER_VENVS or ${TMPDIR:-/tmp}/nabla-peers
#     DIR/venv-modern: PyTorch 2.13 (cpu build: MKL + oneDNN) and numpy
#     DIR/venv-tf:     TensorFlow (cpu) + Keras 3
# compare.sh looks for the same DIR. Pin torch to the cpu build: a CUDA build does not import without a GPU.
# Every pip/python step holds /tmp/bench.lock (BENCH_LOCK=none if you already hold it), so it never disturbs a timing.
set -euo pipefail
ROOT=${1:-${NABLA_PEER_VENVS:-${TMPDIR:-/tmp}/nabla-peers}}
LOCK=${BENCH_LOCK:-/tmp/bench.lock}
locked() { if [ "$LOCK" = none ]; then "$@"; else flock "$LOCK" "$@"; fi; }
PY=${PYTHON:-$(command -v python3.11 || command -v python3)}
mkdir -p "$ROOT"

make_venv() { # name check-code packages...
  local v="$ROOT/$1" check=$2; shift 2
  if [ -x "$v/bin/python" ] && locked "$v/bin/python" -c "$check" >/dev/null 2>&1; then echo "== $v: ready"; return; fi
  [ -x "$v/bin/python" ] || locked "$PY" -m venv "$v"
  # --retries 0: the public index is unreachable here; pip then takes the packages of the local index at once
  locked "$v/bin/python" -m pip install -q --retries 0 --timeout 3 "$@"
  locked "$v/bin/python" -c "$check"
}

make_venv venv-modern '
import torch, numpy
assert torch.__version__.startswith("2.13") and not torch.version.cuda, torch.__version__
print("torch", torch.__version__, "| numpy", numpy.__version__)' \
  "torch==2.13.0+cpu" numpy
make_venv venv-tf '
import os; os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf, keras
assert keras.__version__.startswith("3."), keras.__version__
print("tensorflow", tf.__version__, "| keras", keras.__version__)' \
  tensorflow-cpu keras

echo "TORCH_PY=$ROOT/venv-modern/bin/python"
echo "KERAS_PY=$ROOT/venv-tf/bin/python"
