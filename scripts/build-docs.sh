#!/usr/bin/env bash
# Builds the documentation site in docs/_site with docfx (a .NET tool pinned in .config/dotnet-tools.json): the API
# reference from the XML comments of src/Kernelwise, and the articles in docs/*.md.
# Broken references fail the build: docfx runs with --warningsAsErrors, so an unresolved cross-reference
# (<xref:...>, @Uid) or a link to a missing file is an error.
# Usage: scripts/build-docs.sh [--serve]     (--serve also hosts the site on http://localhost:8080)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet tool restore > /dev/null
rm -rf docs/_site
dotnet docfx docs/docfx.json --warningsAsErrors "$@"
echo "Documentation site: docs/_site/index.html"
