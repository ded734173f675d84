# Shared set-up for scripts/run and scripts/test: makes sure the Debian packages the build
# needs are installed (installing them when running as root, naming them otherwise).

junction_require_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "junction: installing Debian packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || { echo "junction: apt-get update failed" >&2; return 1; }
    apt-get install -y -qq "${missing[@]}" >&2 || { echo "junction: installing ${missing[*]} failed" >&2; return 1; }
  else
    echo "junction: missing Debian packages. Install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
}

junction_require_swift() {
  command -v swift >/dev/null 2>&1 && return 0
  [ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH" && return 0
  echo "junction: the Swift 6 toolchain is not on PATH (https://swift.org/install)" >&2
  return 1
}

# The packages the build links against.
JUNCTION_BUILD_PACKAGES=(pkg-config libsodium-dev)
