// portal.mjs: the recipient's filing in the browser (issue 14 items 1-3).
// The handläggare registers the authorised representatives (eva for 23,
// stina for SKR) with their PDFs; stina files and signs a requisition, eva a
// financial report with an unused amount (late: after its deadline) and an
// activity report, each previewed as PDF and signed with the password again;
// the handläggare reviews them in Inkomna handlingar: accepts the
// requisition and the report, returns the activity report with a message;
// eva completes it and signs again; it is accepted.  A screenshot of every
// page.  Run by tests/cli/browser.sh after flows.mjs.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { env, SRC, PW, check, assert, norm, cells, seen, shot, ready, go, login, bidrag, main, state } from './lib.mjs';

state.prefix = 'portal-';
const DNR = 'S2026/00002';
const PDF = Buffer.from('%PDF-1.4\n% styrelsens beslut om firmateckning\n%%EOF\n');
const today = new Date().toISOString().slice(0, 10);

function setup() {
	const tmp = fs.mkdtempSync(path.join(env('TMPDIR', '/tmp'), 'portal-'));
	execFileSync(env('BIDRAG'), ['user', 'add', 'stina', '--role', 'mottagare', '--org', 'SKR', '--by', 'root'],
		{ env: { ...process.env, BIDRAG_DB: env('BIDRAG_DB'), BIDRAG_PASSWORD: PW }, input: PW + '\n', encoding: 'utf8' });
	const dec = JSON.parse(fs.readFileSync(path.join(SRC, 'examples/decisions/S2020-09797.json'), 'utf8'));
	dec.dnr = DNR;
	for (const p of dec.parts) {
		if (p.id === 'skr') {
			p.payment.deadline = '2099-12-01';
			p.repayment_deadline = p.report_deadline = '2100-03-31';
		}
		if (p.id === 'regioner') {
			p.payment = { mode: 'without-requisition', by: '2099-12-31' };
			p.report = 'ekonomisk redovisning och verksamhetsrapport';
		}
		if (p.id === 'samverkansregioner') p.payment = { mode: 'without-requisition', by: '2099-12-31' };
	}
	fs.writeFileSync(path.join(tmp, 'd.json'), JSON.stringify(dec));
	bidrag('decision', 'import', path.join(tmp, 'd.json'), '--by', 'anna');
	const part = JSON.parse(bidrag('decision', 'show', DNR, '--format', 'json')).parts.find((p) => p.id === 'regioner');
	const amount = part.allocation.find((r) => r.code === '23').amount;
	bidrag('pay', 'add', DNR, '--part', 'regioner', '--recipient', '23', '--amount', String(amount), '--date', today, '--by', 'anna', '--id', 'portal-web-23');
	bidrag('pay', 'attest', 'portal-web-23', '--date', today, '--by', 'bertil');
	bidrag('pay', 'export', '--batch', 'portal-web', '--date', today, '--output', path.join(tmp, 'batch.xml'), '--by', 'anna');
	fs.writeFileSync(path.join(tmp, 'firmateckning.pdf'), PDF);
	fs.writeFileSync(path.join(tmp, 'bokslut.pdf'), Buffer.from('%PDF-1.4\n% bokslut 2021\n%%EOF\n'));
	return { tmp, amount };
}

async function addSignatory(anna, s, org, user) {
	await go(anna, '#/foretradare?org=' + org);
	const form = anna.locator('form[data-section=add]');
	await form.getByLabel('Användare').fill(user);
	await form.getByLabel('Giltig från').fill('2020-01-01');
	await form.getByLabel('Handling som visar behörigheten (PDF)').setInputFiles(path.join(s.tmp, 'firmateckning.pdf'));
	await form.getByRole('button', { name: 'Lägg till' }).click();
	await anna.locator('tr[data-user="' + user + '"]').waitFor();
}

async function file(page, kind, part, fields) {
	await go(page, '#/handlingar');
	const form = page.locator('form[data-section=new]');
	await form.getByLabel('Handling').selectOption(kind);
	await form.getByLabel('Beslut och del').selectOption(DNR + '\u0000' + part);
	for (const [label, v] of Object.entries(fields)) await form.getByLabel(label).fill(v);
	await form.getByRole('button', { name: 'Skapa utkast' }).click();
	await ready(page, '#/handlingar/', true);
	await page.locator('form[data-section=sign]').waitFor();
	return Number((await page.evaluate(() => location.hash)).split('/').pop());
}

async function sign(page, id, name) {
	const link = page.locator('a[data-link=preview]');
	const r = await page.request.get(new URL(await link.getAttribute('href'), page.url()).toString());
	assert(r.status() === 200 && (await r.body()).subarray(0, 5).toString() === '%PDF-', 'the preview is a PDF: ' + r.status());
	await shot(page, name + '-utkast');
	await page.locator('form[data-section=sign]').getByLabel('Ditt lösenord').fill(PW);
	await page.getByRole('button', { name: 'Signera och skicka in' }).click();
	await page.locator('.alert-ok').filter({ hasText: 'är signerad och inskickad' }).waitFor();
	await page.locator('a[data-link=document]').waitFor();
	await shot(page, name + '-inskickad');
}

await main(async (browser) => {
	let s;
	await check('setup: stina (mottagare for SKR), a decision of today with a requisition part and a part asking for activity reports, 23 paid', async () => {
		s = setup();
	});
	if (!s) return;
	const anna = await login(browser, 'anna');
	await check('the handläggare registers eva (23) and stina (SKR) as firmatecknare with the authority as a PDF', async () => {
		await addSignatory(anna, s, '23', 'eva');
		await addSignatory(anna, s, 'SKR', 'stina');
		const row = await cells(anna.locator('tr[data-user=stina]'));
		assert(/firmatecknare/.test(row) && /gäller/.test(row) && /firmateckning\.pdf/.test(row), 'row: ' + row);
		await shot(anna, 'foretradare');
	});
	const stina = await login(browser, 'stina');
	let rid;
	await check('stina files a requisition (only parts that require one, before the deadline) and signs it', async () => {
		await go(stina, '#/handlingar');
		const form = stina.locator('form[data-section=new]');
		await form.getByLabel('Handling').selectOption('requisition');
		const opts = (await form.getByLabel('Beslut och del').locator('option').allTextContents()).map(norm);
		assert(opts.length === 1 && opts[0].startsWith(DNR), 'only ' + DNR + ' skr is offered (S2020/09797 skr is past its deadline): ' + opts.join(' | '));
		await shot(stina, 'ny-rekvisition');
		rid = await file(stina, 'requisition', 'skr', { 'Rekvirerat belopp (kr)': '1 000 000' });
		await sign(stina, rid, 'rekvisition');
		const facts = norm(await stina.locator('dl.facts').textContent());
		assert(/Inskickad/.test(facts) && /signerad av stina, firmatecknare/.test(facts), 'facts: ' + facts);
	});
	const eva = await login(browser, 'eva');
	let fid, aid;
	await check('eva: a requisition is offered for none of 23\'s parts (all paid without requisition)', async () => {
		await go(eva, '#/handlingar');
		const form = eva.locator('form[data-section=new]');
		await form.getByLabel('Handling').selectOption('requisition');
		assert((await form.getByLabel('Beslut och del').locator('option').count()) === 0, 'no part offered');
		assert(/inget att rekvirera/.test(norm(await form.locator('[data-none]').textContent())), 'says there is nothing to requisition');
	});
	await check('an old link to the requisition form (#/handelse) takes eva to the filing page', async () => {
		await go(eva, '#/start');
		await eva.evaluate(() => {
			location.hash = '#/handelse';
		});
		await ready(eva, '#/handlingar?kind=requisition');
	});
	await check('eva files a financial report with 100 000 kr unused and a PDF attached, signs it: marked late', async () => {
		const used = String(s.amount - 100000);
		fid = await file(eva, 'financial-report', 'regioner', { 'Använt belopp (kr)': used, 'Outnyttjat belopp (kr)': '100 000', Kommentarer: '100 000 kr användes inte och betalas tillbaka.' });
		const att = eva.locator('form[data-section=attach]');
		await att.getByLabel('Fil (PDF)').setInputFiles(path.join(s.tmp, 'bokslut.pdf'));
		await att.getByRole('button', { name: 'Bifoga PDF' }).click();
		await eva.locator('a', { hasText: 'bokslut.pdf' }).waitFor();
		await sign(eva, fid, 'ekonomisk-redovisning');
		assert(await eva.locator('[data-late=true]').count(), 'marked late (after 31 March 2022)');
	});
	await check('eva files an activity report where the decision asks for one and signs it', async () => {
		aid = await file(eva, 'activity-report', 'regioner', { Rapport: 'Tre vårdförlopp är införda.' });
		await sign(eva, aid, 'verksamhetsrapport');
	});
	await check('Inkomna handlingar: the three with signer, authority and late; the handläggare accepts two and returns one', async () => {
		await go(anna, '#/inkomna');
		const rrow = await cells(anna.locator('tr[data-id="' + rid + '"]'));
		assert(/signerad av stina, firmatecknare enligt firmateckning\.pdf/.test(rrow), 'requisition: ' + rrow);
		const frow = await cells(anna.locator('tr[data-id="' + fid + '"]'));
		assert(/Sen/.test(frow) && /outnyttjat 100 000,00/.test(frow) && /signerad av eva/.test(frow), 'report: ' + frow);
		await shot(anna, 'inkomna');
		await anna.locator('tr[data-id="' + rid + '"] [data-action=accept]').click();
		await anna.locator('.alert-ok').filter({ hasText: 'är godkänd' }).waitFor();
		await anna.locator('tr[data-id="' + fid + '"] [data-action=accept]').click();
		await anna.locator('.alert-ok').filter({ hasText: '(sen)' }).waitFor();
		await anna.locator('tr[data-id="' + aid + '"] textarea').fill('Beskriv också vad som återstår.');
		await anna.locator('tr[data-id="' + aid + '"] [data-action=return]').click();
		await anna.locator('.alert-ok').filter({ hasText: 'komplettering' }).waitFor();
		await go(anna, '#/inkomna?state=accepted');
		const acc = await anna.locator('tbody tr[data-id]').count();
		assert(acc === 2, 'two accepted: ' + acc);
		await shot(anna, 'godkanda');
	});
	await check('eva completes the returned activity report and signs it again; the handläggare accepts it', async () => {
		await go(eva, '#/handlingar');
		await go(eva, '#/handlingar/' + aid);
		assert(/Beskriv också vad som återstår/.test(norm(await eva.locator('[data-review-note]').textContent())), 'the message is shown');
		const form = eva.locator('form[data-section=amend]');
		await form.getByLabel('Rapport').fill('Tre vårdförlopp är införda; två återstår till 2027.');
		await form.getByRole('button', { name: 'Spara ändringar' }).click();
		await form.locator('.alert-ok').waitFor();
		await sign(eva, aid, 'komplettering');
		await go(anna, '#/inkomna');
		await anna.locator('tr[data-id="' + aid + '"] [data-action=accept]').click();
		await anna.locator('.alert-ok').filter({ hasText: 'är godkänd' }).waitFor();
		await go(eva, '#/handlingar');
		const states = await eva.locator('tr[data-id] [data-state]').allTextContents();
		assert(states.filter((x) => x === 'Godkänd').length === 2, 'eva sees both accepted: ' + states.join(', '));
		await shot(eva, 'handlingar');
	});
	await check('the portal pages: no page error, no CSP violation, nothing scrolls sideways at 1366x768', async () => {
		assert(!seen.pageErrors.length, seen.pageErrors.join('; '));
		assert(!seen.csp.length, seen.csp.join('; '));
		assert(!seen.overflow.length, 'scrolls sideways at 1366x768: ' + seen.overflow.join('; '));
	});
});
process.exit(state.failures ? 1 : 0);
