#!/usr/bin/env python3
"""One big cluster in one peer process (peer-protocol.md), measured against SWIM's bounds.

    scale-peer.py --nodes 2000 [--port 40000] [--timeout 1200] [--steady 20] -- PEER COMMAND...

Starts the peer with -nodes N (node i on port P+i; nodes 1..N-1 join node 0 at once, as
peer-bench.py does), then measures, from the peer's own event timestamps:
  converge   from the first `ready`, and from the last `joined`, until every node saw every
             other node join (progress printed every 10 s: pairs known, nodes complete)
  steady     CPU ms per node per second of the process over --steady seconds
  update     `meta 1 X` until every other node saw node 1's update
  detect     `kill N-1` until every other node saw it leave
and prints the bounds of SWIM and Lifeguard for N on LAN timings (the formulas of
ScaleScenario.Bounds: suspicion min and max, retransmit limit, dissemination estimate and
bound, detection bound, convergence estimate and bound). Prints one JSON line at the end.
"""
import argparse, json, math, os, queue, subprocess, sys, threading, time


def bounds(n, probe=1.0, gossip=0.2, fanout=3, suspicion_mult=4, max_mult=6, retransmit_mult=4,
           push_pull=30.0, alive_size=60, udp_buffer=1400):
    smin = suspicion_mult * max(1.0, math.log10(max(1.0, n))) * probe
    smax = max_mult * smin
    r = retransmit_mult * math.ceil(math.log10(n + 1))
    pp = push_pull * (math.ceil(math.log2(n) - math.log2(32)) + 1) if n > 32 else push_pull
    rounds = math.ceil(math.log(n) / math.log(1 + fanout)) + math.ceil(math.log(n) / fanout)
    m = (udp_buffer - 2) // (alive_size + 2)
    dis_est, dis_bound = rounds * gossip, r * gossip
    conv_est = rounds * math.ceil(n / (fanout * m)) * gossip
    return {"suspicion_min_s": round(smin, 2), "suspicion_max_s": round(smax, 2), "retransmit_limit": r,
            "push_pull_s": pp, "rumour_rounds": rounds, "alive_per_packet": m,
            "update_estimate_s": round(dis_est, 2), "update_bound_s": round(dis_bound, 2),
            "detect_min_s": round(smin, 2), "detect_bound_s": round(10 + probe + smax + dis_bound, 2),
            "converge_estimate_s": round(conv_est, 2), "converge_bound_s": round(conv_est + pp, 2)}


def cpu_ms(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=2000)
    ap.add_argument("--port", type=int, default=40000)
    ap.add_argument("--timeout", type=float, default=1200)
    ap.add_argument("--steady", type=float, default=20)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    n = a.nodes
    names = [f"n-{i}" for i in range(n)]
    b = bounds(n)
    print("bounds", json.dumps(b), flush=True)
    p = subprocess.Popen(cmd + ["-nodes", str(n), "-name", "n", "-port", str(a.port)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1 << 20)
    events = queue.Queue()

    def read():
        for line in p.stdout:
            if line.startswith("{"):
                try:
                    events.put(json.loads(line))
                except ValueError:
                    pass
        events.put(None)

    threading.Thread(target=read, daemon=True).start()
    seen = {x: set() for x in names}
    state = {"first": None, "last_joined": None, "joined": 0, "join_errors": 0, "pairs": 0, "complete": 0}
    result = {"nodes": n}

    def handle(e):
        ev = e["ev"]
        if ev == "ready" and state["first"] is None:
            state["first"] = e["t"]
        elif ev == "joined":
            state["joined"] += 1
            state["last_joined"] = e["t"]
            if "error" in e:
                state["join_errors"] += 1
        elif ev == "join" and e.get("self") in seen and e.get("node") != e.get("self"):
            s = seen[e["self"]]
            if e["node"] not in s:
                s.add(e["node"])
                state["pairs"] += 1
                if len(s) == n - 1:
                    state["complete"] += 1

    def wait(pred, timeout, progress=None):
        end = time.time() + timeout
        next_report = time.time() + 10
        while time.time() < end:
            try:
                e = events.get(timeout=1)
            except queue.Empty:
                e = None
            if e is None and p.poll() is not None and events.empty():
                print(f"peer exited with {p.returncode}", flush=True)
                return None
            if e is not None:
                if e["ev"] == "error":
                    print("peer error:", json.dumps(e), flush=True)
                    continue
                handle(e)
                if pred(e):
                    return e["t"]
            if progress and time.time() >= next_report:
                progress()
                next_report += 10
        return None

    start = time.time()
    t = wait(lambda e: state["complete"] == n, a.timeout, lambda: print(
        f"  {time.time() - start:6.0f} s: joined {state['joined']}/{n - 1} ({state['join_errors']} errors), "
        f"pairs {state['pairs']}/{n * (n - 1)}, complete {state['complete']}/{n}", flush=True))
    if t is None:
        missing = {k: n - 1 - len(v) for k, v in seen.items() if len(v) < n - 1}
        result["error"] = f"no convergence in {a.timeout} s; {len(missing)} nodes lack {sum(missing.values())} pairs"
    else:
        result["converge_from_first_ready_s"] = round((t - state["first"]) / 1000, 2)
        result["converge_after_last_join_s"] = round((t - state["last_joined"]) / 1000, 2)
    result["join_errors"] = state["join_errors"]
    print("converged" if t else "not converged", json.dumps(result), flush=True)
    if t is not None:
        time.sleep(2)
        c0, s0 = cpu_ms(p.pid), time.time()
        time.sleep(a.steady)
        result["steady_cpu_ms_per_node_s"] = round((cpu_ms(p.pid) - c0) / n / (time.time() - s0), 3)
        with open(f"/proc/{p.pid}/status") as f:
            rss = [l for l in f if l.startswith("VmRSS")]
        result["rss_mb"] = int(rss[0].split()[1]) // 1024 if rss else None

        others = set(names) - {"n-1"}
        got = set()
        p.stdin.write("meta 1 scale-update\n")
        p.stdin.flush()
        t0 = time.time() * 1000

        times = []

        def updated(e):
            if e["ev"] == "update" and e.get("node") == "n-1" and e.get("meta") == "scale-update" \
                    and e.get("self") in others and e["self"] not in got:
                got.add(e["self"])
                times.append(e["t"] - t0)
            return len(got) == len(others)

        t = wait(updated, 120)
        result["update_s"] = None if t is None else round((t - t0) / 1000, 2)
        times.sort()
        if times:
            # the tail against the median: one late node or a slow wave
            result["update_percentiles_s"] = {q: round(times[min(len(times) - 1, int(len(times) * q / 100))] / 1000, 2)
                                              for q in (10, 50, 90, 99)}
        if t is None:
            result["update_missing"] = len(others) - len(got)

        victim = names[-1]
        others = set(names[:-1])
        got = set()
        p.stdin.write(f"kill {n - 1}\n")
        p.stdin.flush()
        t0 = time.time() * 1000

        def left(e):
            if e["ev"] == "leave" and e.get("node") == victim and e.get("self") in others:
                got.add(e["self"])
            return len(got) == len(others)

        t = wait(left, 300)
        result["detect_s"] = None if t is None else round((t - t0) / 1000, 2)
        if t is None:
            result["detect_missing"] = len(others) - len(got)
    try:
        p.stdin.write("quit\n")
        p.stdin.flush()
        p.wait(timeout=60)
    except Exception:
        p.kill()
    result["bounds"] = b
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
