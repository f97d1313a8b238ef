/* datasets.js: Nyckeldata, the register's key datasets with their provenance,
 * corrections and the impact of a correction.  Loaded after app.js, whose
 * helpers it takes from window.bidragUI. */
'use strict';

(function () {
	const { S, api, busy, errorBox, field, fmtCell, fmtInt, fmtKr, fmtOre, formStatus, h, href, loadingBox, pageHeader, q, sum, table, toBig, today } = window.bidragUI;

	/* ---------- Nyckeldata: the register's key datasets ---------- */

	const ORIGIN_NAMES = { seed: 'inbyggd', import: 'importerad', decision: 'registrerad med ett beslut' };
	const DOMAIN_NAMES = { regions: 'regioner', kommuner: 'kommuner', groups: 'grupper', other: 'övriga' };

	function datasetLink(name, version) {
		const ref = version ? name + '@' + version : name;
		return h('a', { href: '#/nyckeldata/' + encodeURIComponent(ref) }, ref);
	}

	function originText(d) {
		const o = d.origin || {};
		let t = ORIGIN_NAMES[o.kind] || o.kind || '';
		if (o.kind === 'import' && o.file) t += ' från ' + o.file + (o.format ? ' (' + o.format + ')' : '');
		return t;
	}

	async function pageDatasets(root, segs) {
		if (segs.length) return pageDataset(root, segs.join('/'));
		pageHeader(root, 'Nyckeldata', 'Registrets fördelningsnycklar: varje version med sitt ursprung. En rättelse är en ny version som anger vad den rättar och varför.');
		const box = loadingBox();
		root.appendChild(box);
		const r = await api('GET', '/api/datasets');
		const list = r.datasets || [];
		box.replaceWith(
			table(
				[
					{ label: 'Nyckel', cls: 'nowrap', render: (d) => datasetLink(d.name) },
					{ label: 'Version', num: true, render: (d) => String(d.version) },
					{ label: 'Referensdatum', cls: 'nowrap', render: (d) => d.date || '–' },
					{ label: 'Avser', render: (d) => DOMAIN_NAMES[d.domain] || d.domain },
					{ label: 'Antal', num: true, render: (d) => String(d.recipients) },
					{ label: 'Summa', num: true, render: (d) => d.sum },
					{ label: 'Ursprung', render: (d) => originText(d) },
					{ label: 'Källa', cls: 'wide', render: (d) => d.source || '' },
				],
				list,
				{ caption: 'Nyckeldata', captionHidden: true, empty: 'Registret har inga nyckeldata.' },
			),
		);
		root.appendChild(h('p', { class: 'hint' }, 'Nya nycklar och rättelser importeras med ', h('code', null, 'bidrag datasets import'), ' (SCB:s PC-Axis-, JSON-stat- och CSV-filer eller en egen CSV-fil).'));
	}

	async function pageDataset(root, ref) {
		const head = pageHeader(root, 'Nyckel ' + ref);
		const box = loadingBox();
		root.appendChild(box);
		const d = await api('GET', '/api/dataset' + q({ name: ref }));
		box.remove();
		head.textContent = d.name + '@' + d.version + ': ' + d.label;
		document.title = d.name + '@' + d.version + ' – bidrag';
		head.parentNode.insertBefore(h('p', { class: 'eyebrow' }, h('a', { href: '#/nyckeldata' }, 'Nyckeldata'), ' / ', d.name), head);
		const o = d.origin || {};
		const fact = (label, value) => (value === null || value === undefined || value === '' ? null : h('div', null, h('dt', null, label), h('dd', null, value)));
		root.appendChild(h('dl', { class: 'facts' },
			fact('Version', d.version + ' av ' + d.versions.length + (d.latest ? ' (den senaste)' : '')),
			fact('Referensdatum', d.date || '–'),
			fact('Enhet', d.unit),
			fact('Avser', (DOMAIN_NAMES[d.domain] || d.domain) + ', ' + d.recipients + ' st'),
			fact('Summa', d.sum),
			fact('Källa', d.source),
			fact('Ursprung', originText(d)),
			fact('Fil (SHA-256)', o.file_sha256),
			fact('Tabell', o.table ? o.table + (o.title ? ': ' + o.title : '') : o.title),
			fact('Urval', o.selection),
			fact('Period', o.period),
			fact('Referensdatum enligt', o.ref_date_basis),
			fact('Hämtad', o.downloaded),
			fact('Registrerad', d.registered ? d.registered + (o.imported_by ? ' av ' + o.imported_by : '') : null),
			fact('Rättar', o.corrects ? h('span', null, datasetLink(d.name, o.corrects), ': ' + (o.reason || '')) : null),
			fact('Rättad av', d.corrected_by ? datasetLink(d.name, d.corrected_by) : null),
			fact('Värdenas SHA-256', d.sha256),
		));
		const sec = (id, title) => {
			const s = h('section', { class: 'section', id, 'aria-labelledby': id + '-h' }, h('h2', { id: id + '-h' }, title));
			root.appendChild(s);
			return s;
		};
		const vs = sec('sec-versions', 'Versioner');
		vs.appendChild(table(
			[
				{ label: 'Version', render: (v) => datasetLink(v.name, v.version) },
				{ label: 'Registrerad', cls: 'nowrap', render: (v) => v.registered || '–' },
				{ label: 'Ursprung', render: (v) => originText(v) },
				{ label: 'Rättar', render: (v) => (v.origin && v.origin.corrects ? 'version ' + v.origin.corrects + ': ' + (v.origin.reason || '') : '') },
				{ label: 'Summa', num: true, render: (v) => v.sum },
			],
			d.versions,
			{ caption: 'Versioner', captionHidden: true },
		));

		// What this version changes for the decisions allocated by an earlier one.
		const im = sec('sec-impact', 'Påverkan på registrerade beslut');
		if (!o.corrects) {
			im.appendChild(h('p', null, 'Versionen rättar ingen tidigare version.'));
		} else {
			const ibox = loadingBox('Räknar om besluten…');
			im.appendChild(ibox);
			try {
				const r = await api('GET', '/api/dataset/impact' + q({ name: d.name + '@' + d.version }));
				ibox.remove();
				renderImpact(im, r);
			} catch (e) {
				ibox.replaceWith(errorBox(e, 'Påverkan kunde inte räknas'));
			}
		}

		const vals = sec('sec-values', 'Värden');
		vals.appendChild(table(
			[
				{ label: 'Kod', render: (x) => x.code },
				{ label: 'Mottagare', cls: 'name', render: (x) => x.recipient },
				{ label: 'Värde', num: true, render: (x) => fmtCell(x.value) },
			],
			d.values,
			{ caption: 'Värden', captionHidden: true, cls: 'compact', foot: ['', 'Summa', d.sum] },
		));
	}

	function proposalText(p) {
		const parts = [];
		if (p.lapsed) parts.push('inget: rätten har förfallit');
		if (toBig(p.raise_ore)) parts.push('höj tilldelningen med ' + fmtOre(p.raise_ore));
		if (toBig(p.pay_ore)) parts.push('betala ut ' + fmtOre(p.pay_ore) + ' (attesteras)');
		else if (p.later) parts.push('betalas med delens utbetalningar');
		const red = toBig(p.reduce_ore);
		if (red) parts.push('sänk tilldelningen med ' + fmtOre(p.reduce_ore) + ' (ej utbetalt)');
		if (toBig(p.claim_ore)) parts.push('återkräv ' + fmtOre(p.claim_ore));
		if (toBig(p.excess_pending_ore)) parts.push(fmtOre(p.excess_pending_ore) + ' i ej utförda utbetalningar överstiger den nya tilldelningen');
		return parts.length ? parts.join(', ') : 'inget (genomfört)';
	}

	function renderImpact(out, r) {
		if (!r.parts.length) {
			out.appendChild(h('p', null, r.unaffected_parts ? r.unaffected_parts + ' beslutsdelar fördelades efter en tidigare version, men rättelsen ändrar ingen mottagares belopp.' : 'Inget registrerat beslut fördelades efter en tidigare version.'));
			return;
		}
		out.appendChild(h('p', null, 'Varje mottagare vars tilldelning ändras: då (som låst), nu (delens egen regel och belopp med de rättade värdena, exakt), utbetalt och förslaget. Förslaget genomförs med ', h('code', null, 'bidrag datasets impact ' + r.dataset + '@' + r.version + ' --apply'), ' eller nedan; utbetalningar attesteras av en andra person som vanligt.'));
		for (const p of r.parts) {
			out.appendChild(h('h3', null, h('a', { href: '#/beslut/' + encodeURIComponent(p.dnr) }, p.dnr), ' del ' + p.part + ': ' + p.title));
			out.appendChild(h('p', { class: 'hint' }, fmtKr(p.amount) + ', fördelad efter version ' + p.from_version + '; ' + p.rows.length + ' av ' + p.recipients + ' mottagare berörs.'));
			out.appendChild(table(
				[
					{ label: 'Mottagare', cls: 'name', render: (x) => x.recipient },
					{ label: 'Då (kr)', num: true, render: (x) => fmtInt(x.then) },
					{ label: 'Nu (kr)', num: true, render: (x) => fmtInt(x.now) },
					{ label: 'Skillnad (kr)', num: true, render: (x) => (x.difference > 0 ? '+' : '') + fmtInt(x.difference) },
					{ label: 'Utbetalt', num: true, render: (x) => fmtOre(x.paid_ore) },
					{ label: 'Förslag', cls: 'wide', render: (x) => proposalText(x.proposal) },
				],
				p.rows,
				{ caption: p.dnr + ' ' + p.part, captionHidden: true, cls: 'compact',
				  foot: ['Summa', fmtInt(sum(p.rows, (x) => x.then)), fmtInt(sum(p.rows, (x) => x.now)), fmtInt(sum(p.rows, (x) => x.difference)), '', ''] },
			));
		}
		if (r.unaffected_parts) out.appendChild(h('p', { class: 'hint' }, r.unaffected_parts + ' andra beslutsdelar fördelades efter en tidigare version utan att någon mottagares belopp ändras.'));
		if (S.me && S.me.role === 'handlaggare') out.appendChild(applyForm(r.dataset + '@' + r.version));
	}

	/* Carrying the proposal out: the events it makes, summed per decision,
	 * shown first (GET /api/dataset/impact/plan); confirmed, they are
	 * recorded as the logged-in user (POST /api/dataset/impact/apply, with
	 * the plan shown, so that a proposal changed meanwhile is refused). */
	const KIND_NAMES = { 'allocation-raise': 'höjd tilldelning', 'allocation-reduce': 'sänkt tilldelning', payment: 'utbetalning (attesteras)', 'repay-claim': 'återkrav' };

	function planSummary(p) {
		const rows = p.decisions.map((m) => ({ ...m }));
		return table(
			[
				{ label: 'Beslut', render: (m) => h('a', { href: '#/beslut/' + encodeURIComponent(m.dnr) }, m.dnr) },
				{ label: 'Händelser', num: true, render: (m) => String(m.events) },
				{ label: 'Höjd tilldelning', num: true, render: (m) => fmtOre(m.raise_ore) },
				{ label: 'Utbetalas (attesteras)', num: true, render: (m) => fmtOre(m.pay_ore) },
				{ label: 'Sänkt tilldelning', num: true, render: (m) => fmtOre(m.reduce_ore) },
				{ label: 'Återkrävs', num: true, render: (m) => fmtOre(m.claim_ore) },
			],
			rows,
			{ caption: 'Sammanfattning per beslut', captionHidden: true, cls: 'compact impact-plan',
			  foot: ['Summa', String(p.count), fmtOre(sum(rows, (m) => m.raise_ore)), fmtOre(sum(rows, (m) => m.pay_ore)), fmtOre(sum(rows, (m) => m.reduce_ore)), fmtOre(sum(rows, (m) => m.claim_ore))] },
		);
	}

	function planEvents(p) {
		return table(
			[
				{ label: 'Händelse', cls: 'nowrap', render: (e) => e.id },
				{ label: 'Slag', render: (e) => KIND_NAMES[e.kind] || e.kind },
				{ label: 'Beslut', render: (e) => e.dnr + ' ' + e.part },
				{ label: 'Mottagare', render: (e) => e.recipient },
				{ label: 'Belopp', num: true, render: (e) => fmtOre(e.amount_ore) },
				{ label: 'Utfall', render: (e) => (e.outcome === 'recorded' ? 'bokförd' : e.outcome === 'already' ? 'redan bokförd' : '') },
			],
			p.events,
			{ caption: 'Händelserna', captionHidden: true, cls: 'compact' },
		);
	}

	function applyForm(ref) {
		const date = h('input', { type: 'date', name: 'date', value: today(), required: true });
		const show = h('button', { type: 'submit', class: 'btn btn-secondary' }, 'Visa händelserna');
		const form = h('form', { class: 'impact-apply', 'aria-labelledby': 'impact-apply-h' },
			h('h3', { id: 'impact-apply-h' }, 'Genomför förslaget'),
			h('p', { class: 'hint' }, 'Förslaget bokförs i huvudboken som händelser i ditt namn: höjd och sänkt tilldelning och återkrav gäller direkt, en utbetalning väntar i attestkön på en annan persons attest. Händelserna visas först; inget bokförs förrän du bekräftar.'),
			field('Händelsernas datum', date),
			show);
		const st = formStatus(form);
		const result = h('div', { class: 'impact-plan-box' });
		form.appendChild(result);
		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			result.replaceChildren();
			busy(show, true, 'Räknar…');
			let plan;
			try {
				plan = await api('GET', '/api/dataset/impact/plan' + q({ name: ref, date: date.value }));
			} catch (e) {
				st.error(e, 'Händelserna kunde inte räknas');
				return;
			} finally {
				busy(show, false);
			}
			if (!plan.count) {
				st.info('Inget att bokföra: förslaget är redan genomfört.');
				return;
			}
			st.info(plan.count + (plan.count === 1 ? ' händelse' : ' händelser') + ' bokförs' + (plan.payments ? ', varav ' + plan.payments + (plan.payments === 1 ? ' utbetalning' : ' utbetalningar') + ' som en annan person attesterar' : '') + '. Kontrollera och bekräfta.');
			const confirm = h('button', { type: 'button', class: 'btn btn-primary' }, 'Bokför ' + plan.count + (plan.count === 1 ? ' händelse' : ' händelser'));
			const cancel = h('button', { type: 'button', class: 'btn btn-secondary' }, 'Avbryt');
			result.append(planSummary(plan), h('details', null, h('summary', null, 'Alla händelser'), planEvents(plan)), h('p', { class: 'actions' }, confirm, ' ', cancel));
			cancel.addEventListener('click', () => { result.replaceChildren(); st.reset(); });
			confirm.addEventListener('click', async () => {
				busy(confirm, true, 'Bokför…');
				try {
					const done = await api('POST', '/api/dataset/impact/apply', { name: ref, plan: plan.plan, date: plan.date });
					result.replaceChildren(planSummary(done), h('details', null, h('summary', null, 'Alla händelser'), planEvents(done)));
					st.ok(done.recorded + (done.recorded === 1 ? ' händelse bokförd' : ' händelser bokförda') + (done.already ? ', ' + done.already + ' var redan bokförda' : '') + '.',
						done.payments ? h('span', null, ' ' + done.payments + (done.payments === 1 ? ' utbetalning väntar' : ' utbetalningar väntar') + ' på attest av en annan person i ', h('a', { href: '#/attest' }, 'Attestkön'), '.') : '');
				} catch (e) {
					busy(confirm, false);
					st.error(e, 'Inget bokfördes');
				}
			});
		});
		return form;
	}

	Object.assign(window.bidragUI.pages, { pageDatasets });
})();
