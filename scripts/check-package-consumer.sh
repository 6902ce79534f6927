#!/usr/bin/env bash
# Uses Kernelwise the ways a user would, from folders outside this repository (no Directory.Build.* of ours above
# them), and checks that each one trains a small model (a finite, falling loss is printed):
#   package      pack → a console project with a PackageReference from a local folder feed → dotnet run
#   onnxruntime  pack Kernelwise.OnnxRuntime too → a console project referencing only it (Kernelwise comes with it)
#                → trains, then predicts with model.ToOnnxPredictor() and compares with Model.Predict
#   publish-fd   that project published framework-dependent for linux-x64 → run the published app
#   publish-sc   that project published self-contained for linux-x64 → run the published app
#   project      a console project with a ProjectReference to src/Kernelwise → dotnet run
#   xunit        the user's own xunit project with a ProjectReference to src/Kernelwise → dotnet test
# The package's buildTransitive step patches the shim in build and publish outputs; the two ProjectReference cases
# get no build step of ours and rely on the run-time loader (on Debian 12 it loads a weakened copy from the cache).
# Prints "Consumer checks: N passed, N failed" last; exits non-zero when one failed.
# Usage: scripts/check-package-consumer.sh            (about 3 minutes and 5 GB of temporary disk on 2 cores)
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/kernelwise-consumer.XXXXXX")"
version="0.0.0-consumer.$(date +%s).$$"   # a version of its own, so no earlier package in the NuGet cache is reused
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
cleanup() { rm -rf "$work" "$packages/kernelwise/$version"; }
trap cleanup EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER=1
# Weakened copies go to a cache of this run's own, so the run-time path really writes one.
export KERNELWISE_NATIVE_CACHE="$work/native-cache"

passed=0; failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
version_of() { sed -nE "s/.*PackageVersion Include=\"$1\" Version=\"([^\"]+)\".*/\1/p" "$root/Directory.Packages.props"; }

# One check: the program exited with 0 and printed three finite losses, the last below the first; with a fourth
# argument, that build or publish output's copy of TorchSharp's shim must also carry the build-time patch.
trained() { # name log exit-code [shim]
  local name=$1 log=$2 code=$3 shim=${4:-}
  if [ "$code" -ne 0 ]; then fail "$name" "exit code $code"; tail -25 "$log"; return; fi
  # NaN and Infinity read as 0 in awk, so "above 0" also means finite.
  if ! awk -F= '/^loss=/ { n++; v = $2 + 0; if (v <= 0) bad = 1; if (n == 1) first = v; last = v }
                END { exit !(n == 3 && !bad && last < first) }' "$log"; then
    fail "$name" "no three finite, falling losses in its output"; tail -25 "$log"; return
  fi
  if [ -n "$shim" ]; then
    if command -v readelf >/dev/null; then
      local versions; versions="$(readelf -VW "$shim")" # not piped into grep -q: under pipefail its early exit would fail readelf
      grep -q "GLIBCXX_3.4.32  Flags: WEAK" <<< "$versions" || { fail "$name" "$shim does not carry the build-time patch"; return; }
    else
      echo "     (readelf not installed: $shim not inspected)"
    fi
  fi
  pass "$name ($(grep '^native: ' "$log" | head -1))"
}

program() { cat <<'CS'
using Kernelwise;
using Kernelwise.Data;
using Kernelwise.Layers;
using Kernelwise.Models;
using Kernelwise.Platform;
using TorchSharp;

var definition = new Sequential(new Shape(1, 8, 8)).Conv2D(4, 3, activation: Activation.ReLU).Flatten().Dense(2);
torch.manual_seed(1);
using var x = torch.randn(128, 1, 8, 8);
using var y = (x.mean(new long[] { 1, 2, 3 }) > 0).to(torch.ScalarType.Int64);
using var data = new TensorDataset(x.clone(), y.clone());
using var model = definition.Build(ComputeDevice.Cpu).Compile(new Adam(1e-2), new CrossEntropy(), new Accuracy());
var history = model.Fit(data, epochs: 3, batchSize: 16, verbose: 0);
foreach (double loss in history["loss"]) Console.WriteLine(FormattableString.Invariant($"loss={loss:R}"));
Console.WriteLine("native: " + KernelwiseRuntime.EnsureNativeLibraries());
CS
}

# 1. The package, from a local folder feed.
if ! dotnet pack "$root/src/Kernelwise" -c Release -p:Version="$version" -o "$work/feed" > "$work/pack.log" 2>&1; then
  fail pack "dotnet pack failed"; tail -25 "$work/pack.log"
else
  ls "$work/feed/Kernelwise.$version.snupkg" >/dev/null 2>&1 || fail pack "no symbols package"
  mkdir -p "$work/package"
  cat > "$work/package/nuget.config" <<XML
<configuration><packageSources><clear/><add key="local" value="$work/feed"/><add key="nuget.org" value="https://api.nuget.org/v3/index.json"/></packageSources></configuration>
XML
  cat > "$work/package/package.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings><Nullable>enable</Nullable></PropertyGroup>
  <ItemGroup><PackageReference Include="Kernelwise" Version="$version" /></ItemGroup>
</Project>
XML
  program > "$work/package/Program.cs"
  (cd "$work/package" && dotnet run) > "$work/package.log" 2>&1
  trained package "$work/package.log" $? "$work/package/bin/Debug/net10.0/runtimes/linux-x64/native/libLibTorchSharp.so"

  for kind in fd sc; do
    flag=false; [ "$kind" = sc ] && flag=true
    if (cd "$work/package" && dotnet publish -c Release -r linux-x64 --self-contained $flag -o "$work/publish-$kind") > "$work/publish-$kind.log" 2>&1; then
      "$work/publish-$kind/package" > "$work/publish-$kind-run.log" 2>&1
      trained "publish-$kind" "$work/publish-$kind-run.log" $? "$work/publish-$kind/libLibTorchSharp.so"
      rm -rf "$work/publish-$kind"
    else
      fail "publish-$kind" "dotnet publish failed"; tail -25 "$work/publish-$kind.log"
    fi
  done
  rm -rf "$work/package/bin" "$work/package/obj"
fi

# 1b. The ONNX Runtime package, which brings Kernelwise and ONNX Runtime with it.
if ! dotnet pack "$root/src/Kernelwise.OnnxRuntime" -c Release -p:Version="$version" -o "$work/feed" > "$work/pack-onnxruntime.log" 2>&1; then
  fail onnxruntime "dotnet pack of Kernelwise.OnnxRuntime failed"; tail -25 "$work/pack-onnxruntime.log"
else
  mkdir -p "$work/onnxruntime"
  cp "$work/package/nuget.config" "$work/onnxruntime/" 2>/dev/null || cat > "$work/onnxruntime/nuget.config" <<XML
<configuration><packageSources><clear/><add key="local" value="$work/feed"/><add key="nuget.org" value="https://api.nuget.org/v3/index.json"/></packageSources></configuration>
XML
  cat > "$work/onnxruntime/onnxruntime.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings><Nullable>enable</Nullable></PropertyGroup>
  <ItemGroup><PackageReference Include="Kernelwise.OnnxRuntime" Version="$version" /></ItemGroup>
</Project>
XML
  { program; cat <<'CS'
using (var predictor = Kernelwise.OnnxRuntime.OnnxPredictorExtensions.ToOnnxPredictor(model))
using (var expected = model.Predict(x))
using (var actual = predictor.Predict(x))
{
    double worst = (expected - actual).abs().max().item<float>();
    Console.WriteLine(FormattableString.Invariant($"onnxruntime-difference={worst:R}"));
}
CS
  } > "$work/onnxruntime/Program.cs"
  (cd "$work/onnxruntime" && dotnet run) > "$work/onnxruntime.log" 2>&1
  code=$?
  if [ $code -eq 0 ] && ! awk -F= '/^onnxruntime-difference=/ { found = 1; if ($2 + 0 > 1e-4) bad = 1 } END { exit !(found && !bad) }' "$work/onnxruntime.log"; then
    fail onnxruntime "no ONNX Runtime prediction within 1e-4 of Model.Predict in its output"; tail -25 "$work/onnxruntime.log"
  else
    trained onnxruntime "$work/onnxruntime.log" $code
  fi
  rm -rf "$work/onnxruntime/bin" "$work/onnxruntime/obj"
fi

# 2. A console project with a ProjectReference: no build step of ours runs for it.
mkdir -p "$work/project"
cat > "$work/project/project.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings><Nullable>enable</Nullable></PropertyGroup>
  <ItemGroup><ProjectReference Include="$root/src/Kernelwise/Kernelwise.csproj" /></ItemGroup>
</Project>
XML
program > "$work/project/Program.cs"
(cd "$work/project" && dotnet run) > "$work/project.log" 2>&1
trained project "$work/project.log" $?
rm -rf "$work/project/bin" "$work/project/obj"

# 3. The user's own xunit project under dotnet test.
mkdir -p "$work/xunit"
cat > "$work/xunit/UserTests.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings><Nullable>enable</Nullable><IsPackable>false</IsPackable></PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Microsoft.NET.Test.Sdk" Version="$(version_of Microsoft.NET.Test.Sdk)" />
    <PackageReference Include="xunit.v3.mtp-off" Version="$(version_of xunit.v3.mtp-off)" />
    <PackageReference Include="xunit.runner.visualstudio" Version="$(version_of xunit.runner.visualstudio)" />
    <ProjectReference Include="$root/src/Kernelwise/Kernelwise.csproj" />
  </ItemGroup>
</Project>
XML
cat > "$work/xunit/TrainingTests.cs" <<'CS'
using Kernelwise;
using Kernelwise.Data;
using Kernelwise.Layers;
using Kernelwise.Models;
using TorchSharp;
using Xunit;

public class TrainingTests
{
    [Fact]
    public void MyModelTrains()
    {
        var definition = new Sequential(new Shape(1, 8, 8)).Conv2D(4, 3, activation: Activation.ReLU).Flatten().Dense(2);
        torch.manual_seed(1);
        using var x = torch.randn(128, 1, 8, 8);
        using var y = (x.mean(new long[] { 1, 2, 3 }) > 0).to(torch.ScalarType.Int64);
        using var data = new TensorDataset(x.clone(), y.clone());
        using var model = definition.Build(ComputeDevice.Cpu).Compile(new Adam(1e-2), new CrossEntropy(), new Accuracy());
        var losses = model.Fit(data, epochs: 3, batchSize: 16, verbose: 0)["loss"];
        Assert.All(losses, l => Assert.True(double.IsFinite(l)));
        Assert.True(losses[^1] < losses[0]);
    }
}
CS
(cd "$work/xunit" && dotnet test) > "$work/xunit.log" 2>&1
code=$?
if [ $code -eq 0 ] && grep -qE "Passed! +- +Failed: +0, Passed: +1," "$work/xunit.log"; then pass "xunit (dotnet test: 1 passed)"; else fail xunit "dotnet test exited with $code"; tail -25 "$work/xunit.log"; fi

echo "Consumer checks: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
