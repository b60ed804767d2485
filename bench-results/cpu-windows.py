#!/usr/bin/env python3
"""CPU per node of a peer-protocol peer, minute by minute (BENCHMARKS.md, "CPU per node").

    cpu-windows.py [--nodes 8] [--port 29600] [--minutes 10] PEER_CMD...

Starts PEER_CMD -nodes N -port P (nodes 1..N-1 join node 0), then prints the process's CPU
time (utime + stime from /proc/<pid>/stat) per node per second for each minute, and for the
last minute the CPU of its threads grouped by name (digits dropped). Threads that started or
ended within the minute are not in the split.
"""
import argparse, os, re, subprocess, time

TICK = os.sysconf("SC_CLK_TCK")


def cpu_ms(path):
    with open(path) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / TICK


def threads(pid):
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
            out[tid] = (name, cpu_ms(f"/proc/{pid}/task/{tid}/stat"))
        except OSError:
            pass
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, default=8)
    ap.add_argument("--port", type=int, default=29600)
    ap.add_argument("--minutes", type=int, default=10)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    p = subprocess.Popen(a.cmd + ["-nodes", str(a.nodes), "-port", str(a.port)],
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    try:
        prev = cpu_ms(f"/proc/{p.pid}/stat")
        for m in range(1, a.minutes + 1):
            before = threads(p.pid) if m == a.minutes else None
            time.sleep(60)
            cur = cpu_ms(f"/proc/{p.pid}/stat")
            print(f"minute {m}: {(cur - prev) / 60 / a.nodes:.2f} ms CPU per node per s", flush=True)
            prev = cur
        after = threads(p.pid)
        groups = {}
        for tid, (name, ms) in after.items():
            if tid in before:
                key = re.sub(r"[0-9]+$", "#", name)
                n, total = groups.get(key, (0, 0.0))
                groups[key] = (n + 1, total + ms - before[tid][1])
        print("threads, last minute (ms of CPU):")
        for key, (n, total) in sorted(groups.items(), key=lambda kv: -kv[1][1]):
            if total > 0:
                print(f"  {total:7.0f} ms  {n:3d} threads  {key}")
    finally:
        try:
            p.stdin.write("quit\n")
            p.stdin.flush()
            p.wait(timeout=15)
        except Exception:
            p.kill()


if __name__ == "__main__":
    main()
