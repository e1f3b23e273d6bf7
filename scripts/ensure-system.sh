#!/bin/sh
# Check what briefwright needs outside Python: Python 3.11+ and Pango (for WeasyPrint).
# As root on a Debian-like system, install Pango with apt; otherwise say what to install.
set -e
PYTHON=${1:-python3}

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "briefwright needs Python 3.11 or newer: install it, or run make PYTHON=python3.11" >&2
    exit 1
fi

has_pango() {
    "$PYTHON" -c 'import ctypes.util, sys; sys.exit(not (ctypes.util.find_library("pango-1.0") and ctypes.util.find_library("pangoft2-1.0")))'
}

if has_pango; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Pango for WeasyPrint (apt-get install libpango-1.0-0 libpangoft2-1.0-0)…"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null
    has_pango && exit 0
fi
echo "briefwright needs Pango 1.44 or newer for WeasyPrint: install libpango-1.0-0 and libpangoft2-1.0-0 (Debian/Ubuntu), pango (Fedora, Homebrew), then run make again." >&2
exit 1
