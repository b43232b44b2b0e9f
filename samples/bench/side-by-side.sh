#!/usr/bin/env bash
# Lamina vs PyTorch on the seed CNN, one after the other on the same machine, then a Markdown table.
#
#   samples/bench/side-by-side.sh [--no-build] [--quick] [--data DIR] [--epochs N] [--seconds S] [--reps R] [more Java args]
#   samples/bench/side-by-side.sh --table-only LAMINA_OUTPUT PYTORCH_OUTPUT     # only print the table
#
# (a) java --add-modules jdk.incubator.vector $JAVA_OPTS -cp samples/target/classes:<deps> dev.lamina.samples.Benchmark <args>
#     (the Vector API module turns on Lamina's vector kernels; JAVA_OPTS=-Dlamina.simd=false measures without them)
#     (the project is built first with `mvn -B -q install -DskipTests` unless --no-build)
# (b) /usr/bin/python3 samples/bench/pytorch_peer.py with --quick/--data/--epochs/--seconds/--reps passed through.
# Both print `RESULT <key> <value>` lines; outputs go to samples/target/bench-{lamina,pytorch}.txt and the
# header + table to samples/target/bench-side-by-side.md.
set -u

PY=/usr/bin/python3
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PEER="$ROOT/samples/bench/pytorch_peer.py"
OUT="${BENCH_OUT:-$ROOT/samples/target}"  # BENCH_OUT overrides where outputs go

die() { echo "side-by-side: ERROR: $*" >&2; exit 1; }

# ---------------------------------------------------------------- table (stdlib python)
print_table() {  # $1 = Lamina output, $2 = PyTorch output
    "$PY" - "$1" "$2" <<'EOF'
import sys

LOWER = ("latency", "_ms", "rss", "heap", "bytes", "seconds")  # lower is better for these keys


def parse(path):
    res, info = {}, []
    try:
        with open(path, errors="replace") as f:
            for line in f:
                p = line.split()
                if len(p) >= 3 and p[0] == "RESULT":
                    try:
                        res[p[1]] = float(p[2])
                    except ValueError:
                        pass
                elif p and p[0] == "INFO":
                    info.append(line.strip()[5:])
    except OSError as e:
        print(f"(cannot read {path}: {e.strerror})", file=sys.stderr)
    return res, info


def fmt(v):
    if v is None:
        return "-"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 100:
        return f"{v:.1f}"
    return f"{v:.4g}"


(lam, lam_info), (pt, pt_info) = parse(sys.argv[1]), parse(sys.argv[2])
for name, info in (("Lamina", lam_info), ("PyTorch", pt_info)):
    for i in info:
        print(f"- {name}: {i}")
if lam_info or pt_info:
    print()
keys = list(lam) + [k for k in pt if k not in lam]
print("| metric | Lamina | PyTorch | Lamina/PyTorch |")
print("| --- | ---: | ---: | ---: |")
for k in keys:
    a, b = lam.get(k), pt.get(k)
    ratio = f"{a / b:.3g}" if a is not None and b not in (None, 0.0) else "-"
    name = k + (" (lower is better)" if any(s in k for s in LOWER) else "")
    print(f"| {name} | {fmt(a)} | {fmt(b)} | {ratio} |")
if not keys:
    print("| (no RESULT lines found) | - | - | - |")
# the ceiling: the best sgemm either side measured on this machine; each side's useful training rate against it
ceiling = max([v for d in (lam, pt) for k, v in d.items() if "sgemm" in k] or [0.0])
if ceiling > 0:
    a, b = lam.get("useful_train_gflops"), pt.get("useful_train_gflops")
    share = lambda v: "-" if v is None else f"{100 * v / ceiling:.1f}%"
    print(f"| useful training FLOP/s / best sgemm on this machine ({ceiling:.0f} GFLOP/s) | {share(a)} | {share(b)} | "
          + (f"{a / b:.3g}" if a is not None and b else "-") + " |")
EOF
}

warn_if_busy() {  # PyTorch's 2 OpenMP threads slow down >10x when another process holds a core
    local load
    load=$(cut -d' ' -f1 /proc/loadavg)
    if awk -v l="$load" -v n="$(nproc)" 'BEGIN { exit !(l > 0.5 * n) }'; then
        echo "side-by-side: WARNING: 1-min load average is $load on $(nproc) CPUs before '$1';" \
             "other processes compete for the cores and the numbers will be low/noisy." >&2
    fi
}

# ---------------------------------------------------------------- arguments
if [[ "${1:-}" == "--table-only" ]]; then
    [[ $# -eq 3 ]] || die "usage: $0 --table-only LAMINA_OUTPUT PYTORCH_OUTPUT"
    print_table "$2" "$3"
    exit
fi

build=1
java_args=()
py_args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --no-build) build=0 ;;
        --quick) java_args+=("$1"); py_args+=("$1") ;;
        --data|--epochs|--seconds|--reps)
            [[ $# -ge 2 ]] || die "$1 needs a value"
            val="$2"
            if [[ "$1" == --data ]]; then
                [[ -d "$val" ]] || die "--data $val: no such folder (Fashion-MNIST: apt-get install -y dataset-fashion-mnist -> /usr/share/datasets/fashion-mnist)"
                for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
                    [[ -f "$val/$f" ]] || die "--data $val: missing $f (expected the Fashion-MNIST idx .gz files)"
                done
                val="$(cd "$val" && pwd)"
            fi
            java_args+=("$1" "$val"); py_args+=("$1" "$val"); shift ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) java_args+=("$1") ;;  # anything else goes to the Java benchmark only
    esac
    shift
done

# ---------------------------------------------------------------- prerequisites
if ! "$PY" -c 'import torch' 2>/dev/null; then
    echo "side-by-side: $PY cannot import torch; installing python3-torch" >&2
    apt-get install -y python3-torch || die "apt-get install -y python3-torch failed (run it as root)"
fi
command -v java >/dev/null || die "java not found on PATH"
cd "$ROOT" || die "cannot cd to $ROOT"
mkdir -p "$OUT"

if [[ $build -eq 1 ]]; then
    echo "== building: mvn -B -q install -DskipTests" >&2
    mvn -B -q install -DskipTests || die "maven build failed"
fi
if [[ $build -eq 1 || ! -s "$OUT/cp.txt" ]]; then
    mvn -B -q -pl samples dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" \
        || die "could not compute the samples classpath (build once without --no-build)"
fi
CP="samples/target/classes:$(cat "$OUT/cp.txt")"

# ---------------------------------------------------------------- header
header="$(
    echo "Seed CNN benchmark, Lamina vs PyTorch, run one after the other"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- CPU: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1), nproc $(nproc)"
    echo "- java: $(java -version 2>&1 | head -1)"
    echo "- options: ${java_args[*]:-(defaults)}"
)"
echo "$header"
echo

# ---------------------------------------------------------------- (a) Lamina
echo "== Lamina: java -cp ... dev.lamina.samples.Benchmark ${java_args[*]:-}"
warn_if_busy Lamina
# shellcheck disable=SC2086  # JAVA_OPTS is a list of JVM options
java --add-modules jdk.incubator.vector ${JAVA_OPTS:-} -cp "$CP" dev.lamina.samples.Benchmark "${java_args[@]}" 2>&1 | tee "$OUT/bench-lamina.txt"
rc_lamina=${PIPESTATUS[0]}
[[ $rc_lamina -eq 0 ]] || echo "side-by-side: WARNING: Lamina benchmark exited with $rc_lamina" >&2

# ---------------------------------------------------------------- (b) PyTorch
echo
echo "== PyTorch: $PY samples/bench/pytorch_peer.py ${py_args[*]:-}"
warn_if_busy PyTorch
"$PY" "$PEER" "${py_args[@]}" 2>&1 | tee "$OUT/bench-pytorch.txt"
rc_pytorch=${PIPESTATUS[0]}
[[ $rc_pytorch -eq 0 ]] || echo "side-by-side: WARNING: PyTorch peer exited with $rc_pytorch" >&2
if grep -q "blas generic" "$OUT/bench-pytorch.txt" && ! grep -q "openblas" "$OUT/bench-pytorch.txt"; then
  # Debian's python3-torch calls whatever libblas.so.3 is installed: the reference BLAS makes its dense layers slow
  echo "side-by-side: WARNING: PyTorch ran on the reference BLAS; for a fair peer: apt-get install -y libopenblas0-pthread" >&2
fi

# ---------------------------------------------------------------- table
echo
{
    echo "$header"
    echo
    print_table "$OUT/bench-lamina.txt" "$OUT/bench-pytorch.txt"
} | tee "$OUT/bench-side-by-side.md"
echo
echo "(saved: $OUT/bench-lamina.txt, bench-pytorch.txt, bench-side-by-side.md)"
[[ $rc_lamina -eq 0 && $rc_pytorch -eq 0 ]]
