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
		if (S.me.role === 'handlaggare' || S.me.role === 'mottagare') root.insertBefore(registerUpload(), box);
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
