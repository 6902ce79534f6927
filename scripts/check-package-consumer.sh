#!/usr/bin/env bash
# Packs Kernelwise, builds a throw-away consumer project against the package (build and publish with a
# RuntimeIdentifier), and checks that TorchSharp's native shim in both outputs is patched and loads.
# Usage: scripts/check-package-consumer.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet pack "$root/src/Kernelwise" -c Release -o "$work/feed" >/dev/null
version="$(ls "$work/feed" | sed -nE 's/^Kernelwise\.([0-9][^/]*)\.nupkg$/\1/p' | head -1)"
mkdir "$work/consumer"
cat > "$work/consumer/consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageReference Include="Kernelwise" Version="$version" /></ItemGroup>
</Project>
XML
cat > "$work/consumer/Program.cs" <<'CS'
using Kernelwise;
using Kernelwise.Models;
using var model = new Sequential(new Shape(1, 8, 8)).Conv2D(2, 3).Flatten().Dense(3).Build(Device.Cpu);
using var y = model.Network.forward(TorchSharp.torch.ones(1, 1, 8, 8));
System.Console.WriteLine("consumer ran a forward pass: [" + string.Join(", ", y.shape) + "]");
CS
cat > "$work/consumer/nuget.config" <<XML
<configuration><packageSources><clear/><add key="local" value="$work/feed"/><add key="nuget.org" value="https://api.nuget.org/v3/index.json"/></packageSources></configuration>
XML
cd "$work/consumer"
dotnet run
dotnet publish -r linux-x64 --self-contained false -o "$work/pub" >/dev/null
"$work/pub/consumer"
if command -v readelf >/dev/null; then
  for f in bin/Debug/net10.0/runtimes/linux-x64/native/libLibTorchSharp.so "$work/pub/libLibTorchSharp.so"; do
    readelf -VW "$f" | grep -q "GLIBCXX_3.4.32  Flags: WEAK" && echo "patched: $f" || { echo "NOT patched: $f"; exit 1; }
  done
fi
echo "package consumer check passed"
