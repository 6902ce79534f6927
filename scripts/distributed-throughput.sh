#!/usr/bin/env bash
# Throughput of data-parallel training on this machine: 1 process × 2 libtorch threads against 2 processes × 1 thread
# (mpirun), the same global batch (128 images per step), Fashion-MNIST (/usr/share/datasets/fashion-mnist), and the
# share of step time spent averaging gradients.
#
#   scripts/distributed-throughput.sh [REPEATS] [MODEL]     REPEATS: 5; MODEL: small (421,642 parameters) or tutorial (3,274,634)
#
# Each run trains STEPS (40) steps and times the steps after the first 5. The two configurations alternate, so that
# both see the same background load; the 1-minute load average (uptime) is printed before every run, because on a
# shared machine it moves the figures more than anything else. The last lines give the median and range of each.
# CONFIGS (environment) lists the configurations as processes x threads, "1x2 2x1" by default; mpirun runs with
# --bind-to none, so the processes are scheduled like the threads of the single process.
set -euo pipefail
cd "$(dirname "$0")/.."
REPEATS="${1:-5}"
MODEL="${2:-small}"
STEPS="${STEPS:-40}"
CONFIGS="${CONFIGS:-1x2 2x1}"     # processes x threads; add 1x1 for the single-thread baseline
command -v mpirun >/dev/null || { echo "distributed-throughput: mpirun not found; install Open MPI: apt-get install openmpi-bin libopenmpi-dev" >&2; exit 1; }

dotnet build tests/Kernelwise.DistributedProbe/Kernelwise.DistributedProbe.csproj -c Release -v q -nologo >/dev/null
probe=tests/Kernelwise.DistributedProbe/bin/Release/net10.0/Kernelwise.DistributedProbe.dll
as_root=()
[ "$(id -u)" -eq 0 ] && as_root=(--allow-run-as-root)
results="$(mktemp)"
trap 'rm -f "$results"' EXIT

for ((r = 1; r <= REPEATS; r++)); do
  for config in $CONFIGS; do
    processes="${config%x*}"; threads="${config#*x}"
    load="$(cut -d' ' -f1 /proc/loadavg)"
    if [ "$processes" = 1 ]; then
      line="$(timeout 600 dotnet "$probe" fit-measure --model "$MODEL" --steps "$STEPS" --batch 128 --threads "$threads" | grep '^measure')"
    else
      line="$(TERM=dumb timeout 600 mpirun "${as_root[@]}" -np "$processes" --bind-to none dotnet "$probe" fit-measure --model "$MODEL" --steps "$STEPS" \
        --batch $((128 / processes)) --threads "$threads" | grep '^measure')"
    fi
    echo "run $r $config load=$load $line" | tee -a "$results"
  done
done

# median [min – max] of a column of numbers
summary() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "n/a"; exit } m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f [%.2f – %.2f]", m, v[1], v[NR] }'; }
field() { sed -E "s|.* $1=([^ ]+).*|\1|"; }

echo
echo "model $MODEL, $STEPS steps per run, the steps after the first 5 timed; median [min – max] of $REPEATS runs:"
for config in $CONFIGS; do
  echo "  $config (processes x threads): images/s $(grep " $config " "$results" | field 'images/s' | summary); ms/step $(grep " $config " "$results" | field 'ms/step' | summary); load $(grep " $config " "$results" | field load | summary)"
done
echo "  2x1: share of step time in gradient averaging, rank 0 $(grep ' 2x1 ' "$results" | field averaging-share | cut -d/ -f1 | tr -d % | summary) %, rank 1 $(grep ' 2x1 ' "$results" | field averaging-share | cut -d/ -f2 | tr -d % | summary) %; averaging alone $(grep ' 2x1 ' "$results" | field averaging-alone-ms | summary) ms per step"
