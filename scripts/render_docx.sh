#!/usr/bin/env bash
# Render a .docx for a visual check: LibreOffice headless -> PDF, then pdftoppm -> one PNG a page.
# Usage: scripts/render_docx.sh IN.docx OUTDIR   (needs: soffice, pdftoppm, fonts-noto-cjk)
set -euo pipefail
if [ $# -ne 2 ]; then
    echo "用法（usage）: $0 IN.docx OUTDIR" >&2
    exit 2
fi
in="$1"
out="$2"
for tool in soffice pdftoppm; do
    if ! command -v "$tool" >/dev/null; then
        echo "缺少 $tool（missing $tool）: apt-get install -y --no-install-recommends libreoffice-writer-nogui poppler-utils fonts-noto-cjk" >&2
        exit 3
    fi
done
mkdir -p "$out"
# A private LibreOffice profile: runs side by side and never touches the user's settings.
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
soffice -env:UserInstallation="file://$profile" --headless --convert-to pdf --outdir "$out" "$in" >/dev/null
pdf="$out/$(basename "${in%.*}").pdf"
pdftoppm -png -r 80 "$pdf" "$out/$(basename "${in%.*}")"
ls "$out"/*.png
