// flows.mjs: the browser UI as each role uses it, in Debian's chromium driven
// by playwright-core.  Run by tests/cli/browser.sh, which builds the register,
// starts 'bidrag serve' and passes:
//   BASE_URL     the server, e.g. http://127.0.0.1:41234/
//   BIDRAG, BIDRAG_DB, BIDRAG_SRC   the binary, its database, the repository
//   PASSWORD     every user's password
//   SCREENSHOTS  where a screenshot of every page visited goes
//   NODE_CACHE   the folder whose node_modules holds playwright-core
//   CHROMIUM     the browser (default /usr/bin/chromium)
// Prints "ok - ..." / "not ok - ..." lines (numbered by the caller) and "#"
// comments.  Exit status 0 if every check passed, 1 if one failed, 2 if the
// run itself broke.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { env, BASE, PW, SRC, SHOTS, require, chromium, DECISION_FILE, DNR, UUID, report, check, assert, norm, cells, seen, watch, shot, ready, go, navTexts, login, bidrag, main, state } from './lib.mjs';

// The OS account that ran browser.sh's setup (and this file).
const OS_ACCOUNT = os.userInfo().username;

async function flows(browser) {
	/* ---------- Handläggare ---------- */
	let anna;
	await check('the login page refuses a wrong password and says so next to the form', async () => {
		anna = await login(browser, 'anna', { shotLogin: true, password: 'not the password' });
		const alert = anna.locator('.login-form [role=alert]');
		await alert.waitFor();
		assert(/wrong user name or password/.test(await alert.textContent()), 'no error shown: ' + (await alert.textContent()));
		await shot(anna, 'inloggning-fel');
	});
	await check('a handläggare logs in and lands on the start page', async () => {
		await anna.getByLabel('Lösenord').fill(PW);
		await anna.getByRole('button', { name: 'Logga in' }).click();
		await ready(anna, '#/start');
		assert((await anna.locator('h1').textContent()) === 'Startsida', 'no start page');
		assert(norm(await anna.locator('#session').textContent()).includes('anna'), 'the user is not shown');
	});
	await check('the start page shows deadlines and the payments awaiting attestation', async () => {
		const dl = anna.locator('section[aria-labelledby=dl-h]');
		assert(/Tidsfrister/.test(await dl.textContent()), 'no deadlines section');
		assert((await dl.locator('.alert-error').count()) === 0, 'deadlines failed: ' + (await dl.textContent()));
		assert((await dl.locator('.loading').count()) === 0, 'deadlines still loading');
		const att = norm(await anna.locator('section[aria-labelledby=att-h]').textContent());
		assert(/Inga betalningar väntar på attest/.test(att), 'attestation section: ' + att);
		await shot(anna, 'handlaggare-startsida');
	});
	await check('the handläggare sees the pages of the role only', async () => {
		const nav = await navTexts(anna);
		for (const t of ['Startsida', 'Beslut', 'Registrera beslut', 'Fördelning', 'Registrera utbetalning', 'Attestkö', 'Utbetalningsfiler', 'Betalningsmottagare', 'Bankfiler', 'Mottagare', 'Mottagarregistret'])
			assert(nav.includes(t), 'missing ' + t + ' in ' + nav.join(', '));
		for (const t of ['Granskningslogg', 'Användare']) assert(!nav.includes(t), t + ' shown to a handläggare');
	});
	await check('the first Tab reaches the skip link, which moves focus to the content', async () => {
		await anna.reload();
		await ready(anna, '#/start');
		await anna.keyboard.press('Tab');
		const f = await anna.evaluate(() => ({ id: document.activeElement.id, text: document.activeElement.textContent }));
		assert(f.id === 'skip-link', 'focused: ' + JSON.stringify(f));
		const box = await anna.locator('#skip-link').boundingBox();
		assert(box && box.x >= 0 && box.y >= 0, 'the focused skip link is not visible');
		await anna.keyboard.press('Enter');
		assert((await anna.evaluate(() => document.activeElement.id)) === 'main', 'focus did not move to main');
		assert((await anna.evaluate(() => location.hash)) === '#/start', 'the skip link changed the route');
	});
	await check('the decision is registered by uploading its file', async () => {
		await anna.locator('#nav a', { hasText: 'Registrera beslut' }).click();
		await ready(anna, '#/registrera-beslut');
		await shot(anna, 'registrera-beslut');
		await anna.getByLabel('Beslutsfil').setInputFiles(DECISION_FILE);
		await anna.locator('.file-preview dd', { hasText: DNR }).waitFor();
		await anna.getByRole('button', { name: 'Registrera beslutet' }).click();
		const ok = anna.locator('.alert-ok');
		await ok.waitFor();
		assert(/Beslutet registrerades/.test(await ok.textContent()), await ok.textContent());
		await shot(anna, 'registrera-beslut-klart');
	});
	const decisionHash = '#/beslut/' + encodeURIComponent(DNR);
	await check('the decision page shows bilaga 1 in the layout of the seed (Region Stockholm 49 472 318)', async () => {
		await anna.getByRole('link', { name: 'Visa beslut ' + DNR }).click();
		await ready(anna, decisionHash);
		const annex = anna.locator('.annex[data-annex="bilaga-1"]');
		await annex.waitFor();
		const heads = (await annex.locator('thead th').allTextContents()).map(norm);
		assert(heads.join('|') === 'Region|Befolkning|Andel av rikets befolkning|Fördelade medel', 'headings: ' + heads.join('|'));
		const row = await cells(annex.locator('tbody tr', { hasText: 'Region Stockholm' }));
		assert(row === 'Region Stockholm 2 374 550 0,2301038047 49 472 318', 'row: ' + row);
		const foot = await cells(annex.locator('tfoot tr'));
		assert(foot === 'Summa 10 319 473 1 215 000 000', 'total row: ' + foot);
		assert((await annex.locator('tbody tr').count()) === 21, '21 regions');
		assert(/Fördelning av 215 miljoner kronor efter invånare per region/.test(await annex.textContent()), 'no caption');
		const b2 = await cells(anna.locator('.annex[data-annex="bilaga-2"] tbody tr').first());
		assert(b2 === 'Norra samverkansregionen 10 000 000', 'bilaga 2: ' + b2);
	});
	await check('the decision page offers the whole decision as an Excel workbook', async () => {
		const link = anna.getByRole('link', { name: 'Hela beslutet som Excel' });
		const url = await link.getAttribute('href');
		assert(url === '/api/decision?dnr=' + encodeURIComponent(DNR) + '&format=xlsx', url);
		const got = await anna.evaluate(async (u) => { const r = await fetch(u); const b = new Uint8Array(await r.arrayBuffer()); return { status: r.status, type: r.headers.get('content-type'), pk: b[0] === 0x50 && b[1] === 0x4b }; }, url);
		assert(got.status === 200 && got.pk && /spreadsheetml/.test(got.type), JSON.stringify(got));
	});
	await check('the decision page draws the allocation as a bar chart (inline SVG)', async () => {
		const chart = anna.locator('#sec-chart svg.chart').first();
		assert((await chart.getAttribute('role')) === 'img', 'the chart has no role img');
		assert((await chart.locator('rect.bar').count()) === 21, 'expected 21 bars');
		const widths = await chart.locator('rect.bar').evaluateAll((rs) => rs.map((r) => parseFloat(r.getAttribute('width'))));
		assert(widths[0] === Math.max(...widths), 'Region Stockholm has the longest bar');
		const first = chart.locator('g.bar-row').first();
		assert(norm(await first.locator('text.label').textContent()) === 'Region Stockholm', 'first label');
		assert(norm(await first.locator('text.value').textContent()) === '49 472 318', 'first value');
		assert((await anna.locator('#sec-chart svg.chart').count()) === 2, 'a chart per part with several recipients');
		await shot(anna, 'beslutssida');
	});
	let refusedId = null;
	await check('a payment outside the window is refused, with the server\'s message next to the form', async () => {
		const link = anna.getByRole('link', { name: 'Registrera utbetalning till Region Stockholm' });
		await link.click();
		await ready(anna, '#/handelse', true);
		await anna.waitForFunction(() => document.querySelector('select[name=recipient]') && document.querySelector('select[name=recipient]').value === '01');
		assert((await anna.locator('select[name=dnr]').inputValue()) === DNR, 'dnr not filled in');
		assert((await anna.locator('select[name=part]').inputValue()) === 'regioner', 'part not filled in');
		await anna.getByLabel('Belopp (kr)').fill('49 472 318');
		await anna.getByLabel('Utbetalningsdag').fill('2022-02-15');
		await anna.getByRole('button', { name: 'Registrera utbetalning' }).click();
		const err = anna.locator('form .alert-error');
		await err.waitFor();
		assert(/outside the payment window 15 februari 2021 to 15 mars 2021/.test(await err.textContent()), await err.textContent());
		refusedId = JSON.parse(seen.posts.filter((p) => p.url.endsWith('/api/events')).pop().body)[0].id;
		assert(UUID.test(refusedId), 'the event id is not a random UUID: ' + refusedId);
		await shot(anna, 'registrera-utbetalning-avvisad');
	});
	await check('a retry after a lost answer sends the same id, and the payment is recorded once', async () => {
		// The answer to the first try is lost on the way back: the server has
		// recorded the payment, the browser sees a network error.
		await anna.route('**/api/events', async (route) => {
			await route.fetch();
			await route.abort('connectionreset');
		});
		await anna.getByLabel('Utbetalningsdag').fill('2021-02-15');
		await anna.getByRole('button', { name: 'Registrera utbetalning' }).click();
		const info = anna.locator('form .alert-info');
		await info.waitFor();
		assert(/Oklart om händelsen registrerades/.test(await info.textContent()), await info.textContent());
		await anna.unroute('**/api/events');
		await anna.getByRole('button', { name: 'Registrera utbetalning' }).click();
		const ok = anna.locator('form .alert-ok');
		await ok.waitFor();
		assert(/Redan registrerad/.test(await ok.textContent()), await ok.textContent());
		const sent = seen.posts.filter((p) => p.url.endsWith('/api/events')).slice(-2).map((p) => JSON.parse(p.body)[0]);
		assert(sent[0].id === sent[1].id, 'the retry has another id');
		assert(sent[0].id !== refusedId, 'the corrected event kept the refused id');
		assert(sent[0].kind === 'payment' && sent[0].recipient === '01' && sent[0].amount === '49 472 318' && sent[0].date === '2021-02-15', JSON.stringify(sent[0]));
		const n = await anna.evaluate(async () => (await (await fetch('/api/payments?state=registered')).json()).payments.filter((p) => p.recipient === '01').length);
		assert(n === 1, n + ' payments to Region Stockholm');
		await shot(anna, 'registrera-utbetalning-igen');
	});
	await check('a payment is registered through the form', async () => {
		await anna.getByLabel('Mottagare', { exact: true }).selectOption('03');
		await anna.getByRole('button', { name: /^Fyll i / }).click();
		assert((await anna.getByLabel('Belopp (kr)').inputValue()) === '7 980 491', 'the remaining amount: ' + (await anna.getByLabel('Belopp (kr)').inputValue()));
		await anna.getByLabel('Utbetalningsdag').fill('2021-02-15');
		await anna.getByRole('button', { name: 'Registrera utbetalning' }).click();
		const ok = anna.locator('form .alert-ok');
		await anna.waitForFunction(() => /Utbetalningen registrerades/.test((document.querySelector('form .alert-ok') || {}).textContent || ''));
		assert(/Region Uppsala/.test(await ok.textContent()), await ok.textContent());
		await shot(anna, 'registrera-utbetalning');
	});
	await check('the decision page shows the payment status per recipient', async () => {
		await go(anna, decisionHash);
		const row = await cells(anna.locator('#sec-status tr', { hasText: 'Region Stockholm' }).first());
		assert(row.startsWith('Region Stockholm 49 472 318,00 0,00 49 472 318,00 0,00'), 'status row: ' + row);
		await shot(anna, 'beslutssida-status');
	});
	await check('the decision list', async () => {
		await go(anna, '#/beslut');
		const row = norm(await anna.locator('tbody tr', { hasText: DNR }).textContent());
		assert(row.includes('290 000 000'), row);
		await shot(anna, 'beslut');
	});
	await check('the allocation preview recomputes bilaga 1 (Region Stockholm 49 472 318)', async () => {
		await go(anna, '#/fordelning');
		await anna.waitForFunction(() => !document.querySelector('#main .loading'));
		await anna.getByRole('button', { name: 'Visa fördelning' }).click();
		const cell = anna.locator('#main .section tbody tr', { hasText: 'Region Stockholm' });
		await cell.waitFor();
		assert(norm(await cell.textContent()).endsWith('49 472 318'), norm(await cell.textContent()));
		assert(norm(await anna.locator('#main .section tfoot').textContent()).endsWith('215 000 000'), 'the sum');
		await shot(anna, 'fordelning');
	});
	await check('the key datasets: the seeds with their origin, and a dataset page with its versions and values', async () => {
		await go(anna, '#/nyckeldata');
		const row = await cells(anna.locator('tbody tr', { hasText: 'population@2019-11-01' }).first());
		assert(row.startsWith('population@2019-11-01 1 2019-11-01 regioner 21 10 319 473 inbyggd'), 'row: ' + row);
		await shot(anna, 'nyckeldata');
		await anna.getByRole('link', { name: 'population@2019-11-01' }).click();
		await ready(anna, '#/nyckeldata/population%402019-11-01');
		assert(norm(await anna.locator('h1').textContent()) === 'population@2019-11-01@1: Befolkning 1 november 2019', 'heading');
		assert(norm(await anna.locator('#sec-impact').textContent()).includes('rättar ingen tidigare version'), 'no impact');
		const v = await cells(anna.locator('#sec-values tbody tr', { hasText: 'Region Jämtland Härjedalen' }).first());
		assert(v === '23 Region Jämtland Härjedalen 130 697', 'Jämtland: ' + v);
		await shot(anna, 'nyckeldata-population');
	});
	await check('the staff see every organisation in the recipient register', async () => {
		await go(anna, '#/register');
		const orgs = await anna.locator('tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.org));
		assert(orgs.includes('01') && orgs.includes('23'), 'orgs: ' + orgs.join(','));
		await shot(anna, 'mottagarregistret-handlaggare');
	});
	await check('the handläggare sees the attestation queue but cannot attest', async () => {
		await go(anna, '#/attest');
		assert((await anna.locator('tbody tr[data-payment]').count()) === 2, 'two payments');
		assert((await anna.locator('.attest-btn').count()) === 0, 'attest buttons shown to a handläggare');
		await shot(anna, 'attestko-handlaggare');
	});
	await check('the recipients overview', async () => {
		await go(anna, '#/mottagare');
		assert((await anna.locator('tbody tr').count()) >= 27, 'recipients listed: ' + (await anna.locator('tbody tr').count()));
		await shot(anna, 'mottagare-oversikt');
	});

	/* ---------- Handläggare: payees' accounts ---------- */
	// A file of payees through the page Betalningsmottagare (a bad one
	// refused with its row and column, nothing imported), another account
	// for Region Uppsala proposed by the import, and a change for Region
	// Stockholm proposed with the payee's letter: until an attestant
	// approves them, payments go to the old accounts.
	const payeeDir = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'payees-'));
	const IBAN = 'SE45 5000 0000 0583 9825 7466';
	const LETTER = '%PDF-1.4\n% Region Stockholm: vi har bytt bankgiro, underskrivet av ekonomichefen\n%%EOF\n';
	const pendingRows = (page) => page.locator('table.payee-changes tbody tr[data-change]');
	await check('the handläggare finds the payee register in the menu: 25 payees, no change waiting', async () => {
		await anna.locator('#nav a', { hasText: 'Betalningsmottagare' }).click();
		await ready(anna, '#/betalningsmottagare');
		const n = await anna.locator('section[aria-labelledby=h-pay-reg] tbody tr[data-org]').count();
		assert(n === 25, n + ' payees');
		const row = await cells(anna.locator('tr[data-org="03"]'));
		assert(row.startsWith('03 Region Uppsala 232100-0024 Bg 9000-0035'), row);
		const skr = await cells(anna.locator('tr[data-org="SKR"]'));
		assert(skr.includes('IBAN SE62 5000 0000 0000 0000 0315 BIC ESSESESS'), 'an IBAN in groups of four, with its BIC: ' + skr);
		assert(/Inga kontoändringar väntar/.test(norm(await anna.locator('section[aria-labelledby=h-pay-pending]').textContent())), 'a change waiting');
		await shot(anna, 'betalningsmottagare');
	});
	await check('a file of payees with an error is refused, naming its row and column, and nothing is imported', async () => {
		fs.writeFileSync(path.join(payeeDir, 'fel.csv'), 'organisationsnummer,namn,bankgiro,IBAN,BIC\n232100-0024,Region Uppsala,,' + IBAN + ',ESSESESS\n212000-0142,Testmottagare AB,5050-1054,,\n');
		await anna.getByLabel('Fil (CSV eller Excel)').setInputFiles(path.join(payeeDir, 'fel.csv'));
		await anna.getByRole('button', { name: 'Importera', exact: true }).click();
		const err = anna.locator('form.payee-import .alert-error');
		await err.waitFor();
		const t = norm(await err.textContent());
		assert(/fel\.csv, row 3, column C \(bankgiro\): invalid bankgiro '5050-1054': wrong check digit \(expected 5\); nothing was imported/.test(t), t);
		assert((await anna.locator('form.payee-import input[name=data][aria-invalid=true]').count()) === 1, 'the file field is not marked');
		const d = await anna.evaluate(async () => (await (await fetch('/api/payees')).json()));
		assert(d.payees.length === 25 && d.changes.length === 0, d.payees.length + ' payees, ' + d.changes.length + ' changes after the refused file');
		await shot(anna, 'betalningsmottagare-importfel');
	});
	await check('the handläggare imports payees: a new one is registered, another account for one is proposed, not made', async () => {
		fs.writeFileSync(path.join(payeeDir, 'betalningsmottagare.csv'), 'organisationsnummer,namn,bankgiro,IBAN,BIC\n232100-0024,Region Uppsala,,' + IBAN + ',ESSESESS\n212000-0142,Testmottagare AB,5050-1055,,\n');
		await anna.getByLabel('Fil (CSV eller Excel)').setInputFiles(path.join(payeeDir, 'betalningsmottagare.csv'));
		await anna.getByRole('button', { name: 'Importera', exact: true }).click();
		const ok = anna.locator('form.payee-import .alert-ok');
		await ok.waitFor();
		const t = norm(await ok.textContent());
		assert(/betalningsmottagare\.csv: 2 betalningsmottagare\. 1 registrerade, 0 oförändrade, 0 med ny betalningsreferens, 1 kontoändringar föreslagna\./.test(t), t);
		assert(/betalningsmottagare\.csv, row 2: Region Uppsala – kontoändring föreslagen \(ändring \d+\); betalningarna går till bankgiro 9000-0035 tills en annan person godkänner den/.test(t), t);
		await anna.waitForFunction(() => document.querySelectorAll('section[aria-labelledby=h-pay-reg] tbody tr[data-org]').length === 26);
		const row = await cells(pendingRows(anna).first());
		assert((await pendingRows(anna).count()) === 1, 'one change waiting');
		assert(row.includes('Region Uppsala') && row.includes('Bg 9000-0035') && row.includes('IBAN ' + IBAN + ' BIC ESSESESS') && row.includes('betalningsmottagare.csv, row 2') && row.includes('anna'), row);
		assert((await anna.locator('.approve-btn').count()) === 0, 'an approve button for a handläggare');
		assert(/Föreslagen av dig – en annan person måste godkänna\./.test(row), 'no four-eyes note for the proposer: ' + row);
		assert((await cells(anna.locator('tr[data-org="03"]'))).includes('Bg 9000-0035'), 'Region Uppsala\'s account changed before approval');
		await shot(anna, 'betalningsmottagare-import');
	});
	let letterChange = null;
	await check('the handläggare proposes a change of account: without evidence refused next to its field, then with the signed letter', async () => {
		fs.writeFileSync(path.join(payeeDir, 'brev-region-stockholm.pdf'), LETTER);
		await anna.getByLabel('Betalningsmottagare', { exact: true }).fill('01');
		await anna.getByLabel('Kontoslag').selectOption('bankgiro');
		await anna.getByLabel('Nytt kontonummer').fill('5728-3905');
		await anna.getByRole('button', { name: 'Föreslå kontoändring' }).click();
		await anna.locator('form.payee-propose textarea[name=evidence][aria-invalid=true]').waitFor();
		assert(/evidence: missing/.test(norm(await anna.locator('form.payee-propose .alert-error').textContent())), 'no error about the evidence');
		await anna.getByLabel('… eller bifoga underlaget').setInputFiles(path.join(payeeDir, 'brev-region-stockholm.pdf'));
		await anna.getByRole('button', { name: 'Föreslå kontoändring' }).click();
		const ok = anna.locator('form.payee-propose .alert-ok');
		await ok.waitFor();
		const t = norm(await ok.textContent());
		const m = /Ändring (\d+) föreslogs för Region Stockholm\. Betalningarna går till det gamla kontot tills en annan person godkänner ändringen\./.exec(t);
		assert(m, t);
		letterChange = Number(m[1]);
		const sent = JSON.parse(seen.posts.filter((p) => p.url.endsWith('/api/payee-changes')).pop().body);
		assert(sent.org === '01' && sent.bankgiro === '5728-3905' && sent.evidence_name === 'brev-region-stockholm.pdf' && !('evidence' in sent) && Buffer.from(sent.evidence_data, 'base64').toString() === LETTER, JSON.stringify({ ...sent, evidence_data: '…' }));
		await anna.waitForFunction(() => document.querySelectorAll('table.payee-changes tbody tr[data-change]').length === 2);
		const link = pendingRows(anna).filter({ hasText: 'Region Stockholm' }).getByRole('link', { name: 'brev-region-stockholm.pdf' });
		const url = await link.getAttribute('href');
		assert(url === '/api/payee-changes/evidence?change=' + letterChange, url);
		const got = await anna.evaluate(async (u) => { const r = await fetch(u); return { status: r.status, type: r.headers.get('content-type'), body: await r.text() }; }, url);
		assert(got.status === 200 && got.type === 'application/octet-stream' && got.body === LETTER, JSON.stringify(got));
		await shot(anna, 'betalningsmottagare-forslag');
	});
	// A change proposed on the command line under the attestant's name: he
	// must not approve it himself (four eyes by user name, wherever proposed).
	let ownChange = null;
	await check('the attestant proposes a change from the command line', async () => {
		const out = bidrag('payee', 'propose', '25', '--bankgiro', '5050-1055', '--evidence', 'telefonsamtal med regionens ekonomichef', '--user', 'bertil');
		const m = /proposed change (\d+)/.exec(out);
		assert(m, 'output: ' + out);
		ownChange = Number(m[1]);
	});

	// Four eyes on a payment: the one who registers it (a handläggare) and
	// the one who attests it (an attestant) are two people by their roles,
	// since every change, from the command line too, is a registered user's
	// (--as, issue 14 item 6) and a user has one role.  So the attestant may
	// not register a payment, and the handläggare may not attest hers.
	const refused = (...args) => {
		try {
			return { rc: 0, out: bidrag(...args) };
		} catch (e) {
			return { rc: e.status, err: String(e.stderr || '') };
		}
	};
	const payments = () => JSON.parse(bidrag('pay', 'list', '--format', 'json'));
	await check('the attestant may not register a payment, from the command line either: refused by role, nothing recorded', async () => {
		const before = JSON.stringify(payments());
		const r = refused('pay', 'add', DNR, '--part', 'regioner', '--recipient', '23', '--amount', '2 722 993', '--date', '2021-02-16', '--by', 'bertil');
		assert(r.rc !== 0, 'accepted: ' + r.out);
		assert(/bertil is attestant, and a user with that role may not record a payment event; nothing was recorded/.test(r.err), r.err);
		assert(JSON.stringify(payments()) === before, 'the payments changed');
	});
	let cliId = null;
	await check('the handläggare registers a third payment from the command line', async () => {
		const out = bidrag('pay', 'add', DNR, '--part', 'regioner', '--recipient', '23', '--amount', '2 722 993', '--date', '2021-02-16', '--by', 'anna');
		cliId = out.trim().replace(/^recorded /, '');
		assert(cliId && !/\s/.test(cliId), 'output: ' + out);
	});
	await check('the handläggare may not attest her own payment from the command line: refused by role', async () => {
		const r = refused('pay', 'attest', cliId, '--date', '2021-02-16', '--by', 'anna');
		assert(r.rc !== 0, 'accepted: ' + r.out);
		assert(/anna is handlaggare, and a user with that role may not record an attest event; nothing was recorded/.test(r.err), r.err);
		assert(JSON.stringify(payments()).includes(cliId), 'the payment left the registered ones');
		assert(!bidrag('pay', 'list', '--state', 'attested', '--format', 'json').includes(cliId), 'the payment is attested');
	});

	/* ---------- Attestant ---------- */
	const bertil = await login(browser, 'bertil');
	await check('the attestant sees the payments awaiting attestation on the start page', async () => {
		const att = norm(await bertil.locator('section[aria-labelledby=att-h]').textContent());
		assert(/3 betalningar/.test(att), att);
		assert(!/registrerade du själv/.test(att), 'payments the attestant registered: ' + att);
		const chg = norm(await bertil.locator('section[aria-labelledby=chg-h]').textContent());
		assert(/3 ändringar av betalningsmottagares konton väntar på godkännande\.\s*1 av dem föreslog du själv/.test(chg), 'the changes of account waiting: ' + chg);
		const nav = await navTexts(bertil);
		assert(nav.includes('Attestkö') && !nav.includes('Registrera beslut') && !nav.includes('Registrera utbetalning'), nav.join(', '));
		await shot(bertil, 'attestant-startsida');
	});
	await check('the attestant sees the changes waiting: approve buttons for others\' proposals, none for his own', async () => {
		await bertil.locator('#nav a', { hasText: 'Betalningsmottagare' }).click();
		await ready(bertil, '#/betalningsmottagare');
		await pendingRows(bertil).first().waitFor();
		assert((await pendingRows(bertil).count()) === 3, (await pendingRows(bertil).count()) + ' changes waiting');
		const own = pendingRows(bertil).filter({ hasText: 'Region Norrbotten' });
		assert((await own.locator('.approve-btn').count()) === 0, 'an approve button for his own proposal');
		assert(/Föreslagen av dig – en annan person måste godkänna\./.test(await own.textContent()), 'no four-eyes note');
		assert((await bertil.locator('.approve-btn').count()) === 2, 'approve buttons for anna\'s two proposals');
		assert((await pendingRows(bertil).filter({ hasText: 'Region Stockholm' }).getByRole('link', { name: 'brev-region-stockholm.pdf' }).count()) === 1, 'the letter is not offered to the approver');
		assert((await bertil.locator('form.payee-import, form.payee-propose').count()) === 0, 'import or propose forms for an attestant');
		await shot(bertil, 'betalningsmottagare-attestant');
	});
	await check('a forged approval of his own proposal is refused by the server (four eyes)', async () => {
		const r = await bertil.evaluate(async (change) => {
			const me = await (await fetch('/api/me')).json();
			const res = await fetch('/api/payee-changes/approve', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf }, body: JSON.stringify({ change }) });
			return { status: res.status, body: await res.json() };
		}, ownChange);
		assert(r.status === 400 && r.body.field === 'change', 'status ' + r.status);
		assert(/four eyes: bertil proposed change \d+ of 25's account and cannot also approve it/.test(r.body.error), r.body.error);
	});
	await check('the attestant approves the change of Region Uppsala\'s account: the IBAN takes effect, flagged Kontobyte', async () => {
		await bertil.getByRole('button', { name: /^Godkänn ändring \d+ av kontot för Region Uppsala$/ }).click();
		const ok = bertil.locator('.form-status .alert-ok');
		await ok.waitFor();
		assert(/Ändring \d+ godkändes: betalningar till Region Uppsala går från och med nu till det nya kontot\./.test(norm(await ok.textContent())), norm(await ok.textContent()));
		await bertil.waitForFunction(() => document.querySelectorAll('table.payee-changes tbody tr[data-change]').length === 2);
		const reg = await cells(bertil.locator('tr[data-org="03"]'));
		assert(reg.includes('IBAN ' + IBAN + ' BIC ESSESESS') && reg.includes('Kontobyte'), reg);
		await shot(bertil, 'betalningsmottagare-godkand');
	});
	await check('the queue offers the attestant an attest button for each payment, every one registered by the handläggare', async () => {
		await bertil.locator('#nav a', { hasText: 'Attestkö' }).click();
		await ready(bertil, '#/attest');
		assert((await bertil.locator('tbody tr[data-payment]').count()) === 3, 'three payments');
		const byWhom = await bertil.evaluate(async () => (await (await fetch('/api/payments?state=registered')).json()).payments.map((p) => p.registered_by));
		assert(byWhom.join(',') === 'anna,anna,anna', 'registered by: ' + byWhom.join(', '));
		const cli = bertil.locator(`tr[data-payment="${cliId}"]`);
		assert((await cli.locator('.attest-btn').count()) === 1 && (await cli.locator('input[type=checkbox]').count()) === 1, 'the payment registered from the command line cannot be attested');
		assert((await bertil.locator('.own-note').count()) === 0, 'a payment noted as registered by the attestant');
		assert((await bertil.locator('.attest-btn').count()) === 3, 'buttons for the three');
		await shot(bertil, 'attestko');
	});
	await check('the queue shows the account each payment goes to (an IBAN with its BIC) and flags the changed one: Kontobyte', async () => {
		const upp = bertil.locator('tr[data-payment]', { hasText: 'Region Uppsala' });
		const t = await cells(upp);
		assert(t.includes('IBAN ' + IBAN) && t.includes('BIC ESSESESS') && !t.includes('Bg 9000-0035'), t);
		const badge = upp.locator('.badge.kontobyte');
		assert((await badge.count()) === 1, 'no Kontobyte badge');
		assert(norm(await badge.evaluate((b) => b.firstChild.textContent)) === 'Kontobyte', await badge.textContent());
		const d = new Date();
		const today = d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
		const title = await badge.getAttribute('title');
		assert(title.includes('konto ändrades ' + today + ', inom 30 dagar före betalningsdagen eller efter den') && /kontrollera ändringen/.test(title), title);
		const sth = bertil.locator('tr[data-payment]', { hasText: 'Region Stockholm' });
		assert((await cells(sth)).includes('Bg 9000-0019') && (await sth.locator('.kontobyte').count()) === 0, 'Region Stockholm (its change not approved): ' + (await cells(sth)));
		await shot(bertil, 'attestko-kontobyte');
	});
	// Issue 14: at 1 280 px the queue scrolled sideways and hid the Attestera
	// buttons.  An attestant's screen of 1 280 x 800: the page does not
	// scroll sideways, the queue's table does not scroll inside its box, and
	// every Attestera button (and the bulk button) is whole within the
	// viewport's width and not cut off by the table's box.
	await check('at 1280x800 the attestation queue fits: no sideways scroll, every Attestera button in view', async () => {
		await bertil.setViewportSize({ width: 1280, height: 800 });
		try {
			await go(bertil, '#/start');
			await go(bertil, '#/attest');
			await bertil.locator('.attest-btn').first().waitFor();
			const m = await bertil.evaluate(() => {
				const se = document.scrollingElement;
				const box = (e) => {
					const r = e.getBoundingClientRect();
					return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width };
				};
				const buttons = [...document.querySelectorAll('#main .attest-btn, #main .toolbar .actions button')].map((b) => {
					const wrap = b.closest('.table-wrap');
					return { label: b.getAttribute('aria-label') || b.textContent, row: b.classList.contains('attest-btn'), box: box(b), wrap: wrap ? box(wrap) : null };
				});
				const wraps = [...document.querySelectorAll('#main .table-wrap')].map((w) => ({ sw: w.scrollWidth, cw: w.clientWidth }));
				return { sw: se.scrollWidth, cw: se.clientWidth, vw: window.innerWidth, buttons, wraps };
			});
			assert(m.vw === 1280, 'the viewport is ' + m.vw + ' px wide');
			assert(m.sw <= m.cw, 'the page scrolls sideways: ' + m.sw + ' px wide in ' + m.cw);
			for (const w of m.wraps) assert(w.sw <= w.cw + 1, 'the queue scrolls sideways inside its box: ' + w.sw + ' px in ' + w.cw);
			const att = m.buttons.filter((b) => b.row);
			assert(att.length === 3, att.length + ' Attestera buttons in the queue, expected 3');
			assert(m.buttons.length === 4, 'the bulk button (Attestera markerade) is missing');
			for (const b of m.buttons) {
				const r = b.box;
				assert(r.width > 0 && r.left >= 0 && r.right <= m.cw, b.label + ': x ' + r.left.toFixed(1) + ' to ' + r.right.toFixed(1) + ', the viewport is ' + m.cw + ' px wide');
				if (b.wrap) assert(r.left >= b.wrap.left - 0.5 && r.right <= b.wrap.right + 0.5, b.label + ': cut off by the table\'s box (' + r.left.toFixed(1) + '-' + r.right.toFixed(1) + ' in ' + b.wrap.left.toFixed(1) + '-' + b.wrap.right.toFixed(1) + ')');
			}
			await shot(bertil, 'attestko-1280');
		} finally {
			await bertil.setViewportSize({ width: 1366, height: 768 });
		}
	});
	await check('the attestant attests the handläggare\'s payment', async () => {
		await bertil.getByLabel('Attestdatum').fill('2021-02-16');
		await bertil.getByRole('button', { name: /^Attestera 49\s472\s318,00\skr till Region Stockholm/ }).click();
		await bertil.locator('.form-status .alert-ok').waitFor();
		assert(/Betalningen attesterades/.test(await bertil.locator('.form-status .alert-ok').textContent()));
		await bertil.waitForFunction(() => document.querySelectorAll('tbody tr[data-payment]').length === 2);
		const att = seen.posts.filter((p) => p.who === 'bertil' && p.url.endsWith('/api/events')).map((p) => JSON.parse(p.body)).pop();
		assert(att.length === 1 && att[0].kind === 'attest' && UUID.test(att[0].id) && att[0].date === '2021-02-16', JSON.stringify(att));
		await shot(bertil, 'attestko-attesterad');
	});
	await check('several payments are attested at once by marking them, after a summary of count and total', async () => {
		await bertil.getByRole('checkbox', { name: /Region Uppsala/ }).check();
		await bertil.getByRole('button', { name: 'Attestera markerade (1)' }).click();
		// Issue 14: the count and the total first, attested only on confirmation.
		const box = bertil.locator('.attest-confirm');
		await box.waitFor();
		assert(/Attestera 1 betalning på sammanlagt [0-9\s]+,[0-9]{2}\skr\?/.test(await box.textContent()), await box.textContent());
		assert((await bertil.locator('tbody tr[data-payment]').count()) === 2, 'attested before the confirmation');
		await shot(bertil, 'attestko-bekrafta');
		await bertil.getByRole('button', { name: 'Bekräfta attest' }).click();
		await bertil.waitForFunction(() => document.querySelectorAll('tbody tr[data-payment]').length === 1);
	});
	await check('a forged attempt by the handläggare to attest her own payment is refused by the server (by role)', async () => {
		const r = await anna.evaluate(async (ref) => {
			const me = await (await fetch('/api/me')).json();
			const res = await fetch('/api/events', {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf },
				body: JSON.stringify([{ id: crypto.randomUUID(), kind: 'attest', ref, date: '2021-02-16' }]),
			});
			return { status: res.status, body: await res.json() };
		}, cliId);
		assert(r.status === 403, 'status ' + r.status);
		assert(/a user with the role handlaggare may not record an attest event/.test(r.body.error), r.body.error);
		assert((await bertil.locator(`tbody tr[data-payment="${cliId}"]`).count()) === 1, 'the payment left the queue');
	});
	await check('the attestant sees the attested payments, without the form for payment files', async () => {
		await go(bertil, '#/utbetalningsfiler');
		assert((await bertil.locator('form').count()) === 0, 'a batch form for an attestant');
		assert(norm(await bertil.locator('section', { hasText: 'Attesterade, ej utbetalda' }).locator('tfoot').textContent()).includes('57 452 809,00'), 'the attested sum');
		await shot(bertil, 'utbetalningsfiler-attestant');
	});

	/* ---------- Handläggare: the payment file ---------- */
	await check('the payment file form offers pain.001 as the default and marks LB as the older format', async () => {
		await go(anna, '#/utbetalningsfiler');
		const sel = anna.getByLabel('Format');
		assert((await sel.inputValue()) === 'pain001', 'the default: ' + (await sel.inputValue()));
		const opts = (await sel.locator('option').allTextContents()).map(norm);
		assert(opts.join(' | ') === 'ISO 20022 pain.001 (XML, standard) | Bankgirot Leverantörsbetalningar (LB, äldre format)', opts.join(' | '));
		assert(/LB är Bankgirots äldre format/.test(norm(await anna.locator('form').first().textContent())), 'no hint about LB');
	});
	await check('the handläggare creates the payment file of the attested payments', async () => {
		await go(anna, '#/utbetalningsfiler');
		await anna.getByLabel('Batch').fill('2021-02-17');
		await anna.getByLabel('Utbetalningsdag').fill('2021-02-17');
		await anna.getByRole('button', { name: 'Skapa utbetalningsfil' }).click();
		const ok = anna.locator('form .alert-ok');
		await ok.waitFor();
		assert(/Batch 2021-02-17 skapades: 2 betalningar, 57 452 809,00 kr \(pain001\)/.test(norm(await ok.textContent())), norm(await ok.textContent()));
		const href = await ok.getByRole('link', { name: 'Ladda ner filen' }).getAttribute('href');
		const xml = await anna.evaluate(async (u) => (await fetch(u)).text(), href);
		assert(xml.includes('<CstmrCdtTrfInitn>') && xml.includes('<NbOfTxs>2</NbOfTxs>'), 'the pain.001 file: ' + xml.slice(0, 200));
		await anna.waitForFunction(() => [...document.querySelectorAll('section')].some((s) => /Utförda utbetalningar/.test(s.textContent) && s.querySelectorAll('tbody tr').length === 2));
		await shot(anna, 'utbetalningsfiler');
	});

	/* ---------- Handläggare: the bank's answer ---------- */
	await check("the handläggare reads the bank's answer on Bankfiler: one payment rejected (AC01), one accepted", async () => {
		const xml = await anna.evaluate(async () => (await fetch('/api/batch/file?batch=2021-02-17&format=pain001')).text());
		const dir = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'bank-'));
		fs.writeFileSync(path.join(dir, 'b.xml'), xml);
		const answer = execFileSync('python3', [path.join(SRC, 'tests/bank-answer.py'), 'pain002', path.join(dir, 'b.xml'), '--reject', '2021-02-17-1:AC01']);
		fs.writeFileSync(path.join(dir, 'svar.xml'), answer);
		await go(anna, '#/bank');
		await anna.getByLabel('Fil', { exact: true }).setInputFiles(path.join(dir, 'svar.xml'));
		await anna.getByRole('button', { name: 'Läs in filen' }).click();
		const ok = anna.locator('form .alert-ok');
		await ok.waitFor();
		assert(/svar\.xml \(pain\.002\.001\.03\) lästes in: 1 godkänd, 1 avvisad; 2 händelser registrerade/.test(norm(await ok.textContent())), norm(await ok.textContent()));
		const entries = norm(await anna.locator('table', { hasText: 'Anmärkning' }).first().textContent());
		assert(entries.includes('AC01 felaktigt kontonummer'), 'the reason in Swedish: ' + entries);
		const batch = anna.locator('section', { hasText: 'Per utbetalningsfil' }).locator('tbody tr', { hasText: '2021-02-17' });
		await batch.waitFor();
		assert(/2021-02-17 2021-02-17 2 · 57 452 809,00 – 1 · .* – 1 · .* –/.test(await cells(batch)), await cells(batch));
		await shot(anna, 'bankfiler');
		await anna.getByLabel('Fil', { exact: true }).setInputFiles(path.join(dir, 'svar.xml'));
		await anna.getByRole('button', { name: 'Läs in filen' }).click();
		await anna.locator('form .alert-ok', { hasText: 'har lästs in förut' }).waitFor();
		fs.rmSync(dir, { recursive: true, force: true });
	});

	/* ---------- Revisor ---------- */
	const rut = await login(browser, 'rut');
	await check('the revisor verifies the audit log and reads it in Swedish, people and organisations by name', async () => {
		const nav = await navTexts(rut);
		assert(nav.includes('Granskningslogg') && !nav.includes('Användare'), nav.join(', '));
		await rut.locator('#nav a', { hasText: 'Granskningslogg' }).click();
		await ready(rut, '#/granskning');
		const ledger = rut.locator('tbody [data-action="ledger.record"]');
		assert((await ledger.count()) >= 1, 'no ledger entries in the log');
		assert(norm(await ledger.first().textContent()) === 'Händelser registrerade i reskontran', 'ledger.record reads: ' + (await ledger.first().textContent()));
		const text = norm(await rut.locator('#main table').textContent());
		for (const raw of ['ledger.record', 'session.login', 'user.add', 'recipient-register.import']) assert(!text.includes(raw), 'the code ' + raw + ' is shown');
		assert(text.includes('Region Jämtland Härjedalen (23), år 2020'), 'the recipient register is not named by its organisation');
		assert(!/\borg 23\b/.test(text), 'an organisation shown as "org 23"');
		// Every change is a user's; a name that is no user can come only
		// from the changes made before the first user existed (init, the
		// first user added), recorded as the OS account that made them.
		const unknown = (await rut.locator('tbody .unknown-actor').allTextContents()).map(norm);
		assert(unknown.every((u) => u === OS_ACCOUNT + ' (ingen användare)'), 'names that are no user: ' + unknown.join(', '));
		assert(text.includes('anna, handläggare') && text.includes('bertil, attestant'), 'users are not named with their roles');
		await rut.getByRole('button', { name: 'Verifiera' }).click();
		const ok = rut.locator('[data-verify=ok]');
		await ok.waitFor();
		assert(/Loggen är obruten\. \d+ poster kontrollerade, inga problem/.test(norm(await ok.textContent())), norm(await ok.textContent()));
		await shot(rut, 'granskningslogg');
	});
	// The register's first entries (bidrag init, the first user added) were
	// made before any user existed: recorded as the OS account that ran
	// them.  Shown as that user with its role when the account has a user's
	// name (root, the admin, when the tests run as root), else marked as no
	// user.
	await check('the revisor sees the changes made before the first user existed under the OS account, marked when it is no user', async () => {
		const first = JSON.parse(bidrag('audit', 'list', '--format', 'json'))[0];
		assert(first.seq === 1 && first.actor === OS_ACCOUNT, 'the first entry (' + first.action + ') by ' + first.actor + ', expected the OS account ' + OS_ACCOUNT);
		await go(rut, '#/granskning?user=' + encodeURIComponent(OS_ACCOUNT));
		const who = rut.locator('#main tbody td.actor').last();
		await who.waitFor();
		const text = norm(await who.textContent());
		if (OS_ACCOUNT === 'root') assert(text === 'root, administratör' && (await rut.locator('tbody .unknown-actor').count()) === 0, 'the first entry by ' + text);
		else if (['anna', 'bertil', 'rut', 'eva'].includes(OS_ACCOUNT)) assert(!(await rut.locator('tbody .unknown-actor').count()), 'the first entry by ' + text);
		else assert(text === OS_ACCOUNT + ' (ingen användare)' && (await rut.locator('tbody .unknown-actor').count()) >= 1, 'a name that is no user is not marked: ' + text);
		await shot(rut, 'granskningslogg-fore-forsta-anvandaren');
		await go(rut, '#/granskning');
	});
	await check('the revisor selects the log by user: only her entries, the selection in the address, CSV and XLSX to download', async () => {
		await rut.getByLabel('Användare').fill('anna');
		await rut.getByRole('button', { name: 'Visa urvalet' }).click();
		await ready(rut, '#/granskning?user=anna');
		const want = JSON.parse(bidrag('audit', 'list', '--user', 'anna', '--format', 'json')).length;
		const who = (await rut.locator('#main tbody tr td:nth-child(3)').allTextContents()).map(norm);
		assert(want > 1 && who.length === Math.min(want, 100), who.length + ' rows, the log has ' + want + ' entries by anna');
		assert(who.every((w) => w === 'anna, handläggare'), 'an entry by another: ' + who.filter((w) => w !== 'anna, handläggare').join(', '));
		assert(norm(await rut.locator('#main caption').textContent()) === want + ' poster i urvalet, senaste först', 'caption: ' + (await rut.locator('#main caption').textContent()));
		assert((await rut.getByLabel('Användare').inputValue()) === 'anna', 'the form forgot the selection');
		const csv = rut.getByRole('link', { name: 'CSV' });
		const xlsx = rut.getByRole('link', { name: 'Excel (XLSX)' });
		assert((await csv.getAttribute('href')) === '/api/audit?user=anna&format=csv', 'CSV link: ' + (await csv.getAttribute('href')));
		assert((await xlsx.getAttribute('href')) === '/api/audit?user=anna&format=xlsx', 'XLSX link: ' + (await xlsx.getAttribute('href')));
		const [dl] = await Promise.all([rut.waitForEvent('download'), csv.click()]);
		const file = await dl.path();
		const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
		assert(dl.suggestedFilename() === 'granskningslogg.csv', 'the file is named ' + dl.suggestedFilename());
		assert(lines[0].startsWith('seq,at_local,at,actor_text,actor,') && lines.length === want + 1, lines.length + ' lines: ' + lines[0]);
		const got = await rut.evaluate(async (u) => { const r = await fetch(u); const b = new Uint8Array(await r.arrayBuffer()); return { status: r.status, type: r.headers.get('content-type'), pk: b[0] === 0x50 && b[1] === 0x4b }; }, '/api/audit?user=anna&format=xlsx');
		assert(got.status === 200 && got.pk && /spreadsheetml/.test(got.type), JSON.stringify(got));
		await shot(rut, 'granskningslogg-urval');
	});
	await check('a selection from a later day than its end is refused next to the field, in the server\'s words', async () => {
		await rut.getByLabel('Från och med').fill('2021-02-01');
		await rut.getByLabel('Till och med').fill('2021-01-01');
		await rut.getByRole('button', { name: 'Visa urvalet' }).click();
		await ready(rut, '#/granskning?from=2021-02-01&to=2021-01-01&user=anna');
		const err = norm(await rut.locator('form .alert-error').textContent());
		assert(/Urvalet kunde inte göras\. to '2021-01-01' is before from '2021-02-01'/.test(err), err);
		assert((await rut.locator('input[name=to]').getAttribute('aria-invalid')) === 'true', 'the field Till och med is not marked');
		assert((await rut.locator('select[name=action] option', { hasText: 'Händelser registrerade i reskontran' }).count()) === 1, 'the actions to choose from are gone');
		assert((await rut.getByLabel('Användare').inputValue()) === 'anna', 'the form forgot the user');
		await shot(rut, 'granskningslogg-fel');
	});
	await check('the revisor sees the attestation queue without attest buttons', async () => {
		await go(rut, '#/attest');
		assert((await rut.locator('tbody tr[data-payment]').count()) === 1 && (await rut.locator('.attest-btn').count()) === 0);
	});

	/* ---------- Mottagare (organisation 23) ---------- */
	const eva = await login(browser, 'eva');
	await check('the recipient\'s start page shows its own organisation', async () => {
		const own = norm(await eva.locator('section[aria-labelledby=own-h]').textContent());
		assert(own.includes('Region Jämtland Härjedalen') && own.includes('2 722 993,00 kr'), own);
		const nav = await navTexts(eva);
		for (const t of ['Attestkö', 'Granskningslogg', 'Användare', 'Registrera beslut', 'Fördelning', 'Utbetalningsfiler', 'Betalningsmottagare', 'Bankfiler']) assert(!nav.includes(t), t + ' shown to a mottagare');
		await shot(eva, 'mottagare-startsida');
	});
	await check('the recipient register shows only Region Jämtland Härjedalen', async () => {
		await eva.locator('#nav a', { hasText: 'Mottagarregistret' }).click();
		await ready(eva, '#/register');
		const orgs = await eva.locator('tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.org));
		assert(orgs.length === 2 && orgs.every((o) => o === '23'), 'orgs: ' + orgs.join(','));
		const text = await eva.locator('table').textContent();
		assert(text.includes('Region Jämtland Härjedalen') && !text.includes('Region Stockholm'), 'another organisation shown');
		await shot(eva, 'mottagarregistret');
	});
	await check('the year comparison chart is shown as an image', async () => {
		await eva.getByRole('link', { name: 'Jämförelsediagram 2020, Region Jämtland Härjedalen' }).click();
		await ready(eva, '#/register/23/2020');
		const img = eva.locator('img.register-chart');
		assert((await img.evaluate((i) => i.complete && i.naturalWidth)) > 0, 'the chart did not load');
		assert((await img.getAttribute('src')) === '/api/register/chart?org=23&year=2020&format=svg', await img.getAttribute('src'));
		assert((await eva.locator('a[href="/api/register/report?org=23&year=2020&format=pdf"]').count()) === 1, 'no PDF link');
		await shot(eva, 'mottagarregistret-jamforelse');
	});
	await check('the recipient\'s status page shows only organisation 23', async () => {
		await eva.locator('#nav a', { hasText: 'Vår status' }).click();
		await ready(eva, '#/mottagare/23');
		assert(norm(await eva.locator('h1').textContent()) === 'Region Jämtland Härjedalen', 'heading');
		const rows = await eva.locator('tbody tr').count();
		assert(rows === 1, rows + ' rows');
		const row = await cells(eva.locator('tbody tr'));
		assert(row.startsWith(DNR + ' Arbetet med personcentrerade och sammanhållna vårdförlopp 2 722 993,00'), row);
		assert(!(await eva.locator('#main').textContent()).includes('Region Stockholm'), 'another organisation shown');
		await shot(eva, 'mottagare-status');
	});
	await check('another organisation\'s status is refused, with the server\'s message', async () => {
		await go(eva, '#/mottagare/01');
		const err = norm(await eva.locator('#main .alert-error').textContent());
		assert(/sees only its own organisation/.test(err), err);
		await shot(eva, 'mottagare-annan-org');
	});
	await check('the recipient\'s decision page shows its own allocation only', async () => {
		await go(eva, decisionHash);
		assert((await eva.locator('.annex').count()) === 0, 'bilagor shown to a mottagare');
		const text = norm(await eva.locator('#sec-chart').textContent());
		assert(text.includes('Region Jämtland Härjedalen') && text.includes('2 722 993') && !text.includes('Region Stockholm'), text);
		await shot(eva, 'mottagare-beslut');
	});

	/* ---------- Admin ---------- */
	const root = await login(browser, 'root');
	await check('the admin adds a user; a short password is refused next to its field', async () => {
		await root.locator('#nav a', { hasText: 'Användare' }).click();
		await ready(root, '#/anvandare');
		assert((await root.locator('tbody tr').count()) === 5, 'five users');
		await root.getByLabel('Användarnamn').fill('lisa');
		await root.getByLabel('Roll').selectOption('handlaggare');
		await root.getByLabel('Lösenord').fill('kort');
		await root.getByRole('button', { name: 'Lägg till användare' }).click();
		await root.locator('input[name=password][aria-invalid=true]').waitFor();
		assert(/password: at least 12 characters/.test(await root.locator('.field-error').textContent()), 'no field error');
		await shot(root, 'anvandare-fel');
		await root.getByLabel('Lösenord').fill('ett längre lösenord');
		await root.getByRole('button', { name: 'Lägg till användare' }).click();
		await root.locator('form .alert-ok').waitFor();
		await root.waitForFunction(() => document.querySelectorAll('tbody tr').length === 6);
		await shot(root, 'anvandare');
	});

	/* ---------- Logout, and what every page did ---------- */
	await check('logging out ends the session', async () => {
		await anna.getByRole('button', { name: 'Logga ut' }).click();
		await anna.waitForSelector('.login-page');
		const st = await anna.evaluate(async () => (await fetch('/api/me')).status);
		assert(st === 401, 'GET /api/me answered ' + st);
	});
	await check('every POST sent X-CSRF-Token and Content-Type: application/json', async () => {
		const bad = seen.posts.filter((p) => !/^application\/json/.test(p.headers['content-type'] || '') || (!p.url.endsWith('/api/login') && !/^[0-9a-f]{64}$/.test(p.headers['x-csrf-token'] || '')));
		assert(seen.posts.length >= 10, 'only ' + seen.posts.length + ' POSTs seen');
		assert(!bad.length, bad.map((p) => p.who + ' ' + p.url).join('\n'));
	});
	await check('no Content-Security-Policy violation and no script error on any page', async () => {
		assert(!seen.csp.length && !seen.pageErrors.length, seen.csp.concat(seen.pageErrors).join('\n'));
	});
	await check('no page and no table scrolls sideways at 1366x768 (a laptop screen): every column in view', async () => {
		assert(!seen.overflow.length, seen.overflow.join('\n'));
	});
	console.log('# ' + seen.shots.length + ' screenshots in ' + SHOTS);
}

main(flows).then(
	() => process.exit(state.failures ? 1 : 0),
	(e) => {
		console.log('not ok - the browser flows ran to their end');
		console.log('# ' + String(e && e.stack ? e.stack : e).split('\n').join('\n# '));
		process.exit(2);
	},
);
