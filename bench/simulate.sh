#!/usr/bin/env bash
# Simulation rate of one build: the national January 2024, seed 1 (364,440 messages), into a
# new directory under ROOT (default /tmp, this machine's disk; /dev/shm for memory).
#
# It deletes nothing, on purpose. This disk is ext4 without a journal: creating a file skips
# the inodes freed in the last 60 s (360 s while their inode table block is still dirty), and
# after a large deletion each new file pays a scan past them (perf: `recently_deleted`,
# `find_inode_bit`). Remove old outputs yourself, some minutes before measuring.
# usage: bench/simulate.sh BIN LABEL [ROOT]
set -e
OUT=${3:-/tmp}/sim-$2-$(date +%s%N)
GEMEENTEN=${GEMEENTEN:-../shared/istandaarden/referentie/cbs_gemeenten_2026.csv}
/usr/bin/time -f "$2 wall=%e s user=%U s sys=%S s rss=%M KB" \
  "$1" simulate --scale national --from 2024-01-01 --to 2024-01-31 --seed 1 --gemeenten "$GEMEENTEN" --out "$OUT" 2>&1 | tail -2
echo "output: $OUT"
