#!/usr/bin/env bash
# Installs the C libraries sagin links against (GSL, OpenBLAS) when they are missing.
# As root it runs apt-get; otherwise it prints the exact command and fails.
set -euo pipefail

packages=(libgsl-dev libopenblas-dev)

have_libs() {
  [ -f /usr/include/gsl/gsl_rng.h ] || return 1
  ldconfig -p 2>/dev/null | grep -q 'libopenblas\.so' || return 1
  ldconfig -p 2>/dev/null | grep -q 'libgsl\.so' || return 1
}

if ! command -v swift >/dev/null 2>&1; then
  echo "error: the Swift toolchain (6.0 or later) is not on PATH; see https://www.swift.org/install/linux/" >&2
  exit 1
fi

if have_libs; then
  exit 0
fi

cmd="apt-get update && apt-get install -y ${packages[*]}"
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${packages[*]} ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${packages[@]}" >/dev/null
  have_libs || { echo "error: ${packages[*]} installed but GSL/OpenBLAS still not found" >&2; exit 1; }
else
  echo "sagin needs GSL and OpenBLAS. Install them as root, then run make again:" >&2
  echo "  sudo sh -c '$cmd'" >&2
  exit 1
fi
