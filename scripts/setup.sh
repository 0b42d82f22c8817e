#!/usr/bin/env bash
# Set up everything the assistant needs, idempotently (a second run takes seconds).
#   scripts/setup.sh          the app: .venv, pinned packages, the embedding model
#   scripts/setup.sh --test   also test tools: Chromium + CJK fonts, LibreOffice, PostgreSQL, the local LLM extra
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; raise SystemExit(sys.version_info[:2] != (3, 11))'; then
      PYTHON="$candidate"; break
    fi
  done
fi
[ -n "$PYTHON" ] || { echo "需要 Python 3.11（Python 3.11 is required）" >&2; exit 1; }

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
pip=(.venv/bin/python -m pip install --disable-pip-version-check -q -c requirements.lock)

extras="test"
[ $want_test = 1 ] && extras="test,local-llm"
stamp=".venv/.installed-$(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)-${extras//,/_}"
if [ ! -f "$stamp" ]; then
  echo "== 安装依赖（installing pinned packages: .[$extras]）"
  # (this machine's pip config names local mirror folders that may not exist: drop those warnings)
  "${pip[@]}" -e ".[$extras]" 2> >(grep -v "^WARNING: Location 'file:" >&2)
  rm -f .venv/.installed-*
  touch "$stamp"
fi

if [ $want_test = 1 ]; then
  need=()
  [ -x /usr/bin/chromium ] || need+=(chromium)
  [ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
  [ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need+=(fonts-noto-color-emoji)  # the marks in screenshots
  command -v soffice >/dev/null || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
  [ -d /usr/share/fonts/truetype/liberation2 ] || need+=(fonts-liberation2)
  command -v pdftoppm >/dev/null || need+=(poppler-utils)
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)  # the draft-store tests
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "== 安装系统软件包（apt: ${need[*]}）"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    else
      echo "请先安装（please install as root）: sudo apt-get install ${need[*]}" >&2
      exit 1
    fi
  fi
fi

echo "== 准备模型（preparing local models）"
.venv/bin/python -m assistant setup $([ $want_test = 1 ] && echo --local-llm)
