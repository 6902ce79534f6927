#!/usr/bin/env bash
# Data-parallel check, on its own: 2 ranks × batch 64 for 20 steps must end with the same weights, to float tolerance,
# as 1 process × batch 128 over the same samples in the same shuffled order, and report the same epoch metrics.
#
#   scripts/distributed-check.sh            (needs Open MPI: apt-get install openmpi-bin libopenmpi-dev)
#
# It builds the distributed probe once (tests/Kernelwise.DistributedProbe; two ranks must not build the same project
# at the same time), then runs `mpirun -np 2 dotnet <probe> fit-compare`: each rank trains a small CNN (no dropout, no
# batch normalisation) with `new DataParallel()`, one libtorch thread per rank, and also trains the single-process
# reference itself; both compare. The check fails unless, on both ranks: the largest weight difference is at most
# TOLERANCE (1e-5), the ranks hold identical weights, and accuracy and F1 (training and validation) are equal.
# The last line printed is the largest weight difference.
set -euo pipefail
cd "$(dirname "$0")/.."
TOLERANCE="${TOLERANCE:-1e-5}"

command -v mpirun >/dev/null || { echo "distributed-check: mpirun not found; install Open MPI: apt-get install openmpi-bin libopenmpi-dev" >&2; exit 1; }
command -v dotnet >/dev/null || { echo "distributed-check: the .NET 10 SDK (dotnet) is needed." >&2; exit 1; }

echo "Building the distributed probe (Release)..."
dotnet build tests/Kernelwise.DistributedProbe/Kernelwise.DistributedProbe.csproj -c Release -v q -nologo >/dev/null
probe=tests/Kernelwise.DistributedProbe/bin/Release/net10.0/Kernelwise.DistributedProbe.dll

as_root=()
[ "$(id -u)" -eq 0 ] && as_root=(--allow-run-as-root)   # Open MPI refuses root without it
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
# TERM=dumb: mpirun gives each rank a pseudo-terminal, and .NET would write terminal codes into the output.
set +e
TERM=dumb timeout 300 mpirun "${as_root[@]}" -np 2 --oversubscribe dotnet "$probe" fit-compare --steps 20 --batch 64 >"$out" 2>&1
status=$?
set -e
grep -v '^largest weight difference' "$out" || true
if [ "$status" -ne 0 ]; then
  echo "distributed-check: mpirun exited with $status (124: timed out after 300 s)." >&2
  exit 1
fi

verdict="$(awk -v tol="$TOLERANCE" '
  /^rank [0-9]+: compare / {
    ranks++
    for (i = 1; i <= NF; i++) {
      split($i, kv, "=")
      if (kv[1] == "max-weight-diff" || kv[1] == "short-batch-weight-diff") { if (kv[2] + 0 > tol + 0) bad = bad " " $2 " " kv[1] "=" kv[2] }
      else if (kv[1] == "ranks-identical" || kv[1] == "short-ranks-identical") { if (kv[2] != "True") bad = bad " " $2 " " kv[1] "=" kv[2] }
      else if (kv[1] ~ /^(accuracy|f1_score|val_accuracy|val_f1_score|short-accuracy)$/) { split(kv[2], pair, "/"); if (pair[1] != pair[2]) bad = bad " " $2 " " $i }
    }
  }
  END {
    if (ranks != 2) print "FAIL: expected the comparison from 2 ranks, got " ranks + 0
    else if (bad != "") print "FAIL:" bad
    else print "PASS: 2 ranks x 64 equal 1 process x 128 (tolerance " tol "); accuracy and F1 counts equal"
  }' "$out")"
echo "$verdict"
last="$(grep '^largest weight difference' "$out" || echo "largest weight difference: (not reported)")"
echo "$last"
[[ "$verdict" == PASS* ]]
