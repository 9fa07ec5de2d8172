/* Nyota storefront: small progressive enhancements; pages work without. */
(function () {
	'use strict';
	var q = document.getElementById('quantity');
	var price = document.getElementById('price');
	var form = document.querySelector('form.checkout');
	if (q && price && price.dataset.minor > 0) {
		var m = price.textContent.match(/^(\D*)([\d,]+(?:\.\d+)?)(.*)$/);
		var dec = m ? (m[2].split('.')[1] || '').length : 0;
		var one = m ? Number(m[2].replace(/,/g, '')) : 0;
		q.addEventListener('input', function () {
			var n = Math.max(1, Math.min(Number(q.max) || 1, Math.floor(Number(q.value)) || 1));
			if (!m) return;
			price.textContent = m[1] + (one * n).toLocaleString('en-US', {
				minimumFractionDigits: dec, maximumFractionDigits: dec
			}) + m[3];
		});
	}
	if (form) {
		form.addEventListener('submit', function () {
			var b = form.querySelector('button');
			/* one push per tap: a second submit would ask twice */
			setTimeout(function () { b.disabled = true; }, 0);
		});
	}
})();
