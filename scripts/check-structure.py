#!/usr/bin/env python3
"""check-structure: the layering rules of docs/ARCHITECTURE.md, checked.

Usage: check-structure.py BUILD_DIR

Fails (exit 1, one line per finding) on:
  * SQL outside shared/: a call into SQLite (sqlite3_*, db_stmt, db_exec)
    or an SQL statement in a string literal in storefront/ or tui/;
  * an include across the programs: storefront/ including from tui/ or
    back, or shared/ including from either;
  * a file of shared/ over SHARED_MAX_LINES lines (split it along a seam);
  * an import cycle: two or more object files of shared/, storefront/ or
    tui/ that call each other, directly or round a loop, read from the
    symbols `nm` finds in BUILD_DIR (built first by `make check-structure`);
    and any call from shared/ into a program, or from one program into the
    other.
"""
import collections
import glob
import os
import re
import subprocess
import sys

SHARED_MAX_LINES = 650
PROGRAMS = ("storefront", "tui")
LAYERS = ("shared",) + PROGRAMS

SQL_CALL = re.compile(r"\b(sqlite3_[a-z0-9_]+|db_stmt|db_exec)\s*\(")
SQL_TEXT = re.compile(r'"[^"\n]*\b(SELECT\s+\S+.*\bFROM|INSERT\s+INTO|'
                      r'UPDATE\s+[a-z_]+\s+SET|DELETE\s+FROM|'
                      r'CREATE\s+(TABLE|INDEX))\b')
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def sources(folder):
    return sorted(glob.glob(f"{folder}/*.c") + glob.glob(f"{folder}/*.h"))


def strip_comments(text):
    return re.sub(r"/\*.*?\*/|//[^\n]*",
                  lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)


def check_sql(problems):
    for folder in PROGRAMS:
        for path in sources(folder):
            text = strip_comments(open(path, encoding="utf-8").read())
            for n, line in enumerate(text.split("\n"), 1):
                m = SQL_CALL.search(line) or SQL_TEXT.search(line)
                if m:
                    problems.append(f"{path}:{n}: SQL outside shared/ "
                                    f"({m.group(0).strip()[:40]}): move it "
                                    "into the owning module of shared/")


def owner_of(path, header):
    """The folder a quoted include resolves to, from the including file."""
    here = os.path.dirname(path)
    local = os.path.normpath(os.path.join(here, header))
    if os.path.exists(local):
        return local.split(os.sep)[0]
    if os.path.exists(os.path.join("shared", header)):
        return "shared"
    return None


def check_includes(problems):
    for folder in LAYERS:
        for path in sources(folder):
            text = open(path, encoding="utf-8").read()
            for header in INCLUDE.findall(text):
                owner = owner_of(path, header)
                if owner is None or owner == folder or owner == "shared":
                    continue
                if owner in LAYERS:
                    problems.append(f"{path}: includes {header} from "
                                    f"{owner}/: {folder}/ may use only "
                                    "shared/ and itself")


def check_sizes(problems):
    for path in glob.glob("shared/*.c"):
        n = sum(1 for _ in open(path, encoding="utf-8"))
        if n > SHARED_MAX_LINES:
            problems.append(f"{path}: {n} lines, over {SHARED_MAX_LINES}: "
                            "split it along a seam (one concern a file)")


def symbol_graph(build):
    defs, uses = {}, collections.defaultdict(set)
    objs = [o for d in LAYERS for o in glob.glob(f"{build}/{d}/*.o")]
    for o in objs:
        out = subprocess.run(["nm", o], capture_output=True, text=True,
                             check=True).stdout
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in "TDBR":
                defs[p[2]] = o
            elif len(p) == 2 and p[0] == "U":
                uses[o].add(p[1])
    graph = {o: set() for o in objs}
    for o, syms in uses.items():
        for s in syms:
            if s in defs and defs[s] != o:
                graph[o].add(defs[s])
    name = lambda o: os.path.relpath(o, build)[:-2]
    return {name(o): {name(d) for d in ds} for o, ds in graph.items()}


def cycles(graph):
    """Tarjan's strongly connected components of more than one node."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def check_calls(build, problems):
    graph = symbol_graph(build)
    if not graph:
        problems.append(f"{build}: no object files (build first)")
        return
    for comp in cycles(graph):
        arrows = [f"{a} -> {b}" for a in comp for b in sorted(graph[a])
                  if b in comp]
        problems.append("import cycle: " + ", ".join(arrows))
    for a, ds in sorted(graph.items()):
        for b in sorted(ds):
            la, lb = a.split("/")[0], b.split("/")[0]
            if la != lb and lb != "shared":
                problems.append(f"{a} calls {b}: {la}/ may call only "
                                "shared/ and itself")


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    problems = []
    check_sql(problems)
    check_includes(problems)
    check_sizes(problems)
    check_calls(sys.argv[1], problems)
    for p in problems:
        print("check-structure: " + p)
    if not problems:
        print("check-structure: ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
