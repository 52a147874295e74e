#!/usr/bin/env bash
# The compatibility suite: the version-sensitive e2e files (test/compat/jest.config.js) against each n8n version the
# package promises to support, one after another, each on its own n8n started by the real-n8n harness.
#
#   npm run test:compat                        build, then every version below
#   bash test/compat/run.sh                    the same without the build (dist/ must be current)
#   bash test/compat/run.sh --install-only     only install the versions (what CI times as its own step)
#   LINKRAPI_COMPAT_VERSIONS="2.41.x" npm run test:compat      other versions (names as real-n8n/install-n8n.sh --list)
#   npm run test:compat -- -t continueOnFail   extra arguments go to jest
#
# Installs are cached (real-n8n/install-n8n.sh, idempotent): cold ~4 min per version, then instant. Every version runs
# even when an earlier one failed; the exit code is non-zero if any failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# The oldest supported n8n and the newest the registry can install (n8n 2.41.3 cannot: see real-n8n/README.md).
VERSIONS=${LINKRAPI_COMPAT_VERSIONS:-"1.123.x 2.41.x"}
INSTALL_ONLY=false
if [ "${1:-}" = "--install-only" ]; then
	INSTALL_ONLY=true
	shift
fi

# KEY=VALUE output of the install script → "n8n <version> on Node <version>".
describe_install() {
	local n8n node
	n8n=$(sed -n 's/^N8N_VERSION=//p' <<<"$1")
	node=$(sed -n 's/^NODE_VERSION=//p' <<<"$1")
	echo "n8n $n8n on Node $node"
}

summary=()
failed=0
for requested in $VERSIONS; do
	start=$SECONDS
	echo "::: compat $requested: installing (cached after the first time)"
	if ! paths=$(bash real-n8n/install-n8n.sh --n8n-version "$requested"); then
		summary+=("$requested: INSTALL FAILED after $((SECONDS - start)) s")
		failed=1
		continue
	fi
	installed=$(describe_install "$paths")
	install_s=$((SECONDS - start))
	echo "::: compat $requested: $installed, install step $install_s s"
	if $INSTALL_ONLY; then
		summary+=("$requested: $installed, install $install_s s")
		continue
	fi
	start=$SECONDS
	status=passed
	rm -f .e2e-tmp/n8n.log
	LINKRAPI_N8N_VERSION=$requested npx jest -c test/compat/jest.config.js "$@" || { status=FAILED; failed=1; }
	# Keep each version's n8n log (the teardown saves the last run's as .e2e-tmp/n8n.log).
	[ -f .e2e-tmp/n8n.log ] && cp .e2e-tmp/n8n.log ".e2e-tmp/n8n-compat-$requested.log"
	summary+=("$requested: $installed, tests $status in $((SECONDS - start)) s (install step $install_s s)")
done

echo "::: compat summary"
printf '  %s\n' "${summary[@]}"
exit $failed
