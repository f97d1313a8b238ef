/* register.js: Mottagarregistret, the recipients' own registers of grants
 * received, with reports and a comparison between years.  Loaded after
 * app.js, whose helpers it takes from window.bidragUI. */
'use strict';

(function () {
	const { S, api, busy, field, fmtInt, fmtKr, fmtTimestamp, formStatus, h, href, loadingBox, pageHeader, q, route, svg, table } = window.bidragUI;

	/* ---------- Mottagarregistret ---------- */

	const REPORT_FORMATS = [
		['pdf', 'PDF'],
		['xlsx', 'Excel'],
		['md', 'Markdown'],
		['csv', 'CSV'],
	];

	function reportLinks(org, year) {
		const out = [];
		REPORT_FORMATS.forEach(([f, label], i) => {
			if (i) out.push(' · ');
			out.push(h('a', { href: '/api/register/report' + q({ org, year, format: f }), download: '', 'aria-label': label + ': sammanställning ' + year + ' för ' + org }, label));
		});
		return out;
	}

	async function pageRegister(root, segs) {
		if (segs.length >= 2) return pageRegisterYear(root, segs[0], segs[1]);
		pageHeader(root, 'Mottagarregistret', 'Mottagarnas egna sammanställningar av riktade statsbidrag per år, med rapporter och jämförelse mellan åren.');
		const box = loadingBox();
		root.appendChild(box);
		const d = await api('GET', '/api/register');
		const list = d.registers || [];
		if (S.me.role === 'handlaggare' || S.me.role === 'mottagare') {
			root.insertBefore(registerPrefill(), box);
			root.insertBefore(registerUpload(), box);
		}
		box.replaceWith(
			table(
				[
					{ label: 'Organisation', cls: 'name', render: (r) => r.org_name },
					{ label: 'Kod', render: (r) => r.org },
					{ label: 'År', render: (r) => h('a', { href: href('register', r.org, String(r.year)) }, String(r.year)) },
					{ label: 'Version', num: true, render: (r) => String(r.version) },
					{ label: 'Bidrag', num: true, render: (r) => String(r.grants) },
					{ label: 'Belopp (kr)', num: true, render: (r) => fmtInt(r.amount) },
					{ label: 'Registrerad', cls: 'nowrap', render: (r) => [fmtTimestamp(r.recorded_at), h('br'), h('span', { class: 'muted' }, r.recorded_by)] },
					{ label: 'Rapport', cls: 'nowrap', render: (r) => reportLinks(r.org, r.year) },
					{ label: 'Jämförelse', cls: 'nowrap', render: (r) => h('a', { href: href('register', r.org, String(r.year)), 'aria-label': 'Jämförelsediagram ' + r.year + ', ' + r.org_name }, 'Diagram') },
				],
				list,
				{ caption: 'Registrerade sammanställningar', captionHidden: true, empty: 'Registret är tomt.', rowAttrs: (r) => ({ 'data-org': r.org }) },
			),
		);
	}

	/* A year started from what the ledger knows (POST /api/register/prefill):
	 * the grants of the decisions and payments the ledger holds; prefilling
	 * again refreshes those and keeps what the recipient wrote. */
	function registerPrefill() {
		const year = h('input', { type: 'number', name: 'year', min: 2000, max: 2100, value: String(new Date().getFullYear()), required: true });
		const org = S.me.role === 'mottagare' ? null : h('input', { type: 'text', name: 'org', required: true, placeholder: 'kod, namn eller orgnr' });
		const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Förifyll från reskontran');
		const form = h('form', { class: 'card form inline-form register-prefill', novalidate: true },
			org ? field('Organisation', org) : null,
			field('År', year, 'Beslut och utbetalningar ur reskontran blir årets bidrag; era egna uppgifter (diarienummer, fördelning, användning) finns kvar när ni förifyller igen.'),
			h('div', { class: 'actions' }, btn),
		);
		const st = formStatus(form);
		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			busy(btn, true, 'Förifyller…');
			try {
				const body = { year: Number(year.value) };
				if (org) body.org = org.value.trim();
				const r = await api('POST', '/api/register/prefill', body);
				S.flash = 'Förifyllt från reskontran: ' + r.from_ledger + ' bidrag (' + r.added + ' nya, ' + r.updated + ' uppdaterade), ' + (r.unchanged ? 'oförändrad version ' : 'version ') + r.version + '.';
				location.hash = href('register', r.org, String(r.year));
			} catch (e) {
				st.error(e, 'Inget förifylldes');
				busy(btn, false);
			}
		});
		return form;
	}

	const LEDGER_PREFIX = 'reskontra-';

	/* The year's grants: those from the ledger marked, the recipient's own
	 * fields editable and filed as a new version. */
	async function grantsEditor(org, year) {
		const sec = h('section', { class: 'card register-grants', 'aria-labelledby': 'rg-h' }, h('h2', { id: 'rg-h' }, 'Bidragen'));
		let doc;
		try {
			doc = await api('GET', '/api/register/document' + q({ org, year }));
		} catch (e) {
			sec.appendChild(h('p', { class: 'alert alert-error', role: 'alert' }, 'Bidragen kunde inte hämtas: ' + (e.message || e)));
			return sec;
		}
		const y = doc.years[0];
		const canEdit = S.me.role === 'handlaggare' || S.me.role === 'mottagare';
		const inputs = [];
		const own = (g, name, label, type) => {
			if (!canEdit) return g[name] || '–';
			const i = h('input', { type: type || 'text', name: name, size: 12, class: 'own-field', value: g[name] || '', 'aria-label': label + ': ' + g.title, 'data-grant': g.key });
			inputs.push([g, name, i]);
			return i;
		};
		sec.appendChild(
			table(
				[
					{ label: 'Bidrag', cls: 'name', render: (g) => [g.title, g.key.startsWith(LEDGER_PREFIX) ? h('span', { class: 'badge badge-info', title: 'Beslut, belopp och utbetalningar kommer från reskontran' }, ' från reskontran') : null, g.decision ? [h('br'), h('span', { class: 'muted' }, 'Beslut ' + g.decision)] : null, g.status ? [h('br'), h('small', { class: 'muted' }, g.status)] : null] },
					{ label: 'Belopp (kr)', num: true, render: (g) => (g.amount !== undefined ? fmtInt(g.amount) : '–') },
					{ label: 'Ert diarienummer', render: (g) => own(g, 'dnr', 'Ert diarienummer') },
					{ label: 'Beslutat av', render: (g) => own(g, 'decided_by', 'Beslutat av') },
					{ label: 'Beslutsdatum', render: (g) => own(g, 'decided_on', 'Beslutsdatum', 'date') },
				],
				y.grants,
				{ caption: 'Bidragen ' + year, captionHidden: true, empty: 'Inga bidrag.', rowAttrs: (g) => ({ 'data-grant': g.key, 'data-ledger': g.key.startsWith(LEDGER_PREFIX) ? 'true' : 'false' }) },
			),
		);
		if (canEdit && y.grants.length) {
			const btn = h('button', { type: 'button', class: 'btn btn-primary' }, 'Spara era uppgifter');
			const status = h('p', { role: 'status' });
			btn.addEventListener('click', async () => {
				for (const [g, name, i] of inputs) {
					const v = i.value.trim();
					if (v) g[name] = v;
					else delete g[name];
				}
				busy(btn, true, 'Sparar…');
				try {
					const r = await api('POST', '/api/register', JSON.stringify(doc));
					S.flash = 'Sparat: ' + (r.stored || []).map((s) => s.year + (s.unchanged ? ' oförändrad (version ' + s.version + ')' : ' version ' + s.version)).join(', ') + '.';
					route();
				} catch (e) {
					status.className = 'alert alert-error';
					status.textContent = 'Inget sparades: ' + (e.message || e);
					busy(btn, false);
				}
			});
			sec.append(h('div', { class: 'actions' }, btn), status);
			sec.appendChild(h('p', { class: 'muted' }, 'Fördelning och användning: ', h('a', { href: '/api/register/document' + q({ org, year }), download: '' }, 'ladda ned året som JSON'), ', fyll i och lämna in det på registrets första sida.'));
		}
		return sec;
	}

	/* Filing a register (bidrag-register/1) as a JSON file. */
	function registerUpload() {
		const file = h('input', { type: 'file', name: 'file', accept: '.json,application/json' });
		const btn = h('button', { type: 'submit', class: 'btn btn-secondary' }, 'Lämna in');
		const form = h('form', { class: 'card form inline-form register-upload', novalidate: true },
			field(S.me.role === 'mottagare' ? 'Lämna in er sammanställning (JSON)' : 'Lämna in en sammanställning (JSON)', file, 'En fil i formatet bidrag-register/1; varje år lagras som en ny version.'),
			h('div', { class: 'actions' }, btn),
		);
		const st = formStatus(form);
		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			const f = file.files && file.files[0];
			if (!f) {
				st.error(new ApiError(400, 'Välj en fil först.', 'file'), 'Inget lämnades in');
				return;
			}
			busy(btn, true, 'Lämnar in…');
			try {
				const r = await api('POST', '/api/register', await f.text());
				S.flash = 'Sammanställningen för ' + r.org + ' lämnades in: ' + (r.stored || []).map((y) => y.year + (y.unchanged ? ' oförändrad (version ' + y.version + ')' : ' version ' + y.version)).join(', ') + '.';
				route();
			} catch (e) {
				st.error(e, 'Inget lämnades in');
				busy(btn, false);
			}
		});
		return form;
	}

	async function pageRegisterYear(root, org, year) {
		const head = pageHeader(root, 'Statsbidrag ' + year + ' – ' + org);
		root.insertBefore(h('p', { class: 'eyebrow' }, h('a', { href: '#/register' }, 'Mottagarregistret'), ' / ', org, ' / ', year), root.querySelector('.page-head'));
		const d = await api('GET', '/api/register');
		const r = (d.registers || []).find((x) => x.org === org && String(x.year) === String(year));
		if (r) {
			head.textContent = 'Statsbidrag ' + year + ' – ' + r.org_name;
			document.title = head.textContent + ' – bidrag';
			root.appendChild(
				h('dl', { class: 'facts' },
					h('div', null, h('dt', null, 'Bidrag'), h('dd', null, String(r.grants))),
					h('div', null, h('dt', null, 'Belopp'), h('dd', null, fmtKr(r.amount))),
					h('div', null, h('dt', null, 'Version'), h('dd', null, String(r.version))),
					h('div', null, h('dt', null, 'Registrerad'), h('dd', null, fmtTimestamp(r.recorded_at) + ' av ' + r.recorded_by)),
				),
			);
		}
		root.appendChild(h('p', { class: 'downloads' }, 'Sammanställningen: ', reportLinks(org, year)));
		if (r) root.appendChild(await grantsEditor(org, year));
		root.appendChild(h('h2', null, 'Jämförelse med föregående år'));
		const src = '/api/register/chart' + q({ org, year, format: 'svg' });
		const img = h('img', { src, class: 'register-chart', alt: 'Diagram: statsbidrag ' + year + ' jämfört med föregående år' + (r ? ' för ' + r.org_name : '') + ', per område i miljoner kronor.' });
		const fig = h('figure', { class: 'chart-figure image' }, img, h('figcaption', null, h('a', { href: src, download: '' }, 'Diagrammet som SVG'), ' · ', h('a', { href: '/api/register/chart' + q({ org, year, format: 'png' }), download: '' }, 'PNG')));
		img.addEventListener('error', () => fig.replaceWith(h('p', { class: 'alert alert-error', role: 'alert' }, 'Diagrammet kunde inte hämtas.')));
		root.appendChild(fig);
		await new Promise((resolve) => {
			if (img.complete) resolve();
			img.addEventListener('load', resolve);
			img.addEventListener('error', resolve);
		});
	}

	Object.assign(window.bidragUI.pages, { pageRegister });
})();
