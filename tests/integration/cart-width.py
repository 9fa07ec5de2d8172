#!/usr/bin/env python3
"""Lays the cart page out in headless Chromium at a phone's size with the
buyer's cookies (the page has no script of its own to turn off;
DevTools' script switch would also stop the measure), and says whether it scrolls
sideways (chrome-width.py's measure, which has no cookies).

usage: cart-width.py CHROMIUM URL COOKIES [WIDTH HEIGHT]   (default 360 740)

COOKIES is "name=value; name=value" for URL's host (may be ""). STEPS
in the environment adds products first through their pages (see below). Prints one JSON line
(chrome-width.py's, plus "lines": the cart lines laid out, and
"count": the header's item count). Exits 0 when
nothing is wider than the viewport, 1 when it scrolls sideways (or the
cart is empty), 2 when the page could not be laid out.
"""
import importlib.util, json, os, subprocess, sys, tempfile, time
from urllib.parse import urlsplit

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("chrome_width",
                                              os.path.join(here, "chrome-width.py"))
cw = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cw)


def main(argv):
    if len(argv) not in (3, 5):
        sys.exit(__doc__)
    chrome, url, cookies = argv[0], argv[1], argv[2]
    width, height = (int(argv[3]), int(argv[4])) if len(argv) == 5 else (360, 740)
    to_chrome_r, to_chrome_w = os.pipe()
    from_chrome_r, from_chrome_w = os.pipe()
    profile = tempfile.mkdtemp(prefix="cart-width.")

    def child_fds():
        r, w = os.dup(to_chrome_r), os.dup(from_chrome_w)
        os.dup2(r, 3)
        os.dup2(w, 4)

    proc = subprocess.Popen(
        [chrome, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
         "--remote-debugging-pipe", "--user-data-dir=" + profile,
         "--window-size=%d,%d" % (width, height), "about:blank"],
        pass_fds=(3, 4), preexec_fn=child_fds,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(to_chrome_r)
    os.close(from_chrome_w)
    cdp = cw.Pipe(to_chrome_w, from_chrome_r)
    host = urlsplit(url).hostname
    try:
        target = cdp.call("Target.createTarget", {"url": "about:blank"})
        s = cdp.call("Target.attachToTarget",
                     {"targetId": target["targetId"], "flatten": True})["sessionId"]
        cdp.call("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": height, "deviceScaleFactor": 2,
                  "mobile": True}, s)
        cdp.call("Network.enable", {}, s)
        for c in cookies.split(";"):
            name, _, value = c.strip().partition("=")
            if name:
                cdp.call("Network.setCookie", {"name": name, "value": value,
                                               "domain": host, "path": "/"}, s)
        # STEPS="PATH|QTY;PATH|QTY": first, like a buyer, open each
        # product page, set the quantity field (when QTY is not empty)
        # and tap its "Add to cart" button: a plain form button
        # (formaction), so what is tested works without the page's script.
        for step in filter(None, os.environ.get("STEPS", "").split(";")):
            path, _, qty = step.partition("|")
            nav = cdp.call("Page.navigate", {"url": url.split("/cart")[0] + path}, s)
            if nav.get("errorText"):
                print(json.dumps({"error": nav["errorText"]}))
                return 2
            cdp.wait_loaded(s)
            if qty:
                cdp.evaluate("document.getElementById('quantity').value = %s"
                             % json.dumps(qty), s)
            cdp.evaluate("document.querySelector('button[formaction=\"/cart/add\"]').click()", s)
            deadline = time.time() + 30
            while cdp.evaluate("location.pathname + ':' + document.readyState", s) != "/cart:complete":
                if time.time() > deadline:
                    raise TimeoutError("Add to cart did not open the cart: " + step)
                time.sleep(0.1)
        nav = cdp.call("Page.navigate", {"url": url}, s)
        if nav.get("errorText"):
            print(json.dumps({"error": nav["errorText"]}))
            return 2
        cdp.wait_loaded(s)
        cdp.evaluate("document.fonts.ready.then(() => new Promise(r =>"
                     " requestAnimationFrame(() => r(1))))", s)
        out = json.loads(cdp.evaluate(cw.MEASURE, s))
        out["lines"] = cdp.evaluate(
            "document.querySelectorAll('.cart-line').length", s)
        out["count"] = cdp.evaluate(
            "(document.querySelector('.cart-link .count') || {}).textContent", s)
        # SHOT=file.png: what the phone shows, for a person to look at.
        if os.environ.get("SHOT"):
            import base64
            shot = cdp.call("Page.captureScreenshot", {"format": "png"}, s)
            with open(os.environ["SHOT"], "wb") as f:
                f.write(base64.b64decode(shot["data"]))
    except (RuntimeError, TimeoutError, EOFError, KeyError) as e:
        print(json.dumps({"error": str(e)}))
        return 2
    finally:
        try:
            cdp.send("Browser.close")
            proc.wait(timeout=20)
        except Exception:
            proc.kill()
            proc.wait()
        subprocess.run(["rm", "-rf", profile])
    print(json.dumps(out))
    scrolls = out["scroll"] > out["viewport"] or out["wide"]
    return 1 if scrolls or out["viewport"] != width or not out["lines"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
