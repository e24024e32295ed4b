"""A process that reads stdin and never answers: an MCP server that hangs at start."""

import sys
import time

for _ in range(600):
    if not sys.stdin.readline():
        break
    time.sleep(1)
