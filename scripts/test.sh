#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need when it is missing, then
# runs every module's unit and integration tests. Extra arguments go to Maven (e.g. -Pstress).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
# the inspector page is tested in a real headless browser
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
# the iii worker protocol is tested against the real npm iii-sdk
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# the iii worker protocol is tested against the real npm iii-sdk (IiiWorkersIT): node and npm are
# on the machine and in CI; the pinned SDK is installed from the committed lock file when missing
if [ ! -d stream-ws-jdk/src/test/node/node_modules ]; then
  echo "test.sh: npm ci --prefix stream-ws-jdk/src/test/node"
  npm ci --no-audit --no-fund --prefix stream-ws-jdk/src/test/node
fi

# install (verify + the local repository) so that the host project below builds against the artifacts
./mvnw -B install "$@"
# a tiny host application embeds the installed binding on the module path and checks what it drags in
./mvnw -B -f scripts/host-project/pom.xml verify
