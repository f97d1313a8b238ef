/* officer.js: the handläggare's records and reviews: financial and activity
 * reports, repayment claims, lapses and corrections, deadlines by recipient,
 * bulk actions.  Loaded after app.js, whose helpers it takes from
 * window.bidragUI; its pages go in with bidragUI.addPage. */
'use strict';

(function () {
	// eslint-disable-next-line no-unused-vars
	const UI = window.bidragUI;
})();
