#!/usr/bin/env bash
# calisim verify on the bundled verify-* scenarios: each is built for real
# (network namespaces, bridges, BIRD, VXLAN devices, nftables) and compared
# with the twin. Needs root; installs bird/iproute2/nftables/ping with apt-get
# when they are missing. Exits 1 when any scenario has a differing check.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
  echo "verify: skipped: not root (calisim verify creates network namespaces; run as root to include it)"
  exit 0
fi

need=()
for t in ip:iproute2 bridge:iproute2 bird:bird birdc:bird nft:nftables ping:iputils-ping; do
  command -v "${t%%:*}" >/dev/null 2>&1 || need+=("${t#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "== apt-get install ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 bash -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends $(printf '%s\n' "${need[@]}" | sort -u | tr '\n' ' ') >/dev/null" \
      || { echo "verify: skipped: could not install ${need[*]}"; exit 0; }
  else
    echo "verify: skipped: missing ${need[*]} and no apt-get"
    exit 0
  fi
fi

bin=$(mktemp -d)/calisim
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./cmd/calisim || exit 1

status=0
for sc in verify-native verify-crosssubnet verify-vxlan verify-reflectors verify-aws-srcdst verify-tor-10; do
  echo "== calisim verify scenarios/$sc.yaml"
  out=$("$bin" verify "scenarios/$sc.yaml" 2>&1)
  rc=$?
  # The differing checks and the summary; the full report with -o json.
  printf '%s\n' "$out" | awk '/^$/{p = 0} /^(agree|differ|skipped) /{p = ($1 == "differ")} p'
  printf '%s\n' "$out" | tail -n 1
  case $rc in
    0) ;;
    1) status=1 ;;
    *) printf '%s\n' "$out" | tail -n 5; status=1 ;;
  esac
done

left=$(ip netns list 2>/dev/null | awk '{print $1}' | grep -c '^cs-' || true)
if [ "$left" != 0 ]; then
  echo "verify: $left namespaces named cs-* are left behind"
  status=1
fi
exit $status
