#!/usr/bin/env python3
"""Helpers of bench/gateway-load.sh (not run on their own).

  gateway-load-files.py bodies DIR          writes DIR/query.json (a ~2 KB REST query result of
                                            Accounts) and DIR/record.json (one Account record)
  gateway-load-files.py big FILE BYTES csv|json
                                            writes FILE of about BYTES: a Bulk 2.0 query result (CSV
                                            rows) or a REST query result (JSON records)
  gateway-load-files.py h2load-log FILE     reads an h2load --log-file (start µs, status, µs) and
                                            prints "RESULT requests=… duration_us=… p50_us=… …",
                                            the same line as gateway-load.lua
  gateway-load-files.py free-ports N        prints N free loopback TCP ports

The bodies follow the shapes of Salesforce's REST API Developer Guide ("Execute a SOQL Query",
"Get Field Values from a Standard Object Record") and Bulk API 2.0 ("Get Results for a Query Job").
"""
import json
import math
import socket
import sys

API = "v62.0"


def account(i):
    record_id = "001Dn%07dAbCEAA" % i
    return {
        "attributes": {"type": "Account", "url": "/services/data/%s/sobjects/Account/%s" % (API, record_id)},
        "Id": record_id,
        "Name": "Acme Widgets %04d" % i,
    }


def bodies(directory):
    records = [account(i) for i in range(14)]
    with open(directory + "/query.json", "w") as f:
        json.dump({"totalSize": len(records), "done": True, "records": records}, f, separators=(",", ":"))
    record = account(1)
    record.update({"Industry": "Manufacturing", "BillingCity": "Paris", "NumberOfEmployees": 1200,
                   "Description": None, "OwnerId": "005Dn00000AbCdEIAV"})
    with open(directory + "/record.json", "w") as f:
        json.dump(record, f, separators=(",", ":"))


def big(path, size, kind):
    """About `size` bytes, written in 1 MiB blocks of whole rows or records (a few seconds for 1 GB)."""
    if kind == "csv":
        head = b'"Id","Name","Industry","Description"\n'
        row = b'"001Dn%07dAbCEAA","Acme Widgets","Manufacturing","A customer account with a fairly long description"\n'
        tail = b""
        sep = b""
    else:
        head = b'{"totalSize":0,"done":true,"records":['
        row = json.dumps(account(0), separators=(",", ":")).replace('"Acme Widgets 0000"', '"Acme %08d"').encode()
        tail = b"]}"
        sep = b","
    one = len(row % 0) + len(sep)
    per_block = max(1, (1 << 20) // one)
    blocks = max(1, math.ceil((size - len(head)) / (per_block * one)))
    n = 0
    with open(path, "wb") as f:
        f.write(head)
        for b in range(blocks):
            rows = []
            for _ in range(per_block):
                rows.append(row % (n % 10000000))
                n += 1
            chunk = sep.join(rows)
            if sep and b < blocks - 1:
                chunk += sep
            f.write(chunk)
        f.write(tail)


def percentile(sorted_values, p):
    if not sorted_values:
        return 0
    rank = max(0, math.ceil(p / 100.0 * len(sorted_values)) - 1)
    return sorted_values[rank]


def h2load_log(path):
    starts, durations, non2xx = [], [], 0
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 3:
                continue
            starts.append(int(parts[0]))
            status = int(parts[1])
            durations.append(int(parts[2]))
            if not 200 <= status < 400:
                non2xx += 1
    durations.sort()
    span = (max(starts) - min(starts)) if starts else 0
    print("RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d p999_us=%d max_us=%d non2xx=%d socket_errors=0" % (
        len(durations), span, percentile(durations, 50), percentile(durations, 99), percentile(durations, 99.9),
        durations[-1] if durations else 0, non2xx))


def free_ports(n):
    sockets = []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
    print(" ".join(str(s.getsockname()[1]) for s in sockets))
    for s in sockets:
        s.close()


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "bodies":
        bodies(sys.argv[2])
    elif command == "big":
        big(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif command == "h2load-log":
        h2load_log(sys.argv[2])
    elif command == "free-ports":
        free_ports(int(sys.argv[2]))
    else:
        sys.exit("unknown command " + command)
