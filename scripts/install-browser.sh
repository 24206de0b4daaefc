#!/usr/bin/env bash
# Install what the real-browser test (tests/browser, tests/e2e/test_browser.py) needs:
#   * Debian's chromium at /usr/bin/chromium, with apt (plus one font so pages render text);
#   * playwright-core, pinned in tests/browser/package-lock.json, with `npm ci`.
# Never downloads a browser build: playwright is only a driver here (no `playwright install`).
# Idempotent: apt is skipped when /usr/bin/chromium already runs `--version` and the font is there;
# npm is skipped when node_modules already matches the lock file.
set -euo pipefail

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export DEBIAN_FRONTEND=noninteractive

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
browser_dir="${repo_root}/tests/browser"
chromium_bin=/usr/bin/chromium
font=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf

if "${chromium_bin}" --version >/dev/null 2>&1 && [[ -f "${font}" ]]; then
    echo "chromium already installed: $("${chromium_bin}" --version 2>/dev/null)"
else
    command -v apt-get >/dev/null || { echo "install-browser: apt-get is required (Debian)" >&2; exit 1; }
    sudo=""
    [[ "$(id -u)" -eq 0 ]] || sudo="sudo"
    start=${SECONDS}
    ${sudo} apt-get update -qq
    ${sudo} apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core
    "${chromium_bin}" --version >/dev/null 2>&1 \
        || { echo "install-browser: ${chromium_bin} does not run after install" >&2; exit 1; }
    echo "installed $("${chromium_bin}" --version 2>/dev/null) in $((SECONDS - start)) s"
fi

command -v npm >/dev/null || { echo "install-browser: npm is required" >&2; exit 1; }
lock="${browser_dir}/package-lock.json"
stamp="${browser_dir}/node_modules/.package-lock.json"
if [[ -f "${stamp}" && "${stamp}" -nt "${lock}" && -d "${browser_dir}/node_modules/playwright-core" ]]; then
    echo "tests/browser/node_modules is up to date"
else
    (cd "${browser_dir}" && npm ci --no-audit --no-fund --loglevel=error)
    echo "installed playwright-core $(node -p "require('${browser_dir}/node_modules/playwright-core/package.json').version")"
fi
