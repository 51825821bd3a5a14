# The OS's PHP for the differential test of PhpJson against json_encode itself
# (tests/Paykassma.PluginApi.Tests/Postbacks/PhpDifferentialTests.cs), from the php-cli package.
php_ensure_installed() {
  if command -v php >/dev/null 2>&1; then return 0; fi
  echo "PHP not found; installing the php-cli package with apt-get..." >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "Run as root (or install the 'php-cli' package) for the PHP differential test." >&2
    return 1
  fi
  # The package lists may be stale or missing on a fresh machine; refresh them only when that bites.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq php-cli >&2 && return 0
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq php-cli >&2
}
