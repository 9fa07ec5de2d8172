#!/usr/bin/env python3
"""A raw SFTP v3 client for the sftp-*.sh tests: sends requests that
OpenSSH's sftp never would (names with newlines or NUL, 4096-byte names,
absurd offsets, forged handles, SYMLINK, too many handles, a malformed
packet) and checks each answer. Not a test on its own.

Usage: sftp-raw.py SCENARIO -- SSH ARGS...   (it runs `ssh ARGS -s ... sftp`;
the code prompt is on the terminal, typed by the test). Prints one line
per check; exits 1 at the first wrong answer.
"""
import struct
import subprocess
import sys

INIT, VERSION, OPEN, CLOSE, READ, WRITE, LSTAT, FSTAT = 1, 2, 3, 4, 5, 6, 7, 8
SETSTAT, FSETSTAT, OPENDIR, READDIR, REMOVE, MKDIR, RMDIR = 9, 10, 11, 12, 13, 14, 15
REALPATH, STAT, RENAME, READLINK, SYMLINK, EXTENDED = 16, 17, 18, 19, 20, 200
STATUS, HANDLE, DATA, NAME, ATTRS, EXT_REPLY = 101, 102, 103, 104, 105, 201
OK, EOF, NOFILE, DENIED, FAILURE, BADMSG, UNSUPP = 0, 1, 2, 3, 4, 5, 8
R, W, APPEND, CREAT, TRUNC, EXCL = 1, 2, 4, 8, 16, 32


def s(b):
    if isinstance(b, str):
        b = b.encode()
    return struct.pack(">I", len(b)) + b


class Client:
    def __init__(self, argv):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE)
        self.id = 0

    def send(self, t, body, with_id=True):
        if with_id:
            self.id += 1
            body = struct.pack(">I", self.id) + body
        pkt = bytes([t]) + body
        self.p.stdin.write(struct.pack(">I", len(pkt)) + pkt)
        self.p.stdin.flush()

    def recv(self):
        head = self.p.stdout.read(4)
        if len(head) < 4:
            return None, b""
        n = struct.unpack(">I", head)[0]
        pkt = self.p.stdout.read(n)
        return pkt[0], pkt[1:]

    def req(self, t, body):
        self.send(t, body)
        t2, rest = self.recv()
        if t2 is None:
            fail("connection closed")
        rid = struct.unpack(">I", rest[:4])[0]
        if rid != self.id:
            fail("reply id %d, want %d" % (rid, self.id))
        return t2, rest[4:]

    def status(self, t, body):
        t2, rest = self.req(t, body)
        if t2 != STATUS:
            return None, ""
        code = struct.unpack(">I", rest[:4])[0]
        n = struct.unpack(">I", rest[4:8])[0]
        return code, rest[8:8 + n].decode("utf-8", "replace")

    def handle(self, t, body):
        t2, rest = self.req(t, body)
        if t2 == HANDLE:
            n = struct.unpack(">I", rest[:4])[0]
            return rest[4:4 + n], None
        code = struct.unpack(">I", rest[:4])[0]
        n = struct.unpack(">I", rest[4:8])[0]
        return None, (code, rest[8:8 + n].decode("utf-8", "replace"))

    def realpath(self, path):
        t2, rest = self.req(REALPATH, s(path))
        if t2 != NAME:
            fail("realpath %r: type %d" % (path, t2))
        n = struct.unpack(">I", rest[4:8])[0]
        return rest[8:8 + n].decode()

    def attrs(self, t, path):
        t2, rest = self.req(t, s(path))
        if t2 != ATTRS:
            return None
        flags = struct.unpack(">I", rest[:4])[0]
        size, uid, gid, perm = struct.unpack(">QIII", rest[4:24])
        return {"flags": flags, "size": size, "perm": perm}


def fail(msg):
    print("FAIL: " + msg, flush=True)
    sys.exit(1)


def check(what, got, want):
    if got != want:
        fail("%s: got %r, want %r" % (what, got, want))
    print("ok " + what, flush=True)


def put(c, path, data, flags=W | CREAT | TRUNC):
    h, err = c.handle(OPEN, s(path) + struct.pack(">II", flags, 0))
    if h is None:
        return err
    for off in range(0, len(data), 32768):
        code, msg = c.status(WRITE, s(h) + struct.pack(">Q", off) +
                             s(data[off:off + 32768]))
        if code != OK:
            c.status(CLOSE, s(h))
            return code, msg
    return c.status(CLOSE, s(h))


def escapes(c):
    check("realpath ..", c.realpath(".."), "/")
    check("realpath /../..", c.realpath("/../.."), "/")
    check("realpath ../../keys", c.realpath("../../keys"), "/keys")
    check("put ../x lands in the jail", put(c, "../x", b"x")[0], OK)
    check("put ../../../tmp/x2: no tmp folder in the jail",
          put(c, "../../../tmp/x2", b"x")[0], NOFILE)
    check("put /etc/x refused (no etc folder here)",
          put(c, "/etc/x", b"x")[0], NOFILE)
    for name in ["a\nb", "x\0y", "n" * 4096, ".hidden", "a/../.b",
                 "tab\there"]:
        check("put %r refused" % name[:20], put(c, name, b"x")[0], DENIED)
    check("path 9 folders deep refused",
          put(c, "/".join(["d"] * 10), b"x")[0], DENIED)
    # Planted symlinks: keys -> the keys folder, mk -> master.key.
    check("open through a symlinked folder",
          c.handle(OPEN, s("keys/master.key") + struct.pack(">II", R, 0))[1][0],
          DENIED)
    check("opendir a symlink",
          c.handle(OPENDIR, s("keys"))[1][0], DENIED)
    check("open a symlink", c.handle(OPEN, s("mk") + struct.pack(">II", R, 0))[1][0],
          DENIED)
    check("write through a symlink",
          put(c, "mk", b"pwned")[0], DENIED)
    check("write into a symlinked folder",
          put(c, "keys/evil", b"pwned")[0], DENIED)
    a = c.attrs(LSTAT, "mk")
    check("lstat shows the symlink", a is not None and (a["perm"] & 0o170000) == 0o120000, True)
    a = c.attrs(STAT, "mk")
    check("stat does not follow it", a is not None and (a["perm"] & 0o170000) == 0o120000, True)
    check("hard link refused", c.handle(OPEN, s("hl") + struct.pack(">II", R, 0))[1][0],
          DENIED)
    check("another creator's file",
          c.handle(OPEN, s("../other/file") + struct.pack(">II", R, 0))[1][0],
          NOFILE)
    check("symlink request", c.status(SYMLINK, s("ln") + s("/etc/passwd"))[0], UNSUPP)
    check("readlink request", c.status(READLINK, s("mk"))[0], UNSUPP)
    check("hardlink extension",
          c.status(EXTENDED, s("hardlink@openssh.com") + s("x") + s("hl2"))[0], UNSUPP)
    check("posix-rename extension",
          c.status(EXTENDED, s("posix-rename@openssh.com") + s("x") + s("y"))[0], UNSUPP)
    check("rename out lands inside", c.status(RENAME, s("x") + s("../../x3"))[0], OK)
    # A folder is renamed at its own depth only: moved deeper, what it
    # holds could pass the depth limit, out of sight of the quota.
    check("mkdir f1", c.status(MKDIR, s("f1") + struct.pack(">I", 0))[0], OK)
    check("mkdir f1/f2", c.status(MKDIR, s("f1/f2") + struct.pack(">I", 0))[0], OK)
    check("folder moved deeper refused",
          c.status(RENAME, s("f1/f2") + s("f2"))[0], DENIED)
    check("folder renamed in place", c.status(RENAME, s("f1") + s("f3"))[0], OK)
    check("rmdir f3/f2", c.status(RMDIR, s("f3/f2"))[0], OK)
    check("rmdir f3", c.status(RMDIR, s("f3"))[0], OK)
    check("rename onto a file refused",
          c.status(RENAME, s("x3") + s("hl"))[0], FAILURE)
    check("setstat 0777 accepted (ignored)",
          c.status(SETSTAT, s("x3") + struct.pack(">II", 4, 0o4777))[0], OK)
    check("mkdir 0777 (made 0750)", c.status(MKDIR, s("m") + struct.pack(">II", 4, 0o777))[0], OK)
    check("rmdir the root", c.status(RMDIR, s("/"))[0], DENIED)
    check("remove a folder", c.status(REMOVE, s("m"))[0], FAILURE)
    # Forged and stale handles.
    check("forged handle", c.status(CLOSE, s(b"\0\0\0\x05\0\0\0\x09"))[0], FAILURE)
    check("short handle", c.status(READ, s(b"xx") + struct.pack(">QI", 0, 10))[0], FAILURE)
    # Absurd offset: a sparse 4 TB file is 4 TB.
    h, _ = c.handle(OPEN, s("sparse") + struct.pack(">II", W | CREAT | TRUNC, 0))
    check("4 TB offset", c.status(WRITE, s(h) + struct.pack(">Q", 4 << 40) + s(b"x"))[0],
          FAILURE)
    check("write after refusal", c.status(WRITE, s(h) + struct.pack(">Q", 0) + s(b"x"))[0],
          FAILURE)
    check("close after refusal", c.status(CLOSE, s(h))[0], FAILURE)
    check("stale handle", c.status(CLOSE, s(h))[0], FAILURE)
    # Handle cap.
    hs = []
    for i in range(64):
        h, err = c.handle(OPENDIR, s("/"))
        if h is None:
            fail("opendir %d: %r" % (i, err))
        hs.append(h)
    check("65th handle refused", c.handle(OPENDIR, s("/"))[1][0], FAILURE)
    for h in hs:
        c.status(CLOSE, s(h))
    # READDIR shows no hidden names.
    h, _ = c.handle(OPENDIR, s("/"))
    names = []
    while True:
        t2, rest = c.req(READDIR, s(h))
        if t2 != NAME:
            break
        n = struct.unpack(">I", rest[:4])[0]
        off = 4
        for _ in range(n):
            ln = struct.unpack(">I", rest[off:off + 4])[0]
            names.append(rest[off + 4:off + 4 + ln].decode())
            off += 4 + ln
            ln = struct.unpack(">I", rest[off:off + 4])[0]
            off += 4 + ln
            fl = struct.unpack(">I", rest[off:off + 4])[0]
            off += 4 + (8 if fl & 1 else 0) + (8 if fl & 2 else 0) + \
                (4 if fl & 4 else 0) + (8 if fl & 8 else 0)
    c.status(CLOSE, s(h))
    check("no hidden names listed", [n for n in names if n.startswith(".")], [])
    print("names: " + " ".join(sorted(names)), flush=True)
    # A malformed WRITE (string longer than the packet): bad message.
    c.send(WRITE, s(b"\0\0\0\0\0\0\0\0") + struct.pack(">QI", 0, 1000))
    t2, rest = c.recv()
    check("malformed write", (t2, struct.unpack(">I", rest[4:8])[0]), (STATUS, BADMSG))
    check("still serving", c.realpath("a/../b"), "/b")
    # A request over the packet limit ends the session.
    c.p.stdin.write(struct.pack(">I", 0x7fffffff) + b"\x03")
    c.p.stdin.flush()
    check("oversized request ends the session", c.recv()[0], None)


def limits(c):
    # The limit is 1 MB a file and 3 MB in all (the test's settings);
    # 1.5 MB already lies there (a.bin).
    code, msg = put(c, "big", b"z" * (1024 * 1024 + 1))
    check("over the file limit", code, FAILURE)
    print("message: " + msg, flush=True)
    want = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] != "--" else ""
    if want and want not in msg:
        fail("message %r lacks %r" % (msg, want))
    check("within the limit", put(c, "b.bin", b"y" * (1000 * 1000))[0], OK)
    code, msg = put(c, "c.bin", b"w" * (1000 * 1000))
    check("over the quota", code, FAILURE)
    print("message: " + msg, flush=True)
    # Replacing a file: until the rename the disk holds both, and the
    # file replaced may be renamed away meanwhile, so the new one counts
    # in full (2.5 MB + 0.9 MB is over 3 MB).
    check("a replacement counts in full",
          put(c, "a.bin", b"r" * (900 * 1000))[0], FAILURE)


def parallel(c):
    # Another session of the same creator starts an upload while this one
    # is under way (the test's quota is 100 MB): its 60 MB temporary,
    # planted here (the folder is argv[2]), must count before this upload
    # has written 100 MB.
    h, _ = c.handle(OPEN, s("big") + struct.pack(">II", W | CREAT | TRUNC, 0))
    check("open", h is not None, True)
    check("first write", c.status(WRITE, s(h) + struct.pack(">Q", 0) +
                                  s(b"a"))[0], OK)
    with open(sys.argv[2] + "/.nyota-part-0123456789abcdef", "wb") as f:
        f.truncate(60 << 20)
    chunk = b"b" * 32768
    code = OK
    off = 1
    while code == OK and off < 90 << 20:
        code, msg = c.status(WRITE, s(h) + struct.pack(">Q", off) + s(chunk))
        off += len(chunk)
    check("the other session's upload counted", code, FAILURE)
    print("refused at MB %d" % (off >> 20), flush=True)


def main():
    scenario = sys.argv[1]
    argv = sys.argv[sys.argv.index("--") + 1:]
    c = Client(argv)
    c.send(INIT, struct.pack(">I", 3), with_id=False)
    t, rest = c.recv()
    check("version", (t, struct.unpack(">I", rest[:4])[0]), (VERSION, 3))
    {"escapes": escapes, "limits": limits, "parallel": parallel}[scenario](c)
    print("raw-done", flush=True)


main()
