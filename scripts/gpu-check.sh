#!/usr/bin/env bash
# GPU check for Kernelwise, in one command, on a Linux machine with an NVIDIA GPU, its driver and the .NET 10 SDK:
#
#   scripts/gpu-check.sh [IMAGE_FOLDER]
#
# 1. builds Kernelwise with the CUDA backend (dotnet build -p:KernelwiseBackend=cuda; restores TorchSharp-cuda-linux,
#    a few GB, from nuget.org),
# 2. trains AlexNet (torchvision's ImageNet configuration, 3×224×224) with examples/alexnet.cs on the GPU for a few
#    hundred steps on synthetic data, then on real data: IMAGE_FOLDER (one sub-folder of images per class) or, when
#    none is given, Fashion-MNIST written out as PNG files by scripts/make-image-folder.cs and upscaled to 224×224,
# 3. trains the same synthetic run under mixed-float16 and mixed-bfloat16 precision (PRECISIONS), for the speed-up
#    over float32 (TF32) and the memory each needs,
# 4. checks that the GPU computes what the CPU computes: scripts/device-agreement.cs takes one training step of a
#    convnet from the same weights on both and compares loss, weight update and outputs (float32 within 1e-3
#    relative, the 16-bit policies within 1e-1),
# 5. prints training images/s (measured by the example after its warm-up steps, data loading included), the peak
#    GPU memory of each run and the mixed-precision speed-ups.
#
# Peak memory: TorchSharp 0.107 has no CUDA memory-statistics API, so the script polls
#   nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -i $GPU -lms 100
# during each run and reports the largest value minus the value before the run. That is device-wide memory (other
# processes on the GPU count too) including the CUDA context and libtorch's caching allocator, so it is an upper
# bound of what the model needs; a 100 ms poll can miss a shorter peak.
#
# Settings (environment): STEPS (300), BATCH_SIZE (128), IMAGE_SIZE (224), IMAGES (images written for the real-data
# run; 45000), GPU (index; 0), PRECISIONS (mixed-float16 mixed-bfloat16; empty to skip). `scripts/gpu-check.sh --cpu-smoke` runs the same steps on the CPU backend with tiny
# sizes and no nvidia-smi, to check the script itself on a machine without a GPU.
set -euo pipefail
cd "$(dirname "$0")/.."

SMOKE=0
if [[ "${1:-}" == "--cpu-smoke" ]]; then SMOKE=1; shift; fi
FOLDER="${1:-}"
GPU="${GPU:-0}"
if (( SMOKE )); then
  BACKEND=cpu; DEVICE=cpu
  STEPS="${STEPS:-4}"; BATCH_SIZE="${BATCH_SIZE:-8}"; IMAGE_SIZE="${IMAGE_SIZE:-64}"; IMAGES="${IMAGES:-64}"; WARMUP=1
else
  BACKEND=cuda; DEVICE=cuda:$GPU
  STEPS="${STEPS:-300}"; BATCH_SIZE="${BATCH_SIZE:-128}"; IMAGE_SIZE="${IMAGE_SIZE:-224}"; IMAGES="${IMAGES:-45000}"; WARMUP=20
  command -v nvidia-smi >/dev/null || { echo "gpu-check: nvidia-smi not found; this check needs an NVIDIA GPU and its driver (or use --cpu-smoke)." >&2; exit 1; }
  nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader -i "$GPU"
fi
command -v dotnet >/dev/null || { echo "gpu-check: the .NET 10 SDK (dotnet) is needed." >&2; exit 1; }
export KernelwiseBackend=$BACKEND   # MSBuild reads it as a property, so the C# scripts build against the same backend

WORK="$(mktemp -d -t kernelwise-gpu-check.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

echo "== Building Kernelwise with -p:KernelwiseBackend=$BACKEND (Release)"
dotnet build src/Kernelwise -c Release -p:KernelwiseBackend="$BACKEND" -nologo -v:q

if [[ -z "$FOLDER" ]]; then
  FOLDER="$WORK/fashion-mnist-images"
  echo "== Writing $IMAGES Fashion-MNIST images to $FOLDER (real data; pass an image folder to use your own)"
  dotnet run -c Release --no-cache scripts/make-image-folder.cs -- "$FOLDER" "$IMAGES"
fi

memory_used() { nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -i "$GPU" | head -n1 | tr -d ' '; }

# run LABEL ARGS...: trains with examples/alexnet.cs, polls GPU memory, records images/s and peak memory.
SUMMARY=()
FIRST=1
run() {
  local label="$1"; shift
  local log="$WORK/$label.log" mem="$WORK/$label.mem" poller="" before=0
  echo "== AlexNet, $label: $*"
  if (( ! SMOKE )); then
    before=$(memory_used)
    nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -i "$GPU" -lms 100 > "$mem" &
    poller=$!
  fi
  local cache=""
  if (( FIRST )); then cache="--no-cache"; FIRST=0; fi   # rebuild once, so the script uses the backend chosen above
  set +e
  dotnet run -c Release $cache examples/alexnet.cs -- --device "$DEVICE" --image-size "$IMAGE_SIZE" --batch-size "$BATCH_SIZE" \
    --steps "$STEPS" --warmup "$WARMUP" "$@" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  set -e
  if [[ -n "$poller" ]]; then kill "$poller" 2>/dev/null || true; wait "$poller" 2>/dev/null || true; fi
  (( status == 0 )) || { echo "gpu-check: the $label run failed (exit $status); see above." >&2; exit "$status"; }
  local rate peak="n/a (CPU smoke run)"
  rate=$(grep -o 'Throughput: [0-9.]* training images/s' "$log" | grep -o '[0-9.]*' | head -n1 || true)
  if (( ! SMOKE )); then
    local max
    max=$(sort -n "$mem" | tail -n1)
    peak="$((max - before)) MiB above the $before MiB in use before the run (peak $max MiB device-wide, nvidia-smi polled every 100 ms)"
  fi
  SUMMARY+=("$label: ${rate:-?} images/s; GPU memory: $peak")
  RATES[$label]="${rate:-}"
}
declare -A RATES

run synthetic --synthetic --epochs 1 --synthetic-size $((STEPS * BATCH_SIZE))
for precision in ${PRECISIONS-mixed-float16 mixed-bfloat16}; do
  run "synthetic-$precision" --synthetic --epochs 1 --synthetic-size $((STEPS * BATCH_SIZE)) --precision "$precision"
  if [[ -n "${RATES[synthetic]}" && -n "${RATES[synthetic-$precision]}" ]]; then
    SUMMARY+=("  $precision speed-up over float32 (TF32): $(awk -v a="${RATES[synthetic-$precision]}" -v b="${RATES[synthetic]}" 'BEGIN { printf "%.2f", a / b }')x")
  fi
done
# One epoch of at most STEPS batches; the folder needs STEPS × BATCH_SIZE training images (90% of it) for the full count.
run real-data --data "$FOLDER" --epochs 1 --val-fraction 0.1

echo "== Same training step on the CPU and on $DEVICE (scripts/device-agreement.cs)"
set +e
dotnet run -c Release scripts/device-agreement.cs -- --device "$DEVICE" 2>&1 | tee "$WORK/agreement.log"
AGREEMENT=${PIPESTATUS[0]}
set -e
SUMMARY+=("CPU against $DEVICE, one step: $(tail -n1 "$WORK/agreement.log")")

echo
echo "== GPU check summary (AlexNet ImageNet configuration, ${IMAGE_SIZE}×${IMAGE_SIZE}, batch $BATCH_SIZE, $STEPS steps, $WARMUP warm-up steps left out)"
for line in "${SUMMARY[@]}"; do echo "$line"; done
exit "$AGREEMENT"
