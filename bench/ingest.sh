#!/usr/bin/env bash
# Ingest rate of one build on the national Jan–Feb traffic (ketenzicht simulate --scale national
# --from 2023-01-01 --to 2023-02-28 --seed 1 --out /tmp/natm), every gemeente ordered.
# usage: bench/ingest.sh BIN LABEL   (BIN: target/pgo/production/ketenzicht, see bench/e2e.sh)
#          (STORE_ROOT=/dev/shm puts the store in memory, away from the disk's noise)
set -e
S=${STORE_ROOT:-/tmp}/ib-$2
rm -rf $S
$1 orders add --store $S --datum 2020-01-01 --door bench --product monitor-stuurinformatie ketendata-iwmo ketendata-ijw --gemeente $(ls /tmp/natm/berichten) > /dev/null
/usr/bin/time -f "$2 wall=%e s user=%U s sys=%S s rss=%M KB" $1 ingest --no-ketendata /tmp/natm --store $S 2>&1 | grep -E "berichten/s|wall=|nieuw|msg" | tail -3
du -sh $S/lake/ruw | cut -f1
rm -rf $S
