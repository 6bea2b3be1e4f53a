#!/usr/bin/env python3
"""The server's peak memory while a file is uploaded through a page: a department file screened
on the 部门筛查 page, or a ledger imported on the import page.

usage: bench/upload_memory.py ZHENXING_BINARY DATABASE USER PASSWORD screening FILE [KIND]
       bench/upload_memory.py ZHENXING_BINARY DATABASE USER PASSWORD import HOUSEHOLDS [MEMBERS]

Starts `zhenxing serve` on the database (127.0.0.1:8090), signs in as USER, uploads the file(s)
through the page's form (a screening of KIND, default medical), and prints the server's peak RSS
(VmHWM) before and after the answer, and the answer's time, as one JSON line. E.g. on the demo
database (`cargo run --release -- demo` prints the users), a county administrator and the
medical file of gen_registry.py repeated five times, or the province's ledger (every row
refused: outside the county). Each run records a batch or an import in the database.
"""
import http.cookiejar
import json
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request

binary, db, user, password, what = sys.argv[1:6]
if what == "screening":
    page_path, fields = "/monitoring/screening", [
        "kind=" + (sys.argv[7] if len(sys.argv) > 7 else "medical"), "file=@" + sys.argv[6]]
elif what == "import":
    page_path, fields = "/import", ["households=@" + sys.argv[6]] + (
        ["members=@" + sys.argv[7]] if len(sys.argv) > 7 else [])
else:
    sys.exit(__doc__)
base = "http://127.0.0.1:8090"
server = subprocess.Popen([binary, "serve", "--db", db, "--listen", "127.0.0.1:8090"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def peak_kb():
    with open(f"/proc/{server.pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM"):
                return int(line.split()[1])
    return 0


try:
    jar = http.cookiejar.CookieJar()
    web = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    for _ in range(100):
        try:
            page = web.open(base + "/login").read().decode()
            break
        except OSError:
            time.sleep(0.1)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    form = {"name": user, "password": password, "csrf": csrf, "next": "/"}
    web.open(base + "/login", urllib.parse.urlencode(form).encode())
    page = web.open(base + page_path).read().decode()
    action = re.search(r'action="(' + page_path + r'\?[^"]+)"', page).group(1)
    action = action.replace("&amp;", "&")
    before = peak_kb()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    started = time.time()
    form = [arg for field in fields for arg in ("-F", field)]
    status = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Cookie: " + cookie]
        + form + [base + action],
        capture_output=True, text=True).stdout
    seconds = round(time.time() - started, 2)
    print(json.dumps({"status": int(status or 0), "answer_s": seconds,
                      "peak_rss_mb_before": before // 1024, "peak_rss_mb": peak_kb() // 1024}))
finally:
    server.terminate()
    server.wait()
