#!/usr/bin/env bash
# Nabla side by side with the peers of WORKLOADS.md, in one run: every (program, workload) measurement is its own
# process under /usr/bin/time, the programs alternate within each round (their order rotating), and the table at
# the end gives medians and the ratio Nabla / best peer per workload.
#
#   nabla-bench/compare.sh [--rounds N] [--peers DIR] [--venvs DIR] [--programs P,...] [--out FILE] [W1 ... W7]
#
# Workloads default to all seven, programs (--programs, e.g. nabla,torch2) to Nabla and every installed peer.
# Peers are run where installed, W1-W5 from a copy of the peers' harnesses (default: ../shared/peers beside the
# repo), W6/W7 from nabla-bench/peers (the shared harnesses have none):
#   numpy   the pyenv python with numpy (and Debian's python3-sklearn for Iris)                      W1-W4
#   torch   Debian's python3-torch 1.13 (OPENBLAS_NUM_THREADS=1, its best configuration)             W1-W5
#   torch2  PyTorch 2.13 (cpu) from --venvs DIR/venv-modern, no thread variables (its best setting)  W1-W7
#           (on a machine shared with other load, TORCH2_ENV=OMP_WAIT_POLICY=PASSIVE keeps its OpenMP
#           threads from spinning against the other processes: W3 7 s instead of 162 s at load 20 on 2 cores)
#   keras   Keras 3 on TensorFlow (cpu) from --venvs DIR/venv-tf; W1-W3 in the tape style, W4-W7
#           with model.fit (the faster style of each, see ../shared/peers/python/MODERN.md)         W1-W7
#   dl4j, djl, tfjava  when built with the harness's `java/run_all.sh build`                          W1-W5
# The venvs (DIR defaults to $NABLA_PEER_VENVS or ${TMPDIR:-/tmp}/nabla-peers) come from
# nabla-bench/peers/setup_modern.sh. Measurements: loop_s (W1-W3: a warm-up run then 5 timed runs in one process,
# median; W4-W7: median epoch after the first), job_s (W1-W3: a process that runs the job once; W4-W7: the training
# process itself), peak RSS. Raw lines go to --out (default nabla-bench/target/compare-<time>.tsv). It is a tool
# for people, not a test.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=3
peers_src="${NABLA_PEERS:-$root/../shared/peers}"
venvs="${NABLA_PEER_VENVS:-${TMPDIR:-/tmp}/nabla-peers}"
out=""
programs=""
workloads=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --peers) peers_src=$2; shift 2 ;;
    --venvs) venvs=$2; shift 2 ;;
    --programs) programs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    W[1-7]) workloads+=("$1"); shift ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ ${#workloads[@]} -eq 0 ] && workloads=(W1 W2 W3 W4 W5 W6 W7)
mkdir -p "$root/nabla-bench/target"
[ -z "$out" ] && out="$root/nabla-bench/target/compare-$(date +%Y%m%dT%H%M%S).tsv"
: > "$out"

nabla_cmd=("$root/nabla" bench)

# The peers: a private copy, so their results/ folders stay out of the shared tree.
work="$root/nabla-bench/target/peers"
peers=(nabla)
npy=${NPY:-/root/.pyenv/versions/3.11.7/bin/python3}
tpy=${TPY:-/usr/bin/python3}
t2py="$venvs/venv-modern/bin/python"
kpy="$venvs/venv-tf/bin/python"
seq_peers="$root/nabla-bench/peers"
no_threads="-u OMP_NUM_THREADS -u OPENBLAS_NUM_THREADS -u MKL_NUM_THREADS ${TORCH2_ENV:-}"   # torch 2.13: best with none
shared=0
iris=/usr/lib/python3/dist-packages/sklearn/datasets/data/iris.csv   # Debian python3-sklearn's; the Python peers' W2
if [ -d "$peers_src" ]; then
  rm -rf "$work" && mkdir -p "$work" && cp -r "$peers_src"/. "$work"/
  shared=1
  if [ -x "$npy" ] && "$npy" -c 'import numpy' 2>/dev/null && [ -f "$iris" ]; then
    peers+=(numpy)
  fi
  "$tpy" -c 'import torch' 2>/dev/null && peers+=(torch)
  for p in dl4j djl tfjava; do [ -f "$peers_src/java/$p/cp.txt" ] && [ -d "$peers_src/java/$p/target/classes" ] && peers+=("$p"); done
  # The Java peers' built classes and class paths live in the source folder: run them from there.
else
  echo "compare.sh: no peers at $peers_src; W1-W5 without numpy, Debian torch and the Java peers" >&2
fi
# The modern peers: their W1-W5 harnesses are in the shared copy, their W6/W7 ones here.
if [ -x "$t2py" ]; then peers+=(torch2); else
  echo "compare.sh: skipping PyTorch 2.13: no venv at $venvs/venv-modern (make it with nabla-bench/peers/setup_modern.sh)" >&2; fi
if [ -x "$kpy" ]; then peers+=(keras); else
  echo "compare.sh: skipping Keras 3: no venv at $venvs/venv-tf (make it with nabla-bench/peers/setup_modern.sh)" >&2; fi
[ -f "$iris" ] || echo "compare.sh: no $iris (apt-get install python3-sklearn): W2 without torch2 and keras" >&2
if [ -n "$programs" ]; then
  chosen=()
  for p in "${peers[@]}"; do case ",$programs," in *",$p,"*) chosen+=("$p") ;; esac; done
  peers=("${chosen[@]}")
fi
echo "# programs: ${peers[*]}; workloads: ${workloads[*]}; rounds: $rounds; raw: $out" >&2
[ ${#peers[@]} -gt 0 ] || { echo "compare.sh: none of --programs $programs is installed" >&2; exit 2; }

# Nabla: through the launcher, as users run it; an untimed first run builds the jar if needed and writes the
# launcher's class-data-sharing archive.
case " ${peers[*]} " in *" nabla "*) "$root/nabla" bench W1 --runs 0 >/dev/null ;; esac

supports() { # program workload
  case "$1:$2" in
    numpy:W[5-7]) return 1 ;;
    nabla:*|torch2:W[6-7]|keras:W[6-7]) return 0 ;;
    torch2:W2|keras:W2) [ "$shared" = 1 ] && [ -f "$iris" ] ;;
    torch2:*|keras:*) [ "$shared" = 1 ] ;;   # their W1-W5 harnesses are the shared ones
    *:W[6-7]) return 1 ;;
    *) return 0 ;;
  esac
}

# One measured process: records wall seconds, peak RSS and the program's own result line.
measure() { # program workload kind -- command...
  local prog=$1 wl=$2 kind=$3; shift 4
  local tmp; tmp=$(mktemp -d)
  if /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >"$tmp/out" 2>"$tmp/err"; then
    local wall rss; read -r wall rss < "$tmp/time"
    local result; result=$(grep -E '^(RESULT |W[1-7] loop_s=)' "$tmp/out" | tail -n 1 || true)
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$prog" "$wl" "$kind" "$wall" "$rss" "$result" >> "$out"
    echo "  $prog $wl $kind: ${wall}s, $((rss / 1024)) MB" >&2
  else
    echo "  $prog $wl $kind: FAILED: $(tail -n 1 "$tmp/err") (kept in $tmp)" >&2
    return 0
  fi
  rm -rf "$tmp"
}

java_peer() { # peer args... (run from the source folder, where it was built)
  local p=$1; shift
  local extra=()
  case $p in
    djl) extra=(-Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2) ;;
    tfjava) extra=(-Dbench.threads=2 -Dbench.inter=2) ;;
  esac
  (cd "$peers_src/java/$p" && env OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 MKL_NUM_THREADS=2 \
    java "${extra[@]}" -cp "target/classes:$(cat cp.txt)" bench.Main "$@")
}
export -f java_peer
export peers_src

run() { # program workload kind
  local prog=$1 wl=$2 kind=$3
  case "$prog:$kind" in
    nabla:loop) case $wl in W[4-7]) measure "$prog" "$wl" job -- "${nabla_cmd[@]}" "$wl" ;;
                                *) measure "$prog" "$wl" loop -- "${nabla_cmd[@]}" "$wl" --runs 5 ;; esac ;;
    nabla:job) measure "$prog" "$wl" job -- "${nabla_cmd[@]}" "$wl" --runs 0 ;;
    numpy:loop) case $wl in W4) measure "$prog" "$wl" job -- env OPENBLAS_NUM_THREADS=2 "$npy" "$work/python/peer_numpy.py" W4 --epochs 5 ;;
                            *) measure "$prog" "$wl" loop -- env OPENBLAS_NUM_THREADS=2 "$npy" "$work/python/peer_numpy.py" "$wl" --mode loop --reps 5 ;; esac ;;
    numpy:job) measure "$prog" "$wl" job -- env OPENBLAS_NUM_THREADS=2 "$npy" "$work/python/peer_numpy.py" "$wl" --mode job ;;
    torch:loop) case $wl in W4|W5) measure "$prog" "$wl" job -- env OPENBLAS_NUM_THREADS=1 "$tpy" "$work/python/peer_torch.py" "$wl" ;;
                            *) measure "$prog" "$wl" loop -- env OPENBLAS_NUM_THREADS=1 "$tpy" "$work/python/peer_torch.py" "$wl" --mode loop --reps 5 ;; esac ;;
    torch:job) measure "$prog" "$wl" job -- env OPENBLAS_NUM_THREADS=1 "$tpy" "$work/python/peer_torch.py" "$wl" --mode job ;;
    torch2:loop) case $wl in W4|W5) measure "$prog" "$wl" job -- env $no_threads "$t2py" "$work/python/peer_torch.py" "$wl" ;;
                             W6|W7) measure "$prog" "$wl" job -- env $no_threads "$t2py" "$seq_peers/peer_torch_seq.py" "$wl" ;;
                             *) measure "$prog" "$wl" loop -- env $no_threads "$t2py" "$work/python/peer_torch.py" "$wl" --mode loop --reps 5 ;; esac ;;
    torch2:job) measure "$prog" "$wl" job -- env $no_threads "$t2py" "$work/python/peer_torch.py" "$wl" --mode job ;;
    keras:loop) case $wl in W4|W5) measure "$prog" "$wl" job -- "$kpy" "$work/python/peer_keras.py" "$wl" ;;
                            W6|W7) measure "$prog" "$wl" job -- "$kpy" "$seq_peers/peer_keras_seq.py" "$wl" ;;
                            *) measure "$prog" "$wl" loop -- "$kpy" "$work/python/peer_keras.py" "$wl" --mode loop --reps 5 --style tape ;; esac ;;
    keras:job) measure "$prog" "$wl" job -- "$kpy" "$work/python/peer_keras.py" "$wl" --mode job --style tape ;;
    *:loop) case $wl in W4|W5) measure "$prog" "$wl" job -- bash -c 'java_peer "$@"' _ "$prog" "$wl" job ;;
                        *) measure "$prog" "$wl" loop -- bash -c 'java_peer "$@"' _ "$prog" "$wl" loop 5 ;; esac ;;
    *:job) measure "$prog" "$wl" job -- bash -c 'java_peer "$@"' _ "$prog" "$wl" job ;;
  esac
}

for r in $(seq 1 "$rounds"); do
  echo "# round $r/$rounds" >&2
  for wl in "${workloads[@]}"; do
    # Rotate the order every round, so no program always runs first (or right after the heaviest).
    n=${#peers[@]}
    for i in $(seq 0 $((n - 1))); do
      prog=${peers[$(((i + r) % n))]}
      supports "$prog" "$wl" || continue
      run "$prog" "$wl" loop
      case $wl in W1|W2|W3) run "$prog" "$wl" job ;; esac
    done
  done
done

python3 - "$out" <<'PY'
import json, re, statistics, sys

rows = {}
for line in open(sys.argv[1]):
    prog, wl, kind, wall, rss, result = (line.rstrip("\n").split("\t") + [""] * 6)[:6]
    r = rows.setdefault((prog, wl), {"loop": [], "job": [], "rss": [], "loss": None, "acc": None})
    r["rss"].append(int(rss) / 1024)
    if result.startswith("RESULT "):
        j = json.loads(result[7:])
        loop = j.get("loop_s")
        if loop is None and j.get("epoch_times"):
            loop = statistics.median(j["epoch_times"][1:])
        loss, acc = j.get("final_loss"), j.get("test_acc")
    else:
        f = dict(kv.split("=", 1) for kv in result.split()[1:])
        loop, loss, acc = float(f["loop_s"]), float(f["loss"]), None if f["acc"] == "-" else float(f["acc"])
    if kind == "loop" or wl in ("W4", "W5", "W6", "W7"):
        if loop is not None: r["loop"].append(loop)
        r["loss"], r["acc"] = loss, acc
    if kind == "job":
        r["job"].append(float(wall))

def med(v):
    return statistics.median(v) if v else None

def fmt(v, d=3):
    return "-" if v is None else f"{v:.{d}f}"

progs = ["nabla"] + [p for p in dict.fromkeys(p for p, _ in rows) if p != "nabla"]
wls = sorted({w for _, w in rows})
print("| workload | " + " | ".join(f"{p} loop_s" for p in progs) + " | best peer | Nabla / best | Nabla job_s | best peer job_s | Nabla RSS MB | best peer RSS MB | Nabla loss | Nabla acc |")
print("|---|" + "---:|" * len(progs) + "---|---:|---:|---:|---:|---:|---:|---:|")
for w in wls:
    loops = {p: med(rows[(p, w)]["loop"]) for p in progs if (p, w) in rows}
    peers = {p: v for p, v in loops.items() if p != "nabla" and v is not None}
    best = min(peers, key=peers.get) if peers else None
    n = rows.get(("nabla", w))
    jobs = {p: med(rows[(p, w)]["job"]) for p in progs if (p, w) in rows and p != "nabla"}
    rss = {p: max(rows[(p, w)]["rss"]) for p in progs if (p, w) in rows and p != "nabla"}
    cells = [fmt(loops.get(p)) for p in progs]
    ratio = fmt(loops["nabla"] / peers[best], 2) if best and loops.get("nabla") else "-"
    best_job = min((v for v in jobs.values() if v is not None), default=None)
    best_rss = min(rss.values(), default=None)
    print(f"| {w} | " + " | ".join(cells) + f" | {best or '-'} | {ratio} | {fmt(med(n['job']) if n else None, 2)} | {fmt(best_job, 2)} | "
          f"{fmt(max(n['rss']) if n else None, 0)} | {fmt(best_rss, 0)} | {fmt(n['loss'] if n else None, 4)} | {fmt(n['acc'] if n else None, 4)} |")
PY
