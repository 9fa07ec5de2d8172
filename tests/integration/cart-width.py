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
import importlib.util, json, os, sys, time
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
    b = cw.Browser(chrome, width, height, "cart-width.")
    cdp = b.cdp
    host = urlsplit(url).hostname
    try:
        s = b.page()
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
        b.close()
    print(json.dumps(out))
    scrolls = out["scroll"] > out["viewport"] or out["wide"]
    return 1 if scrolls or out["viewport"] != width or not out["lines"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
