#!/usr/bin/env python3
"""Adds or replaces keys in locales/en.json and locales/sw.json together,
safely while others do the same (file lock), keeping keys sorted.

usage: scripts/locale-add.py KEY "English text" "Swahili text" [KEY en sw ...]
"""
import fcntl, json, os, sys

def main(argv):
    if len(argv) < 3 or len(argv) % 3:
        sys.exit(__doc__)
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "locales")
    with open(os.path.join(root, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for lang, col in (("en", 1), ("sw", 2)):
            path = os.path.join(root, lang + ".json")
            data = {}
            if os.path.exists(path):
                with open(path, encoding="utf-8") as f:
                    data = json.load(f)
            for i in range(0, len(argv), 3):
                data[argv[i]] = argv[i + col]
            tmp = path + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(dict(sorted(data.items())), f, ensure_ascii=False, indent=1)
                f.write("\n")
            os.replace(tmp, path)

main(sys.argv[1:])
