# Prometheus's promtool, for the checks of deploy/prometheus/alerts.yml (`promtool check rules`,
# `promtool test rules`, run by tests/Paykassma.Merchant.Api.Tests/Hosting/AlertRulesTests.cs), from
# Debian's prometheus package: it brings promtool. Without recommends: those are the node exporter,
# nothing the checks need. Where services start on install (a systemd machine without a policy-rc.d)
# the package also starts a Prometheus server on :9090; a container's policy-rc.d prevents that.
promtool_ensure_installed() {
  if command -v promtool >/dev/null 2>&1; then return 0; fi
  echo "promtool not found; installing the prometheus package with apt-get..." >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "Run as root (or install the 'prometheus' package) for the alert rule checks." >&2
    return 1
  fi
  # The package lists may be stale or missing on a fresh machine; refresh them only when that bites.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >&2 && return 0
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >&2
}
