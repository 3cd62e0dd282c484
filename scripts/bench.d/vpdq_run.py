"""Runs the vPDQ peer (PyPI `vpdq`, ThreatExchange's Python binding) on one file.

Usage: python vpdq_run.py FILE SECONDS_PER_HASH
SECONDS_PER_HASH 0 hashes every frame. One hashing thread, to compare with one decoder
thread per job. Prints the number of hashes to stdout.
"""
import sys

import vpdq

path, seconds = sys.argv[1], float(sys.argv[2])
features = vpdq.computeHash(path, seconds_per_hash=seconds, thread_count=1)
print(len(features))
