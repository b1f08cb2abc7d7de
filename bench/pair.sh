#!/usr/bin/env bash
# Two builds side by side, each on its own core at the same time (taskset), then on swapped cores:
# the machine's speed varies by ±20% from run to run, and both runs see the same stretch of it.
# usage: A=BIN_A B=BIN_B [A_ARGS=..] [B_ARGS=..] [STORE_ROOT=/tmp] bench/pair.sh   (store in /dev/shm by default)
# input: /tmp/natm as in bench/ingest.sh
set -e
R=${STORE_ROOT:-/dev/shm}
one() { # BIN LABEL CPU ARGS
  S=$R/pr-$2; rm -rf $S
  $1 orders add --store $S --datum 2020-01-01 --door bench --product monitor-stuurinformatie ketendata-iwmo ketendata-ijw --gemeente $(ls /tmp/natm/berichten) > /dev/null
  /usr/bin/time -f "%e %U %S" -o /tmp/pr-$2.time taskset -c $3 $1 ingest --no-ketendata /tmp/natm --store $S $4 > /dev/null 2>&1
  rm -rf $S
}
for cpus in "0 1" "1 0"; do
  set -- $cpus
  one $A a $1 "$A_ARGS" & one $B b $2 "$B_ARGS" & wait
  echo "A@cpu$1 $(cat /tmp/pr-a.time)  B@cpu$2 $(cat /tmp/pr-b.time)"
done
