# The OS's Chromium for the browser test of Swagger UI (Playwright drives /usr/bin/chromium;
# it never downloads a browser of its own, which this machine's network would refuse).
chromium_ensure_installed() {
  if [ -x /usr/bin/chromium ]; then return 0; fi
  echo "Chromium not found; installing the chromium package with apt-get..." >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "Run as root (or install the 'chromium' package) for the browser test." >&2
    return 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
}
