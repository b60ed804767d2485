#!/usr/bin/env python3
"""A join storm on loopback: N nodes of one peer process start at once (1..N-1 join node 0);
after 15 s, how many (observer, member) pairs are still missing. Used for pushPullAfterJoin:

    join-storm.py 64 29000 java -jar memberlist-bench/target/memberlist-peer.jar
"""
import subprocess, sys, json, time, threading, queue
n=int(sys.argv[1]); port=int(sys.argv[2]); cmd=sys.argv[3:]
p=subprocess.Popen(cmd+["-nodes",str(n),"-name","n","-port",str(port)],stdin=subprocess.PIPE,stdout=subprocess.PIPE,stderr=subprocess.DEVNULL,text=True,bufsize=1)
ev=queue.Queue()
def rd():
    for l in p.stdout:
        if l.startswith("{"): ev.put(json.loads(l))
threading.Thread(target=rd,daemon=True).start()
seen={f"n-{i}":set() for i in range(n)}; first=None; done=0; joined={}
t0=time.time()
while time.time()-t0<15:
    try: e=ev.get(timeout=0.5)
    except queue.Empty: continue
    if e["ev"]=="ready" and first is None: first=e["t"]
    if e["ev"]=="joined": joined[e["self"]]=e
    if e["ev"]=="join" and e["node"]!=e["self"]: seen[e["self"]].add(e["node"])
missing={k:[x for x in seen if x!=k and x not in v] for k,v in seen.items()}
bad={k:v for k,v in missing.items() if v}
errs=[j for j in joined.values() if "error" in j]
print("missing pairs:",sum(len(v) for v in bad.values()),"observers lacking:",len(bad),"join errors:",len(errs))
from collections import Counter
c=Counter(x for v in bad.values() for x in v)
print("unknown nodes (by how many observers lack them):",c.most_common(8))
print("observers lacking most:",sorted(((len(v),k) for k,v in bad.items()),reverse=True)[:5])
p.stdin.write("quit\n"); p.stdin.flush(); p.wait(timeout=20)
