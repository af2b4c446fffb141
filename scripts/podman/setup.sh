#!/usr/bin/env bash
# Sets up a local container engine for node-agent from nothing: installs Debian's podman and runc,
# writes podman's config under PODMAN_DIR, serves the Docker Engine API on $PODMAN_DIR/podman.sock
# (podman system service, in the background) and builds the stand-in proxy image from local files
# (no registry is needed). Idempotent: what is already there is kept.
# Usage: bash scripts/podman/setup.sh; then export DOCKER_HOST=unix://$PODMAN_DIR/podman.sock
set -euo pipefail
cd "$(dirname "$0")/../.."
dir="${PODMAN_DIR:-/var/tmp/envoy-fleet-podman}"
image="${STAND_IN_IMAGE:-localhost/envoy-fleet/stand-in-proxy:dev}"
mkdir -p "$dir"

need=()
for pkg in podman runc busybox-static; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi

# podman's defaults do not fit this machine: its ulimits exceed the hard limits, crun fails on
# hybrid cgroups, and there is no systemd for cgroups or the event journal.
cat > "$dir/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$dir/events.log"
CONF
cat > "$dir/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$dir/storage"
runroot = "$dir/run"
CONF
export CONTAINERS_CONF="$dir/containers.conf" CONTAINERS_STORAGE_CONF="$dir/storage.conf"
socket="$dir/podman.sock"

if ! curl -sf --unix-socket "$socket" http://d/_ping >/dev/null 2>&1; then
  rm -f "$socket"
  nohup podman system service --time=0 "unix://$socket" >"$dir/service.log" 2>&1 &
  for _ in $(seq 1 50); do
    curl -sf --unix-socket "$socket" http://d/_ping >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -sf --unix-socket "$socket" http://d/_ping >/dev/null || { cat "$dir/service.log"; exit 1; }
fi

# The stand-in proxy: busybox, node with its shared libraries, and deploy/stand-in-proxy/proxy.js.
source_sum=$(cat deploy/stand-in-proxy/proxy.js /bin/busybox "$(readlink -f "$(command -v node)")" | sha256sum | cut -c1-16)
if [ "$(podman image inspect --format '{{ index .Labels "source-sum" }}' "$image" 2>/dev/null || true)" != "$source_sum" ]; then
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' EXIT
  mkdir -p "$rootfs"/{bin,usr/bin,etc/envoy,tmp,stand-in}
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in sh ls cat sleep ps kill wget; do ln -s busybox "$rootfs/bin/$applet"; done
  node=$(readlink -f "$(command -v node)")
  cp "$node" "$rootfs/usr/bin/node"
  for lib in $(ldd "$node" | grep -o '/[^ ]*'); do
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done
  cp deploy/stand-in-proxy/proxy.js "$rootfs/stand-in/proxy.js"
  tar -C "$rootfs" -cf "$dir/stand-in-rootfs.tar" .
  podman import \
    --change 'CMD ["/usr/bin/node", "/stand-in/proxy.js"]' \
    --change "LABEL source-sum=$source_sum" \
    --change 'STOPSIGNAL SIGTERM' \
    "$dir/stand-in-rootfs.tar" "$image" >/dev/null
  rm -f "$dir/stand-in-rootfs.tar"
fi
echo "podman serves the Docker API at unix://$socket; stand-in image: $image"
