#!/usr/bin/env python3
"""Load on the real asl-lsp over stdio: 50 documents open (generated 200-state machines),
edits arriving faster than analysis finishes, completion and hover requests in between.
Reports request latency percentiles, the time until every document's last version is
published, whether any older version was published after a newer one, and the server's peak
memory (VmHWM). Usage: python3 bench/load.py [--docs 50] [--rounds 40]"""
import argparse, json, os, subprocess, sys, threading, time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser()
ap.add_argument("--docs", type=int, default=50)
ap.add_argument("--rounds", type=int, default=40)
ap.add_argument("--states", type=int, default=200)
args = ap.parse_args()

gen = os.path.join(root, "target/bench-inputs", f"large-{args.states}.asl.json")
if not os.path.exists(gen):
    os.makedirs(os.path.dirname(gen), exist_ok=True)
    subprocess.run(["node", os.path.join(root, "../shared/bench/gen_large.js"), "--states", str(args.states), "--out", gen], check=True, stdout=subprocess.DEVNULL)
text = open(gen).read()
server = os.path.join(root, "target/release/asl-lsp")
subprocess.run(["cargo", "build", "--release", "-q", "-p", "asl-lsp"], cwd=root, check=True)
proc = subprocess.Popen([server], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

lock = threading.Lock()
responses, published = {}, []
def reader():
    out = proc.stdout
    while True:
        length = 0
        while True:
            line = out.readline()
            if not line:
                return
            line = line.strip()
            if not line:
                break
            if line.startswith(b"Content-Length"):
                length = int(line.split(b":")[1])
        msg = json.loads(out.read(length))
        now = time.perf_counter()
        with lock:
            if "id" in msg and "method" not in msg:
                responses[msg["id"]] = now
            elif msg.get("method") == "textDocument/publishDiagnostics":
                published.append((msg["params"]["uri"], msg["params"].get("version"), now))
threading.Thread(target=reader, daemon=True).start()

def send(msg):
    body = json.dumps(msg).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()

next_id = [1]
sent = {}
def request(method, params):
    i = next_id[0]; next_id[0] += 1
    sent[i] = time.perf_counter()
    send({"jsonrpc": "2.0", "id": i, "method": method, "params": params})
    return i

request("initialize", {"capabilities": {}})
send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
uris = [f"file:///load/doc{i}.asl.json" for i in range(args.docs)]
for uri in uris:
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "asl", "version": 1, "text": text}}})
middle = text.count("\n", 0, len(text) // 2)
started = time.perf_counter()
version = 1
for r in range(args.rounds):
    version += 1
    for k, uri in enumerate(uris):
        # Toggle a space at the start: a real edit that changes no meaning.
        change = {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0 if version % 2 == 0 else 1}}, "text": " " if version % 2 == 0 else ""}
        send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}})
        if k % 5 == 0:
            at = {"textDocument": {"uri": uri}, "position": {"line": middle, "character": 12}}
            request("textDocument/completion" if k % 10 == 0 else "textDocument/hover", at)
last = version
deadline = time.time() + 300
while time.time() < deadline:
    with lock:
        done = {u for (u, v, _) in published if v == last}
    if len(done) == len(uris):
        break
    time.sleep(0.05)
finished = time.perf_counter()
with open(f"/proc/{proc.pid}/status") as f:
    hwm = next(l for l in f if l.startswith("VmHWM")).split()[1]
with lock:
    latencies = sorted((responses[i] - t) * 1000 for i, t in sent.items() if i in responses and i != 1)
    order_ok = True
    newest = {}
    for (u, v, _) in published:
        if v is not None and v < newest.get(u, 0):
            order_ok = False
        newest[u] = max(newest.get(u, 0), v or 0)
def pct(p):
    return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]
print(f"{args.docs} documents x {args.states} states ({len(text)//1024} KiB each), {args.rounds} rounds of edits to all ({args.rounds*args.docs} edits), {len(latencies)} completion/hover requests among them")
print(f"request latency: p50 {pct(50):.1f} ms, p90 {pct(90):.1f} ms, p99 {pct(99):.1f} ms, max {latencies[-1]:.1f} ms")
print(f"every document's last version published {finished - started:.2f} s after the first edit; {len(published)} publications in all; older after newer: {'never' if order_ok else 'YES'}")
print(f"peak memory (VmHWM): {int(hwm)/1024:.0f} MiB")
send({"jsonrpc": "2.0", "id": 999999, "method": "shutdown", "params": None})
send({"jsonrpc": "2.0", "method": "exit", "params": None})
proc.wait(timeout=10)
sys.exit(0 if order_ok and len(done) == len(uris) else 1)
