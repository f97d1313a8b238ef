/* portal.js: the recipient's side (mottagare): grants, deadlines, requisitions,
 * financial and activity reports signed by an authorised representative,
 * repayments due.  Loaded after app.js, whose helpers it takes from
 * window.bidragUI; its pages go in with bidragUI.addPage. */
'use strict';

(function () {
	// eslint-disable-next-line no-unused-vars
	const UI = window.bidragUI;
})();
