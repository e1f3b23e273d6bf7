#!/bin/sh
# Check what briefwright needs outside Python: Python 3.11+, Pango (for WeasyPrint) and
# HarfBuzz's subsetter (WeasyPrint embeds fonts seven times faster with it); and what the
# tests read PDFs with: poppler-utils (pdftoppm, pdffonts, pdfinfo) and qpdf; and the browser the
# preview's test drives: Debian's chromium with its chromium-driver.
# As root on a Debian-like system, install what is missing with apt; otherwise say what to install.
set -e
PYTHON=${1:-python3}

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "briefwright needs Python 3.11 or newer: install it, or run make PYTHON=python3.11" >&2
    exit 1
fi

has() {  # has LIBRARY...: all the shared libraries are installed
    "$PYTHON" -c 'import ctypes.util, sys; sys.exit(not all(ctypes.util.find_library(n) for n in sys.argv[1:]))' "$@"
}

missing=""
has pango-1.0 pangoft2-1.0 || missing="libpango-1.0-0 libpangoft2-1.0-0"
has harfbuzz-subset || missing="$missing libharfbuzz-subset0"
command -v pdftoppm >/dev/null 2>&1 && command -v pdffonts >/dev/null 2>&1 || missing="$missing poppler-utils"
command -v qpdf >/dev/null 2>&1 || missing="$missing qpdf"
[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] || missing="$missing chromium chromium-driver"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages for WeasyPrint and the tests: apt-get install$missing"
    apt-get update -qq >/dev/null
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
if ! has pango-1.0 pangoft2-1.0; then
    echo "briefwright needs Pango 1.44 or newer for WeasyPrint: install libpango-1.0-0 and libpangoft2-1.0-0 (Debian/Ubuntu), pango (Fedora, Homebrew), then run make again." >&2
    exit 1
fi
has harfbuzz-subset || echo "note: install libharfbuzz-subset0 (harfbuzz on Homebrew) to make PDF writing about seven times faster." >&2
command -v pdftoppm >/dev/null 2>&1 && command -v qpdf >/dev/null 2>&1 || echo "note: the tests need poppler-utils and qpdf (Debian/Ubuntu package names)." >&2
[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] || echo "note: the preview's browser test needs chromium and chromium-driver (Debian package names); without them it is skipped." >&2
exit 0
