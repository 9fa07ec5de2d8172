#!/usr/bin/env python3
"""Lays a page out in headless Chromium at a phone's size and says whether
it scrolls sideways.

usage: chrome-width.py CHROMIUM URL [WIDTH HEIGHT]   (default 360 740)

Drives Chromium over --remote-debugging-pipe (the DevTools protocol on
file descriptors 3 and 4: no port, no websocket library) with a mobile
viewport of WIDTH x HEIGHT CSS pixels, so the page's <meta name=viewport>
is honoured as on a phone. Prints one JSON line: the viewport width, the
document's scroll width, and the elements that reach past the viewport's
right edge (tag.class and their right edge, at most 10). Exits 0 when
nothing is wider than the viewport, 1 when the page scrolls sideways or
is not laid out at the phone's width (no viewport meta), 2 when the page
could not be laid out. The expression runs through the
protocol, not as a page script, so the page's CSP (script-src 'self')
does not have to allow it.
"""
import json, os, subprocess, sys, tempfile, time

# What the page is measured with: the document's widths, and every element
# whose box ends right of the viewport (the culprit when it scrolls).
MEASURE = r"""(() => {
  const vw = document.documentElement.clientWidth;
  const wide = [];
  const name = e => e.tagName.toLowerCase() +
    (e.className && typeof e.className === 'string' ?
      '.' + e.className.trim().split(/\s+/).join('.') : '');
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > vw + 0.5 && wide.length < 10)
      wide.push(name(e) + ' right=' + Math.round(r.right));
  }
  // Text that overflows its box (a word with nowhere to break) leaves
  // the box inside the viewport: measure the text itself.
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let t; (t = walk.nextNode()) && wide.length < 10; ) {
    if (!t.data.trim()) continue;
    range.selectNodeContents(t);
    const r = range.getBoundingClientRect();
    if (r.width > 0 && r.right > vw + 0.5)
      wide.push('text in ' + name(t.parentElement) + ' right=' +
        Math.round(r.right) + ' "' + t.data.trim().slice(0, 30) + '"');
  }
  return JSON.stringify({title: document.title, viewport: vw, inner: innerWidth,
    scroll: document.documentElement.scrollWidth,
    body: document.body.scrollWidth, wide: wide});
})()"""


class Pipe:
    """The DevTools protocol over two pipes: NUL-terminated JSON."""

    def __init__(self, wfd, rfd):
        self.w, self.r, self.buf, self.n = wfd, rfd, b"", 0

    def send(self, method, params=None, session=None):
        self.n += 1
        msg = {"id": self.n, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        return self.n

    def recv(self, deadline):
        while b"\0" not in self.buf:
            if time.time() > deadline:
                raise TimeoutError("no answer from Chromium")
            chunk = os.read(self.r, 65536)
            if not chunk:
                raise EOFError("Chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=None, timeout=60):
        """Sends a command and returns its result (events are dropped)."""
        want = self.send(method, params, session)
        deadline = time.time() + timeout
        while True:
            m = self.recv(deadline)
            if m.get("id") == want:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})

    def evaluate(self, expr, session):
        res = self.call("Runtime.evaluate", {"expression": expr,
                        "returnByValue": True, "awaitPromise": True},
                        session)
        return res["result"].get("value")

    def wait_loaded(self, session, timeout=60):
        """Polls until the navigated document (not the about:blank it
        replaces) has loaded, stylesheets included. A load event could
        be about:blank's arriving late; the document's state cannot."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate("location.href !== 'about:blank' &&"
                             " document.readyState === 'complete'", session):
                return
            time.sleep(0.1)
        raise TimeoutError("the page did not load")


class Browser:
    """A headless Chromium at a phone's size, driven over
    --remote-debugging-pipe with a profile of its own, and one page
    (session) with a mobile viewport of width x height. close() ends it
    and removes the profile. The other *.py drivers here use it too."""

    def __init__(self, chrome, width, height, prefix="chrome-width."):
        # Chromium reads commands on fd 3 and writes answers on fd 4.
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()
        self.profile = tempfile.mkdtemp(prefix=prefix)

        def child_fds():
            # Copies first: either pipe end may itself be 3 or 4.
            r, w = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.proc = subprocess.Popen(
            [chrome, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
             "--remote-debugging-pipe", "--user-data-dir=" + self.profile,
             "--window-size=%d,%d" % (width, height), "about:blank"],
            # pass_fds keeps 3 and 4 open: the fds not listed are closed
            # after preexec_fn has run.
            pass_fds=(3, 4), preexec_fn=child_fds,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.cdp = Pipe(to_chrome_w, from_chrome_r)
        self.width, self.height = width, height

    def page(self):
        """Opens the page and gives its session id."""
        target = self.cdp.call("Target.createTarget", {"url": "about:blank"})
        s = self.cdp.call("Target.attachToTarget",
                          {"targetId": target["targetId"],
                           "flatten": True})["sessionId"]
        self.cdp.call("Emulation.setDeviceMetricsOverride",
                      {"width": self.width, "height": self.height,
                       "deviceScaleFactor": 2, "mobile": True}, s)
        return s

    def close(self):
        try:
            self.cdp.send("Browser.close")
            self.proc.wait(timeout=20)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        subprocess.run(["rm", "-rf", self.profile])


def main(argv):
    if len(argv) not in (2, 4):
        sys.exit(__doc__)
    chrome, url = argv[0], argv[1]
    width, height = (int(argv[2]), int(argv[3])) if len(argv) == 4 else (360, 740)
    b = Browser(chrome, width, height)
    cdp = b.cdp
    try:
        s = b.page()
        nav = cdp.call("Page.navigate", {"url": url}, s)
        if nav.get("errorText"):
            print(json.dumps({"error": nav["errorText"]}))
            return 2
        cdp.wait_loaded(s)
        # Fonts and stylesheets are in once loaded; one frame more for
        # the layout they cause.
        cdp.evaluate("document.fonts.ready.then(() => new Promise(r =>"
                     " requestAnimationFrame(() => r(1))))", s)
        out = json.loads(cdp.evaluate(MEASURE, s))
    except (RuntimeError, TimeoutError, EOFError, KeyError) as e:
        print(json.dumps({"error": str(e)}))
        return 2
    finally:
        b.close()
    print(json.dumps(out))
    # A page without a phone viewport is laid out 980 px wide and shrunk:
    # it "fits" only by being unreadable.
    scrolls = out["scroll"] > out["viewport"] or out["wide"]
    return 1 if scrolls or out["viewport"] != width else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
