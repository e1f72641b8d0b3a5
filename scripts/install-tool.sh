#!/bin/sh
# Install a program from a Debian package when it is missing:  sh install-tool.sh COMMAND PACKAGE
# (dot from graphviz renders the graph pictures; chromium runs the explorer's browser tests).
# Uses apt when available (as root, or through sudo); otherwise prints how to install it and
# carries on: only the tests that need the program say so.
set -u
command -v "$1" >/dev/null 2>&1 && exit 0
if command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    echo "Installing $2 ($1) with apt-get..."
    if $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$2" >/dev/null; then
        exit 0
    fi
fi
echo "warning: '$1' is not installed and could not be installed here (Debian/Ubuntu: sudo apt-get install $2;" >&2
echo "  macOS: brew install $2; conda: conda install -c conda-forge $2)." >&2
exit 0
