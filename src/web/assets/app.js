/* bidrag: the browser UI.  Plain JavaScript, no libraries; everything is
 * built with DOM APIs (no innerHTML), so data from the server is never parsed
 * as markup.  Hash routing (#/beslut, #/beslut/DNR, ...).  Money is handled
 * as BigInt: whole kronor for decisions and allocations, öre for the ledger
 * (responses with "amounts": "öre"). */
'use strict';

(function () {
	const NBSP = '\u00a0';
	const SVGNS = 'http://www.w3.org/2000/svg';
	const ROLE_NAMES = {
		handlaggare: 'Handläggare',
		attestant: 'Attestant',
		revisor: 'Revisor',
		mottagare: 'Mottagare',
		admin: 'Administratör',
	};
	const STAFF = ['handlaggare', 'attestant', 'revisor', 'admin'];
	const ALL = STAFF.concat(['mottagare']);

	const S = {
		me: null, // {name, role, org, csrf}
		gen: 0, // bumped on every navigation
		flash: null, // a message for the next page
	};

	/* ---------- DOM helpers ---------- */

	const PROPS = new Set(['value', 'checked', 'disabled', 'selected', 'hidden', 'multiple', 'required', 'readOnly']);

	function append(el, kids) {
		for (const k of kids) {
			if (k === null || k === undefined || k === false || k === true) continue;
			if (Array.isArray(k)) append(el, k);
			else if (k instanceof Node) el.appendChild(k);
			else el.appendChild(document.createTextNode(String(k)));
		}
		return el;
	}

	function setAttrs(el, attrs) {
		if (!attrs) return el;
		for (const [k, v] of Object.entries(attrs)) {
			if (v === null || v === undefined || v === false) continue;
			if (k === 'class') el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
			else if (k === 'text') el.textContent = v;
			else if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
			else if (PROPS.has(k)) el[k] = v;
			else el.setAttribute(k, v === true ? '' : String(v));
		}
		return el;
	}

	function h(tag, attrs, ...kids) {
		return append(setAttrs(document.createElement(tag), attrs), kids);
	}

	function svg(tag, attrs, ...kids) {
		return append(setAttrs(document.createElementNS(SVGNS, tag), attrs), kids);
	}

	function clear(el) {
		while (el.firstChild) el.removeChild(el.firstChild);
		return el;
	}

	let idSeq = 0;
	function uid(prefix) {
		idSeq += 1;
		return (prefix || 'f') + '-' + idSeq;
	}

	/* ---------- Numbers and money (integers only, as BigInt) ---------- */

	function toBig(v) {
		if (typeof v === 'bigint') return v;
		if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
		if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return BigInt(v.trim());
		return null;
	}

	function group(digits) {
		return digits.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
	}

	/* fmtInt: 49472318 -> "49 472 318" (no-break spaces). */
	function fmtInt(v) {
		const b = toBig(v);
		if (b === null) return v === null || v === undefined ? '–' : String(v);
		const neg = b < 0n;
		return (neg ? '−' : '') + group((neg ? -b : b).toString());
	}

	/* fmtKr: whole kronor: "49 472 318 kr". */
	function fmtKr(v) {
		const s = fmtInt(v);
		return s === '–' ? s : s + NBSP + 'kr';
	}

	/* fmtOreNum: öre without the unit: 123450 -> "1 234,50". */
	function fmtOreNum(v) {
		const b = toBig(v);
		if (b === null) return v === null || v === undefined ? '–' : String(v);
		const neg = b < 0n;
		const a = neg ? -b : b;
		return (neg ? '−' : '') + group((a / 100n).toString()) + ',' + (a % 100n).toString().padStart(2, '0');
	}

	function fmtOre(v) {
		const s = fmtOreNum(v);
		return s === '–' ? s : s + NBSP + 'kr';
	}

	/* oreInput: öre as an amount a person would type: "15 000 000" or "1 234,50". */
	function oreInput(v) {
		const b = toBig(v);
		if (b === null) return '';
		const neg = b < 0n;
		const a = neg ? -b : b;
		const kr = (a / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
		const ore = a % 100n;
		return (neg ? '-' : '') + kr + (ore ? ',' + ore.toString().padStart(2, '0') : '');
	}

	/* A money value of a response: öre when the response says so, else kronor.
	 * A decimal string ("980000001.00") is taken as kronor with öre. */
	function fmtMoney(v, unit) {
		if (typeof v === 'string' && /^-?\d+\.\d{1,2}$/.test(v)) {
			const [i, f] = v.split('.');
			return fmtOre(BigInt(i + f.padEnd(2, '0')));
		}
		return unit === 'öre' ? fmtOre(v) : fmtKr(v);
	}

	/* A decimal written by a machine ("0.2301038047", "6.0%") for people. */
	function fmtDecimalText(s) {
		return String(s).replace(/^(-?\d+)\.(\d+)/, '$1,$2');
	}

	function sum(list, f) {
		let t = 0n;
		for (const x of list) {
			const b = toBig(f(x));
			if (b !== null) t += b;
		}
		return t;
	}

	function pad2(n) {
		return String(n).padStart(2, '0');
	}

	function today() {
		const d = new Date();
		return d.getFullYear() + '-' + pad2(d.getMonth() + 1) + '-' + pad2(d.getDate());
	}

	function fmtTimestamp(s) {
		// "2026-11-24T13:07:02Z" -> local "2026-11-24 14:07"
		if (!s) return '';
		const d = new Date(s);
		if (isNaN(d.getTime())) return s;
		return d.getFullYear() + '-' + pad2(d.getMonth() + 1) + '-' + pad2(d.getDate()) + ' ' + pad2(d.getHours()) + ':' + pad2(d.getMinutes());
	}

	/* A random UUID (version 4), for event ids: a retry sends the same id. */
	function uuid() {
		if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
		const b = new Uint8Array(16);
		window.crypto.getRandomValues(b);
		b[6] = (b[6] & 0x0f) | 0x40;
		b[8] = (b[8] & 0x3f) | 0x80;
		const x = Array.from(b, (v) => v.toString(16).padStart(2, '0')).join('');
		return x.slice(0, 8) + '-' + x.slice(8, 12) + '-' + x.slice(12, 16) + '-' + x.slice(16, 20) + '-' + x.slice(20);
	}

	/* Names compared as the server does for four eyes: case and spacing aside. */
	function samePerson(a, b) {
		const n = (s) => String(s || '').trim().replace(/\s+/g, ' ').toLowerCase();
		return n(a) !== '' && n(a) === n(b);
	}

	/* ---------- The API ---------- */

	class ApiError extends Error {
		constructor(status, message, field, network) {
			super(message);
			this.status = status;
			this.field = field || null;
			this.network = !!network;
		}
	}

	/* JSON with integers beyond 2^53 kept exact as BigInt. */
	function parseJSON(text) {
		return JSON.parse(text, function (key, value, ctx) {
			if (typeof value === 'number' && !Number.isSafeInteger(value) && ctx && typeof ctx.source === 'string' && /^-?\d+$/.test(ctx.source))
				return BigInt(ctx.source);
			return value;
		});
	}

	async function api(method, path, body) {
		const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
		if (method !== 'GET') {
			init.headers['Content-Type'] = 'application/json';
			if (S.me && S.me.csrf) init.headers['X-CSRF-Token'] = S.me.csrf;
			init.body = typeof body === 'string' ? body : JSON.stringify(body === undefined ? {} : body);
		}
		let res;
		try {
			res = await fetch(path, init);
		} catch (e) {
			throw new ApiError(0, 'Ingen kontakt med servern. Kontrollera anslutningen och försök igen.', null, true);
		}
		const text = await res.text();
		let data = null;
		if (text) {
			try {
				data = parseJSON(text);
			} catch (e) {
				data = null;
			}
		}
		if (!res.ok) {
			if (res.status === 401 && path !== '/api/login' && S.me) sessionLost();
			const msg = data && typeof data.error === 'string' ? data.error : 'Servern svarade ' + res.status + ' ' + res.statusText;
			throw new ApiError(res.status, msg, data && data.field, res.status >= 500);
		}
		return data;
	}

	function q(params) {
		const u = new URLSearchParams();
		for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') u.set(k, v);
		const s = u.toString();
		return s ? '?' + s : '';
	}

	/* ---------- Routing ---------- */

	function href(...segs) {
		const last = segs[segs.length - 1];
		let query = '';
		if (last && typeof last === 'object') {
			segs = segs.slice(0, -1);
			query = q(last);
		}
		return '#/' + segs.map((s) => encodeURIComponent(s)).join('/') + query;
	}

	function parseHash() {
		let s = location.hash.replace(/^#\/?/, '');
		let query = new URLSearchParams();
		const i = s.indexOf('?');
		if (i >= 0) {
			query = new URLSearchParams(s.slice(i + 1));
			s = s.slice(0, i);
		}
		const segs = s.split('/').filter((x) => x !== '').map((x) => {
			try {
				return decodeURIComponent(x);
			} catch (e) {
				return x;
			}
		});
		return { segs, query };
	}

	const PAGES = [
		// A mottagare's start page is recipient.js's (its overview).
		{ key: 'start', label: 'Startsida', roles: STAFF, render: pageStart },
		{ key: 'beslut', label: 'Beslut', roles: ALL, render: pageDecisions },
		{ key: 'registrera-beslut', label: 'Registrera beslut', roles: ['handlaggare'], render: pageImport },
		{ key: 'fordelning', label: 'Fördelning', roles: STAFF, render: pageAllocate },
		{ key: 'nyckeldata', label: 'Nyckeldata', roles: STAFF, render: 'pageDatasets' },
		// A mottagare files a requisition on portal.js's page (handlingar), signed.
		{ key: 'handelse', label: 'Rekvisition/utbetalning', navLabel: null, roles: ['handlaggare'], render: pageEvent },
		{ key: 'attest', label: 'Attestkö', roles: STAFF, render: pageAttest },
		{ key: 'utbetalningsfiler', label: 'Utbetalningsfiler', roles: STAFF, render: pageBatches },
		{ key: 'bank', label: 'Bankfiler', roles: STAFF, render: pageBank },
		{ key: 'betalningsmottagare', label: 'Betalningsmottagare', roles: STAFF, render: pagePayees },
		{ key: 'mottagare', label: 'Mottagare', roles: ALL, render: pageRecipient },
		{ key: 'register', label: 'Mottagarregistret', roles: ALL, render: 'pageRegister' },
		{ key: 'granskning', label: 'Granskningslogg', roles: ['revisor', 'admin'], render: pageAudit },
		{ key: 'anvandare', label: 'Användare', roles: ['admin'], render: pageUsers },
	];

	function navLabel(p) {
		if (p.key === 'handelse') return S.me && S.me.role === 'mottagare' ? 'Skicka rekvisition' : 'Registrera utbetalning';
		if (p.key === 'mottagare' && S.me && S.me.role === 'mottagare') return 'Vår status';
		if (p.key === 'beslut' && S.me && S.me.role === 'mottagare') return 'Våra beslut';
		return p.label;
	}

	function allowed(p) {
		return S.me && p.roles.includes(S.me.role);
	}

	function renderNav(current) {
		const nav = document.getElementById('nav');
		clear(nav);
		if (!S.me) {
			nav.hidden = true;
			return;
		}
		nav.hidden = false;
		const ul = h('ul');
		for (const p of PAGES) {
			if (!allowed(p)) continue;
			const a = h('a', { href: '#/' + p.key }, navLabel(p));
			if (p.key === current) a.setAttribute('aria-current', 'page');
			ul.appendChild(h('li', null, a));
		}
		nav.appendChild(ul);
	}

	function renderSession() {
		const el = clear(document.getElementById('session'));
		if (!S.me) return;
		append(el, [
			h('span', { class: 'who' }, h('span', { class: 'who-name' }, S.me.name), h('span', { class: 'who-role' }, ROLE_NAMES[S.me.role] || S.me.role, S.me.org ? ' · org ' + S.me.org : '')),
			h('button', { type: 'button', class: 'btn btn-ghost', id: 'logout', on: { click: logout } }, 'Logga ut'),
		]);
	}

	async function route() {
		S.gen += 1;
		const gen = S.gen;
		const main = document.getElementById('main');
		const { segs, query } = parseHash();
		if (!S.me) {
			renderSession();
			renderNav(null);
			clear(main);
			renderLogin(main);
			return;
		}
		let key = segs[0] || 'start';
		if (key === 'inloggning') key = 'start';
		// A key may have a page per role (a module can add one for a role).
		const page = PAGES.find((p) => p.key === key && allowed(p)) || PAGES.find((p) => p.key === key);
		renderSession();
		renderNav(page ? page.key : null);
		const root = h('div', { class: 'page', 'data-page': key, 'data-hash': location.hash || '#/' });
		clear(main).appendChild(root);
		const focusHeading = S.navigated;
		S.navigated = true;
		if (S.flash) {
			root.appendChild(h('div', { class: 'alert alert-ok', role: 'status' }, S.flash));
			S.flash = null;
		}
		if (!page) {
			pageHeader(root, 'Sidan finns inte');
			root.appendChild(h('p', null, 'Adressen ', h('code', null, location.hash), ' leder ingenstans. ', h('a', { href: '#/start' }, 'Till startsidan')));
		} else if (!allowed(page)) {
			pageHeader(root, page.label);
			root.appendChild(h('p', { class: 'alert alert-error' }, 'Din roll (' + (ROLE_NAMES[S.me.role] || S.me.role) + ') har inte tillgång till den här sidan.'));
		} else {
			try {
				const render = typeof page.render === 'string' ? window.bidragUI.pages[page.render] : page.render;
				if (!render) throw new Error('sidan ' + page.key + ' saknas i gränssnittet (' + page.render + ')');
				await render(root, segs.slice(1), query, () => gen === S.gen);
			} catch (e) {
				if (gen !== S.gen) return;
				root.appendChild(errorBox(e, 'Sidan kunde inte visas'));
			}
		}
		if (gen !== S.gen) return;
		root.classList.add('ready');
		if (focusHeading) {
			const h1 = root.querySelector('h1');
			if (h1) h1.focus({ preventScroll: false });
		}
	}

	function pageHeader(root, title, sub) {
		document.title = title + ' – bidrag';
		const h1 = h('h1', { tabindex: '-1' }, title);
		root.appendChild(h('div', { class: 'page-head' }, h1, sub ? h('p', { class: 'lead' }, sub) : null));
		return h1;
	}

	/* ---------- Messages ---------- */

	function errorText(e) {
		if (e instanceof ApiError) return e.message;
		return String(e && e.message ? e.message : e);
	}

	function errorBox(e, lead) {
		return h('div', { class: 'alert alert-error', role: 'alert' }, lead ? h('strong', null, lead + ': ') : null, errorText(e));
	}

	function loadingBox(text) {
		return h('p', { class: 'loading' }, text || 'Hämtar…');
	}

	/* A form's message area: shows the server's error and marks its field. */
	function formStatus(form) {
		const box = h('div', { class: 'form-status', 'aria-live': 'polite' });
		form.insertBefore(box, form.firstChild);
		function reset() {
			clear(box);
			for (const el of form.querySelectorAll('[aria-invalid]')) {
				el.removeAttribute('aria-invalid');
				const d = document.getElementById(el.id + '-err');
				if (d) d.remove();
			}
		}
		return {
			reset,
			error(e, lead) {
				reset();
				box.appendChild(h('div', { class: 'alert alert-error', role: 'alert' }, h('strong', null, (lead || 'Det gick inte') + '. '), errorText(e)));
				const field = e instanceof ApiError ? e.field : null;
				if (field) {
					const el = form.querySelector('[name="' + CSS.escape(field) + '"]');
					if (el) {
						el.setAttribute('aria-invalid', 'true');
						const msg = h('p', { class: 'field-error', id: el.id + '-err' }, errorText(e));
						el.setAttribute('aria-describedby', [el.getAttribute('aria-describedby'), msg.id].filter(Boolean).join(' '));
						el.insertAdjacentElement('afterend', msg);
						el.focus();
					}
				}
			},
			ok(...kids) {
				reset();
				box.appendChild(h('div', { class: 'alert alert-ok', role: 'status' }, ...kids));
			},
			info(...kids) {
				reset();
				box.appendChild(h('div', { class: 'alert alert-info', role: 'status' }, ...kids));
			},
		};
	}

	/* A labelled form field. */
	function field(label, input, hint) {
		if (!input.id) input.id = uid('f');
		const hintEl = hint ? h('p', { class: 'hint', id: input.id + '-hint' }, hint) : null;
		if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
		return h('div', { class: 'field' }, h('label', { for: input.id }, label), hintEl, input);
	}

	function busy(button, on, text) {
		if (on) {
			button.dataset.label = button.textContent;
			button.disabled = true;
			if (text) button.textContent = text;
		} else {
			button.disabled = false;
			if (button.dataset.label) button.textContent = button.dataset.label;
		}
	}

	/* ---------- Tables ---------- */

	/* table(cols, rows, opts): cols [{label, num, cls, render(row)}]; opts
	 * {caption, foot: [cells], empty}. */
	function table(cols, rows, opts) {
		opts = opts || {};
		const t = h('table', { class: ['data', opts.cls] });
		if (opts.caption) t.appendChild(h('caption', { class: opts.captionHidden ? 'visually-hidden' : null }, opts.caption));
		t.appendChild(h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col', class: [c.num ? 'num' : null, c.cls] }, c.label)))));
		const tb = h('tbody');
		if (!rows.length && opts.empty) tb.appendChild(h('tr', null, h('td', { colspan: String(cols.length), class: 'empty' }, opts.empty)));
		for (const r of rows) {
			const tr = h('tr', opts.rowAttrs ? opts.rowAttrs(r) : null);
			cols.forEach((c, i) => {
				const v = c.render(r);
				const cell = h(i === 0 && opts.rowHeader ? 'th' : 'td', { class: [c.num ? 'num' : null, c.cls], scope: i === 0 && opts.rowHeader ? 'row' : null }, v);
				tr.appendChild(cell);
			});
			tb.appendChild(tr);
		}
		t.appendChild(tb);
		if (opts.foot) {
			t.appendChild(h('tfoot', null, h('tr', null, opts.foot.map((v, i) => h(i === 0 ? 'th' : 'td', { class: cols[i] && cols[i].num ? 'num' : null, scope: i === 0 ? 'row' : null }, v)))));
		}
		return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': opts.caption || opts.label || 'Tabell' }, t);
	}

	/* ---------- Charts (inline SVG, DOM APIs only) ---------- */

	function shorten(s, n) {
		return s.length > n ? s.slice(0, n - 1) + '…' : s;
	}

	/* barChart(rows, {title, desc, unit}): rows [{label, value (BigInt or int)}]. */
	function barChart(rows, opts) {
		const W = 760;
		const labelW = 250;
		const valueW = 150;
		const barX = labelW + 8;
		const barMax = W - barX - valueW - 8;
		const rowH = 24;
		const top = 8;
		const H = top + rows.length * rowH + 26;
		const tid = uid('chart-title');
		const did = uid('chart-desc');
		const el = svg('svg', {
			class: 'chart',
			viewBox: '0 0 ' + W + ' ' + H,
			width: String(W),
			height: String(H),
			role: 'img',
			'aria-labelledby': tid + ' ' + did,
			preserveAspectRatio: 'xMinYMin meet',
		});
		el.appendChild(svg('title', { id: tid }, opts.title));
		el.appendChild(svg('desc', { id: did }, opts.desc || rows.map((r) => r.label + ': ' + fmtInt(r.value)).join('; ')));
		let max = 0n;
		for (const r of rows) {
			const b = toBig(r.value) || 0n;
			if (b > max) max = b;
		}
		// Gridlines at a round step (geometry only: no money arithmetic here).
		const maxN = Number(max);
		let step = 1;
		if (maxN > 0) {
			const raw = maxN / 4;
			const mag = Math.pow(10, Math.floor(Math.log10(raw)));
			step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
		}
		const grid = svg('g', { class: 'grid' });
		const axisY = top + rows.length * rowH;
		for (let v = 0; maxN > 0 && v <= maxN * 1.0001; v += step) {
			const x = barX + (v / maxN) * barMax;
			grid.appendChild(svg('line', { x1: x.toFixed(1), x2: x.toFixed(1), y1: String(top - 4), y2: String(axisY), class: v === 0 ? 'axis' : 'gridline' }));
			grid.appendChild(svg('text', { x: x.toFixed(1), y: String(axisY + 16), 'text-anchor': 'middle', class: 'tick' }, tickLabel(v)));
		}
		el.appendChild(grid);
		rows.forEach((r, i) => {
			const y = top + i * rowH;
			const b = toBig(r.value) || 0n;
			const w = maxN > 0 ? Math.max(1, (Number(b) / maxN) * barMax) : 0;
			const g = svg('g', { class: 'bar-row' });
			const label = svg('text', { x: String(labelW), y: String(y + rowH / 2 + 4), 'text-anchor': 'end', class: 'label' }, shorten(r.label, 34));
			if (r.label.length > 34) label.appendChild(svg('title', null, r.label));
			g.appendChild(label);
			const rect = svg('rect', { x: String(barX), y: String(y + 4), width: w.toFixed(1), height: String(rowH - 8), rx: '2', class: 'bar' });
			rect.appendChild(svg('title', null, r.label + ': ' + fmtInt(r.value) + ' kr'));
			g.appendChild(rect);
			g.appendChild(svg('text', { x: String(W - 4), y: String(y + rowH / 2 + 4), 'text-anchor': 'end', class: 'value' }, fmtInt(r.value)));
			el.appendChild(g);
		});
		return h('figure', { class: 'chart-figure' }, el, opts.caption ? h('figcaption', null, opts.caption) : null);
	}

	function tickLabel(v) {
		if (v === 0) return '0';
		if (v >= 1e9) return trimDec(v / 1e9) + ' mdkr';
		if (v >= 1e6) return trimDec(v / 1e6) + ' mkr';
		if (v >= 1e3) return trimDec(v / 1e3) + ' tkr';
		return trimDec(v);
	}

	function trimDec(x) {
		return String(Math.round(x * 10) / 10).replace('.', ',');
	}

	/* ---------- Session ---------- */

	function sessionLost() {
		S.me = null;
		S.flash = null;
		S.loginMessage = 'Du är utloggad (sessionen har gått ut eller servern startades om). Logga in igen.';
		route();
	}

	async function logout() {
		try {
			await api('POST', '/api/logout', {});
		} catch (e) {
			/* logged out anyway */
		}
		S.me = null;
		S.loginMessage = 'Du är utloggad.';
		S.navigated = false;
		location.hash = '#/inloggning';
		route();
	}

	function renderLogin(main) {
		document.title = 'Logga in – bidrag';
		const name = h('input', { type: 'text', name: 'name', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
		const pw = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
		const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Logga in');
		const form = h('form', { class: 'card login-form', novalidate: true }, field('Användarnamn', name), field('Lösenord', pw), h('div', { class: 'actions' }, btn));
		const st = formStatus(form);
		if (S.loginMessage) {
			st.info(S.loginMessage);
			S.loginMessage = null;
		}
		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			if (!name.value.trim()) {
				st.error(new ApiError(400, 'Skriv ditt användarnamn.', 'name'), 'Inloggningen misslyckades');
				return;
			}
			busy(btn, true, 'Loggar in…');
			try {
				const me = await api('POST', '/api/login', { name: name.value.trim(), password: pw.value });
				S.me = me;
				pw.value = '';
				const { segs } = parseHash();
				if (!segs.length || segs[0] === 'inloggning') location.hash = '#/start';
				S.navigated = true;
				await route();
			} catch (e) {
				busy(btn, false);
				pw.value = '';
				st.error(e, 'Inloggningen misslyckades');
			}
		});
		main.appendChild(
			h('div', { class: 'page login-page ready', 'data-page': 'inloggning' },
				h('h1', { tabindex: '-1' }, 'Logga in'),
				h('p', { class: 'lead' }, 'Administration av riktade statsbidrag: beslut, fördelning, utbetalning, attest och uppföljning.'),
				form,
			),
		);
		name.focus();
	}

	/* ---------- Shared data ---------- */

	async function getDecisions() {
		const d = await api('GET', '/api/decisions');
		return d.decisions || [];
	}

	function decisionLink(dnr, text) {
		return h('a', { href: href('beslut', dnr) }, text || dnr);
	}

	function recipientLink(code, name) {
		return h('a', { href: href('mottagare', code) }, name || code);
	}

	const PART_MODES = { 'without-requisition': 'utan rekvisition', requisition: 'efter rekvisition' };

	function partTerms(p) {
		if (!p || !p.payment) return '';
		const pay = p.payment;
		const bits = [];
		if (pay.mode === 'requisition') {
			bits.push('Utbetalas efter rekvisition');
			if (pay.deadline) bits.push('rekvisition senast ' + pay.deadline);
		} else {
			bits.push('Utbetalas ' + (PART_MODES[pay.mode] || pay.mode || ''));
			if (pay.from || pay.to) bits.push('under perioden ' + (pay.from || '…') + ' – ' + (pay.to || '…'));
			if (pay.by) bits.push('senast ' + pay.by);
		}
		if (p.repayment_deadline) bits.push('återbetalning senast ' + p.repayment_deadline);
		if (p.report_deadline) bits.push('redovisning senast ' + p.report_deadline);
		return bits.join(', ');
	}

	/* The ledger's columns (öre), as GET /api/status gives them (the status
	 * view of `bidrag status`): Förfallet includes what is due to lapse, so
	 * Utbetalt + Förfallet + Återstår is Tilldelat in every row.  Where only
	 * some figures are shown, Förfallet is among them for the same reason. */
	const LEDGER_COLS = [
		['allocated', 'Tilldelat'],
		['requisitioned', 'Rekvirerat'],
		['in_process', 'Under behandling'],
		['paid', 'Utbetalt'],
		['lapsed', 'Förfallet'],
		['claimed', 'Återkrävt'],
		['repaid', 'Återbetalt'],
		['outstanding', 'Återstår'],
	];

	/* lateMark: an account whose financial report came after the part's
	 * report deadline (late, GET /api/status) is marked so. */
	function lateMark(a) {
		return a.late ? [' ', h('span', { class: 'badge badge-warn late-badge', title: 'Ekonomisk redovisning ' + a.report_date + ', efter tidsgränsen ' + a.report_deadline }, 'sen redovisning')] : null;
	}

	function ledgerCols() {
		return LEDGER_COLS.map(([k, label]) => ({ label, num: true, render: (a) => fmtOreNum(a[k]) }));
	}

	/* ledgerFoot(lead, accounts, extra): lead is the first cell or cells. */
	function ledgerFoot(lead, accounts, extra) {
		return [].concat(lead, LEDGER_COLS.map(([k]) => fmtOreNum(sum(accounts, (a) => a[k]))), extra || []);
	}

	/* ---------- Startsida ---------- */

	const DEADLINE_KINDS = {
		'window-opens': 'Utbetalningsperioden börjar',
		'window-closes': 'Utbetalningsperioden slutar',
		'pay-by': 'Sista utbetalningsdag',
		requisition: 'Sista dag för rekvisition',
		repayment: 'Sista dag för återbetalning',
		report: 'Sista dag för redovisning',
	};

	/* Whole days from ISO date a to b (b - a). */
	function dayDiff(a, b) {
		const pa = Date.UTC(+a.slice(0, 4), +a.slice(5, 7) - 1, +a.slice(8, 10));
		const pb = Date.UTC(+b.slice(0, 4), +b.slice(5, 7) - 1, +b.slice(8, 10));
		return Math.round((pb - pa) / 86400000);
	}

	function daysText(d, asOf) {
		let days = typeof d.days === 'number' ? d.days : null;
		if (days === null && asOf && /^\d{4}-\d{2}-\d{2}$/.test(d.date || '')) days = dayDiff(asOf, d.date);
		if (days === null) return d.overdue ? 'försenad' : d.state || '';
		const n = Math.abs(days);
		const unit = n === 1 ? ' dag' : ' dagar';
		if (d.overdue || days < 0) return 'försenad ' + n + unit;
		if (n === 0) return 'i dag';
		return 'om ' + n + unit;
	}

	async function pageStart(root) {
		const me = S.me;
		pageHeader(root, 'Startsida', 'Inloggad som ' + me.name + ' (' + (ROLE_NAMES[me.role] || me.role) + (me.org ? ', organisation ' + me.org : '') + ').');
		const grid = h('div', { class: 'cards' });
		root.appendChild(grid);

		// Deadlines.
		const dl = h('section', { class: 'card', 'aria-labelledby': 'dl-h' }, h('h2', { id: 'dl-h' }, 'Tidsfrister'));
		grid.appendChild(dl);
		const dlBody = loadingBox();
		dl.appendChild(dlBody);
		// Payments awaiting attestation.
		let pay = null;
		if (STAFF.includes(me.role)) {
			pay = h('section', { class: 'card', 'aria-labelledby': 'att-h' }, h('h2', { id: 'att-h' }, 'Väntar på attest'));
			grid.appendChild(pay);
		}
		// Changes of payees' accounts waiting for a second person (shown
		// when there are some): an attestant approves them.
		let changes = null;
		if (me.role === 'attestant' || me.role === 'handlaggare') {
			changes = h('section', { class: 'card', 'aria-labelledby': 'chg-h', hidden: true }, h('h2', { id: 'chg-h' }, 'Kontoändringar'));
			grid.appendChild(changes);
		}
		let own = null;
		if (me.role === 'mottagare') {
			own = h('section', { class: 'card', 'aria-labelledby': 'own-h' }, h('h2', { id: 'own-h' }, 'Er organisation'));
			grid.appendChild(own);
		}

		const jobs = [];
		jobs.push(
			api('GET', '/api/deadlines').then(
				(d) => {
					dlBody.replaceWith(renderDeadlines(d));
				},
				(e) => {
					if (e.status === 404)
						dlBody.replaceWith(h('p', { class: 'muted' }, 'Tidsfristerna kan inte visas ännu: servern har inte stöd för dem. De visas här när stödet finns.'));
					else dlBody.replaceWith(errorBox(e, 'Tidsfristerna kunde inte hämtas'));
				},
			),
		);
		if (pay) {
			const body = loadingBox();
			pay.appendChild(body);
			jobs.push(
				api('GET', '/api/payments?state=registered').then(
					(d) => body.replaceWith(renderAwaiting(d)),
					(e) => body.replaceWith(errorBox(e, 'Attestkön kunde inte hämtas')),
				),
			);
		}
		if (changes)
			jobs.push(
				api('GET', '/api/payees').then(
					(d) => {
						const list = d.changes || [];
						const others = list.filter((c) => !samePerson(c.proposed_by, me.name));
						if (!list.length) return;
						changes.hidden = false;
						append(changes, [
							h('p', { class: 'big-figure' }, h('span', { class: 'count' }, String(list.length)), list.length === 1 ? ' ändring av en betalningsmottagares konto väntar på godkännande.' : ' ändringar av betalningsmottagares konton väntar på godkännande.'),
							me.role === 'attestant' && others.length < list.length ? h('p', { class: 'muted' }, list.length - others.length + ' av dem föreslog du själv; de måste godkännas av någon annan.') : null,
							h('p', null, h('a', { href: '#/betalningsmottagare', class: 'btn btn-secondary' }, me.role === 'attestant' ? 'Granska och godkänn' : 'Visa kontoändringarna')),
						]);
					},
					() => {}, // the page Betalningsmottagare says what failed
				),
			);
		if (own) {
			const body = loadingBox();
			own.appendChild(body);
			jobs.push(
				api('GET', '/api/status' + q({ recipient: me.org })).then(
					(d) => {
						const acc = d.accounts || [];
						const name = acc.length ? acc[0].recipient_name || me.org : 'Organisation ' + me.org;
						body.replaceWith(
							h('div', null,
								h('p', null, h('strong', null, name)),
								h('dl', { class: 'figures' },
									h('div', null, h('dt', null, 'Tilldelat'), h('dd', null, fmtOre(sum(acc, (a) => a.allocated)))),
									h('div', null, h('dt', null, 'Utbetalt'), h('dd', null, fmtOre(sum(acc, (a) => a.paid)))),
									h('div', null, h('dt', null, 'Förfallet'), h('dd', null, fmtOre(sum(acc, (a) => a.lapsed)))),
									h('div', null, h('dt', null, 'Återstår'), h('dd', null, fmtOre(sum(acc, (a) => a.outstanding)))),
								),
								h('p', null, h('a', { href: href('mottagare', me.org) }, 'Visa status per beslut'), ' · ', h('a', { href: '#/register' }, 'Mottagarregistret')),
							),
						);
					},
					(e) => body.replaceWith(errorBox(e, 'Statusen kunde inte hämtas')),
				),
			);
		}
		await Promise.all(jobs);
	}

	function renderDeadlines(d) {
		const list = (d && d.deadlines) || [];
		const unit = d && d.amounts;
		const asOf = d && d.as_of;
		const wrap = h('div');
		wrap.appendChild(
			h('p', { class: 'muted' },
				asOf ? 'Per ' + asOf + ': försenade och de som infaller inom ' + (d.within !== undefined ? d.within : 60) + ' dagar, med något kvar att göra. ' : '',
				h('a', { href: '/api/deadlines?format=ics', download: '' }, 'Tidsfristerna som kalenderfil (.ics)'),
			),
		);
		if (!list.length) {
			wrap.appendChild(h('p', null, 'Inga tidsfrister att bevaka just nu.'));
			return wrap;
		}
		const overdue = list.filter((x) => x.overdue);
		const due = list.filter((x) => !x.overdue);
		const cols = [
			{ label: 'Datum', cls: 'nowrap', render: (x) => x.date },
			{ label: 'Läge', cls: 'nowrap', render: (x) => h('span', { class: ['badge', x.overdue ? 'badge-error' : 'badge-info'] }, daysText(x, asOf)) },
			{ label: 'Tidsfrist', render: (x) => DEADLINE_KINDS[x.kind] || x.label || x.kind },
			{ label: 'Beslut', cls: 'nowrap', render: (x) => (x.dnr ? decisionLink(x.dnr) : '') },
			{ label: 'Del', cls: 'wide', render: (x) => (x.title ? [x.title, ' ', h('span', { class: 'muted' }, '(' + x.part + ')')] : x.part || '') },
			{
				label: 'Kvar',
				cls: 'name',
				render: (x) => {
					if (x.recipient) return [recipientLink(x.recipient, x.recipient_name || x.recipient), ': ', h('span', { class: 'nowrap' }, fmtMoney(x.amount, unit))];
					// A report deadline with reports after it: marked late (late, docs/api.md).
					if (x.what) return [x.what.replace(/(\d) (?=\d)/g, '$1' + NBSP), x.late ? [' ', h('span', { class: 'badge badge-warn late-badge' }, 'sen redovisning')] : null];
					const v = x.amount !== undefined ? x.amount : x.outstanding;
					return v !== undefined && v !== null ? h('span', { class: 'nowrap' }, fmtMoney(v, unit)) : '';
				},
			},
		];
		if (overdue.length) {
			wrap.appendChild(h('h3', null, 'Försenade (' + overdue.length + ')'));
			wrap.appendChild(table(cols, overdue, { label: 'Försenade tidsfrister', cls: 'compact' }));
		}
		wrap.appendChild(h('h3', null, 'Kommande (' + due.length + ')'));
		wrap.appendChild(table(cols, due, { label: 'Kommande tidsfrister', cls: 'compact', empty: 'Inga kommande tidsfrister.' }));
		return wrap;
	}

	function renderAwaiting(d) {
		const list = d.payments || [];
		const mine = list.filter((p) => samePerson(p.registered_by, S.me.name));
		const wrap = h('div');
		if (!list.length) {
			wrap.appendChild(h('p', null, 'Inga betalningar väntar på attest.'));
			return wrap;
		}
		wrap.appendChild(
			h('p', { class: 'big-figure' }, h('span', { class: 'count' }, String(list.length)), list.length === 1 ? ' betalning, ' : ' betalningar, ', h('span', { class: 'nowrap' }, fmtOre(sum(list, (p) => p.amount)))),
		);
		if (S.me.role === 'attestant' && mine.length)
			wrap.appendChild(h('p', { class: 'muted' }, mine.length + ' av dem registrerade du själv; de måste attesteras av någon annan.'));
		const shown = list.slice(0, 5);
		wrap.appendChild(
			table(
				[
					{ label: 'Mottagare', render: (p) => [p.recipient_name || p.recipient, p.account_recent ? [' ', kontobyteBadge(p.account_changed, true)] : null] },
					{ label: 'Beslut', cls: 'nowrap', render: (p) => decisionLink(p.dnr) },
					{ label: 'Belopp', num: true, render: (p) => fmtOreNum(p.amount) },
				],
				shown,
				{ label: 'Betalningar som väntar på attest', cls: 'compact' },
			),
		);
		wrap.appendChild(h('p', null, h('a', { href: '#/attest', class: 'btn btn-secondary' }, S.me.role === 'attestant' ? 'Till attestkön' : 'Visa attestkön')));
		return wrap;
	}

	/* ---------- Beslut ---------- */

	async function pageDecisions(root, segs) {
		if (segs.length) return pageDecision(root, segs.join('/'));
		const mott = S.me.role === 'mottagare';
		pageHeader(root, mott ? 'Våra beslut' : 'Beslut', mott ? 'Beslut som fördelar medel till er organisation.' : 'Registrerade beslut om riktade statsbidrag.');
		if (S.me.role === 'handlaggare') root.appendChild(h('p', null, h('a', { href: '#/registrera-beslut', class: 'btn btn-secondary' }, 'Registrera ett beslut')));
		const box = loadingBox();
		root.appendChild(box);
		const list = await getDecisions();
		box.replaceWith(
			table(
				[
					{ label: 'Diarienummer', cls: 'nowrap', render: (d) => decisionLink(d.dnr) },
					{ label: 'Beslutsdatum', cls: 'nowrap', render: (d) => d.date },
					{ label: 'Rubrik', cls: 'wide', render: (d) => d.title },
					{ label: 'Departement', render: (d) => d.department || '' },
					{ label: 'Budgetår', render: (d) => d.budget_years || '' },
					{ label: 'Delar', num: true, render: (d) => String(d.parts) },
					{ label: 'Belopp (kr)', num: true, render: (d) => fmtInt(d.total) },
				],
				list,
				{ caption: 'Beslut', captionHidden: true, empty: 'Inga beslut är registrerade ännu.', foot: list.length > 1 ? ['Summa', '', '', '', '', '', fmtInt(sum(list, (d) => d.total))] : null },
			),
		);
	}

	async function pageDecision(root, dnr) {
		const head = pageHeader(root, 'Beslut ' + dnr);
		const box = loadingBox();
		root.appendChild(box);
		const d = await api('GET', '/api/decision' + q({ dnr }));
		box.remove();
		const doc = d.document || null;
		head.textContent = d.title;
		document.title = d.dnr + ' – bidrag';
		head.parentNode.insertBefore(h('p', { class: 'eyebrow' }, h('a', { href: '#/beslut' }, 'Beslut'), ' / ', d.dnr), head);
		const mott = S.me.role === 'mottagare';

		// Summary.
		const facts = h('dl', { class: 'facts' },
			h('div', null, h('dt', null, 'Diarienummer'), h('dd', null, d.dnr)),
			h('div', null, h('dt', null, 'Beslutsdatum'), h('dd', null, d.date)),
			doc && doc.department ? h('div', null, h('dt', null, 'Departement'), h('dd', null, doc.department)) : null,
			h('div', null, h('dt', null, 'Totalt'), h('dd', null, fmtKr(d.total))),
			doc && doc.agreement && doc.agreement.dnr ? h('div', null, h('dt', null, 'Överenskommelse'), h('dd', null, doc.agreement.dnr + (doc.agreement.title ? ' – ' + doc.agreement.title : ''))) : null,
		);
		root.appendChild(facts);
		const actions = h('p', { class: 'actions' });
		if (S.me.role === 'handlaggare') actions.appendChild(h('a', { class: 'btn btn-primary', href: href('handelse', { dnr: d.dnr, kind: 'payment' }) }, 'Registrera utbetalning'));
		if (S.me.role === 'handlaggare' || mott) actions.appendChild(h('a', { class: 'btn btn-secondary', href: mott ? href('handlingar', { kind: 'requisition' }) : href('handelse', { dnr: d.dnr, kind: 'requisition' }) }, mott ? 'Skicka rekvisition' : 'Registrera rekvisition'));
		if (!mott) actions.appendChild(h('a', { class: 'btn btn-secondary', href: '/api/decision' + q({ dnr: d.dnr, format: 'xlsx' }), download: '' }, 'Hela beslutet som Excel'));
		if (actions.firstChild) root.appendChild(actions);

		// In-page contents.
		const toc = h('nav', { class: 'toc', 'aria-label': 'På den här sidan' }, h('ul', null,
			h('li', null, h('a', { href: '#sec-parts', class: 'inpage' }, 'Delar')),
			h('li', null, h('a', { href: '#sec-chart', class: 'inpage' }, 'Fördelning')),
			!mott && d.annexes.length ? h('li', null, h('a', { href: '#sec-annex', class: 'inpage' }, 'Bilagor')) : null,
			h('li', null, h('a', { href: '#sec-status', class: 'inpage' }, 'Utbetalningsstatus')),
		));
		root.appendChild(toc);

		// Parts.
		const docParts = new Map(((doc && doc.parts) || []).map((p) => [p.id, p]));
		const partsSec = h('section', { id: 'sec-parts', class: 'section', 'aria-labelledby': 'h-parts' }, h('h2', { id: 'h-parts' }, 'Delar'));
		partsSec.appendChild(
			table(
				[
					{ label: 'Del', cls: 'nowrap', render: (p) => h('code', null, p.id) },
					{ label: 'Ändamål', cls: 'wide', render: (p) => p.title },
					// A deadline the decision states before its own date is
					// registered as written; the warning kept with it is shown here.
					{ label: 'Villkor', render: (p) => [partTerms(docParts.get(p.id)) || '–'].concat((p.warnings || []).map((w) => h('div', { class: 'alert alert-info part-warning', role: 'note' }, h('strong', null, 'OBS: '), w.message))) },
					{ label: 'Mottagare', num: true, render: (p) => String(p.rows.length) },
					{ label: 'Belopp (kr)', num: true, render: (p) => fmtInt(p.amount) },
				],
				d.parts,
				{ caption: 'Beslutets delar', captionHidden: true, foot: ['Summa', '', '', String(d.parts.reduce((n, p) => n + p.rows.length, 0)), fmtInt(sum(d.parts, (p) => p.amount))] },
			),
		);
		root.appendChild(partsSec);

		// Charts.
		const chartSec = h('section', { id: 'sec-chart', class: 'section', 'aria-labelledby': 'h-chart' }, h('h2', { id: 'h-chart' }, mott ? 'Er tilldelning' : 'Fördelning'));
		let charts = 0;
		for (const p of d.parts) {
			if (mott) continue;
			if (p.rows.length < 2) continue;
			charts++;
			chartSec.appendChild(
				barChart(
					p.rows.map((r) => ({ label: r.name, value: r.amount })),
					{ title: 'Fördelning: ' + p.title, caption: p.title + ' – ' + fmtKr(p.amount) + ' till ' + p.rows.length + ' mottagare (kronor).' },
				),
			);
		}
		if (mott) {
			const rows = [];
			for (const p of d.parts) for (const r of p.rows) rows.push({ part: p, r });
			chartSec.appendChild(
				table(
					[
						{ label: 'Del', render: (x) => x.part.title },
						{ label: 'Mottagare', render: (x) => x.r.name },
						{ label: 'Belopp (kr)', num: true, render: (x) => fmtInt(x.r.amount) },
					],
					rows,
					{ label: 'Er tilldelning', empty: 'Beslutet fördelar inget till er.' },
				),
			);
		} else if (!charts) {
			chartSec.appendChild(h('p', { class: 'muted' }, 'Ingen del har mer än en mottagare.'));
		}
		root.appendChild(chartSec);

		// Annexes (staff).
		if (!mott && d.annexes.length) {
			const sec = h('section', { id: 'sec-annex', class: 'section', 'aria-labelledby': 'h-annex' }, h('h2', { id: 'h-annex' }, 'Bilagor'));
			root.appendChild(sec);
			const docAnnexes = new Map(((doc && doc.annexes) || []).map((a) => [a.id, a]));
			await Promise.all(
				d.annexes.map((a) => {
					const slot = h('div', { class: 'annex', 'data-annex': a.id }, loadingBox('Hämtar ' + (a.label || a.id) + '…'));
					sec.appendChild(slot);
					return renderAnnex(d, a, docAnnexes.get(a.id)).then(
						(el) => slot.replaceWith(el),
						(e) => slot.replaceWith(h('div', { class: 'annex' }, h('h3', null, a.label || a.id), errorBox(e, 'Bilagan kunde inte hämtas'))),
					);
				}),
			);
		}

		// Payment status per recipient.
		const stSec = h('section', { id: 'sec-status', class: 'section', 'aria-labelledby': 'h-status' }, h('h2', { id: 'h-status' }, 'Utbetalningsstatus per mottagare'));
		root.appendChild(stSec);
		const stBox = loadingBox();
		stSec.appendChild(stBox);
		try {
			const st = await api('GET', '/api/status' + q({ dnr: d.dnr }));
			stBox.replaceWith(renderStatusByPart(st, d, docParts));
		} catch (e) {
			stBox.replaceWith(errorBox(e, 'Statusen kunde inte hämtas'));
		}
	}

	function renderStatusByPart(st, d, docParts) {
		const wrap = h('div');
		wrap.appendChild(h('p', { class: 'muted' }, 'Per ' + st.as_of + '. Belopp i kronor och öre.'));
		const byPart = new Map();
		for (const a of st.accounts || []) {
			if (!byPart.has(a.part)) byPart.set(a.part, []);
			byPart.get(a.part).push(a);
		}
		if (!byPart.size) wrap.appendChild(h('p', null, 'Inga konton.'));
		const canRegister = S.me.role === 'handlaggare';
		for (const [part, accounts] of byPart) {
			const title = accounts[0].part_title || part;
			const dp = docParts && docParts.get(part);
			const reqPart = dp && dp.payment && dp.payment.mode === 'requisition';
			const cols = [{ label: 'Mottagare', cls: 'name', render: (a) => [recipientLink(a.recipient, a.recipient_name || a.recipient), lateMark(a)] }].concat(ledgerCols());
			if (canRegister)
				cols.push({
					label: 'Åtgärd',
					cls: 'nowrap',
					render: (a) => {
						const kind = reqPart && !toBig(a.requisitioned) ? 'requisition' : 'payment';
						return h('a', { href: href('handelse', { dnr: a.dnr, part: a.part, recipient: a.recipient, kind }), 'aria-label': (kind === 'payment' ? 'Registrera utbetalning till ' : 'Registrera rekvisition från ') + (a.recipient_name || a.recipient) }, kind === 'payment' ? 'Utbetalning…' : 'Rekvisition…');
					},
				});
			wrap.appendChild(h('h3', null, title, ' ', h('span', { class: 'muted' }, '(' + part + ')')));
			wrap.appendChild(table(cols, accounts, { label: 'Status: ' + title, cls: 'ledger', foot: ledgerFoot('Summa', accounts, canRegister ? [''] : []) }));
		}
		return wrap;
	}

	/* A bilaga in the layout of the seed: its heading, caption, the table
	 * with its column headings and total row, and its notes.  Values come
	 * from format=json; headings from the decision document; the total row
	 * and notes from format=tsv (the seed's own layout, Swedish numbers). */
	async function renderAnnex(d, a, docA) {
		const base = { dnr: d.dnr, annex: a.id };
		const [rows, tsv] = await Promise.all([
			api('GET', '/api/decision/annex' + q(Object.assign({ format: 'json' }, base))),
			fetch('/api/decision/annex' + q(Object.assign({ format: 'tsv' }, base)), { credentials: 'same-origin' }).then((r) => (r.ok ? r.text() : null), () => null),
		]);
		const parsed = parseAnnexTsv(tsv, a.caption || (docA && docA.caption), rows.length);
		const keys = rows.length ? Object.keys(rows[0]) : [];
		const docCols = (docA && docA.columns) || [];
		let headers;
		if (parsed && parsed.header.length) headers = parsed.header;
		else headers = keys.map((k, i) => (docCols[i] && docCols[i].heading) || k);
		const fromJson = keys.length === headers.length;
		let cells;
		if (fromJson) {
			cells = rows.map((r) => keys.map((k) => r[k]));
		} else if (parsed) {
			cells = parsed.body.map((l) => l.split('\t'));
		} else {
			cells = rows.map((r) => keys.map((k) => r[k]));
			headers = keys;
		}
		const numeric = headers.map((_, i) => cells.length > 0 && cells.every((c) => isNumericCell(c[i])));
		const cols = headers.map((label, i) => ({ label, num: numeric[i], cls: i === 0 ? 'name' : null, render: (c) => fmtCell(c[i]) }));
		let foot = null;
		if (parsed && parsed.total) foot = parsed.total.map((c, i) => (i < headers.length ? c : null)).slice(0, headers.length);
		const el = h('div', { class: 'annex', 'data-annex': a.id });
		el.appendChild(h('h3', null, a.label || a.id));
		if (docA && docA.heading && docA.heading.length) el.appendChild(h('p', { class: 'annex-heading' }, docA.heading.join(' ')));
		if (a.caption) el.appendChild(h('p', { class: 'annex-caption' }, a.caption));
		el.appendChild(table(cols, cells, { label: (a.label || a.id) + ': ' + (a.caption || ''), cls: 'annex-table', foot }));
		if (parsed && parsed.notes.length) el.appendChild(h('div', { class: 'annex-notes' }, parsed.notes.map((n) => h('p', null, n))));
		el.appendChild(
			h('p', { class: 'downloads' }, 'Ladda ner: ',
				h('a', { href: '/api/decision/annex' + q(Object.assign({}, base, { format: 'xlsx' })), download: '' }, 'Excel'), ' · ',
				h('a', { href: '/api/decision/annex' + q(Object.assign({}, base, { format: 'csv' })), download: '' }, 'CSV'), ' · ',
				h('a', { href: '/api/decision/annex' + q(Object.assign({}, base, { format: 'tsv' })), download: '' }, 'Text (tabbseparerad)'),
			),
		);
		return el;
	}

	function isNumericCell(v) {
		if (typeof v === 'number' || typeof v === 'bigint') return true;
		if (typeof v !== 'string') return v === null || v === undefined;
		return /^-?[\d\s\u00a0]+([.,]\d+)?\s?%?$/.test(v.trim()) || v.trim() === '';
	}

	function fmtCell(v) {
		if (v === null || v === undefined) return '';
		if (typeof v === 'number' || typeof v === 'bigint') return fmtInt(v);
		if (/^-?\d+\.\d+%?$/.test(v)) return fmtDecimalText(v);
		if (/^-?\d+$/.test(v)) return fmtInt(v);
		return v.replace(/(\d) (?=\d)/g, '$1' + NBSP);
	}

	/* The tsv layout: [title, blank,] header, n rows, [total], [blank, notes...]. */
	function parseAnnexTsv(text, caption, n) {
		if (typeof text !== 'string') return null;
		const lines = text.replace(/\r/g, '').split('\n');
		while (lines.length && lines[lines.length - 1] === '') lines.pop();
		let i = 0;
		if (lines.length > 2 && lines[1] === '' && (lines[0] === caption || lines[0].indexOf('\t') < 0)) i = 2;
		if (i >= lines.length) return null;
		const header = lines[i].split('\t');
		i++;
		const body = lines.slice(i, i + n);
		i += n;
		let total = null;
		if (i < lines.length && lines[i] !== '') {
			total = lines[i].split('\t');
			i++;
		}
		while (i < lines.length && lines[i] === '') i++;
		return { header, body, total, notes: lines.slice(i) };
	}

	/* ---------- Registrera beslut ---------- */

	async function pageImport(root) {
		pageHeader(root, 'Registrera beslut', 'Ladda upp ett beslut som en beslutsfil (JSON i formatet bidrag-decision/1). Fördelningen räknas om och kontrolleras innan beslutet registreras.');
		const file = h('input', { type: 'file', name: 'file', accept: '.json,application/json', required: true });
		const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Registrera beslutet');
		const preview = h('div', { class: 'file-preview', 'aria-live': 'polite' });
		const form = h('form', { class: 'card form', novalidate: true }, field('Beslutsfil', file, 'En fil per beslut, t.ex. S2020-09797.json.'), preview, h('div', { class: 'actions' }, btn));
		const st = formStatus(form);
		let text = null;
		file.addEventListener('change', async () => {
			st.reset();
			clear(preview);
			text = null;
			const f = file.files && file.files[0];
			if (!f) return;
			if (f.size > 8 * 1024 * 1024) {
				st.error(new ApiError(400, 'Filen är större än 8 MB.', 'file'), 'Filen kan inte användas');
				return;
			}
			text = await f.text();
			let doc = null;
			try {
				doc = JSON.parse(text);
			} catch (e) {
				st.error(new ApiError(400, 'Filen är inte giltig JSON: ' + e.message, 'file'), 'Filen kan inte användas');
				text = null;
				return;
			}
			append(preview, [
				h('dl', { class: 'facts' },
					h('div', null, h('dt', null, 'Fil'), h('dd', null, f.name)),
					h('div', null, h('dt', null, 'Diarienummer'), h('dd', null, doc.dnr ? String(doc.dnr) : '–')),
					h('div', null, h('dt', null, 'Rubrik'), h('dd', null, doc.title ? String(doc.title) : '–')),
					h('div', null, h('dt', null, 'Totalt'), h('dd', null, toBig(doc.total) !== null ? fmtKr(doc.total) : doc.total ? String(doc.total) : '–')),
				),
			]);
		});
		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			if (!text) {
				st.error(new ApiError(400, 'Välj en beslutsfil först.', 'file'), 'Inget registrerades');
				return;
			}
			busy(btn, true, 'Registrerar…');
			try {
				const r = await api('POST', '/api/decisions', text);
				const warn = r.warnings || [];
				st.ok(
					h('strong', null, r.outcome === 'registered' ? 'Beslutet registrerades. ' : 'Beslutet var redan registrerat. '),
					decisionLink(r.dnr, 'Visa beslut ' + r.dnr),
					warn.length ? h('ul', { class: 'warnings' }, warn.map((w) => h('li', null, w))) : null,
				);
			} catch (e) {
				st.error(e, 'Beslutet registrerades inte');
			} finally {
				busy(btn, false);
			}
		});
		root.appendChild(form);
	}

	/* ---------- Fördelning (förhandsvisning) ---------- */

	const RECIPIENT_SETS = [
		['regions', 'Regionerna (21)'],
		['samverkansregioner', 'Samverkansregionerna (6)'],
		['rcc', 'Regionala cancercentrum (6)'],
		['kommuner', 'Kommunerna (290)'],
	];

	async function pageAllocate(root) {
		pageHeader(root, 'Fördelning', 'Förhandsvisa hur ett belopp fördelas mellan mottagare, exakt till kronan. Inget registreras.');
		const total = h('input', { type: 'text', name: 'total', inputmode: 'decimal', value: '215 000 000', required: true });
		const mKey = h('input', { type: 'radio', name: 'method', value: 'key', checked: true, id: uid('m') });
		const mEq = h('input', { type: 'radio', name: 'method', value: 'equal', id: uid('m') });
		const keySel = h('select', { name: 'key' });
		const keyText = h('input', { type: 'text', name: 'key', value: 'population@2019-11-01' });
		const keyField = h('div', { class: 'field' });
		const recips = h('select', { name: 'recipients' }, RECIPIENT_SETS.map(([v, l]) => h('option', { value: v }, l)));
		const base = h('input', { type: 'text', name: 'base', inputmode: 'decimal', placeholder: '0' });
		const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Visa fördelning');
		const form = h('form', { class: 'card form', novalidate: true },
			h('div', { class: 'row' },
				field('Belopp att fördela (kr)', total, 'T.ex. 215 000 000 eller 71,8 mkr.'),
				field('Mottagare', recips),
			),
			h('fieldset', { class: 'radios' }, h('legend', null, 'Fördelningsgrund'),
				h('label', { for: mKey.id }, mKey, ' Efter nyckel (t.ex. befolkning)'),
				h('label', { for: mEq.id }, mEq, ' Lika delar'),
			),
			h('div', { class: 'row' }, keyField, field('Grundbelopp per mottagare (kr)', base, 'Valfritt: ett fast belopp till var och en; resten fördelas efter nyckeln.')),
			h('div', { class: 'actions' }, btn),
		);
		const st = formStatus(form);
		root.appendChild(form);
		const out = h('div', { class: 'section', 'aria-live': 'polite' });
		root.appendChild(out);

		// The keys: from GET /api/datasets when the server has it.
		keyField.appendChild(loadingBox('Hämtar nycklar…'));
		let keyInput = keyText;
		try {
			const ds = await api('GET', '/api/datasets');
			const list = ds.datasets || [];
			for (const x of list) {
				const v = x.name;
				keySel.appendChild(h('option', { value: v, selected: v === 'population@2019-11-01' }, v + (x.label ? ' – ' + shorten(x.label, 80) : '')));
			}
			keyInput = list.length ? keySel : keyText;
		} catch (e) {
			keyInput = keyText;
		}
		clear(keyField);
		if (!keyInput.id) keyInput.id = uid('f');
		append(keyField, [h('label', { for: keyInput.id }, 'Nyckel'), keyInput === keyText ? h('p', { class: 'hint', id: keyInput.id + '-hint' }, 'Datamängd och version, t.ex. population@2019-11-01.') : null, keyInput]);
		if (keyInput === keyText) keyText.setAttribute('aria-describedby', keyInput.id + '-hint');
		const sync = () => {
			keyInput.disabled = mEq.checked;
			base.disabled = mEq.checked;
		};
		mKey.addEventListener('change', sync);
		mEq.addEventListener('change', sync);

		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			const body = { total: total.value.trim(), method: mEq.checked ? 'equal' : 'key', recipients: recips.value };
			if (!mEq.checked) {
				body.key = keyInput.value.trim();
				if (base.value.trim()) body.base = base.value.trim();
			}
			busy(btn, true, 'Räknar…');
			clear(out);
			try {
				const r = await api('POST', '/api/allocate', body);
				st.reset();
				renderAllocation(out, r, body);
			} catch (e) {
				if (e.status === 404 && !e.field) st.error(new ApiError(404, 'Servern har inte stöd för förhandsvisning av fördelningar ännu (POST /api/allocate).'), 'Fördelningen kunde inte räknas');
				else st.error(e, 'Fördelningen kunde inte räknas');
			} finally {
				busy(btn, false);
			}
		});
	}

	function renderAllocation(out, r, body) {
		const rows = r.rows || [];
		out.appendChild(h('h2', null, 'Resultat'));
		out.appendChild(h('p', null, fmtKr(r.total !== undefined ? r.total : sum(rows, (x) => x.amount)), ' fördelat på ' + rows.length + ' mottagare' + (body.method === 'equal' ? ' i lika delar.' : ' efter ' + body.key + '.')));
		const keyed = rows.some((x) => x.key_value !== undefined && x.key_value !== null);
		const cols = [
			{ label: 'Mottagare', cls: 'name', render: (x) => x.name || x.recipient },
			{ label: 'Kod', render: (x) => x.recipient || '' },
		];
		if (keyed) cols.push({ label: 'Nyckeltal', num: true, render: (x) => fmtCell(x.key_value) });
		const shared = rows.some((x) => x.share !== undefined);
		if (shared) cols.push({ label: 'Andel', num: true, render: (x) => fmtCell(x.share) });
		cols.push({ label: 'Belopp (kr)', num: true, render: (x) => fmtInt(x.amount) });
		const foot = ['Summa', ''];
		if (keyed) foot.push(rows.every((x) => toBig(x.key_value) !== null) ? fmtInt(sum(rows, (x) => x.key_value)) : '');
		if (shared) foot.push('');
		foot.push(fmtInt(sum(rows, (x) => x.amount)));
		if (toBig(r.residual)) out.appendChild(h('p', { class: 'alert alert-info' }, 'Avrundningsrest: ' + fmtKr(r.residual) + ' fördelas inte.'));
		const grid = h('div', { class: 'split' });
		grid.appendChild(table(cols, rows, { label: 'Fördelning', cls: 'compact', foot }));
		grid.appendChild(barChart(rows.map((x) => ({ label: x.name || x.recipient, value: x.amount })), { title: 'Fördelning av ' + fmtKr(r.total) }));
		out.appendChild(grid);
	}

	/* ---------- Registrera rekvisition eller utbetalning ---------- */

	async function pageEvent(root, segs, query) {
		const mott = S.me.role === 'mottagare';
		pageHeader(root, mott ? 'Skicka rekvisition' : 'Registrera rekvisition eller utbetalning',
			mott ? 'Rekvirera medel som beslutet ger er organisation rätt att rekvirera.' : 'En utbetalning attesteras sedan av en annan person innan den kommer med i en utbetalningsfil.');
		const box = loadingBox();
		root.appendChild(box);
		const decisions = await getDecisions();
		box.remove();
		if (!decisions.length) {
			root.appendChild(h('p', null, 'Inga beslut är registrerade. ', S.me.role === 'handlaggare' ? h('a', { href: '#/registrera-beslut' }, 'Registrera ett beslut först.') : null));
			return;
		}

		let eventId = uuid();
		const kPay = h('input', { type: 'radio', name: 'kind', value: 'payment', id: uid('k') });
		const kReq = h('input', { type: 'radio', name: 'kind', value: 'requisition', id: uid('k') });
		const wantKind = mott ? 'requisition' : query.get('kind') === 'requisition' ? 'requisition' : 'payment';
		kPay.checked = wantKind === 'payment';
		kReq.checked = wantKind === 'requisition';
		const dnrSel = h('select', { name: 'dnr', required: true }, decisions.map((d) => h('option', { value: d.dnr }, d.dnr + ' – ' + shorten(d.title, 70))));
		const partSel = h('select', { name: 'part', required: true });
		const recSel = h('select', { name: 'recipient', required: true });
		const amount = h('input', { type: 'text', name: 'amount', inputmode: 'decimal', required: true, autocomplete: 'off' });
		const date = h('input', { type: 'date', name: 'date', required: true, value: today() });
		const signedBy = h('input', { type: 'text', name: 'signed_by', autocomplete: 'off' });
		const override = h('input', { type: 'text', name: 'override', autocomplete: 'off' });
		const idOut = h('code', { class: 'event-id' }, eventId);
		const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Registrera');
		const terms = h('p', { class: 'hint terms', 'aria-live': 'polite' });
		const remaining = h('div', { class: 'remaining', 'aria-live': 'polite' });
		const dateLabel = h('label', { for: (date.id = uid('f')) }, 'Utbetalningsdag');
		const reqOnly = h('div', { class: 'field' }, h('label', { for: (signedBy.id = uid('f')) }, 'Undertecknad av (valfritt)'), signedBy);
		const payOnly = h('details', { class: 'field override' },
			h('summary', null, 'Utbetalning utanför utbetalningsperioden'),
			h('p', { class: 'hint', id: (override.id = uid('f')) + '-hint' }, 'Endast om beslutet medger det: skriv skälet. Det registreras tillsammans med utbetalningen.'),
			h('label', { for: override.id }, 'Skäl för avvikelse'),
			override,
		);
		override.setAttribute('aria-describedby', override.id + '-hint');
		const form = h('form', { class: 'card form event-form', novalidate: true },
			mott ? null : h('fieldset', { class: 'radios' }, h('legend', null, 'Händelse'),
				h('label', { for: kPay.id }, kPay, ' Utbetalning'),
				h('label', { for: kReq.id }, kReq, ' Rekvisition (mottagen)'),
			),
			field('Beslut', dnrSel),
			h('div', { class: 'row' }, field('Del', partSel), field('Mottagare', recSel)),
			terms,
			remaining,
			h('div', { class: 'row' },
				field('Belopp (kr)', amount, 'T.ex. 49 472 318 eller 1 234,50.'),
				h('div', { class: 'field' }, dateLabel, date),
			),
			reqOnly,
			payOnly,
			h('p', { class: 'hint' }, 'Händelse-id: ', idOut, ' – samma id skickas om du försöker igen, så inget registreras två gånger.'),
			h('div', { class: 'actions' }, btn),
		);
		const st = formStatus(form);
		root.appendChild(form);

		let decision = null;
		let accounts = [];
		const kind = () => (mott || kReq.checked ? 'requisition' : 'payment');
		function syncKind() {
			const k = kind();
			dateLabel.textContent = k === 'payment' ? 'Utbetalningsdag' : 'Rekvisitionen mottogs (datum)';
			btn.textContent = k === 'payment' ? 'Registrera utbetalning' : mott ? 'Skicka rekvisition' : 'Registrera rekvisition';
			reqOnly.hidden = k !== 'requisition';
			payOnly.hidden = k !== 'payment';
			showRemaining();
		}
		function newId() {
			eventId = uuid();
			idOut.textContent = eventId;
		}
		function showTerms() {
			const p = decision && decision.document && (decision.document.parts || []).find((x) => x.id === partSel.value);
			terms.textContent = p ? partTerms(p) + '.' : '';
		}
		function showRemaining() {
			clear(remaining);
			const a = accounts.find((x) => x.part === partSel.value && x.recipient === recSel.value);
			if (!a) return;
			const payable = toBig(a.outstanding) - toBig(a.in_process);
			append(remaining, [
				h('p', { class: 'hint' }, 'Tilldelat ', fmtOre(a.allocated), ', utbetalt ', fmtOre(a.paid), ', under behandling ', fmtOre(a.in_process), ', återstår ', fmtOre(a.outstanding), '.'),
				kind() === 'payment' && payable > 0n
					? h('button', { type: 'button', class: 'btn btn-link', on: { click: () => { amount.value = oreInput(payable); amount.focus(); } } }, 'Fyll i ' + fmtOre(payable))
					: null,
			]);
		}
		async function loadDecision(pre) {
			clear(partSel);
			clear(recSel);
			accounts = [];
			decision = await api('GET', '/api/decision' + q({ dnr: dnrSel.value }));
			for (const p of decision.parts) partSel.appendChild(h('option', { value: p.id }, p.id + ' – ' + shorten(p.title, 60)));
			if (pre && pre.part) partSel.value = pre.part;
			fillRecipients(pre);
			try {
				const s = await api('GET', '/api/status' + q({ dnr: dnrSel.value }));
				accounts = s.accounts || [];
			} catch (e) {
				accounts = [];
			}
			showRemaining();
		}
		function fillRecipients(pre) {
			clear(recSel);
			const p = decision.parts.find((x) => x.id === partSel.value) || decision.parts[0];
			if (!p) return;
			for (const r of p.rows) recSel.appendChild(h('option', { value: r.recipient }, r.name + ' (' + r.recipient + ')'));
			if (pre && pre.recipient) recSel.value = pre.recipient;
			showTerms();
			showRemaining();
		}
		kPay.addEventListener('change', syncKind);
		kReq.addEventListener('change', syncKind);
		dnrSel.addEventListener('change', () => loadDecision(null).catch((e) => st.error(e, 'Beslutet kunde inte hämtas')));
		partSel.addEventListener('change', () => fillRecipients(null));
		recSel.addEventListener('change', showRemaining);
		// After a refusal nothing was recorded: a changed event gets a new id.
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
			const e = { id: eventId, kind: k, dnr: dnrSel.value, part: partSel.value, recipient: recSel.value, amount: amount.value.trim(), date: date.value };
			if (k === 'requisition' && signedBy.value.trim()) e.signed_by = signedBy.value.trim();
			if (k === 'payment' && override.value.trim()) e.override = override.value.trim();
			if (!e.amount) {
				st.error(new ApiError(400, 'Ange ett belopp.', 'amount'), 'Inget registrerades');
				return;
			}
			if (!e.date) {
				st.error(new ApiError(400, 'Ange ett datum.', 'date'), 'Inget registrerades');
				return;
			}
			busy(btn, true, 'Registrerar…');
			try {
				const r = await api('POST', '/api/events', [e]);
				const already = (r.already || []).includes(e.id);
				const who = recSel.options[recSel.selectedIndex] ? recSel.options[recSel.selectedIndex].textContent : e.recipient;
				st.ok(
					h('strong', null, already ? 'Redan registrerad. ' : k === 'payment' ? 'Utbetalningen registrerades. ' : 'Rekvisitionen registrerades. '),
					(k === 'payment' ? 'Utbetalning' : 'Rekvisition') + ' till ' + who + ' under ' + e.dnr + ' (' + e.part + '), ' + e.amount + ' kr, ' + e.date + '. Id ',
					h('code', null, e.id),
					'. ',
					k === 'payment' ? h('span', null, 'Den väntar nu på attest av en annan person: ', h('a', { href: '#/attest' }, 'attestkön'), '.') : null,
				);
				newId();
				amount.value = '';
				override.value = '';
				try {
					const s = await api('GET', '/api/status' + q({ dnr: dnrSel.value }));
					accounts = s.accounts || [];
					showRemaining();
				} catch (x) {
					/* the status hint is only a help */
				}
			} catch (err) {
				if (err.network) {
					st.info(h('strong', null, 'Oklart om händelsen registrerades. '), errorText(err), ' Försök igen: samma händelse-id skickas, så den registreras högst en gång.');
				} else {
					refused = true;
					st.error(err, 'Inget registrerades');
				}
			} finally {
				busy(btn, false);
			}
		});
	}

	/* ---------- Attestkö ---------- */

	async function pageAttest(root) {
		const isAtt = S.me.role === 'attestant';
		pageHeader(root, 'Attestkö', 'Registrerade betalningar som väntar på attest. Den som registrerade en betalning kan inte attestera den (fyra ögon).');
		const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
		root.appendChild(status);
		const date = h('input', { type: 'date', name: 'date', value: today() });
		const bulk = h('button', { type: 'button', class: 'btn btn-primary', disabled: true }, 'Attestera markerade');
		if (isAtt) root.appendChild(h('div', { class: 'toolbar card' }, field('Attestdatum', date), h('div', { class: 'actions' }, bulk)));
		const holder = h('div');
		root.appendChild(holder);
		let list = [];
		const selected = new Set();

		function syncBulk() {
			bulk.disabled = selected.size === 0;
			bulk.textContent = selected.size ? 'Attestera markerade (' + selected.size + ')' : 'Attestera markerade';
		}

		async function attest(ids, rowMsg) {
			const events = ids.map((ref) => ({ id: uuid(), kind: 'attest', ref, date: date.value || today() }));
			clear(status);
			try {
				await api('POST', '/api/events', events);
				status.appendChild(h('div', { class: 'alert alert-ok', role: 'status' }, ids.length === 1 ? 'Betalningen attesterades.' : ids.length + ' betalningar attesterades.'));
				selected.clear();
				await load();
			} catch (e) {
				const box = h('div', { class: 'alert alert-error', role: 'alert' }, h('strong', null, 'Inte attesterad. '), errorText(e));
				if (rowMsg) clear(rowMsg).appendChild(box);
				else status.appendChild(box);
			}
		}

		async function load() {
			clear(holder).appendChild(loadingBox());
			const d = await api('GET', '/api/payments?state=registered');
			list = d.payments || [];
			for (const id of [...selected]) if (!list.some((p) => p.id === id)) selected.delete(id);
			syncBulk();
			const cols = [];
			if (isAtt)
				cols.push({
					label: h('span', { class: 'visually-hidden' }, 'Välj'),
					render: (p) =>
						samePerson(p.registered_by, S.me.name)
							? ''
							: h('input', {
									type: 'checkbox',
									'aria-label': 'Välj betalningen till ' + (p.recipient_name || p.recipient) + ', ' + fmtOre(p.amount),
									checked: selected.has(p.id),
									on: { change: (ev) => { if (ev.target.checked) selected.add(p.id); else selected.delete(p.id); syncBulk(); } },
								}),
				});
			cols.push(
				{ label: 'Beslut och del', cls: 'nowrap', render: (p) => [decisionLink(p.dnr), h('br'), h('span', { class: 'muted' }, p.part)] },
				{ label: 'Mottagare', cls: 'name', render: (p) => recipientLink(p.recipient, p.recipient_name || p.recipient) },
				// The account it goes to (IBAN with BIC), flagged when the
				// payee's account changed within 30 days of the payment.
				{ label: 'Betalas till', cls: 'name payee-account', render: (p) => [p.payee || '', ' ', h('br'), h('span', { class: 'muted' }, accountNodes(p)), p.account_recent ? [' ', h('br'), kontobyteBadge(p.account_changed, true)] : null] },
				{ label: 'Belopp (kr)', num: true, render: (p) => fmtOreNum(p.amount) },
				{ label: 'Betaldag', cls: 'nowrap', render: (p) => p.date },
				{ label: 'Registrerad av', render: (p) => p.registered_by },
			);
			if (isAtt)
				cols.push({
					label: 'Attest',
					cls: 'action',
					render: (p) => {
						const msg = h('div', { class: 'row-msg', 'aria-live': 'polite' });
						if (samePerson(p.registered_by, S.me.name))
							return [h('span', { class: 'own-note' }, 'Registrerad av dig – en annan person måste attestera.'), msg];
						const b = h('button', { type: 'button', class: 'btn btn-small attest-btn', 'data-id': p.id, 'aria-label': 'Attestera ' + fmtOre(p.amount) + ' till ' + (p.recipient_name || p.recipient) }, 'Attestera');
						b.addEventListener('click', async () => {
							busy(b, true, 'Attesterar…');
							await attest([p.id], msg);
							if (b.isConnected) busy(b, false);
						});
						return [b, msg];
					},
				});
			const foot = cols.map(() => '');
			foot[0] = 'Summa';
			const amountIdx = cols.findIndex((c) => c.label === 'Belopp (kr)');
			foot[amountIdx] = fmtOreNum(sum(list, (p) => p.amount));
			// cls queue: columns narrow enough that the whole queue, its
			// Attestera buttons included, fits a 1 280 px screen (app.css).
			clear(holder).appendChild(table(cols, list, { cls: 'queue', caption: list.length + (list.length === 1 ? ' betalning väntar' : ' betalningar väntar') + ' på attest', empty: 'Inga betalningar väntar på attest.', foot: list.length ? foot : null, rowAttrs: (p) => ({ 'data-payment': p.id }) }));
		}
		// Bulk attestation: the count and the total of the selection first,
		// then one batch (all or nothing) on confirmation.
		bulk.addEventListener('click', () => {
			if (!selected.size) return;
			const chosen = list.filter((p) => selected.has(p.id));
			clear(status);
			const yes = h('button', { type: 'button', class: 'btn btn-primary', 'data-confirm': 'attest' }, 'Bekräfta attest');
			const no = h('button', { type: 'button', class: 'btn' }, 'Avbryt');
			const box = h('div', { class: 'alert attest-confirm', role: 'group', 'aria-label': 'Bekräfta attest' },
				h('p', null, h('strong', null, 'Attestera ' + chosen.length + (chosen.length === 1 ? ' betalning' : ' betalningar') + ' på sammanlagt ' + fmtOre(sum(chosen, (p) => p.amount)) + '?'), ' Attestdatum ' + (date.value || today()) + '. Alla eller ingen attesteras.'),
				h('div', { class: 'actions' }, yes, no));
			status.appendChild(box);
			no.addEventListener('click', () => clear(status));
			yes.addEventListener('click', async () => {
				busy(yes, true, 'Attesterar…');
				await attest(chosen.map((p) => p.id), null);
				box.remove();
				syncBulk();
			});
		});
		await load();
	}

	/* ---------- Utbetalningsfiler ---------- */

	async function pageBatches(root) {
		pageHeader(root, 'Utbetalningsfiler', 'Attesterade betalningar samlas i en betalfil till banken (ISO 20022 pain.001, eller Bankgirots Leverantörsbetalningar i det äldre LB-formatet). Att skapa filen registrerar betalningarna som utförda.');
		const canCreate = S.me.role === 'handlaggare';
		const attSec = h('section', { class: 'section', 'aria-labelledby': 'h-att' }, h('h2', { id: 'h-att' }, 'Attesterade, ej utbetalda'));
		root.appendChild(attSec);
		const attBox = h('div');
		attSec.appendChild(attBox);
		const payCols = (withExec) =>
			[
				{ label: 'Beslut och del', cls: 'nowrap', render: (p) => [decisionLink(p.dnr), h('br'), h('span', { class: 'muted' }, p.part)] },
				{ label: 'Mottagare', cls: 'name', render: (p) => p.recipient_name || p.recipient },
				{ label: 'Betalas till', cls: 'name payee-account', render: (p) => [p.payee || '', ' ', h('br'), h('span', { class: 'muted' }, accountNodes(p)), p.account_recent && !withExec ? [' ', h('br'), kontobyteBadge(p.account_changed, true)] : null] },
				{ label: 'Belopp (kr)', num: true, render: (p) => fmtOreNum(p.amount) },
				{ label: 'Betaldag', cls: 'nowrap', render: (p) => p.date },
				{ label: 'Registrerad av', render: (p) => p.registered_by },
			].concat(withExec ? [{ label: 'Utförd', cls: 'nowrap', render: (p) => p.executed || '' }] : []);
		const foot = (list, n) => {
			const f = new Array(n).fill('');
			f[0] = 'Summa';
			f[4] = fmtOreNum(sum(list, (p) => p.amount));
			return f;
		};
		async function loadAttested() {
			clear(attBox).appendChild(loadingBox());
			const d = await api('GET', '/api/payments?state=attested');
			const list = d.payments || [];
			clear(attBox).appendChild(table(payCols(false), list, { label: 'Attesterade betalningar', empty: 'Inga attesterade betalningar väntar på en fil.', foot: list.length ? foot(list, 7) : null }));
		}

		if (canCreate) {
			const batch = h('input', { type: 'text', name: 'batch', value: today(), required: true });
			const date = h('input', { type: 'date', name: 'date', value: today(), required: true });
			const format = h('select', { name: 'format' }, h('option', { value: 'pain001', selected: true }, 'ISO 20022 pain.001 (XML, standard)'), h('option', { value: 'lb' }, 'Bankgirot Leverantörsbetalningar (LB, äldre format)'));
			const override = h('input', { type: 'text', name: 'override', autocomplete: 'off', id: uid('f') });
			const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Skapa utbetalningsfil');
			const form = h('form', { class: 'card form', novalidate: true },
				h('h2', null, 'Skapa utbetalningsfil'),
				h('div', { class: 'row' },
					field('Batch', batch, 'Ett namn för filen (högst 35 tecken), t.ex. dagens datum. Samma batch igen ger samma fil.'),
					field('Utbetalningsdag', date),
					field('Format', format, 'pain.001 tas emot av alla banker. LB är Bankgirots äldre format som bankerna fasar ut; det kan inte betala till IBAN. Samma batch skapas inte i båda formaten (båda filerna skulle kunna betalas).'),
				),
				h('details', { class: 'field override' },
					h('summary', null, 'Utbetalning efter utbetalningsperioden'),
					h('p', { class: 'hint', id: override.id + '-hint' }, 'En betalning som utförs efter sin dels utbetalningsperiod kräver ett skäl, som registreras med utförandet.'),
					h('label', { for: override.id }, 'Skäl för avvikelse'),
					override,
				),
				h('div', { class: 'actions' }, btn),
			);
			override.setAttribute('aria-describedby', override.id + '-hint');
			const st = formStatus(form);
			root.insertBefore(form, attSec);
			form.addEventListener('submit', async (ev) => {
				ev.preventDefault();
				busy(btn, true, 'Skapar…');
				try {
					const body = { batch: batch.value.trim(), date: date.value, format: format.value };
					if (override.value.trim()) body.override = override.value.trim();
					const r = await api('POST', '/api/batches', body);
					st.ok(
						h('strong', null, (r.again ? 'Batch ' + r.batch + ' fanns redan (inget betalades på nytt): ' : 'Batch ' + r.batch + ' skapades: ')),
						String(r.payments) + (Number(r.payments) === 1 ? ' betalning, ' : ' betalningar, '),
						fmtMoney(r.total, r.amounts || 'öre'),
						' (' + r.format + '). ',
						r.file ? h('a', { href: r.file, download: '' }, 'Ladda ner filen') : null,
					);
					await Promise.all([loadAttested(), loadExecuted()]);
				} catch (e) {
					if (e.status === 404 && !e.field) st.error(new ApiError(404, 'Servern kan inte skapa utbetalningsfiler ännu (POST /api/batches).'), 'Ingen fil skapades');
					else st.error(e, 'Ingen fil skapades');
				} finally {
					busy(btn, false);
				}
			});
		}

		const exSec = h('section', { class: 'section', 'aria-labelledby': 'h-ex' }, h('h2', { id: 'h-ex' }, 'Utförda utbetalningar'));
		root.appendChild(exSec);
		const exBox = h('div');
		exSec.appendChild(exBox);
		async function loadExecuted() {
			clear(exBox).appendChild(loadingBox());
			const d = await api('GET', '/api/payments?state=executed');
			const list = d.payments || [];
			clear(exBox).appendChild(table(payCols(true), list, { label: 'Utförda utbetalningar', empty: 'Inga utbetalningar har utförts ännu.', foot: list.length ? foot(list, 8) : null }));
		}
		await Promise.all([loadAttested().catch((e) => clear(attBox).appendChild(errorBox(e))), loadExecuted().catch((e) => clear(exBox).appendChild(errorBox(e)))]);
	}

	/* ---------- Bankfiler: the bank's answers, matched to the ledger ---------- */

	const BANK_WHAT = { accepted: 'godkänd', rejected: 'avvisad', pending: 'väntande', booked: 'bokförd', returned: 'returnerad', repaid: 'återbetalning', unmatched: 'omatchad', known: 'redan inläst', 'matched by hand': 'matchad för hand' };

	function bytesToBase64(buf) {
		const bytes = new Uint8Array(buf);
		let s = '';
		for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
		return btoa(s);
	}

	async function pageBank(root) {
		pageHeader(root, 'Bankfiler', 'Bankens svar läses in och stäms av mot reskontran: statusrapporter (pain.002), kontoutdrag och avisering (camt.053/054) och Bankgirots inbetalningar (BgMax). Filen känns igen på sitt innehåll, och allt i den registreras eller inget.');
		const canImport = S.me.role === 'handlaggare' || S.me.role === 'attestant';
		const resultBox = h('div');
		if (canImport) {
			const file = h('input', { type: 'file', name: 'data', id: uid('f'), required: true });
			const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Läs in filen');
			const form = h('form', { class: 'card form', novalidate: true, 'data-form': 'bank-import' },
				h('h2', null, 'Läs in en fil från banken'),
				field('Fil', file, 'pain.002, camt.053, camt.054 eller BgMax. En fil som lästs in förut registrerar ingenting på nytt.'),
				h('div', { class: 'actions' }, btn));
			const st = formStatus(form);
			root.appendChild(form);
			root.appendChild(resultBox);
			form.addEventListener('submit', async (ev) => {
				ev.preventDefault();
				const f = file.files && file.files[0];
				if (!f) {
					st.error(new ApiError(400, 'Välj en fil.', 'data'), 'Ingen fil lästes in');
					return;
				}
				busy(btn, true, 'Läser in…');
				try {
					const data = bytesToBase64(await f.arrayBuffer());
					const r = await api('POST', '/api/bank/import', { name: f.name, data });
					const counts = Object.entries(r.entries_by_outcome || {}).map(([k, v]) => v.count + ' ' + (BANK_WHAT[k] || k)).join(', ');
					st.ok(h('strong', null, r.again ? f.name + ' har lästs in förut (' + r.imported_before.by + ', ' + fmtTimestamp(r.imported_before.at) + '): inget registrerades. ' : f.name + ' (' + r.kind + ') lästes in: '),
						r.again ? '' : (counts || 'inga poster') + '; ' + r.events + (Number(r.events) === 1 ? ' händelse registrerad.' : ' händelser registrerade.'));
					clear(resultBox);
					if (!r.again)
						resultBox.appendChild(table([
							{ label: 'Post', cls: 'nowrap', render: (l) => l.place },
							{ label: 'Utfall', render: (l) => BANK_WHAT[l.what] || l.what },
							{ label: 'Belopp (kr)', num: true, render: (l) => fmtOreNum(l.amount) },
							{ label: 'Avser', cls: 'name', render: (l) => (l.payment ? 'betalning ' + l.payment : l.claim ? 'krav ' + l.claim : '') },
							{ label: 'Anmärkning', cls: 'name', render: (l) => l.note || '' },
						], r.entries || [], { label: 'Filens poster', caption: 'Filens poster' }));
					await loadAll();
				} catch (e) {
					st.error(e, 'Ingenting ur filen registrerades');
				} finally {
					busy(btn, false);
				}
			});
		}
		const sections = {};
		for (const [key, title] of [['batches', 'Per utbetalningsfil'], ['unmatched', 'Omatchade poster'], ['days', 'Per dag: banken och reskontran']]) {
			const box = h('div');
			root.appendChild(h('section', { class: 'section', 'aria-labelledby': 'h-bank-' + key }, h('h2', { id: 'h-bank-' + key }, title), box));
			sections[key] = box;
		}
		const cnt = (c) => (Number(c.count) ? String(c.count) + ' · ' + fmtOreNum(c.amount) : '–');
		async function loadBatches() {
			const d = await api('GET', '/api/bank/batches');
			clear(sections.batches).appendChild(table([
				{ label: 'Fil', cls: 'nowrap', render: (b) => b.batch },
				{ label: 'Utförd', cls: 'nowrap', render: (b) => b.executed || '' },
				{ label: 'Skickade', num: true, render: (b) => cnt(b.all) },
				{ label: 'Utan svar', num: true, render: (b) => cnt(b.sent) },
				{ label: 'Godkända', num: true, render: (b) => cnt(b.accepted) },
				{ label: 'Bokförda', num: true, render: (b) => cnt(b.booked) },
				{ label: 'Avvisade', num: true, render: (b) => cnt(b.rejected) },
				{ label: 'Returnerade', num: true, render: (b) => cnt(b.returned) },
			], d.batches || [], { label: 'Per utbetalningsfil', empty: 'Inga utbetalningsfiler har skapats.' }));
		}
		async function loadUnmatched() {
			const d = await api('GET', '/api/bank/entries?unmatched=1');
			const list = d.entries || [];
			const box = clear(sections.unmatched);
			box.appendChild(h('p', { class: 'muted' }, 'En post som inget matchade ska matchas för hand mot ett återbetalningskrav eller en betalning: en handläggare föreslår, en annan person godkänner. Efter ' + d.overdue_after_days + ' dagar står den som försenad bland tidsgränserna.'));
			box.appendChild(table([
				{ label: 'Nr', num: true, render: (e) => String(e.id) },
				{ label: 'Datum', cls: 'nowrap', render: (e) => e.date },
				{ label: 'Fil och post', cls: 'name', render: (e) => [e.file, h('br'), h('span', { class: 'muted' }, e.place)] },
				{ label: 'In/ut', render: (e) => (e.direction === 'in' ? 'in' : 'ut') },
				{ label: 'Belopp', num: true, render: (e) => fmtOreNum(e.amount) + (e.currency !== 'SEK' ? ' ' + e.currency : '') },
				{ label: 'Referens', cls: 'name', render: (e) => e.reference || e.text || '' },
				{ label: 'Anmärkning', cls: 'name', render: (e) => e.note || '' },
				{ label: 'Matchning', cls: 'name', render: (e) => matchCell(e) },
			], list, { label: 'Omatchade poster', empty: 'Inga omatchade poster.' }));
		}
		function matchCell(e) {
			if (!canImport) return e.proposed ? 'föreslagen av ' + e.proposed.by : '';
			const st = h('span', { class: 'match-status', 'aria-live': 'polite' });
			const run = async (path, body, btn) => {
				busy(btn, true, '…');
				try {
					await api('POST', path, body);
					await loadAll();
				} catch (err) {
					clear(st).appendChild(h('span', { class: 'field-error' }, errorText(err)));
					busy(btn, false);
				}
			};
			if (e.proposed) {
				const no = h('button', { type: 'button', class: 'btn btn-ghost', on: { click: () => run('/api/bank/reject', { entry: Number(e.id) }, no) } }, 'Avslå');
				/* Four eyes: the proposer cannot approve, only withdraw. */
				if (samePerson(e.proposed.by, S.me.name)) return [h('span', { class: 'muted' }, 'föreslagen av dig, väntar på en annan persons godkännande '), no, st];
				const ok = h('button', { type: 'button', class: 'btn btn-secondary', on: { click: () => run('/api/bank/approve', { entry: Number(e.id) }, ok) } }, 'Godkänn');
				return [h('span', { class: 'muted' }, 'föreslagen av ' + e.proposed.by + ' '), ok, ' ', no, st];
			}
			const what = h('select', { 'aria-label': 'Matcha mot' }, h('option', { value: 'claim' }, 'krav nr'), h('option', { value: 'payment' }, 'betalning'));
			const ref = h('input', { type: 'text', size: '10', 'aria-label': 'Kravets nummer eller betalningens id' });
			const go = h('button', { type: 'button', class: 'btn btn-secondary', on: {
				click: () => {
					const body = { entry: Number(e.id) };
					if (what.value === 'claim') body.claim = Number(ref.value.trim());
					else body.payment = ref.value.trim();
					run('/api/bank/match', body, go);
				},
			} }, 'Föreslå');
			return [what, ' ', ref, ' ', go, st];
		}
		async function loadDays() {
			const d = await api('GET', '/api/bank/days');
			const list = d.days || [];
			clear(sections.days).appendChild(table([
				{ label: 'Datum', cls: 'nowrap', render: (x) => x.date },
				{ label: 'Banken ut', num: true, render: (x) => fmtOreNum(x.bank_out) },
				{ label: 'Utfört', num: true, render: (x) => fmtOreNum(x.ledger_paid) },
				{ label: 'Avvisat/returnerat', num: true, render: (x) => fmtOreNum(x.ledger_back) },
				{ label: 'Banken in', num: true, render: (x) => fmtOreNum(x.bank_in) },
				{ label: 'Återbetalt', num: true, render: (x) => fmtOreNum(x.ledger_repaid) },
			], list, { label: 'Per dag', empty: 'Inga rörelser.' }));
		}
		async function loadAll() {
			await Promise.all([
				loadBatches().catch((e) => clear(sections.batches).appendChild(errorBox(e))),
				loadUnmatched().catch((e) => clear(sections.unmatched).appendChild(errorBox(e))),
				loadDays().catch((e) => clear(sections.days).appendChild(errorBox(e))),
			]);
		}
		await loadAll();
	}

	/* Återbetalningskrav with their OCR references, on a recipient's page. */
	async function recipientClaims(root, code) {
		const d = await api('GET', '/api/claims');
		const list = (d.claims || []).filter((c) => c.recipient === code);
		if (!list.length) return;
		root.appendChild(h('h2', null, 'Återbetalningskrav'));
		root.appendChild(h('p', null, 'Betala till bankgiro ', h('strong', null, d.bankgiro || '–'), ' och ange kravets OCR-nummer som referens, så kopplas betalningen till kravet.'));
		root.appendChild(table([
			{ label: 'Krav', render: (c) => String(c.number) },
			{ label: 'OCR-nummer', cls: 'nowrap', render: (c) => h('strong', { class: 'ocr' }, c.ocr) },
			{ label: 'Datum', cls: 'nowrap', render: (c) => c.date },
			{ label: 'Beslut', cls: 'nowrap', render: (c) => decisionLink(c.dnr) },
			{ label: 'Återkrävt (kr)', num: true, render: (c) => fmtOreNum(c.amount) },
			{ label: 'Inbetalt (kr)', num: true, render: (c) => fmtOreNum(c.paid) },
			{ label: 'Kvar (kr)', num: true, render: (c) => fmtOreNum(c.outstanding) },
			{ label: 'Läge', render: (c) => ({ open: 'obetalt', 'part paid': 'delvis betalt', paid: 'betalt', corrected: 'rättat' })[c.state] || c.state },
			{ label: 'Brev', cls: 'nowrap', render: (c) => (c.state === 'corrected' ? '' : h('a', { href: '/api/claim/letter' + q({ claim: c.number }), download: '', 'data-claim-letter': String(c.number) }, 'Kravbrev (PDF)')) },
		], list, { label: 'Återbetalningskrav' }));
	}

	/* ---------- Mottagare ---------- */

	async function pageRecipient(root, segs) {
		const mott = S.me.role === 'mottagare';
		if (!segs.length && mott) {
			location.replace(href('mottagare', S.me.org));
			return;
		}
		if (!segs.length) return pageRecipientIndex(root);
		const code = segs.join('/');
		const head = pageHeader(root, 'Mottagare ' + code);
		const box = loadingBox();
		root.appendChild(box);
		const d = await api('GET', '/api/status' + q({ recipient: code }));
		box.remove();
		const acc = d.accounts || [];
		const name = acc.length ? acc[0].recipient_name || code : code;
		head.textContent = name;
		document.title = name + ' – bidrag';
		if (!mott) head.parentNode.insertBefore(h('p', { class: 'eyebrow' }, h('a', { href: '#/mottagare' }, 'Mottagare'), ' / ', code), head);
		root.appendChild(h('p', { class: 'muted' }, 'Organisation ', h('code', null, code), '. Status per ' + d.as_of + ', belopp i kronor och öre.'));
		root.appendChild(
			h('dl', { class: 'figures' },
				h('div', null, h('dt', null, 'Tilldelat'), h('dd', null, fmtOre(sum(acc, (a) => a.allocated)))),
				h('div', null, h('dt', null, 'Under behandling'), h('dd', null, fmtOre(sum(acc, (a) => a.in_process)))),
				h('div', null, h('dt', null, 'Utbetalt'), h('dd', null, fmtOre(sum(acc, (a) => a.paid)))),
				h('div', null, h('dt', null, 'Förfallet'), h('dd', null, fmtOre(sum(acc, (a) => a.lapsed)))),
				h('div', null, h('dt', null, 'Återstår'), h('dd', null, fmtOre(sum(acc, (a) => a.outstanding)))),
			),
		);
		const cols = [
			{ label: 'Beslut', cls: 'nowrap', render: (a) => decisionLink(a.dnr) },
			{ label: 'Del', cls: 'name', render: (a) => [a.part_title || a.part, lateMark(a)] },
		].concat(ledgerCols());
		root.appendChild(h('h2', null, 'Per beslut och del'));
		root.appendChild(table(cols, acc, { label: 'Status per beslut och del', cls: 'ledger', empty: 'Inga beslut fördelar medel till ' + name + '.', foot: acc.length ? ledgerFoot(['Summa', ''], acc) : null }));
		await recipientClaims(root, code).catch((e) => root.appendChild(errorBox(e, 'Återbetalningskraven kunde inte visas')));
		root.appendChild(h('p', null, h('a', { href: '#/register' }, 'Mottagarregistret'), ' – organisationens egen sammanställning av statsbidrag.'));
	}

	async function pageRecipientIndex(root) {
		pageHeader(root, 'Mottagare', 'Alla mottagare med tilldelade medel, med status per mottagare.');
		const code = h('input', { type: 'text', name: 'recipient', autocomplete: 'off', placeholder: 't.ex. 23 eller SKR' });
		const form = h('form', { class: 'card form inline-form', novalidate: true }, field('Organisationskod', code), h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-secondary' }, 'Visa')));
		form.addEventListener('submit', (ev) => {
			ev.preventDefault();
			if (code.value.trim()) location.hash = href('mottagare', code.value.trim());
		});
		root.appendChild(form);
		const box = loadingBox();
		root.appendChild(box);
		const d = await api('GET', '/api/status');
		const by = new Map();
		for (const a of d.accounts || []) {
			if (!by.has(a.recipient)) by.set(a.recipient, { code: a.recipient, name: a.recipient_name || a.recipient, accounts: [] });
			by.get(a.recipient).accounts.push(a);
		}
		const rows = [...by.values()].sort((x, y) => x.name.localeCompare(y.name, 'sv'));
		box.replaceWith(
			table(
				[
					{ label: 'Mottagare', cls: 'name', render: (r) => recipientLink(r.code, r.name) },
					{ label: 'Kod', render: (r) => r.code },
					{ label: 'Konton', num: true, render: (r) => String(r.accounts.length) },
					{ label: 'Tilldelat', num: true, render: (r) => fmtOreNum(sum(r.accounts, (a) => a.allocated)) },
					{ label: 'Utbetalt', num: true, render: (r) => fmtOreNum(sum(r.accounts, (a) => a.paid)) },
					{ label: 'Förfallet', num: true, render: (r) => fmtOreNum(sum(r.accounts, (a) => a.lapsed)) },
					{ label: 'Återstår', num: true, render: (r) => fmtOreNum(sum(r.accounts, (a) => a.outstanding)) },
				],
				rows,
				{ caption: 'Mottagare per ' + d.as_of + ' (kronor)', empty: 'Inga mottagare har tilldelats medel ännu.' },
			),
		);
	}

	/* ---------- Granskningslogg ---------- */

	/* The revisor's audit log: a selection by date, user, object and action
	 * made by the server (GET /api/audit), the entries in Swedish with
	 * people's and organisations' names, and the same selection as CSV and
	 * XLSX.  The selection lives in the address (#/granskning?from=...), so a
	 * selection can be kept and sent on. */
	const AUDIT_PARAMS = ['from', 'to', 'user', 'object', 'action'];

	async function pageAudit(root, segs, query) {
		pageHeader(root, 'Granskningslogg', 'Varje ändring med vem, vad, före och efter, i svensk tid. Posterna är kedjade med SHA-256; verifieringen räknar om hela kedjan, oavsett urval.');
		const btn = h('button', { type: 'button', class: 'btn btn-primary', id: 'verify' }, 'Verifiera');
		const result = h('div', { class: 'verify-result', 'aria-live': 'polite' });
		root.appendChild(h('div', { class: 'card toolbar' }, h('div', null, h('p', { class: 'nomargin' }, 'Kontrollera att ingen post har ändrats, tagits bort eller flyttats.')), h('div', { class: 'actions' }, btn)));
		root.appendChild(result);
		btn.addEventListener('click', async () => {
			busy(btn, true, 'Verifierar…');
			clear(result);
			try {
				const v = await api('POST', '/api/audit/verify', {});
				if (v.ok)
					result.appendChild(h('div', { class: 'alert alert-ok', role: 'status', 'data-verify': 'ok' }, h('strong', null, 'Loggen är obruten. '), v.entries + ' poster kontrollerade, inga problem. Kedjans huvud: ', h('code', { class: 'hash' }, v.head)));
				else
					result.appendChild(
						h('div', { class: 'alert alert-error', role: 'alert', 'data-verify': 'problems' },
							h('strong', null, 'Loggen har ' + v.problems.length + ' problem (' + v.entries + ' poster kontrollerade):'),
							h('ul', null, v.problems.map((p) => h('li', null, 'Post ' + p.seq + ': ' + p.message))),
						),
					);
			} catch (e) {
				result.appendChild(errorBox(e, 'Verifieringen kunde inte göras'));
			} finally {
				busy(btn, false);
			}
		});

		// The selection asked for, as the address gives it.
		const asked = {};
		for (const k of AUDIT_PARAMS) asked[k] = (query.get(k) || '').trim();
		const objType = asked.object.match(/^([a-z]+):(.*)$/) || (/^[a-z]+$/.test(asked.object) ? [null, asked.object, ''] : null);

		const from = h('input', { type: 'date', name: 'from', value: /^\d{4}-\d{2}-\d{2}$/.test(asked.from) ? asked.from : '' });
		const to = h('input', { type: 'date', name: 'to', value: /^\d{4}-\d{2}-\d{2}$/.test(asked.to) ? asked.to : '' });
		const user = h('input', { type: 'text', name: 'user', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', value: asked.user, list: 'audit-actors' });
		const actors = h('datalist', { id: 'audit-actors' });
		const type = h('select', { name: 'object-type' }, h('option', { value: '' }, 'Alla typer'));
		const objectId = h('input', { type: 'text', name: 'object', autocomplete: 'off', spellcheck: 'false', value: objType ? objType[2] : asked.object });
		const action = h('select', { name: 'action' }, h('option', { value: '' }, 'Alla åtgärder'));
		const show = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Visa urvalet');
		const reset = h('a', { href: '#/granskning', class: 'btn btn-secondary' }, 'Hela loggen');
		const form = h('form', { class: 'card form audit-filter', novalidate: true, 'aria-label': 'Urval ur granskningsloggen' },
			h('h2', null, 'Urval'),
			h('div', { class: 'row' }, field('Från och med', from, 'Dag i svensk tid.'), field('Till och med', to, 'Dag i svensk tid.'), field('Användare', user, 'Vem som gjorde ändringen, t.ex. anna.'), actors),
			h('div', { class: 'row' }, field('Objekttyp', type), field('Objekt', objectId, 'Diarienummer, organisationskod eller namn, användare, batch …'), field('Åtgärd', action)),
			h('div', { class: 'actions' }, show, reset),
		);
		const st = formStatus(form);
		root.appendChild(form);
		form.addEventListener('submit', (ev) => {
			ev.preventDefault();
			const id = objectId.value.trim();
			const params = {
				from: from.value,
				to: to.value,
				user: user.value.trim(),
				object: type.value ? type.value + (id ? ':' + id : '') : id,
				action: action.value,
			};
			const target = href('granskning', params);
			if (target === location.hash) route();
			else location.hash = target;
		});

		const box = loadingBox();
		root.appendChild(box);
		const sel = {};
		for (const k of AUDIT_PARAMS) if (asked[k]) sel[k] = asked[k];
		function choices(v) {
			for (const t of v.object_types || []) type.appendChild(h('option', { value: t.key, selected: objType && objType[1] === t.key }, t.text));
			for (const a of v.actions || []) action.appendChild(h('option', { value: a.action, selected: asked.action === a.action }, a.text));
		}
		let d;
		try {
			d = await api('GET', '/api/audit' + q(sel));
		} catch (e) {
			box.remove();
			if (e.status !== 400) throw e;
			// A refused selection: the choices come with any answer, the
			// smallest is the first entry's.
			try {
				choices(await api('GET', '/api/audit?to=1'));
			} catch (e2) {
				/* the form still works by typing */
			}
			st.error(e, 'Urvalet kunde inte göras');
			return;
		}
		choices(d);
		const all = (d.entries || []).slice().reverse();
		for (const name of [...new Set(all.map((e) => e.actor))].sort()) actors.appendChild(h('option', { value: name }));
		const holder = h('div', { class: 'audit-result' });
		box.replaceWith(holder);
		const qs = q(Object.assign({}, sel, { format: 'csv' }));
		holder.appendChild(
			h('p', { class: 'downloads' }, d.selection ? 'Urvalet (' + d.selection + ') ' : 'Hela loggen ', 'att ladda ner: ',
				h('a', { href: '/api/audit' + qs, download: 'granskningslogg.csv', 'data-format': 'csv' }, 'CSV'), ' · ',
				h('a', { href: '/api/audit' + q(Object.assign({}, sel, { format: 'xlsx' })), download: 'granskningslogg.xlsx', 'data-format': 'xlsx' }, 'Excel (XLSX)'),
				'. Filerna har alla fält, med före, efter och kedjans hashar.'),
		);
		const list = h('div');
		holder.appendChild(list);
		let limit = 100;
		function render() {
			clear(list);
			list.appendChild(
				table(
					[
						{ label: 'Nr', num: true, render: (e) => String(e.seq) },
						{ label: 'Tid', cls: 'nowrap', render: (e) => h('time', { datetime: e.at, title: e.at + ' (UTC)' }, e.at_local.slice(0, 16)) },
						{ label: 'Vem', cls: 'actor', render: (e) => (e.actor_known ? e.actor_text : h('span', { class: 'unknown-actor', title: e.actor + ' är ingen användare i registret' }, e.actor_text)) },
						{ label: 'Åtgärd', render: (e) => h('span', { title: e.action, 'data-action': e.action }, e.action_text) },
						{ label: 'Objekt', cls: 'name', render: (e) => e.object_text },
						{ label: 'Ändring', cls: 'change', render: (e) => changeDetails(e) },
						{ label: 'SHA-256', render: (e) => h('code', { class: 'hash', title: e.sha256 }, e.sha256.slice(0, 8) + '…') },
					],
					all.slice(0, limit),
					{ caption: all.length + (all.length === 1 ? ' post' : ' poster') + (d.selection ? ' i urvalet' : '') + ', senaste först', empty: d.selection ? 'Inga poster i urvalet.' : 'Inga poster.' },
				),
			);
			if (all.length > limit)
				list.appendChild(h('p', null, h('button', { type: 'button', class: 'btn btn-secondary', on: { click: () => { limit += 200; render(); } } }, 'Visa fler (' + (all.length - limit) + ' kvar)')));
		}
		render();
	}

	function changeDetails(e) {
		if (!e.before && !e.after) return '';
		const pretty = (s) => {
			try {
				return JSON.stringify(JSON.parse(s), null, 2);
			} catch (x) {
				return s;
			}
		};
		return h('details', null, h('summary', null, e.before && e.after ? 'Före och efter' : e.after ? 'Efter' : 'Före'),
			e.before ? [h('p', { class: 'label' }, 'Före'), h('pre', null, pretty(e.before))] : null,
			e.after ? [h('p', { class: 'label' }, 'Efter'), h('pre', null, pretty(e.after))] : null,
		);
	}

	/* ---------- Betalningsmottagare: payees' accounts under four eyes ---------- */

	const ACCOUNT_KINDS = [
		['bankgiro', 'Bankgiro'],
		['plusgiro', 'Plusgiro'],
		['iban', 'IBAN (utländskt eller svenskt kontonummer med BIC)'],
	];
	const PAYEE_OUTCOMES = {
		added: 'registrerad',
		unchanged: 'oförändrad',
		reference: 'ny betalningsreferens',
		proposed: 'kontoändring föreslagen',
		pending: 'kontoändringen är redan föreslagen',
	};

	/* An IBAN as people read it: groups of four. */
	function fmtIban(s) {
		return String(s || '').replace(/(.{4})(?=.)/g, '$1 ');
	}

	/* accountNodes: an account ({kind, number, bic} of the payee register, or
	 * a payment's bankgiro/plusgiro/iban/bic) as lines of text. */
	function accountNodes(a) {
		if (!a) return [h('span', { class: 'muted' }, 'konto saknas')];
		const kind = a.kind ? a.kind.toLowerCase() : a.iban ? 'iban' : a.bankgiro ? 'bankgiro' : a.plusgiro ? 'plusgiro' : null;
		const number = a.number || a.iban || a.bankgiro || a.plusgiro;
		if (!kind || !number) return [h('span', { class: 'muted' }, 'konto saknas')];
		if (kind === 'iban')
			return [h('span', { class: 'account iban' }, 'IBAN ', fmtIban(number)), ' ', h('br'), h('span', { class: 'account nowrap' }, 'BIC ' + (a.bic || '–'))];
		return [h('span', { class: 'account nowrap' }, (kind === 'bankgiro' ? 'Bg ' : 'Pg ') + number)];
	}

	/* kontobyteBadge: the flag of an account changed within 30 days of a
	 * payment (or, on the payee page, of today), with what it means. */
	function kontobyteBadge(changed, onPayment) {
		const why = 'Betalningsmottagarens konto ändrades ' + changed + (onPayment ? ', inom 30 dagar före betalningsdagen eller efter den' : ', för mindre än 30 dagar sedan') + '. Att byta en mottagares konto är det klassiska bidragsbedrägeriet: kontrollera ändringen (underlaget och vem som godkände den) innan du attesterar.';
		return h('span', { class: 'badge badge-warn kontobyte', title: why, 'data-changed': changed }, 'Kontobyte', h('span', { class: 'visually-hidden' }, ': ' + why));
	}

	function payeeLink(code, name) {
		return h('a', { href: href('betalningsmottagare', code) }, name || code);
	}

	/* A file as base64, for a JSON body. */
	async function fileBase64(f) {
		const bytes = new Uint8Array(await f.arrayBuffer());
		let bin = '';
		for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
		return btoa(bin);
	}

	async function pagePayees(root, segs) {
		if (segs.length) return pagePayee(root, segs[0]);
		const role = S.me.role;
		pageHeader(root, 'Betalningsmottagare', 'Kontona som betalningarna går till. Ett nytt konto för en betalningsmottagare föreslås av en person med underlag (t.ex. mottagarens undertecknade brev) och börjar gälla först när en annan person har godkänt det; till dess går betalningarna till det gamla kontot.');
		const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
		root.appendChild(status);
		const pendSec = h('section', { class: 'section', 'aria-labelledby': 'h-pay-pending' }, h('h2', { id: 'h-pay-pending' }, 'Kontoändringar som väntar på godkännande'));
		const pendBox = h('div');
		pendSec.appendChild(pendBox);
		root.appendChild(pendSec);
		const regSec = h('section', { class: 'section', 'aria-labelledby': 'h-pay-reg' }, h('h2', { id: 'h-pay-reg' }, 'Registret'));
		const filter = h('input', { type: 'search', name: 'filter', placeholder: 'namn, kod, organisationsnummer eller konto' });
		const regBox = h('div');
		append(regSec, [h('div', { class: 'filter' }, field('Filtrera', filter)), regBox]);
		let data = { payees: [], changes: [] };
		let limit = 200;

		async function decide(c, approve, msg, btn) {
			busy(btn, true, approve ? 'Godkänner…' : 'Avslår…');
			clear(status);
			try {
				const r = await api('POST', approve ? '/api/payee-changes/approve' : '/api/payee-changes/reject', { change: c.change });
				status.appendChild(h('div', { class: 'alert alert-ok', role: 'status' }, approve ? 'Ändring ' + r.change + ' godkändes: betalningar till ' + r.name + ' går från och med nu till det nya kontot.' : 'Ändring ' + r.change + ' avslogs: kontot är oförändrat.'));
				await load();
			} catch (e) {
				clear(msg).appendChild(h('div', { class: 'alert alert-error', role: 'alert' }, h('strong', null, approve ? 'Inte godkänd. ' : 'Inte avslagen. '), errorText(e)));
				if (btn.isConnected) busy(btn, false);
			}
		}

		function showPending() {
			const byOrg = new Map(data.payees.map((p) => [p.org, p]));
			const cols = [
				{ label: 'Nr', num: true, render: (c) => String(c.change) },
				{ label: 'Betalnings\u00admottagare', cls: 'name', render: (c) => [payeeLink(c.org, c.name), ' ', h('br'), h('span', { class: 'muted nowrap' }, c.orgnr || c.org)] },
				{ label: 'Nuvarande konto', cls: 'account-cell', render: (c) => (byOrg.has(c.org) ? accountNodes(byOrg.get(c.org).account) : h('span', { class: 'muted' }, 'inget i registret')) },
				{ label: 'Föreslaget konto', cls: 'account-cell', render: (c) => [accountNodes(c.account), c.reference ? [' ', h('br'), h('span', { class: 'muted' }, 'Referens ' + c.reference)] : null] },
				{ label: 'Underlag', cls: 'evidence', render: (c) => (c.evidence_file ? h('a', { href: c.evidence_file, download: '' }, c.evidence) : c.evidence) },
				{ label: 'Föreslagen av', render: (c) => [c.proposed_by, ' ', h('br'), h('span', { class: 'muted nowrap' }, c.proposed_on)] },
			];
			if (role === 'attestant' || role === 'handlaggare')
				cols.push({
					label: 'Beslut',
					cls: 'action',
					render: (c) => {
						const msg = h('div', { class: 'row-msg', 'aria-live': 'polite' });
						const own = samePerson(c.proposed_by, S.me.name);
						const out = [];
						if (own) out.push(h('span', { class: 'own-note' }, 'Föreslagen av dig – en annan person måste godkänna.'), ' ');
						else if (role === 'handlaggare') out.push(h('span', { class: 'own-note' }, 'Godkänns av en attestant.'), ' ');
						if (role === 'attestant' && !own) {
							const ok = h('button', { type: 'button', class: 'btn btn-small approve-btn', 'data-change': String(c.change), 'aria-label': 'Godkänn ändring ' + c.change + ' av kontot för ' + c.name }, 'Godkänn');
							ok.addEventListener('click', () => decide(c, true, msg, ok));
							out.push(ok, ' ');
						}
						const no = h('button', { type: 'button', class: 'btn btn-small btn-secondary reject-btn', 'data-change': String(c.change), 'aria-label': 'Avslå ändring ' + c.change + ' av kontot för ' + c.name }, 'Avslå');
						no.addEventListener('click', () => decide(c, false, msg, no));
						out.push(no, msg);
						return out;
					},
				});
			clear(pendBox).appendChild(table(cols, data.changes, { cls: 'payee-changes', caption: data.changes.length === 1 ? '1 kontoändring väntar' : data.changes.length + ' kontoändringar väntar', captionHidden: true, empty: 'Inga kontoändringar väntar på godkännande.', rowAttrs: (c) => ({ 'data-change': String(c.change) }) }));
		}

		function showRegister() {
			const f = filter.value.trim().toLowerCase();
			const text = (p) => [p.org, p.name, p.orgnr, p.account && p.account.number, p.account && fmtIban(p.account.number), p.reference].join(' ').toLowerCase();
			const list = f ? data.payees.filter((p) => text(p).includes(f)) : data.payees;
			clear(regBox).appendChild(
				table(
					[
						{ label: 'Kod', cls: 'nowrap', render: (p) => payeeLink(p.org, p.org) },
						{ label: 'Namn och organisationsnummer', cls: 'name', render: (p) => [p.name, ' ', h('br'), h('span', { class: 'muted nowrap' }, p.orgnr || '')] },
						{ label: 'Konto', cls: 'account-cell', render: (p) => accountNodes(p.account) },
						{ label: 'Betalningsreferens', cls: 'evidence', render: (p) => p.reference || '' },
						{
							label: 'Gäller från',
							cls: 'nowrap',
							render: (p) => [
								p.since,
								p.account_recent ? [' ', h('br'), kontobyteBadge(p.account_changed, false)] : null,
								p.pending_changes ? [' ', h('br'), h('span', { class: 'badge badge-info', title: 'En kontoändring väntar på godkännande av en annan person.' }, 'ändring föreslagen')] : null,
							],
						},
					],
					list.slice(0, limit),
					{ cls: 'payee-register', caption: list.length + (list.length === 1 ? ' betalningsmottagare' : ' betalningsmottagare') + (f ? ' som matchar' : ' i registret'), empty: f ? 'Ingen betalningsmottagare matchar.' : 'Registret är tomt: importera en fil med betalningsmottagare.', rowAttrs: (p) => ({ 'data-org': p.org }) },
				),
			);
			if (list.length > limit)
				regBox.appendChild(h('p', null, h('button', { type: 'button', class: 'btn btn-secondary', on: { click: () => { limit += 500; showRegister(); } } }, 'Visa fler (' + (list.length - limit) + ' kvar)')));
		}

		async function load() {
			data = await api('GET', '/api/payees');
			showPending();
			showRegister();
			if (datalist) {
				clear(datalist);
				for (const p of data.payees) datalist.appendChild(h('option', { value: p.org }, p.name + (p.orgnr ? ' (' + p.orgnr + ')' : '')));
			}
		}
		filter.addEventListener('input', () => {
			limit = 200;
			showRegister();
		});

		let datalist = null;
		if (role === 'handlaggare') {
			/* Import: a CSV or Excel file, all or nothing. */
			const file = h('input', { type: 'file', name: 'data', accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
			const ibtn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Importera');
			const iform = h('form', { class: 'card form payee-import', novalidate: true },
				h('h2', null, 'Importera betalningsmottagare'),
				field('Fil (CSV eller Excel)', file, 'Första raden namnger kolumnerna: organisationsnummer, namn, bankgiro, plusgiro, IBAN, BIC och betalningsreferens. Allt eller inget: ett fel anges med rad och kolumn, och då importeras ingenting. Ett annat konto än det registrerade blir ett förslag som en annan person godkänner.'),
				h('div', { class: 'actions' }, ibtn),
			);
			const ist = formStatus(iform);
			iform.addEventListener('submit', async (ev) => {
				ev.preventDefault();
				const f = file.files && file.files[0];
				if (!f) {
					ist.error(new ApiError(400, 'Välj en fil först.', 'data'), 'Inget importerades');
					return;
				}
				if (f.size > 12 * 1024 * 1024) {
					ist.error(new ApiError(400, 'Filen är större än 12 MB.', 'data'), 'Inget importerades');
					return;
				}
				busy(ibtn, true, 'Importerar…');
				try {
					const r = await api('POST', '/api/payees/import', { name: f.name, data: await fileBase64(f) });
					const notable = (r.rows || []).filter((x) => x.outcome === 'proposed' || x.outcome === 'pending' || x.outcome === 'reference');
					ist.ok(
						h('strong', null, r.file + ': ' + r.payees + (r.payees === 1 ? ' betalningsmottagare. ' : ' betalningsmottagare. ')),
						r.added + ' registrerade, ' + r.unchanged + ' oförändrade, ' + r.reference + ' med ny betalningsreferens, ' + r.proposed + ' kontoändringar föreslagna' + (r.pending ? ', ' + r.pending + ' redan föreslagna' : '') + '.',
						notable.length ? h('ul', { class: 'warnings' }, notable.map((x) => h('li', null, x.where + ': ' + x.name + ' – ' + PAYEE_OUTCOMES[x.outcome] + (x.change ? ' (ändring ' + x.change + ')' : '') + (x.was ? '; betalningarna går till ' + x.was + ' tills en annan person godkänner den' : '')))) : null,
					);
					file.value = '';
					await load();
				} catch (e) {
					ist.error(e, 'Inget importerades');
				} finally {
					busy(ibtn, false);
				}
			});

			/* A change of one payee's account, with the evidence. */
			datalist = h('datalist', { id: uid('payees') });
			const org = h('input', { type: 'text', name: 'org', list: datalist.id, autocomplete: 'off', required: true });
			const kind = h('select', { name: 'kind' }, ACCOUNT_KINDS.map(([v, l]) => h('option', { value: v }, l)));
			const number = h('input', { type: 'text', name: 'bankgiro', autocomplete: 'off', spellcheck: 'false', required: true });
			const bic = h('input', { type: 'text', name: 'bic', autocomplete: 'off', spellcheck: 'false' });
			const bicField = field('BIC', bic, 'Bankens BIC (8 eller 11 tecken), i samma land som IBAN.');
			const reference = h('input', { type: 'text', name: 'reference', autocomplete: 'off' });
			const evidence = h('textarea', { name: 'evidence', rows: '2' });
			const evFile = h('input', { type: 'file', name: 'evidence_data' });
			const pbtn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Föreslå kontoändring');
			const pform = h('form', { class: 'card form payee-propose', novalidate: true },
				h('h2', null, 'Föreslå ett nytt konto'),
				datalist,
				h('div', { class: 'row' },
					field('Betalningsmottagare', org, 'Kod, namn eller organisationsnummer.'),
					field('Kontoslag', kind),
				),
				h('div', { class: 'row' }, field('Nytt kontonummer', number), bicField, field('Betalningsreferens (valfri)', reference, 'Lämna tomt för att behålla den nuvarande.')),
				h('div', { class: 'row' },
					field('Underlag', evidence, 'Vad visar att mottagaren har begärt ändringen, t.ex. ”Brev från ekonomichefen 2026-11-30, dnr 2026/123”.'),
					field('… eller bifoga underlaget', evFile, 'Mottagarens undertecknade brev (PDF eller bild). Filen sparas med ändringen.'),
				),
				h('div', { class: 'actions' }, pbtn),
			);
			const pst = formStatus(pform);
			const sync = () => {
				number.name = kind.value;
				bicField.hidden = kind.value !== 'iban';
			};
			kind.addEventListener('change', sync);
			sync();
			pform.addEventListener('submit', async (ev) => {
				ev.preventDefault();
				const body = { org: org.value.trim() };
				body[kind.value] = number.value.trim();
				if (kind.value === 'iban') body.bic = bic.value.trim();
				if (reference.value.trim()) body.reference = reference.value.trim();
				const f = evFile.files && evFile.files[0];
				if (f && evidence.value.trim()) {
					pst.error(new ApiError(400, 'Ange underlaget som text eller som fil, inte båda.', 'evidence'), 'Inget föreslogs');
					return;
				}
				if (f && f.size > 12 * 1024 * 1024) {
					pst.error(new ApiError(400, 'Filen är större än 12 MB.', 'evidence_data'), 'Inget föreslogs');
					return;
				}
				busy(pbtn, true, 'Föreslår…');
				try {
					if (f) {
						body.evidence_name = f.name;
						body.evidence_data = await fileBase64(f);
					} else body.evidence = evidence.value.trim();
					const r = await api('POST', '/api/payee-changes', body);
					pst.ok(h('strong', null, 'Ändring ' + r.change + ' föreslogs'), ' för ' + r.name + '. Betalningarna går till det gamla kontot tills en annan person godkänner ändringen.');
					for (const el of [org, number, bic, reference, evidence]) el.value = '';
					evFile.value = '';
					await load();
				} catch (e) {
					pst.error(e, 'Inget föreslogs');
				} finally {
					busy(pbtn, false);
				}
			});
			append(root, [h('div', { class: 'payee-forms' }, iform, pform)]);
		}
		root.appendChild(regSec);
		pendBox.appendChild(loadingBox());
		regBox.appendChild(loadingBox());
		await load();
	}

	async function pagePayee(root, code) {
		const head = pageHeader(root, 'Betalningsmottagare ' + code);
		root.insertBefore(h('p', { class: 'eyebrow' }, h('a', { href: '#/betalningsmottagare' }, 'Betalningsmottagare'), ' / ', code), root.querySelector('.page-head'));
		const box = loadingBox();
		root.appendChild(box);
		const d = await api('GET', '/api/payee' + q({ org: code }));
		box.remove();
		head.textContent = d.name;
		document.title = d.name + ' – bidrag';
		const fact = (label, ...v) => h('div', null, h('dt', null, label), h('dd', null, ...v));
		root.appendChild(
			d.registered
				? h('dl', { class: 'facts' },
						fact('Kod', d.org),
						fact('Organisationsnummer', d.orgnr || '–'),
						fact('Konto', accountNodes(d.account)),
						fact('Betalningsreferens', d.reference || '–'),
						fact('Gäller från', d.since, d.account_recent ? [' ', kontobyteBadge(d.account_changed, false)] : null),
						d.account_changed ? fact('Kontot senast ändrat', d.account_changed) : null,
					)
				: h('p', { class: 'alert alert-info' }, d.name + ' har inget konto i registret över betalningsmottagare. Betalningar går till beslutets eller organisationens eget konto.'),
		);
		const HOW = { import: 'importerat', change: 'ändring godkänd', reference: 'ny referens' };
		const STATE = { proposed: 'föreslagen', approved: 'godkänd', rejected: 'avslagen' };
		root.appendChild(h('h2', null, 'Versioner'));
		root.appendChild(
			table(
				[
					{ label: 'Version', num: true, render: (v) => String(v.version) },
					{ label: 'Gäller från', cls: 'nowrap', render: (v) => v.since },
					{ label: 'Konto', cls: 'account-cell', render: (v) => accountNodes(v.account) },
					{ label: 'Referens', render: (v) => v.reference || '' },
					{ label: 'Hur', render: (v) => HOW[v.how] || v.how },
					{ label: 'Av', render: (v) => v.by },
					{ label: 'Källa', cls: 'name', render: (v) => v.source },
				],
				d.versions,
				{ caption: 'Kontots versioner', captionHidden: true, empty: 'Inga versioner.' },
			),
		);
		root.appendChild(h('h2', null, 'Kontoändringar'));
		root.appendChild(
			table(
				[
					{ label: 'Nr', num: true, render: (c) => String(c.change) },
					{ label: 'Föreslaget konto', cls: 'account-cell', render: (c) => accountNodes(c.account) },
					{ label: 'Underlag', cls: 'evidence', render: (c) => (c.evidence_file ? h('a', { href: c.evidence_file, download: '' }, c.evidence) : c.evidence) },
					{ label: 'Föreslagen', render: (c) => [c.proposed_by, ' ', h('br'), h('span', { class: 'muted nowrap' }, c.proposed_on)] },
					{ label: 'Beslut', render: (c) => [h('span', { class: ['badge', c.state === 'approved' ? 'badge-ok' : c.state === 'rejected' ? 'badge-error' : 'badge-info'] }, STATE[c.state] || c.state), c.decided_by ? [' ', h('br'), c.decided_by + ' ' + c.decided_on] : null] },
				],
				d.changes,
				{ caption: 'Kontoändringar', captionHidden: true, empty: 'Inga kontoändringar har föreslagits.' },
			),
		);
	}

	/* ---------- Användare ---------- */

	async function pageUsers(root) {
		pageHeader(root, 'Användare', 'Användare av webbapplikationen och deras roller.');
		const holder = h('div');
		root.appendChild(holder);
		async function load() {
			clear(holder).appendChild(loadingBox());
			const d = await api('GET', '/api/users');
			clear(holder).appendChild(
				table(
					[
						{ label: 'Användarnamn', render: (u) => u.name },
						{ label: 'Roll', render: (u) => ROLE_NAMES[u.role] || u.role },
						{ label: 'Organisation', render: (u) => u.org || '' },
						{ label: 'Skapad', cls: 'nowrap', render: (u) => fmtTimestamp(u.created_at) },
						{ label: 'Ändrad', cls: 'nowrap', render: (u) => fmtTimestamp(u.changed_at) },
					],
					d.users || [],
					{ caption: 'Användare', captionHidden: true, empty: 'Inga användare.' },
				),
			);
		}
		const name = h('input', { type: 'text', name: 'name', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', required: true, pattern: '[a-z0-9._-]{1,64}' });
		const role = h('select', { name: 'role' }, Object.entries(ROLE_NAMES).map(([v, l]) => h('option', { value: v }, l)));
		const org = h('input', { type: 'text', name: 'org', autocomplete: 'off' });
		const orgField = field('Organisation', org, 'Mottagarens organisationskod eller namn, t.ex. 23.');
		const pw = h('input', { type: 'password', name: 'password', autocomplete: 'new-password', required: true, minlength: '12' });
		const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Lägg till användare');
		const form = h('form', { class: 'card form', novalidate: true },
			h('h2', null, 'Ny användare'),
			h('div', { class: 'row' }, field('Användarnamn', name, 'Små bokstäver a–z, siffror, punkt, bindestreck och understreck.'), field('Roll', role)),
			h('div', { class: 'row' }, orgField, field('Lösenord', pw, 'Minst 12 tecken.')),
			h('div', { class: 'actions' }, btn),
		);
		const st = formStatus(form);
		const sync = () => {
			orgField.hidden = role.value !== 'mottagare';
		};
		role.addEventListener('change', sync);
		sync();
		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			const body = { name: name.value.trim(), role: role.value, password: pw.value };
			if (role.value === 'mottagare') body.org = org.value.trim();
			busy(btn, true, 'Lägger till…');
			try {
				const r = await api('POST', '/api/users', body);
				st.ok(h('strong', null, 'Användaren ' + r.name + ' lades till'), ' (' + (ROLE_NAMES[r.role] || r.role) + (r.org ? ', organisation ' + r.org : '') + ').');
				name.value = '';
				pw.value = '';
				org.value = '';
				await load();
			} catch (e) {
				st.error(e, 'Användaren lades inte till');
			} finally {
				busy(btn, false);
			}
		});
		root.appendChild(form);
		await load();
	}

	/* ---------- Modules ---------- */

	/* The helpers, for the pages kept in their own files (datasets.js,
	 * register.js, portal.js, officer.js): each takes what it uses from
	 * window.bidragUI and puts its pages in bidragUI.pages, which PAGES names;
	 * a module adds a page of its own with bidragUI.addPage. */
	window.bidragUI = {
		ACCOUNT_KINDS, ALL, AUDIT_PARAMS, BANK_WHAT, DEADLINE_KINDS, LEDGER_COLS, NBSP, PAGES, PART_MODES, PAYEE_OUTCOMES, PROPS, RECIPIENT_SETS, ROLE_NAMES, S, STAFF, SVGNS, accountNodes, allowed, api, append, barChart, busy, bytesToBase64, changeDetails, clear, dayDiff, daysText, decisionLink, errorBox, errorText, field, fileBase64, fmtCell, fmtDecimalText, fmtIban, fmtInt, fmtKr, fmtMoney, fmtOre, fmtOreNum, fmtTimestamp, formStatus, getDecisions, group, h, href, isNumericCell, kontobyteBadge, ledgerCols, ledgerFoot, loadingBox, logout, navLabel, oreInput, pad2, pageAllocate, pageAttest, pageAudit, pageBank, pageBatches, pageDecision, pageDecisions, pageEvent, pageHeader, pageImport, pagePayee, pagePayees, pageRecipient, pageRecipientIndex, pageStart, pageUsers, parseAnnexTsv, parseHash, parseJSON, partTerms, payeeLink, q, recipientClaims, recipientLink, renderAllocation, renderAnnex, renderAwaiting, renderDeadlines, renderLogin, renderNav, renderSession, renderStatusByPart, route, samePerson, sessionLost, setAttrs, shorten, sum, svg, table, tickLabel, toBig, today, trimDec, uid, uuid,
		pages: {},
		addPage(p, before) {
			const i = before ? PAGES.findIndex((x) => x.key === before) : -1;
			if (i >= 0) PAGES.splice(i, 0, p);
			else PAGES.push(p);
		},
	};

	/* ---------- Start ---------- */

	function inPageLinks(ev) {
		const a = ev.target.closest && ev.target.closest('a');
		if (!a) return;
		const hrefAttr = a.getAttribute('href') || '';
		// Links to an element on the page (#sec-...) and the skip link move focus
		// there instead of changing the route.
		if (hrefAttr.startsWith('#') && !hrefAttr.startsWith('#/')) {
			const target = document.getElementById(hrefAttr.slice(1));
			if (target) {
				ev.preventDefault();
				if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
				target.focus();
				target.scrollIntoView({ block: 'start' });
			}
		}
	}

	async function boot() {
		document.addEventListener('click', inPageLinks);
		window.addEventListener('hashchange', () => route());
		try {
			S.me = await api('GET', '/api/me');
		} catch (e) {
			S.me = null;
			if (e.status !== 401) S.loginMessage = 'Servern kunde inte nås: ' + errorText(e);
		}
		await route();
	}

	// After DOMContentLoaded: the modules (deferred scripts after this one)
	// have put their pages in by then.
	if (document.readyState !== 'complete') document.addEventListener('DOMContentLoaded', boot);
	else boot();
})();
