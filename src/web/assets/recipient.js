/* recipient.js: the recipient's overview (mottagare): its grants with deadlines
 * and what is due, reminders, repayments due with bankgiro and OCR reference,
 * payments received, the calendar feed.  Loaded after app.js, whose helpers
 * it takes from window.bidragUI; its pages go in with bidragUI.addPage. */
'use strict';

(function () {
	const UI = window.bidragUI;
	const { S, api, busy, clear, decisionLink, errorBox, fmtOre, h, href, loadingBox, pageHeader, q, table, toBig } = UI;

	const REMIND_TEXT = { 60: '60 dagar kvar eller mindre', 30: '30 dagar kvar eller mindre', 7: '7 dagar kvar eller mindre', after: 'Tidsfristen har passerat' };

	/* run: fn with the button busy (disabled) meanwhile. */
	async function run(button, fn) {
		busy(button, true);
		try {
			await fn();
		} finally {
			if (button.isConnected) busy(button, false);
		}
	}

	function dateOr(d) {
		return d || '–';
	}

	function dayWords(d) {
		if (d.days < 0) return 'passerade för ' + -d.days + (d.days === -1 ? ' dag' : ' dagar') + ' sedan';
		if (d.days === 0) return 'i dag';
		return 'om ' + d.days + (d.days === 1 ? ' dag' : ' dagar');
	}

	function reminders(ov) {
		const sec = h('section', { class: 'card', 'aria-labelledby': 'rem-h', 'data-section': 'reminders' }, h('h2', { id: 'rem-h' }, 'Påminnelser'));
		const list = ov.reminders || [];
		if (!list.length) {
			sec.appendChild(h('p', { class: 'muted' }, 'Inga tidsfrister inom 60 dagar och inget försenat.'));
			return sec;
		}
		const ul = h('ul', { class: 'reminders' });
		list.forEach((d) => {
			const cls = d.reminder === 'after' ? 'alert alert-error' : 'alert alert-info';
			ul.appendChild(
				h('li', { class: cls, 'data-kind': d.kind, 'data-reminder': String(d.reminder) },
					h('strong', null, d.label + ' ' + d.date),
					' (' + dayWords(d) + '): ',
					d.title + ', ',
					decisionLink(d.dnr),
					'. ' + d.what.charAt(0).toUpperCase() + d.what.slice(1) + '. ',
					h('span', { class: d.reminder === 'after' || d.reminder === 7 ? 'badge badge-warn' : 'badge badge-info' }, REMIND_TEXT[d.reminder] || ''),
				),
			);
		});
		sec.appendChild(ul);
		return sec;
	}

	/* The organisation at a glance: what it was granted, paid and owes. */
	function summary(ov) {
		const g = ov.grants || [];
		const total = (k) => g.reduce((s, x) => s + BigInt(x[k] || 0), 0n);
		const owed = (ov.repayment && ov.repayment.claims ? ov.repayment.claims : []).reduce((s, k) => s + BigInt(k.outstanding || 0), 0n);
		return h('section', { class: 'card', 'aria-labelledby': 'own-h', 'data-section': 'summary' }, h('h2', { id: 'own-h' }, 'Er organisation'),
			h('p', null, h('strong', null, ov.org_name), ' (' + ov.org + ')'),
			h('dl', { class: 'facts' },
				h('div', null, h('dt', null, 'Tilldelat'), h('dd', null, fmtOre(String(total('allocated'))))),
				h('div', null, h('dt', null, 'Utbetalt'), h('dd', null, fmtOre(String(total('paid'))))),
				h('div', null, h('dt', null, 'Att återbetala'), h('dd', null, fmtOre(String(owed)))),
			),
		);
	}

	function grants(ov) {
		const sec = h('section', { class: 'card', 'aria-labelledby': 'gr-h', 'data-section': 'grants' }, h('h2', { id: 'gr-h' }, 'Era bidrag'));
		sec.appendChild(
			table(
				[
					{ label: 'Bidrag', cls: 'name', render: (g) => [g.part_title || g.part, h('br'), decisionLink(g.dnr)] },
					{ label: 'Tilldelat', num: true, render: (g) => fmtOre(g.allocated) },
					{ label: 'Utbetalt', num: true, render: (g) => fmtOre(g.paid) },
					{ label: 'Rekvisition', render: (g) => (g.requisition ? [fmtOre(g.requisition_due) + ' kvar', h('br'), h('span', { class: 'muted' }, 'senast ' + dateOr(g.requisition_deadline))] : h('span', { class: 'muted' }, 'utan rekvisition')) },
					{ label: 'Redovisning', render: (g) => [dateOr(g.report_deadline), h('br'), g.report_due ? h('span', { class: 'badge badge-warn' }, 'ska lämnas') : g.reports ? h('span', { class: 'muted' }, 'lämnad') : ''] },
					{ label: 'Att återbetala', num: true, render: (g) => fmtOre(g.repayment_due) },
				],
				ov.grants || [],
				{ caption: 'Era bidrag', captionHidden: true, empty: 'Organisationen har inga bidrag i reskontran.', rowAttrs: (g) => ({ 'data-dnr': g.dnr, 'data-part': g.part }) },
			),
		);
		// Only when a part still takes a requisition; it is signed and sent on
		// the filing page (portal.js).
		if (S.me.role === 'mottagare' && (ov.grants || []).some((g) => g.requisition && toBig(g.requisition_due) > 0n))
			sec.appendChild(h('p', null, h('a', { href: href('handlingar') }, 'Rekvirera medel'), ' för en del som kräver rekvisition.'));
		return sec;
	}

	function deadlines(ov) {
		const sec = h('section', { class: 'card', 'aria-labelledby': 'dl-h', 'data-section': 'deadlines' }, h('h2', { id: 'dl-h' }, 'Tidsfrister'));
		sec.appendChild(
			table(
				[
					{ label: 'Datum', cls: 'nowrap', render: (d) => d.date },
					{ label: 'Vad', render: (d) => d.label },
					{ label: 'Bidrag', render: (d) => [d.title + ' ', decisionLink(d.dnr)] },
					{ label: 'Läge', cls: 'nowrap', render: (d) => (d.overdue ? h('span', { class: 'badge badge-error' }, 'försenad') : d.open ? dayWords(d) : h('span', { class: 'muted' }, 'klar')) },
					{ label: 'Att göra', render: (d) => d.what },
				],
				ov.deadlines || [],
				{ caption: 'Tidsfrister', captionHidden: true, empty: 'Inga tidsfrister.', rowAttrs: (d) => ({ 'data-kind': d.kind, 'data-dnr': d.dnr }) },
			),
		);
		return sec;
	}

	function repayments(ov) {
		const r = ov.repayment || {};
		const sec = h('section', { class: 'card', 'aria-labelledby': 'rp-h', 'data-section': 'claims' }, h('h2', { id: 'rp-h' }, 'Återbetalning'));
		const claims = r.claims || [];
		if (!claims.length) {
			sec.appendChild(h('p', { class: 'muted' }, 'Inga återkrav.'));
			return sec;
		}
		sec.appendChild(h('p', null, 'Betala till Kammarkollegiets bankgiro ', h('strong', { 'data-bankgiro': r.bankgiro || '' }, r.bankgiro || '(saknas)'), ' och ange återkravets OCR-nummer.'));
		sec.appendChild(
			table(
				[
					{ label: 'Krav', num: true, render: (k) => String(k.number) },
					{ label: 'OCR-nummer', cls: 'nowrap', render: (k) => h('strong', { class: 'ocr' }, k.ocr) },
					{ label: 'Beslut', cls: 'nowrap', render: (k) => [decisionLink(k.dnr), ' del ' + k.part] },
					{ label: 'Datum', cls: 'nowrap', render: (k) => k.date },
					{ label: 'Belopp', num: true, render: (k) => fmtOre(k.amount) },
					{ label: 'Kvar att betala', num: true, render: (k) => fmtOre(k.outstanding) },
					{ label: 'Läge', render: (k) => ({ open: 'obetalt', 'part paid': 'delvis betalt', paid: 'betalt', corrected: 'rättat' })[k.state] || k.state },
					{ label: 'Brev', render: (k) => h('a', { href: k.letter, download: '', 'aria-label': 'Återkravsbrev ' + k.number + ' (PDF)' }, 'PDF') },
				],
				claims,
				{ caption: 'Återkrav', captionHidden: true, rowAttrs: (k) => ({ 'data-claim': String(k.number) }) },
			),
		);
		return sec;
	}

	function payments(ov) {
		const sec = h('section', { class: 'card', 'aria-labelledby': 'pm-h', 'data-section': 'payments' }, h('h2', { id: 'pm-h' }, 'Utbetalningar ni har fått'));
		sec.appendChild(
			table(
				[
					{ label: 'Utbetald', cls: 'nowrap', render: (p) => p.executed || '–' },
					{ label: 'Belopp', num: true, render: (p) => fmtOre(p.amount) },
					{ label: 'Beslut', cls: 'nowrap', render: (p) => [decisionLink(p.dnr), ' del ' + p.part] },
					{ label: 'Till', render: (p) => [p.payee || '', p.bankgiro ? ' (bg ' + p.bankgiro + ')' : p.plusgiro ? ' (pg ' + p.plusgiro + ')' : ''] },
				],
				ov.payments || [],
				{ caption: 'Utbetalningar', captionHidden: true, empty: 'Inga utbetalningar ännu.', rowAttrs: (p) => ({ 'data-payment': p.id }) },
			),
		);
		return sec;
	}

	/* The personal calendar feed: its address is shown once, when made. */
	function calendar() {
		const sec = h('section', { class: 'card', 'aria-labelledby': 'cal-h', 'data-section': 'calendar' }, h('h2', { id: 'cal-h' }, 'Kalender'));
		const body = h('div');
		const status = h('p', { role: 'status', class: 'muted' });
		sec.append(h('p', null, 'En personlig adress som er kalender (Outlook, Thunderbird, telefonen) kan prenumerera på: organisationens tidsfrister. Adressen är hemlig; skapa en ny om den kommit i orätta händer, då slutar den gamla att fungera.'), body, status);
		async function load(shown) {
			const d = await api('GET', '/api/recipient/calendar' + q({ user: S.me.name }));
			clear(body);
			if (shown) {
				const input = h('input', { type: 'text', readonly: true, class: 'feed-url', value: location.origin + shown, 'aria-label': 'Kalenderadress', size: 60 });
				body.appendChild(h('p', null, 'Er nya kalenderadress (visas bara nu; kopiera den till kalendern):'));
				body.appendChild(input);
			} else if (d.feed) {
				body.appendChild(h('p', { 'data-feed': 'active' }, 'En kalenderadress är i bruk sedan ' + d.created.replace('T', ' ').replace('Z', ' UTC') + '. Den visas inte igen; skapa en ny om ni behöver den.'));
			} else {
				body.appendChild(h('p', { 'data-feed': 'none' }, 'Ingen kalenderadress är skapad.'));
			}
			const make = h('button', { type: 'button', class: 'btn btn-secondary' }, d.feed ? 'Skapa ny adress' : 'Skapa kalenderadress');
			make.addEventListener('click', () =>
				run(make, async () => {
					try {
						const r = await api('POST', '/api/recipient/calendar', {});
						status.textContent = d.feed ? 'En ny adress är skapad; den gamla fungerar inte längre.' : 'Kalenderadressen är skapad.';
						await load(r.url);
					} catch (e) {
						status.replaceChildren(errorBox(e, 'Adressen kunde inte skapas'));
					}
				}),
			);
			const actions = h('div', { class: 'actions' }, make);
			if (d.feed) {
				const revoke = h('button', { type: 'button', class: 'btn btn-secondary' }, 'Återkalla adressen');
				revoke.addEventListener('click', () =>
					run(revoke, async () => {
						try {
							await api('POST', '/api/recipient/calendar/revoke', {});
							status.textContent = 'Adressen är återkallad och fungerar inte längre.';
							await load(null);
						} catch (e) {
							status.replaceChildren(errorBox(e, 'Adressen kunde inte återkallas'));
						}
					}),
				);
				actions.appendChild(revoke);
			}
			body.appendChild(actions);
		}
		load(null).catch((e) => body.replaceChildren(errorBox(e, 'Kalendern kunde inte hämtas')));
		return sec;
	}

	async function pageRecipientStart(root, segs, query) {
		const me = S.me;
		pageHeader(root, 'Startsida', 'Inloggad som ' + me.name + ' (mottagare' + (me.org ? ', organisation ' + me.org : '') + ').');
		const box = loadingBox();
		root.appendChild(box);
		let ov;
		try {
			// #/start?as_of=YYYY-MM-DD: the overview as of another day.
			const asOf = query && query.get ? query.get('as_of') : null;
			ov = await api('GET', '/api/recipient/overview' + (asOf ? q({ as_of: asOf }) : ''));
		} catch (e) {
			box.replaceWith(errorBox(e, 'Översikten kunde inte hämtas'));
			return;
		}
		const lead = h('p', { class: 'lead', 'data-org': ov.org }, ov.org_name + ' (' + ov.org + '), läget ' + ov.as_of + '.');
		box.replaceWith(lead);
		root.append(summary(ov), reminders(ov), grants(ov), deadlines(ov), repayments(ov), payments(ov), calendar());
		root.appendChild(h('p', null, 'Er egen sammanställning av bidragen ett år börjar i ', h('a', { href: href('register') }, 'Mottagarregistret'), ', förifylld från reskontran.'));
	}

	UI.pages.pageRecipientStart = pageRecipientStart;
	UI.addPage({ key: 'start', label: 'Startsida', roles: ['mottagare'], render: pageRecipientStart }, 'start');
})();
