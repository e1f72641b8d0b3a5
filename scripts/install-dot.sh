#!/bin/sh
# Install Graphviz's `dot` program when it is missing. Uses apt when available (as root, or
# through sudo); otherwise prints how to install it and carries on: only the tests that render
# images need it, and they say so.
set -u
command -v dot >/dev/null 2>&1 && exit 0
if command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    echo "Installing Graphviz (dot) with apt-get..."
    if $SUDO apt-get update -qq && $SUDO apt-get install -y -qq graphviz >/dev/null; then
        exit 0
    fi
fi
echo "warning: Graphviz's 'dot' program is not installed and could not be installed here." >&2
echo "  Debian/Ubuntu: sudo apt-get install graphviz | macOS: brew install graphviz | conda: conda install graphviz" >&2
exit 0
