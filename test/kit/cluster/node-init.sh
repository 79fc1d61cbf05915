#!/bin/sh
# The inside of a real Kubernetes node (test/kit/cluster/node.ts starts it): pid 1 of fresh mount,
# network, pid and UTS namespaces made by `unshare`. Nothing here reaches the host: the root is an
# overlay whose lower layer is the host's / and whose upper layer is a tmpfs of this namespace; the
# kernel settings kubelet checks are read-only files over /proc/sys here only; the network is
# slirp4netns' tap0 (10.0.2.100, the host's loopback at 10.0.2.2). When this shell is killed the
# namespace, its mounts and every process in it go with it.
#
# Environment: NODE_DIR (the suite's node directory, shared with the host: configs, logs, sockets),
# NODE_NAME, KUBELET, KUBE_PROXY, NODE_JS (a node binary for the egress proxy), EGRESS_PROXY (its script).
set -eu
log() { echo "node-init: $*"; }

hostname "$NODE_NAME"
ip link set lo up
# slirp4netns, started on the host with this shell's pid, configures tap0.
i=0
until ip -4 -o addr show tap0 2>/dev/null | grep -q '10\.0\.2\.100'; do
  i=$((i + 1))
  [ "$i" -lt 300 ] || { log "tap0 never came up"; exit 1; }
  sleep 0.1
done

scratch=/run/charthouse-node
mkdir -p "$scratch"
mount -t tmpfs -o size=16g,mode=755 charthouse-node "$scratch"
mkdir -p "$scratch/upper" "$scratch/work" "$scratch/root" "$scratch/state"
mount -t overlay -o "lowerdir=/,upperdir=$scratch/upper,workdir=$scratch/work" overlay "$scratch/root"
root=$scratch/root

# What the node's own processes need, fresh for its namespaces.
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --rbind /sys/fs/cgroup "$root/sys/fs/cgroup"
mount --rbind /dev "$root/dev"
mount -t tmpfs -o mode=755 run "$root/run"
# containerd's overlay snapshots cannot have an overlay as their upper layer: a tmpfs of their own.
for dir in /var/lib/containerd /var/lib/kubelet /var/log/pods /var/log/containers /var/lib/cni /etc/cni; do
  mkdir -p "$root$dir"
  mount -t tmpfs -o mode=755 node "$root$dir"
done
# The suite's directory is the host's: logs, the containerd and egress sockets are read from there.
mkdir -p "$root$NODE_DIR"
mount --bind "$NODE_DIR" "$root$NODE_DIR"

# protectKernelDefaults: kubelet only checks these, and finds the values it expects, in this namespace.
for setting in vm/overcommit_memory:1 kernel/panic:10 kernel/panic_on_oops:1; do
  name=${setting%%:*}
  file=$scratch/state/$(echo "$name" | tr / _)
  echo "${setting#*:}" >"$file"
  mount --bind "$file" "$root/proc/sys/$name"
  mount -o remount,bind,ro "$root/proc/sys/$name"
done

cd "$root"
mkdir -p .host
pivot_root . .host
cd /
umount -l /.host

# Each daemon's log is in the suite's directory; this shell waits, so killing it ends them all.
"$NODE_JS" "$EGRESS_PROXY" "$NODE_DIR/egress.sock" >"$NODE_DIR/egress-proxy.log" 2>&1 &
containerd --config "$NODE_DIR/containerd.toml" >"$NODE_DIR/containerd.log" 2>&1 &
i=0
until [ -S "$NODE_DIR/containerd.sock" ]; do
  i=$((i + 1))
  [ "$i" -lt 300 ] || { log "containerd never made its socket"; exit 1; }
  sleep 0.1
done
if [ -n "${KUBELET:-}" ]; then
  "$KUBELET" --config "$NODE_DIR/kubelet.yaml" --kubeconfig "$NODE_DIR/kubelet.kubeconfig" \
    --hostname-override "$NODE_NAME" --node-ip 10.0.2.100 --v 1 >"$NODE_DIR/kubelet.log" 2>&1 &
fi
if [ -n "${KUBE_PROXY:-}" ]; then
  "$KUBE_PROXY" --config "$NODE_DIR/kube-proxy.yaml" --v 1 >"$NODE_DIR/kube-proxy.log" 2>&1 &
fi
log "up"
wait
