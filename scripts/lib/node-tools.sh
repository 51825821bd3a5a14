# The npm tools of the API contract check (tests/contract: Redocly CLI, openapi-typescript,
# openapi-fetch, TypeScript), at the exact versions of its package-lock.json, installed with
# `npm ci` into tests/contract/node_modules, as PostgreSQL and Chromium are installed for their
# tests. Node.js and npm come from the OS (apt-get) when missing; Redocly CLI needs Node.js 20.19+.
node_tools_dir=tests/contract

node_tools_ensure_installed() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "Node.js/npm not found; installing the nodejs and npm packages with apt-get..." >&2
    if [ "$(id -u)" -ne 0 ]; then
      echo "Run as root (or install Node.js 20.19+ and npm) for the API contract check." >&2
      return 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >&2 || return 1
  fi
  local version
  version=$(node -p 'process.versions.node' 2>/dev/null)
  if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
    echo "Node.js $version is too old for Redocly CLI (needs 20.19 or later): the API contract check will fail." >&2
    return 1
  fi
  # Reinstall only when the lock file changed since the last install (npm ci starts from scratch).
  local lock_hash stamp=$node_tools_dir/node_modules/.installed-from-lock
  lock_hash=$(sha256sum "$node_tools_dir/package-lock.json" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_hash" ]; then
    return 0
  fi
  echo "Installing the API contract tools (npm ci in $node_tools_dir)..." >&2
  (cd "$node_tools_dir" && npm ci --no-audit --no-fund --cache .npm-cache >&2) || return 1
  echo "$lock_hash" > "$stamp"
}
