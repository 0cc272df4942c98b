#!/usr/bin/env bash
# Installs the Debian packages the project needs, when it can.
#   scripts/system-deps.sh pdf      fonts-noto-cjk fonts-noto-color-emoji libharfbuzz-subset0 (PDFs)
#   scripts/system-deps.sh browser  the above plus chromium (browser tests)
# As root on Debian it installs what is missing; otherwise it prints exactly
# what to install and exits 0 so `make run` goes on.
set -euo pipefail

packages=(fonts-noto-cjk fonts-noto-color-emoji libharfbuzz-subset0)
if [[ "${1:-pdf}" == "browser" ]]; then
    packages+=(chromium)
fi

missing=()
for pkg in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "正在安装系统软件包 / installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    exit 0
fi

echo "!! 缺少系统软件包 / missing Debian packages: ${missing[*]}"
echo "!! 请执行 / please run:  sudo apt-get install ${missing[*]}"
echo "!! (PDF 中文字体或浏览器测试需要它们；继续运行 / continuing without them)"
