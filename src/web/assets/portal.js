/* portal.js: the recipient's filing (mottagare): requisitions, financial and
 * activity reports drafted, previewed as PDF and signed by an authorised
 * representative (the password asked again); the handläggare's "Inkomna
 * handlingar" (accept, or return for completion); the authorised
 * representatives (behöriga företrädare), kept by the agency or by the
 * organisation's firmatecknare.  Loaded after app.js, whose helpers it takes
 * from window.bidragUI; its pages go in with bidragUI.addPage.  The API is
 * api-portal.c (docs/portal.md). */
'use strict';

(function () {
	const UI = window.bidragUI;
	const { S, STAFF, api, busy, clear, decisionLink, errorBox, field, fileBase64, fmtOre, formStatus, h, href, loadingBox, oreInput, pageHeader, q, table } = UI;

	const KIND_SV = { requisition: 'Rekvisition', 'financial-report': 'Ekonomisk redovisning', 'activity-report': 'Verksamhetsrapport' };
	const STATE_SV = { draft: 'Utkast', submitted: 'Inskickad', returned: 'Åter för komplettering', accepted: 'Godkänd' };
	const STATE_BADGE = { draft: 'badge-info', submitted: 'badge-info', returned: 'badge-warn', accepted: 'badge-ok' };

	/* parseKr: "1 234,50" (kronor) as öre, a Number; null when it is no amount. */
	function parseKr(text) {
		const s = String(text || '').replace(/[\s\u00a0]/g, '').replace(/kr$/i, '');
		const m = /^(\d+)(?:[,.](\d{1,2}))?$/.exec(s);
		if (!m) return null;
		const ore = BigInt(m[1]) * 100n + BigInt((m[2] || '0').padEnd(2, '0'));
		return ore > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(ore);
	}

	function stateBadge(s) {
		return h('span', { class: 'badge ' + (STATE_BADGE[s.state] || 'badge-info'), 'data-state': s.state }, STATE_SV[s.state] || s.state);
	}

	function lateBadge(s) {
		return s.late ? h('span', { class: 'badge badge-warn', 'data-late': 'true' }, 'Sen') : null;
	}

	function amounts(s) {
		const out = [];
		if (s.amount !== undefined) out.push((s.kind === 'requisition' ? 'Rekvirerat ' : 'Använt ') + fmtOre(s.amount));
		if (s.unused !== undefined) out.push('outnyttjat ' + fmtOre(s.unused));
		return out.join(', ') || '–';
	}

	function fileLinks(s) {
		const links = [];
		if (s.signed_by) links.push(h('a', { href: '/api/submissions/document' + q({ id: s.id }), 'data-link': 'document' }, 'Signerad handling (PDF)'));
		for (const a of s.attachments || []) {
			links.push(' · ');
			links.push(h('a', { href: '/api/submissions/file' + q({ id: s.id, file: a.id }) }, a.name));
		}
		return links;
	}

	function signatureText(s) {
		if (!s.signed_by) return h('span', { class: 'muted' }, 'Inte signerad');
		return [s.signature || 'signerad av ' + s.signed_by, h('br'), h('span', { class: 'muted small' }, 'SHA-256 ' + (s.document_sha256 || '').slice(0, 16) + '…')];
	}

	/* ---------- Mottagare: Rekvisitioner och redovisningar ---------- */

	async function pageFiling(root, segs, query) {
		if (segs.length) return pageSubmission(root, segs[0]);
		pageHeader(root, 'Rekvisitioner och redovisningar', 'Rekvirera medel, lämna ekonomisk redovisning och verksamhetsrapport. En handling skickas in först när en behörig företrädare för organisationen har signerat den.');
		const box = loadingBox();
		root.appendChild(box);
		let parts, subs;
		try {
			[parts, subs] = await Promise.all([api('GET', '/api/portal/parts'), api('GET', '/api/submissions')]);
		} catch (e) {
			box.replaceWith(errorBox(e, 'Kunde inte hämta organisationens bidrag'));
			return;
		}
		box.remove();
		root.appendChild(newForm(parts.parts, query));
		const sec = h('section', { class: 'card', 'aria-labelledby': 'subs-h', 'data-section': 'submissions' }, h('h2', { id: 'subs-h' }, 'Organisationens handlingar'));
		sec.appendChild(
			table(
				[
					{ label: 'Nr', cls: 'nowrap', render: (s) => h('a', { href: href('handlingar', String(s.id)) }, String(s.id)) },
					{ label: 'Handling', render: (s) => KIND_SV[s.kind] || s.kind },
					{ label: 'Beslut', cls: 'nowrap', render: (s) => [decisionLink(s.dnr), ' ', s.part] },
					{ label: 'Belopp', render: amounts },
					{ label: 'Status', render: (s) => [stateBadge(s), ' ', lateBadge(s), s.review_note ? h('p', { class: 'small' }, 'Handläggarens meddelande: ' + s.review_note) : null] },
					{ label: 'Underskrift', render: signatureText },
				],
				subs.submissions,
				{ caption: 'Organisationens handlingar', captionHidden: true, empty: 'Inga handlingar ännu.', rowAttrs: (s) => ({ 'data-id': String(s.id), 'data-kind': s.kind }) },
			),
		);
		root.appendChild(sec);
	}

	function newForm(parts, query) {
		const form = h('form', { class: 'card', 'aria-labelledby': 'new-h', 'data-section': 'new' }, h('h2', { id: 'new-h' }, 'Ny handling'));
		const st = formStatus(form);
		const kind = h('select', { name: 'kind' }, Object.entries(KIND_SV).map(([k, v]) => h('option', { value: k }, v)));
		const part = h('select', { name: 'part' });
		const amount = h('input', { name: 'amount', inputmode: 'decimal', autocomplete: 'off' });
		const unused = h('input', { name: 'unused', inputmode: 'decimal', autocomplete: 'off' });
		const comments = h('textarea', { name: 'comments', rows: '4' });
		const amountField = field('Belopp (kr)', amount);
		const unusedField = field('Outnyttjat belopp (kr)', unused, 'Det som ska betalas tillbaka.');
		const commentsLabel = h('span', null, 'Kommentarer');
		const commentsField = h('div', { class: 'field' }, h('label', { for: 'f-comments' }, commentsLabel), comments);
		comments.id = 'f-comments';
		const none = h('p', { class: 'muted', 'data-none': 'true' });
		function fill() {
			const k = kind.value;
			clear(part);
			const ok = parts.filter((p) => (k === 'requisition' ? p.can_requisition : k === 'activity-report' ? p.activity_asked : true));
			for (const p of ok) {
				const deadline = k === 'requisition' ? p.requisition_deadline : p.report_deadline;
				part.appendChild(h('option', { value: p.dnr + '\u0000' + p.part }, p.dnr + ' – ' + (p.title || p.part) + (deadline ? ' (senast ' + deadline + ')' : '')));
			}
			none.textContent = ok.length ? '' : k === 'requisition' ? 'Ingen del kräver rekvisition före sin tidsfrist: det finns inget att rekvirera.' : k === 'activity-report' ? 'Inget beslut begär verksamhetsrapport av organisationen.' : 'Organisationen har inga bidrag.';
			amountField.querySelector('label').textContent = k === 'requisition' ? 'Rekvirerat belopp (kr)' : 'Använt belopp (kr)';
			amountField.hidden = k === 'activity-report';
			unusedField.hidden = k !== 'financial-report';
			commentsLabel.textContent = k === 'activity-report' ? 'Rapport' : 'Kommentarer';
			submit.disabled = !ok.length;
		}
		const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Skapa utkast');
		form.append(field('Handling', kind), field('Beslut och del', part), none, amountField, unusedField, commentsField, h('p', { class: 'actions' }, submit));
		kind.addEventListener('change', fill);
		if (query && query.get && query.get('kind') && KIND_SV[query.get('kind')]) kind.value = query.get('kind');
		fill();
		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			const [dnr, p] = part.value.split('\u0000');
			const body = { kind: kind.value, dnr, part: p };
			if (!amountField.hidden) {
				const v = parseKr(amount.value);
				if (v === null) return st.error({ message: 'Ange beloppet i kronor, t.ex. 1 000 000 eller 1 234,50.' }, 'Beloppet saknas');
				body.amount = v;
			}
			if (!unusedField.hidden) {
				const v = parseKr(unused.value);
				if (v === null) return st.error({ message: 'Ange det outnyttjade beloppet i kronor (0 om allt har använts).' }, 'Outnyttjat belopp saknas');
				body.unused = v;
			}
			if (comments.value.trim()) body.comments = comments.value;
			busy(submit, true, 'Skapar…');
			try {
				const s = await api('POST', '/api/submissions', body);
				location.hash = href('handlingar', String(s.id));
			} catch (e) {
				st.error(e, 'Utkastet kunde inte skapas');
			} finally {
				if (submit.isConnected) busy(submit, false);
			}
		});
		return form;
	}

	async function pageSubmission(root, id) {
		pageHeader(root, 'Handling ' + id);
		const box = loadingBox();
		root.appendChild(box);
		let s;
		try {
			s = await api('GET', '/api/submission' + q({ id }));
		} catch (e) {
			box.replaceWith(errorBox(e, 'Kunde inte hämta handlingen'));
			return;
		}
		box.remove();
		const head = root.querySelector('h1');
		head.textContent = (KIND_SV[s.kind] || s.kind) + ' ' + s.id;
		document.title = head.textContent + ' – bidrag';
		root.appendChild(h('p', { class: 'eyebrow' }, h('a', { href: href('handlingar') }, 'Rekvisitioner och redovisningar'), ' / ', String(s.id)));
		root.appendChild(
			h('dl', { class: 'facts' },
				h('div', null, h('dt', null, 'Beslut'), h('dd', null, decisionLink(s.dnr), ' del ', s.part)),
				h('div', null, h('dt', null, 'Status'), h('dd', null, stateBadge(s), ' ', lateBadge(s))),
				h('div', null, h('dt', null, 'Belopp'), h('dd', null, amounts(s))),
				h('div', null, h('dt', null, 'Underskrift'), h('dd', null, signatureText(s))),
				s.review_note ? h('div', null, h('dt', null, 'Handläggarens meddelande'), h('dd', { 'data-review-note': 'true' }, s.review_note)) : null,
			),
		);
		const links = fileLinks(s);
		if (links.length) root.appendChild(h('p', null, links));
		const editable = s.state === 'draft' || s.state === 'returned';
		if (!editable) return;
		if (S.me.role === 'mottagare') {
			root.appendChild(amendForm(s));
			root.appendChild(attachForm(s));
			root.appendChild(signForm(s));
		}
	}

	function amendForm(s) {
		const form = h('form', { class: 'card', 'data-section': 'amend' }, h('h2', null, 'Uppgifter'));
		const st = formStatus(form);
		const amount = h('input', { name: 'amount', inputmode: 'decimal', value: s.amount !== undefined ? oreInput(s.amount) : '' });
		const unused = h('input', { name: 'unused', inputmode: 'decimal', value: s.unused !== undefined ? oreInput(s.unused) : '' });
		const comments = h('textarea', { name: 'comments', rows: '4' });
		comments.value = s.comments || '';
		const save = h('button', { type: 'submit', class: 'btn btn-secondary' }, 'Spara ändringar');
		if (s.kind !== 'activity-report') form.appendChild(field(s.kind === 'requisition' ? 'Rekvirerat belopp (kr)' : 'Använt belopp (kr)', amount));
		if (s.kind === 'financial-report') form.appendChild(field('Outnyttjat belopp (kr)', unused));
		form.append(field(s.kind === 'activity-report' ? 'Rapport' : 'Kommentarer', comments), h('p', { class: 'actions' }, save));
		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			const body = { id: s.id, comments: comments.value };
			if (s.kind !== 'activity-report') body.amount = parseKr(amount.value);
			if (s.kind === 'financial-report') body.unused = parseKr(unused.value);
			if (body.amount === null || body.unused === null) return st.error({ message: 'Ange beloppen i kronor.' }, 'Beloppet saknas');
			busy(save, true, 'Sparar…');
			try {
				await api('POST', '/api/submissions/amend', body);
				st.ok('Ändringarna är sparade. Förhandsvisa och signera på nytt nedan.');
			} catch (e) {
				st.error(e, 'Ändringarna kunde inte sparas');
			} finally {
				if (save.isConnected) busy(save, false);
			}
		});
		return form;
	}

	function attachForm(s) {
		const form = h('form', { class: 'card', 'data-section': 'attach' }, h('h2', null, 'Bilagor'));
		const st = formStatus(form);
		const file = h('input', { type: 'file', name: 'data', accept: '.pdf,application/pdf', required: true });
		const add = h('button', { type: 'submit', class: 'btn btn-secondary' }, 'Bifoga PDF');
		form.append(h('p', { class: 'hint' }, 'Bilagor lämnas som PDF; deras namn och SHA-256 står i handlingen som signeras.'), field('Fil (PDF)', file), h('p', { class: 'actions' }, add));
		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			const f = file.files[0];
			if (!f) return;
			busy(add, true, 'Bifogar…');
			try {
				await api('POST', '/api/submissions/attach', { id: s.id, name: f.name, data: await fileBase64(f) });
				UI.route();
			} catch (e) {
				st.error(e, 'Filen kunde inte bifogas');
			} finally {
				if (add.isConnected) busy(add, false);
			}
		});
		return form;
	}

	function signForm(s) {
		const form = h('form', { class: 'card', 'data-section': 'sign', 'aria-labelledby': 'sign-h' }, h('h2', { id: 'sign-h' }, 'Signera och skicka in'));
		const st = formStatus(form);
		const pw = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
		const go = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Signera och skicka in');
		form.append(
			h('p', null, 'Handlingen skickas in när en behörig företrädare (firmatecknare eller ombud) för organisationen har signerat den. Läs handlingen först: ', h('a', { href: '/api/submissions/preview' + q({ id: s.id }), target: '_blank', rel: 'noopener', 'data-link': 'preview' }, 'Förhandsvisa handlingen (PDF)'), '.'),
			h('p', { class: 'hint' }, 'Du identifieras genom att ange ditt lösenord på nytt. (BankID eller Freja eID kan ersätta lösenordet i en senare version.) Handlingens SHA-256, du som undertecknare och din behörighet registreras med handlingen.'),
			field('Ditt lösenord', pw),
			h('p', { class: 'actions' }, go),
		);
		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			busy(go, true, 'Signerar…');
			try {
				await api('POST', '/api/submissions/sign', { id: s.id, password: pw.value });
				pw.value = '';
				S.flash = (KIND_SV[s.kind] || 'Handlingen') + ' ' + s.id + ' är signerad och inskickad.';
				UI.route();
			} catch (e) {
				pw.value = '';
				st.error(e, 'Handlingen signerades inte');
			} finally {
				if (go.isConnected) busy(go, false);
			}
		});
		return form;
	}

	/* ---------- Handläggare: Inkomna handlingar ---------- */

	async function pageInbox(root, segs, query) {
		pageHeader(root, 'Inkomna handlingar', 'Rekvisitioner, ekonomiska redovisningar och verksamhetsrapporter som mottagarna har signerat och skickat in. Godkänn, eller skicka tillbaka för komplettering med ett meddelande. En handling som kom in efter sin tidsfrist godkänns men markeras som sen.');
		const state = (query && query.get && query.get('state')) || 'submitted';
		const filter = h('p', { class: 'actions', 'data-section': 'filter' },
			Object.entries({ submitted: 'Att granska', returned: 'Åter för komplettering', accepted: 'Godkända', '': 'Alla' }).map(([k, v]) =>
				h('a', { href: href('inkomna', { state: k || 'all' }), class: 'btn ' + ((state === k || (state === 'all' && !k)) ? 'btn-primary' : 'btn-secondary') }, v)));
		root.appendChild(filter);
		const box = loadingBox();
		root.appendChild(box);
		let subs;
		try {
			subs = await api('GET', '/api/submissions' + q({ state: state === 'all' ? '' : state }));
		} catch (e) {
			box.replaceWith(errorBox(e, 'Kunde inte hämta handlingarna'));
			return;
		}
		box.remove();
		const mayReview = S.me.role === 'handlaggare';
		root.appendChild(
			table(
				[
					{ label: 'Mottagare', render: (s) => s.org_name || s.org },
					{ label: 'Handling', render: (s) => [(KIND_SV[s.kind] || s.kind) + ' ' + s.id, ' ', lateBadge(s)] },
					{ label: 'Beslut', cls: 'nowrap', render: (s) => [decisionLink(s.dnr), ' ', s.part] },
					{ label: 'Belopp', render: amounts },
					{ label: 'Underskrift', render: (s) => [signatureText(s), h('br'), fileLinks(s)] },
					{ label: 'Status', render: (s) => [stateBadge(s), s.review_note ? h('p', { class: 'small' }, s.review_note) : null] },
					{ label: 'Granska', render: (s) => (mayReview && s.state === 'submitted' ? reviewCell(s) : null) },
				],
				subs.submissions.filter((s) => s.state !== 'draft'),
				{ caption: 'Inkomna handlingar', captionHidden: true, empty: 'Inga handlingar i den här listan.', rowAttrs: (s) => ({ 'data-id': String(s.id), 'data-kind': s.kind, 'data-org': s.org }) },
			),
		);
	}

	function reviewCell(s) {
		const form = h('form', { class: 'review', 'data-review': String(s.id) });
		const st = formStatus(form);
		const accept = h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'accept' }, 'Godkänn');
		const note = h('textarea', { name: 'note', rows: '2', cols: '16', 'aria-label': 'Meddelande till mottagaren', placeholder: 'Meddelande' });
		const ret = h('button', { type: 'submit', class: 'btn btn-secondary', 'data-action': 'return' }, 'Begär komplettering');
		form.append(h('p', null, accept), note, h('p', null, ret));
		accept.addEventListener('click', async () => {
			busy(accept, true, 'Godkänner…');
			try {
				await api('POST', '/api/submissions/accept', { id: s.id });
				S.flash = (KIND_SV[s.kind] || 'Handlingen') + ' ' + s.id + ' från ' + (s.org_name || s.org) + ' är godkänd' + (s.late ? ' (sen)' : '') + '.';
				UI.route();
			} catch (e) {
				st.error(e, 'Kunde inte godkänna');
			} finally {
				if (accept.isConnected) busy(accept, false);
			}
		});
		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			busy(ret, true, 'Skickar…');
			try {
				await api('POST', '/api/submissions/return', { id: s.id, note: note.value });
				S.flash = (KIND_SV[s.kind] || 'Handlingen') + ' ' + s.id + ' är skickad tillbaka för komplettering.';
				UI.route();
			} catch (e) {
				st.error(e, 'Kunde inte skicka tillbaka');
			} finally {
				if (ret.isConnected) busy(ret, false);
			}
		});
		return form;
	}

	/* ---------- Behöriga företrädare ---------- */

	async function pageSignatories(root, segs, query) {
		pageHeader(root, 'Behöriga företrädare', 'Personerna som får signera rekvisitioner och redovisningar för en organisation: firmatecknare eller ombud, med giltighetstid och handlingen som visar behörigheten (PDF). Listan förs av handläggaren eller av organisationens firmatecknare.');
		const mott = S.me.role === 'mottagare';
		const org = mott ? S.me.org : (query && query.get && query.get('org')) || '';
		if (!mott) {
			const pick = h('form', { class: 'inline', 'data-section': 'pick' });
			const code = h('input', { name: 'org', value: org, placeholder: 't.ex. 23 eller SKR' });
			pick.append(field('Organisation (kod)', code), h('button', { type: 'submit', class: 'btn btn-secondary' }, 'Visa'));
			pick.addEventListener('submit', (ev) => {
				ev.preventDefault();
				location.hash = href('foretradare', { org: code.value.trim() });
			});
			root.appendChild(pick);
		}
		const box = loadingBox();
		root.appendChild(box);
		let list;
		try {
			list = await api('GET', '/api/signatories' + q({ org }));
		} catch (e) {
			box.replaceWith(errorBox(e, 'Kunde inte hämta företrädarna'));
			return;
		}
		box.remove();
		root.appendChild(
			table(
				[
					{ label: 'Organisation', render: (g) => g.org_name || g.org },
					{ label: 'Person (användare)', render: (g) => g.user },
					{ label: 'Behörighet', render: (g) => g.kind },
					{ label: 'Giltig', cls: 'nowrap', render: (g) => [g.valid_from + ' – ' + (g.valid_to || 'tills vidare'), ' ', g.valid ? h('span', { class: 'badge badge-ok' }, 'gäller') : h('span', { class: 'badge badge-warn' }, g.revoked_on ? 'återkallad ' + g.revoked_on : 'gäller inte i dag')] },
					{ label: 'Handling', render: (g) => [h('a', { href: '/api/signatories/evidence' + q({ id: g.id }) }, g.evidence_name), h('br'), h('span', { class: 'muted small' }, 'SHA-256 ' + g.evidence_sha256.slice(0, 16) + '…')] },
					{ label: '', render: (g) => (list.may_keep && !g.revoked_on ? revokeButton(g) : null) },
				],
				list.signatories,
				{ caption: 'Behöriga företrädare', captionHidden: true, empty: org ? 'Organisationen har inga behöriga företrädare registrerade.' : 'Inga behöriga företrädare registrerade.', rowAttrs: (g) => ({ 'data-user': g.user, 'data-org': g.org }) },
			),
		);
		if (org && list.may_keep) root.appendChild(addForm(org));
		else if (mott) root.appendChild(h('p', { class: 'muted' }, 'Listan förs av Kammarkollegiet eller av organisationens firmatecknare.'));
	}

	function revokeButton(g) {
		const b = h('button', { type: 'button', class: 'btn btn-secondary', 'data-action': 'revoke' }, 'Återkalla');
		b.addEventListener('click', async () => {
			if (!window.confirm('Återkalla ' + g.user + 's behörighet att signera för ' + (g.org_name || g.org) + ' från i dag?')) return;
			busy(b, true);
			try {
				await api('POST', '/api/signatories/revoke', { id: g.id });
				UI.route();
			} catch (e) {
				b.replaceWith(errorBox(e, 'Kunde inte återkalla'));
			}
		});
		return b;
	}

	function addForm(org) {
		const form = h('form', { class: 'card', 'data-section': 'add', 'aria-labelledby': 'add-h' }, h('h2', { id: 'add-h' }, 'Lägg till behörig företrädare'));
		const st = formStatus(form);
		const user = h('input', { name: 'user', required: true, autocomplete: 'off' });
		const kind = h('select', { name: 'kind' }, h('option', { value: 'firmatecknare' }, 'firmatecknare'), h('option', { value: 'ombud' }, 'ombud'));
		const from = h('input', { name: 'valid_from', type: 'date', required: true, value: UI.today ? UI.today() : '' });
		const to = h('input', { name: 'valid_to', type: 'date' });
		const file = h('input', { type: 'file', name: 'evidence_data', accept: '.pdf,application/pdf', required: true });
		const add = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Lägg till');
		form.append(
			field('Användare (organisationens bidrag-användare)', user),
			field('Behörighet', kind),
			field('Giltig från', from),
			field('Giltig till och med', to, 'Tomt: tills vidare (tills behörigheten återkallas).'),
			field('Handling som visar behörigheten (PDF)', file, 'T.ex. styrelsens beslut om firmateckning eller fullmakten.'),
			h('p', { class: 'actions' }, add),
		);
		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			const f = file.files[0];
			if (!f) return;
			busy(add, true, 'Lägger till…');
			try {
				await api('POST', '/api/signatories', { org, user: user.value.trim(), kind: kind.value, valid_from: from.value, valid_to: to.value, evidence_name: f.name, evidence_data: await fileBase64(f) });
				S.flash = user.value.trim() + ' får signera för ' + org + ' som ' + kind.value + '.';
				UI.route();
			} catch (e) {
				st.error(e, 'Företrädaren kunde inte läggas till');
			} finally {
				if (add.isConnected) busy(add, false);
			}
		});
		return form;
	}

	/* The requisition form of app.js (#/handelse) is the handläggare's; a
	 * mottagare following an old link to it files here, signed. */
	window.addEventListener('hashchange', () => {
		if (S.me && S.me.role === 'mottagare' && /^#\/handelse(?:[/?]|$)/.test(location.hash)) location.replace(href('handlingar', { kind: 'requisition' }));
	});

	UI.addPage({ key: 'handlingar', label: 'Rekvisitioner och redovisningar', roles: ['mottagare'], render: pageFiling }, 'mottagare');
	UI.addPage({ key: 'inkomna', label: 'Inkomna handlingar', roles: STAFF, render: pageInbox }, 'attest');
	UI.addPage({ key: 'foretradare', label: 'Behöriga företrädare', roles: ['handlaggare', 'mottagare', 'revisor'], render: pageSignatories }, 'mottagare');
})();
