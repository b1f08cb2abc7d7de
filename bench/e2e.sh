#!/usr/bin/env bash
# End-to-end ingest of one input with its Ketendata build (issue 4): every gemeente of the
# input ordered, then `ketenzicht ingest`, timed as a whole by GNU time.
# usage: bench/e2e.sh BIN INPUT LABEL     e.g. bench/e2e.sh target/pgo/production/ketenzicht /tmp/regio2y regio2y
#   (BIN from scripts/build-production.sh: the deployed build, which docs/performance.md measures)
# KZ_ARGS adds options to the ingest (KZ_ARGS=--no-ketendata times the ingest alone).
#   INPUT from: ketenzicht simulate --scale regio --from 2023-01-01 --to 2024-12-31 --seed 1 --layout archive --out /tmp/regio2y
set -e
S=/tmp/e2e-$3
rm -rf "$S"
"$1" orders add --store "$S" --datum 2020-01-01 --door bench \
    --product monitor-stuurinformatie ketendata-iwmo ketendata-ijw --gemeente $(ls "$2/berichten") > /dev/null
/usr/bin/time -f "$3 wall=%e s user=%U s sys=%S s rss=%M KB" "$1" ingest "$2" --store "$S" ${KZ_ARGS:-} 2>&1 \
    | grep -E "berichten/s|wall=|nieuw|ketendata" | tail -4
rm -rf "$S"
