/* officer.js: the handläggare's records and reviews: financial and activity
 * reports, repayment claims, lapses and corrections, deadlines by recipient,
 * bulk actions.  Loaded after app.js, whose helpers it takes from
 * window.bidragUI; its pages go in with bidragUI.addPage.
 *
 * Every rule is the ledger's: these forms send events to POST /api/events
 * (one batch, all or nothing) and show the ledger's refusal as it is. */
'use strict';

(function () {
	const UI = window.bidragUI;
	const { STAFF, api, busy, clear, errorBox, field, fmtOre, fmtOreNum, formStatus, getDecisions, h, loadingBox, pageHeader, q, shorten, sum, table, today, uid, uuid } = UI;

	const KINDS = [
		{ key: 'report', label: 'Ekonomisk redovisning', button: 'Registrera redovisning', done: 'Redovisningen registrerades.' },
		{ key: 'repay-claim', label: 'Återkrav', button: 'Registrera återkrav', done: 'Återkravet registrerades.' },
		{ key: 'lapse', label: 'Förfallen rätt', button: 'Registrera att rätten förfallit', done: 'Att rätten förfallit registrerades.' },
		{ key: 'correction', label: 'Rättelse', button: 'Registrera rättelse', done: 'Rättelsen registrerades.' },
	];
	const EVENT_NAMES = {
		requisition: 'rekvisition', lapse: 'förfallen rätt', payment: 'utbetalning', attest: 'attest', execute: 'utförd',
		'repay-claim': 'återkrav', 'repay-receive': 'återbetalning', report: 'ekonomisk redovisning', correction: 'rättelse',
		'allocation-raise': 'höjd tilldelning', 'allocation-reduce': 'sänkt tilldelning',
	};

	function lateBadge(a) {
		return h('span', { class: 'badge badge-warn late-badge', title: 'Redovisad ' + a.report_date + ', efter tidsgränsen ' + (a.report_deadline || '') }, 'sen redovisning');
	}

	/* ---------- Redovisning, återkrav, förfallen rätt, rättelse ---------- */

	async function pageRecords(root, segs, query) {
		pageHeader(root, 'Redovisning och återkrav', 'Registrera en ekonomisk redovisning med det belopp som inte har förbrukats, ett återkrav, att rätten till bidrag har förfallit, eller en rättelse av en tidigare händelse. Reglerna är huvudbokens: det som inte får registreras avvisas med skälet.');
		const box = loadingBox();
		root.appendChild(box);
		const decisions = await getDecisions();
		box.remove();
		if (!decisions.length) {
			root.appendChild(h('p', null, 'Inga beslut är registrerade.'));
			return;
		}
		let eventId = uuid();
		const radios = KINDS.map((k) => {
			const r = h('input', { type: 'radio', name: 'kind', value: k.key, id: uid('k') });
			return { k, r };
		});
		const want = KINDS.some((k) => k.key === query.get('kind')) ? query.get('kind') : 'report';
		for (const x of radios) x.r.checked = x.k.key === want;
		const dnrSel = h('select', { name: 'dnr', required: true }, decisions.map((d) => h('option', { value: d.dnr }, d.dnr + ' – ' + shorten(d.title, 70))));
		const partSel = h('select', { name: 'part', required: true });
		const recSel = h('select', { name: 'recipient', required: true });
		const amount = h('input', { type: 'text', name: 'amount', inputmode: 'decimal', autocomplete: 'off' });
		const date = h('input', { type: 'date', name: 'date', required: true, value: query.get('date') || today() });
		const reason = h('input', { type: 'text', name: 'reason', autocomplete: 'off' });
		const received = h('input', { type: 'checkbox', name: 'received' });
		const refSel = h('select', { name: 'ref' });
		const account = h('div', { class: 'remaining', 'aria-live': 'polite' });
		const amountLabel = h('label', { for: (amount.id = uid('f')) }, 'Belopp (kr)');
		const amountHint = h('p', { class: 'hint', id: amount.id + '-hint' });
		amount.setAttribute('aria-describedby', amountHint.id);
		const amountField = h('div', { class: 'field' }, amountLabel, amountHint, amount);
		const dateLabel = h('label', { for: (date.id = uid('f')) }, 'Datum');
		const receivedField = h('div', { class: 'field' }, h('label', { for: (received.id = uid('f')) }, received, ' En sen rekvisition kom in (datumet är då dagen den kom in)'));
		const refField = field('Händelse att rätta', refSel, 'Rättelsen återför händelsens belopp. En utförd utbetalning kan inte rättas: registrera ett återkrav.');
		const accountFields = h('div', null, h('div', { class: 'row' }, field('Del', partSel), field('Mottagare', recSel)), account);
		const idOut = h('code', { class: 'event-id' }, eventId);
		const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Registrera');
		const form = h('form', { class: 'card form officer-form', novalidate: true },
			h('fieldset', { class: 'radios' }, h('legend', null, 'Händelse'), radios.map((x) => h('label', { for: x.r.id }, x.r, ' ' + x.k.label))),
			field('Beslut', dnrSel),
			accountFields,
			refField,
			h('div', { class: 'row' }, amountField, h('div', { class: 'field' }, dateLabel, date)),
			receivedField,
			field('Anteckning (skäl)', reason, 'Registreras med händelsen. En rättelse kräver ett skäl.'),
			h('p', { class: 'hint' }, 'Händelse-id: ', idOut, ' – samma id skickas om du försöker igen, så inget registreras två gånger.'),
			h('div', { class: 'actions' }, btn),
		);
		const st = formStatus(form);
		root.appendChild(form);
		const reportsSec = h('section', { class: 'section', 'aria-labelledby': 'h-reports' }, h('h2', { id: 'h-reports' }, 'Ekonomiska redovisningar i beslutet'));
		root.appendChild(reportsSec);
		const reportsBox = h('div');
		reportsSec.appendChild(reportsBox);

		let decision = null;
		let accounts = [];
		let events = [];
		const kind = () => radios.find((x) => x.r.checked).k;
		function newId() {
			eventId = uuid();
			idOut.textContent = eventId;
		}
		function currentAccount() {
			return accounts.find((x) => x.part === partSel.value && x.recipient === recSel.value);
		}
		function syncKind() {
			const k = kind().key;
			btn.textContent = kind().button;
			accountFields.hidden = k === 'correction';
			refField.hidden = k !== 'correction';
			amountField.hidden = k === 'lapse' || k === 'correction';
			receivedField.hidden = k !== 'lapse';
			amountLabel.textContent = k === 'report' ? 'Inte förbrukat belopp (kr)' : 'Belopp att återkräva (kr)';
			amountHint.textContent = k === 'report' ? 'Det belopp redovisningen anger som inte förbrukat; det återkrävs (det som inte redan är återkrävt). 0 om allt förbrukats.' : 'Högst det som betalats ut och inte redan återkrävts.';
			dateLabel.textContent = k === 'report' ? 'Redovisningen kom in (datum)' : k === 'lapse' ? 'Datum (efter sista dag för rekvisition)' : 'Datum';
			showAccount();
		}
		function showAccount() {
			clear(account);
			const a = currentAccount();
			if (!a) return;
			account.appendChild(h('p', { class: 'hint' },
				'Tilldelat ', fmtOre(a.allocated), ', utbetalt ', fmtOre(a.paid), ', återkrävt ', fmtOre(a.claimed), ', återbetalt ', fmtOre(a.repaid), ', förfallet ', fmtOre(a.lapsed), '. ',
				a.report_deadline ? 'Ekonomisk redovisning senast ' + a.report_deadline + '. ' : '',
				a.report_date ? ['Redovisad ', a.report_date, '. ', a.late ? lateBadge(a) : null] : ''));
		}
		function showReports() {
			const rows = accounts.filter((a) => a.report_date || a.report_deadline);
			clear(reportsBox).appendChild(table([
				{ label: 'Del', render: (a) => a.part },
				{ label: 'Mottagare', cls: 'name', render: (a) => a.recipient_name || a.recipient },
				{ label: 'Tidsgräns', cls: 'nowrap', render: (a) => a.report_deadline || '' },
				{ label: 'Redovisad', cls: 'nowrap', render: (a) => (a.report_date ? [a.report_date, a.late ? [' ', lateBadge(a)] : null] : h('span', { class: 'muted' }, 'inte redovisad')) },
				{ label: 'Utbetalt (kr)', num: true, render: (a) => fmtOreNum(a.paid) },
				{ label: 'Återkrävt (kr)', num: true, render: (a) => fmtOreNum(a.claimed) },
			], rows, { cls: 'reports', caption: 'Redovisningar per mottagare', empty: 'Beslutet har ingen tidsgräns för ekonomisk redovisning.', rowAttrs: (a) => ({ 'data-account': a.part + '/' + a.recipient, 'data-late': a.late ? 'true' : 'false' }) }));
		}
		function fillRecipients(pre) {
			clear(recSel);
			const p = decision.parts.find((x) => x.id === partSel.value) || decision.parts[0];
			if (!p) return;
			for (const r of p.rows) recSel.appendChild(h('option', { value: r.recipient }, r.name + ' (' + r.recipient + ')'));
			if (pre && pre.recipient) recSel.value = pre.recipient;
			showAccount();
		}
		function fillEvents() {
			clear(refSel);
			const corrected = new Set(events.filter((e) => e.kind === 'correction').map((e) => e.ref));
			for (const e of events) {
				if (e.kind === 'correction' || corrected.has(e.id) || e.kind === 'execute' || e.kind.startsWith('bank-')) continue;
				refSel.appendChild(h('option', { value: e.id }, e.date + ' ' + (EVENT_NAMES[e.kind] || e.kind) + ', ' + (e.part || '') + ' ' + (e.recipient || '') + (e.amount ? ', ' + fmtOre(e.amount) : '') + ' (' + e.id + ')'));
			}
			refSel.appendChild(h('option', { value: '' }, '(ange id själv)'));
		}
		async function refresh() {
			try {
				accounts = (await api('GET', '/api/status' + q({ dnr: dnrSel.value }))).accounts || [];
			} catch (e) {
				accounts = [];
			}
			try {
				events = (await api('GET', '/api/events' + q({ dnr: dnrSel.value }))).events || [];
			} catch (e) {
				events = [];
			}
			fillEvents();
			showAccount();
			showReports();
		}
		async function loadDecision(pre) {
			clear(partSel);
			decision = await api('GET', '/api/decision' + q({ dnr: dnrSel.value }));
			for (const p of decision.parts) partSel.appendChild(h('option', { value: p.id }, p.id + ' – ' + shorten(p.title, 60)));
			if (pre && pre.part) partSel.value = pre.part;
			fillRecipients(pre);
			await refresh();
		}
		for (const x of radios) x.r.addEventListener('change', syncKind);
		dnrSel.addEventListener('change', () => loadDecision(null).catch((e) => st.error(e, 'Beslutet kunde inte hämtas')));
		partSel.addEventListener('change', () => fillRecipients(null));
		recSel.addEventListener('change', showAccount);
		let refused = false;
		form.addEventListener('input', () => {
			if (refused) {
				refused = false;
				newId();
			}
		});
		if (query.get('dnr') && decisions.some((d) => d.dnr === query.get('dnr'))) dnrSel.value = query.get('dnr');
		syncKind();
		await loadDecision({ part: query.get('part'), recipient: query.get('recipient') });

		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			const k = kind();
			const e = { id: eventId, kind: k.key, date: date.value };
			if (k.key === 'correction') {
				e.ref = refSel.value;
			} else {
				e.dnr = dnrSel.value;
				e.part = partSel.value;
				e.recipient = recSel.value;
			}
			if (k.key === 'report' || k.key === 'repay-claim') e.amount = amount.value.trim();
			if (k.key === 'lapse') e.received = received.checked;
			if (reason.value.trim()) e.reason = reason.value.trim();
			const missing = !e.date ? 'Ange ett datum.' : (k.key === 'report' || k.key === 'repay-claim') && !e.amount ? 'Ange ett belopp.' : k.key === 'correction' && !e.ref ? 'Välj händelsen att rätta.' : k.key === 'correction' && !e.reason ? 'En rättelse kräver ett skäl.' : null;
			if (missing) {
				st.error(new Error(missing), 'Inget registrerades');
				return;
			}
			busy(btn, true, 'Registrerar…');
			try {
				const r = await api('POST', '/api/events', [e]);
				const already = (r.already || []).includes(e.id);
				await refresh();
				const a = k.key === 'report' ? currentAccount() : null;
				st.ok(h('strong', null, already ? 'Redan registrerad. ' : k.done + ' '), 'Id ', h('code', null, e.id), '. ',
					a && a.late ? h('span', { class: 'late-note' }, lateBadge(a), ' Redovisningen kom in ' + a.report_date + ', efter tidsgränsen ' + a.report_deadline + ': den är registrerad och markerad som sen.') : null);
				newId();
				amount.value = '';
				reason.value = '';
			} catch (err) {
				if (err.network) {
					st.info(h('strong', null, 'Oklart om händelsen registrerades. '), err.message, ' Försök igen: samma händelse-id skickas, så den registreras högst en gång.');
				} else {
					refused = true;
					st.error(err, 'Inget registrerades');
				}
			} finally {
				busy(btn, false);
			}
		});
	}

	/* ---------- Tidsgränser med mottagarna bakom varje antal ---------- */

	async function pageDeadlines(root, segs, query) {
		pageHeader(root, 'Tidsgränser per mottagare', 'Vad som förfaller eller har förfallit per ett datum, med mottagarna bakom varje antal. En redovisning som kommit in efter tidsgränsen är markerad som sen.');
		const asOf = h('input', { type: 'date', name: 'as_of', value: query.get('as_of') || today() });
		const all = h('input', { type: 'checkbox', name: 'all', id: uid('f') });
		all.checked = query.get('all') === 'true';
		const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Visa');
		const form = h('form', { class: 'toolbar card deadlines-form' }, field('Per datum', asOf), h('div', { class: 'field' }, h('label', { for: all.id }, all, ' Alla tidsgränser, även klara')), h('div', { class: 'actions' }, btn));
		root.appendChild(form);
		const holder = h('div', { 'aria-live': 'polite' });
		root.appendChild(holder);
		// names: the recipients as one paragraph, separated by commas.
		const names = (cls, items) => h('p', { class: cls }, items.map((x, i) => (i ? [', ', x] : x)));
		const whoText = (d) => (d.kind === 'report' ? 'Har inte redovisat' : d.kind === 'requisition' ? 'Har inte rekvirerat' : d.kind === 'repayment' ? 'Har inte återbetalat' : 'Inte utbetalt till');
		async function load() {
			clear(holder).appendChild(loadingBox());
			let d;
			try {
				d = await api('GET', '/api/deadlines' + q({ as_of: asOf.value || today(), all: all.checked ? 'true' : undefined, within: 60 }));
			} catch (e) {
				clear(holder).appendChild(errorBox(e, 'Tidsgränserna kunde inte hämtas'));
				return;
			}
			clear(holder);
			const list = d.deadlines || [];
			if (!list.length) {
				holder.appendChild(h('p', null, 'Inga tidsgränser som är försenade eller inom 60 dagar från ' + d.as_of + '.'));
				return;
			}
			for (const x of list) {
				const behind = (x.who || []).filter((w) => !w.late);
				const late = (x.who || []).filter((w) => w.late);
				const sec = h('section', { class: 'card deadline', 'data-kind': x.kind, 'data-dnr': x.dnr, 'data-part': x.part, 'data-late': x.late ? 'true' : 'false' },
					h('h2', null, x.date + ' · ' + x.label + ' · ' + (x.dnr ? x.dnr + ' ' + x.part : x.part)),
					h('p', null, h('strong', { class: x.overdue ? 'overdue' : '' }, x.state), ' – ', x.what, x.late ? [' ', h('span', { class: 'badge badge-warn late-badge' }, 'sen redovisning')] : null),
					behind.length ? [h('h3', null, whoText(x) + ' (' + behind.length + ')'), names('who', behind.map((w) => h('span', { class: 'who-name', 'data-recipient': w.recipient }, w.name + (w.outstanding && x.kind !== 'report' ? ': ' + fmtOre(BigInt(w.outstanding.replace('.', ''))) : ''))))] : null,
					late.length ? [h('h3', null, 'Redovisade efter tidsgränsen (' + late.length + ')'), names('who who-late', late.map((w) => h('span', { class: 'who-name', 'data-recipient': w.recipient }, w.name + ', redovisad ' + w.reported + ' ', h('span', { class: 'badge badge-warn late-badge' }, 'sen'))))] : null,
				);
				holder.appendChild(sec);
			}
		}
		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			busy(btn, true, 'Hämtar…');
			await load();
			busy(btn, false);
		});
		await load();
	}

	/* ---------- Massåtgärder: förfallna rätter ---------- */

	async function pageBulk(root, segs, query) {
		pageHeader(root, 'Massåtgärder', 'Registrera att rätten till bidrag har förfallit för alla rätter som inte rekvirerats när sista dag för rekvisition passerat. Sidan visar antal, summa och raderna först; allt registreras i en omgång (allt eller inget) när du bekräftar.');
		const asOf = h('input', { type: 'date', name: 'as_of', value: query.get('as_of') || today() });
		const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Visa förfallna rätter');
		const form = h('form', { class: 'toolbar card bulk-form' }, field('Datum för registreringen', asOf, 'Rätter vars sista dag för rekvisition passerat före detta datum.'), h('div', { class: 'actions' }, btn));
		root.appendChild(form);
		const holder = h('div', { 'aria-live': 'polite' });
		root.appendChild(holder);
		async function load() {
			clear(holder).appendChild(loadingBox());
			let s;
			try {
				s = await api('GET', '/api/status' + q({ as_of: asOf.value || today() }));
			} catch (e) {
				clear(holder).appendChild(errorBox(e, 'Statusen kunde inte hämtas'));
				return;
			}
			const rows = (s.accounts || []).filter((a) => a.lapse_due > 0);
			clear(holder);
			if (!rows.length) {
				holder.appendChild(h('p', { class: 'bulk-none' }, 'Inga rätter att registrera som förfallna per ' + s.as_of + '.'));
				return;
			}
			const total = sum(rows, (a) => a.lapse_due);
			const summary = h('div', { class: 'card bulk-summary', role: 'group', 'aria-label': 'Sammanfattning' },
				h('p', null, h('strong', null, rows.length + (rows.length === 1 ? ' rätt' : ' rätter') + ' på sammanlagt ' + fmtOre(total)), ' förfaller per ' + s.as_of + ' och registreras som förfallna (händelsen lapse, daterad ' + s.as_of + ').'));
			holder.appendChild(summary);
			holder.appendChild(table([
				{ label: 'Beslut', cls: 'nowrap', render: (a) => a.dnr },
				{ label: 'Del', render: (a) => a.part },
				{ label: 'Mottagare', cls: 'name', render: (a) => a.recipient_name || a.recipient },
				{ label: 'Förfaller (kr)', num: true, render: (a) => fmtOreNum(a.lapse_due) },
			], rows, { cls: 'bulk-rows', caption: 'Rätter som förfaller', foot: ['Summa', '', rows.length + ' st', fmtOreNum(total)] }));
			const st = h('div', { class: 'form-status', 'aria-live': 'polite' });
			const confirm = h('button', { type: 'button', class: 'btn btn-primary', 'data-confirm': 'lapse' }, 'Bekräfta: registrera ' + rows.length + (rows.length === 1 ? ' förfallen rätt' : ' förfallna rätter'));
			holder.appendChild(h('div', { class: 'actions' }, confirm));
			holder.appendChild(st);
			const events = rows.map((a) => ({ id: uuid(), kind: 'lapse', dnr: a.dnr, part: a.part, recipient: a.recipient, date: s.as_of, received: false, reason: 'Ingen rekvisition inkom före sista dag (massåtgärd)' }));
			confirm.addEventListener('click', async () => {
				busy(confirm, true, 'Registrerar…');
				try {
					const r = await api('POST', '/api/events', events);
					clear(st).appendChild(h('div', { class: 'alert alert-ok', role: 'status' }, h('strong', null, (r.recorded || []).length + ' förfallna rätter registrerades'), ' (' + fmtOre(total) + ').'));
					confirm.remove();
				} catch (e) {
					clear(st).appendChild(h('div', { class: 'alert alert-error', role: 'alert' }, h('strong', null, 'Inget registrerades. '), e.message));
					busy(confirm, false);
				}
			});
		}
		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			busy(btn, true, 'Hämtar…');
			await load();
			busy(btn, false);
		});
		if (query.get('as_of')) await load();
	}

	UI.addPage({ key: 'redovisning', label: 'Redovisning och återkrav', roles: ['handlaggare'], render: pageRecords }, 'attest');
	UI.addPage({ key: 'tidsgranser', label: 'Tidsgränser', roles: STAFF, render: pageDeadlines }, 'attest');
	UI.addPage({ key: 'massatgarder', label: 'Massåtgärder', roles: ['handlaggare'], render: pageBulk }, 'attest');
})();
