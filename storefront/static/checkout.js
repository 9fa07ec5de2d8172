/* Follows a pending payment over Server-Sent Events (no framework, no
 * inline script: CSP allows only same-origin files). On a final status it
 * opens the library (paid) or reloads the page, which shows the reason in
 * the buyer's language. Without EventSource the page's own refresh works. */
(function () {
	"use strict";
	var el = document.getElementById("checkout");
	if (!el || !window.EventSource || el.getAttribute("data-status") !== "pending")
		return;
	var es = new EventSource(el.getAttribute("data-events"));
	es.addEventListener("status", function (e) {
		var d;
		try { d = JSON.parse(e.data); } catch (x) { return; }
		if (!d || d.status === "pending")
			return;
		es.close();
		if (d.status === "paid" && d.library_url)
			window.location.assign(d.library_url);
		else
			window.location.reload();
	});
})();
