#!/usr/bin/env python3
"""A stand-in OTLP/HTTP collector for measuring the cost of tracing: answers 200 to every POST,
reads and discards the body, and keeps "requests bytes" in STATS_FILE.

    python3 bench/otlp-receiver.py 44318 /tmp/otlp-stats.txt &
    OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:44318 OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf \
      BENCH_ONLY=deposits BENCH_NO_README=1 bench/run.sh
"""
import http.server
import sys
import threading

port, stats_file = int(sys.argv[1]), sys.argv[2]
totals = {"requests": 0, "bytes": 0}
lock = threading.Lock()


class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
        with lock:
            totals["requests"] += 1
            totals["bytes"] += length
            with open(stats_file, "w") as out:
                out.write(f"{totals['requests']} {totals['bytes']}\n")
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", port), Receiver).serve_forever()
