#!/usr/bin/env python3
"""CPU use of an ingest, per half second: all threads together (in cores) and the three busiest.

usage: bench/cpu-per-thread.py BIN INPUT   (e.g. target/release/ketenzicht /tmp/natm)
The store goes to /dev/shm and is removed afterwards. Shows whether both cores are busy and
which thread runs alone when they are not (Linux /proc only).
"""
import os
import subprocess
import sys
import time

binary, source = sys.argv[1], sys.argv[2]
store = "/dev/shm/cpu-per-thread"
gemeenten = sorted(os.listdir(os.path.join(source, "berichten")))
subprocess.run(["rm", "-rf", store], check=True)
subprocess.run([binary, "orders", "add", "--store", store, "--datum", "2020-01-01", "--door", "bench", "--product",
                "monitor-stuurinformatie", "ketendata-iwmo", "ketendata-ijw", "--gemeente", *gemeenten],
               check=True, stdout=subprocess.DEVNULL)
run = subprocess.Popen([binary, "ingest", "--no-ketendata", source, "--store", store],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
tick, step, before, started = os.sysconf("SC_CLK_TCK"), 0.5, {}, time.time()
while run.poll() is None:
    now = {}
    try:
        for task in os.listdir(f"/proc/{run.pid}/task"):
            fields = open(f"/proc/{run.pid}/task/{task}/stat").read().rsplit(")", 1)[1].split()
            now[task] = (int(fields[11]) + int(fields[12])) / tick
    except OSError:
        pass
    used = sorted((now[t] - before.get(t, 0) for t in now), reverse=True)
    print(f"{time.time() - started:5.1f} s  cores {sum(used) / step:4.2f}  busiest {[round(u / step, 2) for u in used[:3]]}")
    before = now
    time.sleep(step)
subprocess.run(["rm", "-rf", store], check=True)
