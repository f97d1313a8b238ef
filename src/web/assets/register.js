/* register.js: Mottagarregistret, the recipients' own registers of grants
 * received, with reports and a comparison between years.  Loaded after
 * app.js, whose helpers it takes from window.bidragUI. */
'use strict';

(function () {
	const { S, api, busy, clear, errorText, field, fmtInt, fmtKr, fmtTimestamp, formStatus, h, href, loadingBox, pageHeader, q, route, table, uid } = window.bidragUI;

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
	const isLedger = (g) => g.key.startsWith(LEDGER_PREFIX);

	/* Amounts stay as the text the server gave or the person typed: the
	 * server reads "1 500 000", "250 tkr" and whole-krona integers exactly
	 * and refuses anything else, so no figure is computed here. */
	const amountText = (v) => {
		if (v === undefined || v === null) return '';
		const t = String(v);
		return /^\d+$/.test(t) ? t.replace(/\B(?=(\d{3})+(?!\d))/g, ' ') : t;
	};

	/* slug: a key made from a title, as regfile_slug makes one: "Nära
	 * vård/primärvård" -> "nara-vard-primarvard". */
	function slug(title) {
		const s = String(title || '')
			.normalize('NFD')
			.replace(/[\u0300-\u036f]/g, '')
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-+|-+$/g, '')
			.slice(0, 60)
			.replace(/-+$/, '');
		return s || 'rad';
	}
	function uniqueKey(base, taken) {
		let k = base;
		for (let n = 2; taken.has(k); n++) k = base + '-' + n;
		taken.add(k);
		return k;
	}

	/* bind: an input that writes its value into obj[name] as it is typed;
	 * an empty field removes the name. */
	function bind(input, obj, name, conv) {
		input.addEventListener('input', () => {
			const v = input.value.trim();
			if (v === '') delete obj[name];
			else obj[name] = conv ? conv(v) : v;
		});
		return input;
	}

	function textInput(obj, name, label, path, opts) {
		opts = opts || {};
		const i = h('input', { type: opts.type || 'text', name, size: opts.size || 14, value: opts.value !== undefined ? opts.value : obj[name] === undefined || obj[name] === null ? '' : String(obj[name]), 'aria-label': label, 'data-path': path, inputmode: opts.inputmode || null, list: opts.list || null, placeholder: opts.placeholder || null });
		return bind(i, obj, name, opts.conv);
	}

	const amountInput = (obj, name, label, path) => textInput(obj, name, label, path, { size: 12, inputmode: 'numeric', placeholder: 'kr', value: amountText(obj[name]) });

	/* The rows of a year's summary that count a grant (or its lines) lose
	 * it when the grant goes; a row left counting nothing goes too. */
	function dropFromSummary(y, key) {
		if (!Array.isArray(y.summary)) return;
		const counts = (m) => m === key || m.startsWith(key + '/');
		const prune = (rows) =>
			rows.filter((row) => {
				if (row.rows) row.rows = prune(row.rows);
				if (!Array.isArray(row.members) || !row.members.some(counts)) return true;
				row.members = row.members.filter((m) => !counts(m));
				return row.members.length > 0 || (row.rows && row.rows.length > 0);
			});
		y.summary = prune(y.summary);
	}

	/* prepare: what the server is sent: keys for the lines made here,
	 * no empty lists. */
	function prepare(y) {
		const lines = (list) => {
			const taken = new Set(list.map((l) => l.key).filter(Boolean));
			for (const l of list) {
				if (!l.key) l.key = uniqueKey(slug(l.title), taken);
				if (Array.isArray(l.lines) && l.lines.length) lines(l.lines);
				else delete l.lines;
			}
		};
		for (const g of y.grants) {
			if (Array.isArray(g.lines) && g.lines.length) lines(g.lines);
			else delete g.lines;
			if (Array.isArray(g.usage) && !g.usage.length) delete g.usage;
			for (const u of g.usage || []) {
				u.purposes = u.purposes || [];
				if (Array.isArray(u.entries) && !u.entries.length) delete u.entries;
			}
		}
	}

	/* markError: the server's message beside the field its path names
	 * ("years[0].grants[1].lines[0].amount"), or beside the nearest thing
	 * the path leads to (the row, the usage account, the grant). */
	function markError(box, path, msg) {
		let p = path;
		while (p) {
			const el = box.querySelector('[data-path="' + CSS.escape(p) + '"]');
			if (el) {
				const input = el.matches('input, select, textarea') ? el : el.querySelector('input, select, textarea');
				const at = input || el;
				at.setAttribute('aria-invalid', 'true');
				if (!at.id) at.id = uid('f');
				// Beside the field its path need not be repeated.
				const err = h('p', { class: 'field-error', id: at.id + '-err', 'data-error-for': path }, msg.replace(/^the register: [^ ]+: /, ''));
				at.setAttribute('aria-describedby', [at.getAttribute('aria-describedby'), err.id].filter(Boolean).join(' '));
				// In a table the message takes a row of its own under the
				// field's row, so that the columns keep their widths.
				const tr = at.closest('tr');
				if (tr) tr.insertAdjacentElement('afterend', h('tr', { class: 'error-row' }, h('td', { colspan: String(tr.children.length) }, err)));
				else at.insertAdjacentElement('afterend', err);
				if (input) input.focus();
				return true;
			}
			const cut = p.search(/(\.[a-z_]+|\[\d+\])$/);
			p = cut > 0 ? p.slice(0, cut) : '';
		}
		return false;
	}

	/* The breakdown (fördelning) of a grant: rows and their sub-rows as in
	 * seed 002's tables; a row with sub-rows is their sum. */
	function linesEditor(g, gpath, redraw, focus) {
		const rows = [];
		const walk = (list, path, depth) => {
			list.forEach((l, i) => {
				const p = path + '.lines[' + i + ']';
				const parent = Array.isArray(l.lines) && l.lines.length > 0;
				const name = (depth ? 'Delrad ' : 'Rad ') + (i + 1) + (l.title ? ' (' + l.title + ')' : '');
				const addSub = h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'aria-label': 'Lägg till delrad under ' + name }, '+ delrad');
				addSub.addEventListener('click', () => {
					if (!Array.isArray(l.lines)) l.lines = [];
					const sub = { key: '', title: '' };
					// The row's own amount moves to its first sub-row: a row with sub-rows is their sum.
					if (!l.lines.length && l.amount !== undefined) {
						sub.amount = l.amount;
						delete l.amount;
					}
					l.lines.push(sub);
					redraw(p + '.lines[' + (l.lines.length - 1) + '].title');
				});
				const del = h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'aria-label': 'Ta bort ' + name }, 'Ta bort');
				del.addEventListener('click', () => {
					list.splice(i, 1);
					redraw();
				});
				rows.push(
					h('tr', { 'data-path': p, 'data-depth': String(depth), class: 'line-depth-' + Math.min(depth, 3) },
						h('td', null, textInput(l, 'title', name + ': rubrik', p + '.title', { size: 34 - 4 * Math.min(depth, 3) })),
						h('td', { class: 'num' }, parent ? h('span', { class: 'muted' }, 'summan av delraderna') : amountInput(l, 'amount', name + ': belopp', p + '.amount')),
						h('td', { class: 'num' }, amountInput(l, 'national', name + ': landet', p + '.national')),
						h('td', { class: 'nowrap' }, depth < 7 ? addSub : null, ' ', del),
					),
				);
				if (parent) walk(l.lines, p, depth + 1);
			});
		};
		walk(g.lines || [], gpath, 0);
		const add = h('button', { type: 'button', class: 'btn btn-secondary btn-small' }, 'Lägg till rad');
		add.addEventListener('click', () => {
			if (!Array.isArray(g.lines)) g.lines = [];
			g.lines.push({ key: '', title: '' });
			redraw(gpath + '.lines[' + (g.lines.length - 1) + '].title');
		});
		return h('div', { class: 'register-lines', 'data-path': gpath + '.lines' },
			h('h4', null, 'Fördelning'),
			rows.length
				? h('div', { class: 'table-wrap' },
					h('table', { class: 'data compact' },
						h('caption', { class: 'visually-hidden' }, 'Fördelning: ' + g.title),
						h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Område / delområde'), h('th', { scope: 'col', class: 'num' }, 'Belopp (kr)'), h('th', { scope: 'col', class: 'num' }, 'Landet (kr)'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Åtgärder')))),
						h('tbody', null, rows),
					))
				: h('p', { class: 'muted' }, 'Ingen fördelning ännu.'),
			h('div', { class: 'actions' }, add),
		);
	}

	/* A usage account (användning): what was available of a year's money,
	 * the purposes with their cost groups, and what was spent on each. */
	function usageEditor(g, u, k, gpath, redraw) {
		const p = gpath + '.usage[' + k + ']';
		u.purposes = u.purposes || [];
		u.entries = u.entries || [];
		const pl = uid('purposes'), gl = uid('groups');
		const purposeList = h('datalist', { id: pl });
		const groupList = h('datalist', { id: gl });
		const refreshLists = () => {
			clear(purposeList);
			clear(groupList);
			const groups = new Set();
			for (const pu of u.purposes) {
				if (pu.name) purposeList.appendChild(h('option', { value: pu.name }));
				for (const c of pu.cost_groups || []) groups.add(c);
			}
			for (const c of groups) groupList.appendChild(h('option', { value: c }));
		};
		refreshLists();
		const label = 'Användning ' + (u.year || '');
		const purposeRows = u.purposes.map((pu, i) => {
			const pp = p + '.purposes[' + i + ']';
			const name = textInput(pu, 'name', label + ', ändamål ' + (i + 1) + ': namn', pp + '.name', { size: 28 });
			const groups = textInput(pu, 'cost_groups', label + ', ändamål ' + (i + 1) + ': kostnadsgrupper', pp + '.cost_groups', {
				size: 34,
				value: (pu.cost_groups || []).join(', '),
				placeholder: 'lokalhyra, arvoden, …',
				conv: (v) => v.split(',').map((x) => x.trim()).filter(Boolean),
			});
			name.addEventListener('change', refreshLists);
			groups.addEventListener('change', refreshLists);
			const del = h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'aria-label': 'Ta bort ändamål ' + (i + 1) }, 'Ta bort');
			del.addEventListener('click', () => {
				u.purposes.splice(i, 1);
				redraw();
			});
			return h('tr', { 'data-path': pp }, h('td', null, name), h('td', null, groups), h('td', null, del));
		});
		const entryRows = u.entries.map((e, i) => {
			const ep = p + '.entries[' + i + ']';
			const n = label + ', post ' + (i + 1);
			const del = h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'aria-label': 'Ta bort post ' + (i + 1) }, 'Ta bort');
			del.addEventListener('click', () => {
				u.entries.splice(i, 1);
				redraw();
			});
			return h('tr', { 'data-path': ep },
				h('td', null, textInput(e, 'purpose', n + ': ändamål', ep + '.purpose', { size: 22, list: pl })),
				h('td', null, textInput(e, 'cost_group', n + ': kostnadsgrupp', ep + '.cost_group', { size: 16, list: gl })),
				h('td', { class: 'num' }, amountInput(e, 'amount', n + ': belopp', ep + '.amount')),
				h('td', null, textInput(e, 'comment', n + ': kommentar', ep + '.comment', { size: 18 })),
				h('td', null, del),
			);
		});
		const addPurpose = h('button', { type: 'button', class: 'btn btn-secondary btn-small' }, 'Lägg till ändamål');
		addPurpose.addEventListener('click', () => {
			u.purposes.push({ name: '', cost_groups: [] });
			redraw(p + '.purposes[' + (u.purposes.length - 1) + '].name');
		});
		const addEntry = h('button', { type: 'button', class: 'btn btn-secondary btn-small' }, 'Lägg till post');
		addEntry.addEventListener('click', () => {
			u.entries.push({ purpose: u.purposes.length === 1 ? u.purposes[0].name || '' : '', cost_group: '' });
			redraw(p + '.entries[' + (u.entries.length - 1) + '].' + (u.purposes.length === 1 ? 'cost_group' : 'purpose'));
		});
		const drop = h('button', { type: 'button', class: 'btn btn-secondary btn-small' }, 'Ta bort användningen');
		drop.addEventListener('click', () => {
			g.usage.splice(k, 1);
			redraw();
		});
		const small = (lbl, input) => h('div', { class: 'field' }, h('label', { for: (input.id = uid('f')) }, lbl), input);
		return h('fieldset', { class: 'usage-account', 'data-path': p },
			h('legend', null, 'Användning av ' + (u.year || '…') + ' års medel'),
			purposeList,
			groupList,
			h('div', { class: 'inline-form' },
				small('År', textInput(u, 'year', 'År', p + '.year', { size: 6, inputmode: 'numeric', conv: (v) => (/^\d{4}$/.test(v) ? Number(v) : v) })),
				small('Tillgängligt (kr)', amountInput(u, 'available', 'Tillgängligt', p + '.available')),
				small('Rubrik', textInput(u, 'title', 'Rubrik', p + '.title', { size: 26 })),
				small('Anteckning', textInput(u, 'note', 'Anteckning', p + '.note', { size: 26 })),
			),
			h('h5', null, 'Ändamål'),
			purposeRows.length
				? h('div', { class: 'table-wrap' }, h('table', { class: 'data compact' }, h('caption', { class: 'visually-hidden' }, label + ': ändamål'), h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Ändamål'), h('th', { scope: 'col' }, 'Kostnadsgrupper (kommaseparerade)'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Åtgärder')))), h('tbody', null, purposeRows)))
				: h('p', { class: 'muted' }, 'Inga ändamål ännu: en post hör till ett av ändamålen.'),
			h('div', { class: 'actions' }, addPurpose),
			h('h5', null, 'Poster'),
			entryRows.length
				? h('div', { class: 'table-wrap' }, h('table', { class: 'data compact' }, h('caption', { class: 'visually-hidden' }, label + ': poster'), h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Ändamål'), h('th', { scope: 'col' }, 'Kostnadsgrupp'), h('th', { scope: 'col', class: 'num' }, 'Belopp (kr)'), h('th', { scope: 'col' }, 'Kommentar'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Åtgärder')))), h('tbody', null, entryRows)))
				: h('p', { class: 'muted' }, 'Inga poster ännu.'),
			h('div', { class: 'actions' }, addEntry, ' ', drop),
		);
	}

	/* One grant's own fields beyond the table: for a grant of the
	 * recipient's own its heading, grantor and amount too. */
	function grantDetail(y, g, j, redraw) {
		const gpath = 'years[0].grants[' + j + ']';
		const sec = h('section', { class: 'card grant-detail', 'data-grant': g.key, 'data-ledger': isLedger(g) ? 'true' : 'false', 'data-path': gpath, 'aria-label': 'Fördelning och användning: ' + g.title },
			h('h3', null, g.title || 'Nytt bidrag', ' ', isLedger(g) ? h('span', { class: 'badge badge-info' }, 'från reskontran') : h('span', { class: 'badge' }, 'eget')),
		);
		if (!isLedger(g)) {
			const del = h('button', { type: 'button', class: 'btn btn-secondary btn-small' }, 'Ta bort bidraget');
			del.addEventListener('click', () => {
				y.grants.splice(j, 1);
				dropFromSummary(y, g.key);
				redraw();
			});
			const small = (lbl, input) => h('div', { class: 'field' }, h('label', { for: (input.id = uid('f')) }, lbl), input);
			sec.appendChild(
				h('div', { class: 'inline-form' },
					small('Rubrik', textInput(g, 'title', 'Rubrik', gpath + '.title', { size: 32 })),
					small('Bidragsgivare', textInput(g, 'grantor', 'Bidragsgivare', gpath + '.grantor', { size: 20 })),
					small('Bidragsgivarens diarienummer', textInput(g, 'grantor_dnr', 'Bidragsgivarens diarienummer', gpath + '.grantor_dnr', { size: 14 })),
					small('Belopp (kr)', amountInput(g, 'amount', 'Belopp', gpath + '.amount')),
					h('div', { class: 'actions' }, del),
				),
			);
		}
		sec.appendChild(linesEditor(g, gpath, redraw));
		sec.appendChild(h('h4', null, 'Användning'));
		(g.usage || []).forEach((u, k) => sec.appendChild(usageEditor(g, u, k, gpath, redraw)));
		if (!(g.usage || []).length) sec.appendChild(h('p', { class: 'muted' }, 'Ingen redovisad användning ännu.'));
		const addUsage = h('button', { type: 'button', class: 'btn btn-secondary btn-small' }, 'Lägg till användning');
		addUsage.addEventListener('click', () => {
			if (!Array.isArray(g.usage)) g.usage = [];
			const taken = new Set(g.usage.map((u) => Number(u.year)));
			let yr = Number(y.year);
			while (taken.has(yr)) yr--;
			const u = { year: yr, purposes: [], entries: [] };
			if (g.amount !== undefined && g.usage.length === 0) u.available = g.amount;
			g.usage.push(u);
			redraw(gpath + '.usage[' + (g.usage.length - 1) + '].available');
		});
		sec.appendChild(h('div', { class: 'actions' }, addUsage));
		return sec;
	}

	/* A grant of the recipient's own, not from the ledger: placed in a
	 * section when the year has sections, and given a summary row of its
	 * own when the year has a summary of its own (as prefill places the
	 * ledger's). */
	function ownGrantForm(y, redraw) {
		const title = h('input', { type: 'text', name: 'title', size: 32, required: true });
		const grantor = h('input', { type: 'text', name: 'grantor', size: 20 });
		const amount = h('input', { type: 'text', name: 'amount', size: 12, inputmode: 'numeric', placeholder: 'kr' });
		const sections = Array.isArray(y.sections) ? y.sections : [];
		const section = sections.length ? h('select', { name: 'section' }, sections.map((s) => h('option', { value: s.key }, s.title))) : null;
		const btn = h('button', { type: 'submit', class: 'btn btn-secondary' }, 'Lägg till bidraget');
		const form = h('form', { class: 'card form inline-form register-own-grant', novalidate: true, 'aria-labelledby': 'rog-h' },
			h('h3', { id: 'rog-h' }, 'Lägg till ett eget bidrag'),
			field('Rubrik', title),
			field('Bidragsgivare', grantor),
			field('Belopp (kr)', amount),
			section ? field('Avsnitt', section) : null,
			h('div', { class: 'actions' }, btn),
		);
		const st = formStatus(form);
		form.addEventListener('submit', (ev) => {
			ev.preventDefault();
			const t = title.value.trim();
			if (!t) {
				st.error(Object.assign(new Error('Ge bidraget en rubrik.'), { field: 'title' }), 'Inget lades till');
				title.setAttribute('aria-invalid', 'true');
				title.focus();
				return;
			}
			let base = slug(t);
			if (base.startsWith(LEDGER_PREFIX)) base = 'eget-' + base;
			const key = uniqueKey(base, new Set(y.grants.map((g) => g.key)));
			const g = { key, title: t };
			if (grantor.value.trim()) g.grantor = grantor.value.trim();
			if (amount.value.trim()) g.amount = amount.value.trim();
			if (section) g.section = section.value;
			y.grants.push(g);
			if (Array.isArray(y.summary)) {
				const taken = new Set();
				for (const r of y.summary) {
					taken.add(r.key);
					for (const v of r.rows || []) taken.add(v.key);
				}
				y.summary.push({ key: uniqueKey(key, taken), label: t, members: [key] });
			}
			redraw('years[0].grants[' + (y.grants.length - 1) + '].amount');
		});
		return form;
	}

	/* The year's grants: those from the ledger marked, the recipient's own
	 * fields (diary number, decider and date, breakdown, usage, grants of
	 * its own) editable and filed together as a new version. */
	async function grantsEditor(org, year) {
		const sec = h('section', { class: 'card register-grants', 'aria-labelledby': 'rg-h' });
		let doc;
		try {
			doc = await api('GET', '/api/register/document' + q({ org, year }));
		} catch (e) {
			sec.append(h('h2', { id: 'rg-h' }, 'Bidragen'), h('p', { class: 'alert alert-error', role: 'alert' }, 'Bidragen kunde inte hämtas: ' + (e.message || e)));
			return sec;
		}
		const y = doc.years[0];
		const canEdit = S.me.role === 'handlaggare' || S.me.role === 'mottagare';
		const status = h('div', { class: 'register-save-status', 'aria-live': 'polite' });
		const draw = (focusPath) => {
			clear(sec);
			sec.appendChild(h('h2', { id: 'rg-h' }, 'Bidragen'));
			const own = (g, j, name, label, type) => {
				if (!canEdit) return g[name] || '–';
				return textInput(g, name, label + ': ' + g.title, 'years[0].grants[' + j + '].' + name, { type, size: 12 });
			};
			const idx = new Map(y.grants.map((g, j) => [g, j]));
			sec.appendChild(
				table(
					[
						{ label: 'Bidrag', cls: 'name', render: (g) => [g.title, isLedger(g) ? h('span', { class: 'badge badge-info', title: 'Beslut, belopp och utbetalningar kommer från reskontran' }, ' från reskontran') : null, g.decision ? [h('br'), h('span', { class: 'muted' }, 'Beslut ' + g.decision)] : null, g.status ? [h('br'), h('small', { class: 'muted' }, g.status)] : null] },
						{ label: 'Belopp (kr)', num: true, render: (g) => (g.amount === undefined ? '–' : /^\d+$/.test(String(g.amount)) ? fmtInt(g.amount) : String(g.amount)) },
						{ label: 'Ert diarienummer', render: (g) => own(g, idx.get(g), 'dnr', 'Ert diarienummer') },
						{ label: 'Beslutat av', render: (g) => own(g, idx.get(g), 'decided_by', 'Beslutat av') },
						{ label: 'Beslutsdatum', render: (g) => own(g, idx.get(g), 'decided_on', 'Beslutsdatum', 'date') },
					],
					y.grants,
					{ caption: 'Bidragen ' + year, captionHidden: true, empty: 'Inga bidrag.', rowAttrs: (g) => ({ 'data-grant': g.key, 'data-ledger': isLedger(g) ? 'true' : 'false' }) },
				),
			);
			if (!canEdit) return;
			sec.appendChild(h('p', { class: 'hint' }, 'Beslut, belopp och utbetalningar för bidrag från reskontran fylls i av bidrag. Er fördelning och användning fyller ni i nedan; belopp i hela kronor (t.ex. 1 500 000 eller 250 tkr). Inget sparas förrän ni trycker på Spara era uppgifter; då lagras året som en ny version och summorna räknas av bidrag.'));
			y.grants.forEach((g, j) => sec.appendChild(grantDetail(y, g, j, draw)));
			sec.appendChild(ownGrantForm(y, draw));
			const btn = h('button', { type: 'button', class: 'btn btn-primary' }, 'Spara era uppgifter');
			btn.addEventListener('click', async () => {
				for (const el of sec.querySelectorAll('.error-row, .field-error')) el.remove();
				for (const el of sec.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
				clear(status);
				prepare(y);
				busy(btn, true, 'Sparar…');
				try {
					const r = await api('POST', '/api/register', JSON.stringify(doc, (k, v) => (typeof v === 'bigint' ? v.toString() : v)));
					S.flash = 'Sparat: ' + (r.stored || []).map((s) => s.year + (s.unchanged ? ' oförändrad (version ' + s.version + ')' : ' version ' + s.version)).join(', ') + '.';
					route();
				} catch (e) {
					busy(btn, false);
					status.appendChild(h('div', { class: 'alert alert-error', role: 'alert' }, h('strong', null, 'Inget sparades. '), errorText(e)));
					if (!(e.field && markError(sec, e.field, errorText(e)))) btn.focus();
				}
			});
			sec.append(status, h('div', { class: 'actions' }, btn));
			sec.appendChild(h('p', { class: 'muted' }, 'Året som fil: ', h('a', { href: '/api/register/document' + q({ org, year }), download: '' }, 'ladda ned som JSON'), ' (formatet bidrag-register/1).'));
			if (focusPath) {
				const el = sec.querySelector('[data-path="' + CSS.escape(focusPath) + '"]');
				if (el) el.focus();
			}
		};
		draw();
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
				st.error(Object.assign(new Error('Välj en fil först.'), { field: 'file' }), 'Inget lämnades in');
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
