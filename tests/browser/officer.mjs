// officer.mjs: the handläggare's records (issue 14 item 3) in the browser:
// a financial report after its deadline, recorded and marked late; the
// ledger's refusal shown as it is; a repayment claim and its correction; a
// lapse refused before the deadline; the deadlines page naming the
// recipients behind each count; a bulk action (the lapses of every right not
// requisitioned by a passed deadline) with its count, total and rows before
// the confirmation.  Runs after flows.mjs, which paid Region Uppsala (03)
// under S2020/09797 regioner on 17 February 2021 (Region Stockholm's payment
// was rejected by the bank there); Region Skåne (12) reports late, declaring
// nothing unused.
import { check, assert, norm, seen, shot, ready, login, bidrag, main, state, DNR } from './lib.mjs';

state.prefix = 'officer-';

// open: go to HASH (with its query) and wait for that page, not the one
// before it of the same route.
async function open(page, hash) {
	await page.evaluate((h) => {
		location.hash = h;
	}, hash);
	await ready(page, hash);
}

async function form(page, kind, f) {
	await open(page, '#/redovisning?dnr=' + encodeURIComponent(DNR) + '&kind=' + kind);
	await page.locator('.officer-form').waitFor();
	if (f.part) await page.getByLabel('Del', { exact: true }).selectOption(f.part);
	if (f.recipient) await page.getByLabel('Mottagare', { exact: true }).selectOption(f.recipient);
	if (f.amount !== undefined) await page.locator('.officer-form input[name="amount"]').fill(f.amount);
	await page.locator('.officer-form input[name="date"]').fill(f.date);
	if (f.reason) await page.locator('.officer-form input[name="reason"]').fill(f.reason);
}

await main(async (browser) => {
	const anna = await login(browser, 'anna');
	await check('the handläggare has the pages Redovisning och återkrav, Tidsgränser and Massåtgärder', async () => {
		const nav = (await anna.locator('#nav a').allTextContents()).map(norm);
		for (const l of ['Redovisning och återkrav', 'Tidsgränser', 'Massåtgärder']) assert(nav.includes(l), l + ' not in ' + nav.join(', '));
	});
	await check('a report declaring more unused than was paid: the ledger\'s refusal is shown, nothing recorded', async () => {
		await form(anna, 'report', { part: 'regioner', recipient: '03', amount: '999 999 999', date: '2022-03-05' });
		await anna.getByRole('button', { name: 'Registrera redovisning' }).click();
		const err = anna.locator('.officer-form .alert-error');
		await err.waitFor();
		assert(/Inget registrerades\..*the report declares 999 999 999 kr unused, more than the .* paid out/.test(norm(await err.textContent())), await err.textContent());
		await shot(anna, 'redovisning-avvisad');
	});
	await check('a repayment claim is recorded from the form', async () => {
		await form(anna, 'repay-claim', { part: 'regioner', recipient: '03', amount: '1 000', date: '2022-03-10' });
		await anna.getByRole('button', { name: 'Registrera återkrav' }).click();
		await anna.locator('.officer-form .alert-ok, .officer-form .alert-error').first().waitFor();
		assert((await anna.locator('.officer-form .alert-ok').count()) === 1, await anna.locator('.officer-form .form-status').textContent());
		assert(/Återkravet registrerades/.test(await anna.locator('.officer-form .alert-ok').textContent()));
		await shot(anna, 'aterkrav');
	});
	await check('the claim is corrected from the form (picked from the decision\'s events, with a reason)', async () => {
		await form(anna, 'correction', { date: '2022-03-11', reason: 'fel belopp' });
		const opt = anna.locator('.officer-form select[name="ref"] option', { hasText: 'återkrav' }).first();
		await anna.locator('.officer-form select[name="ref"]').selectOption(await opt.getAttribute('value'));
		await anna.getByRole('button', { name: 'Registrera rättelse' }).click();
		await anna.locator('.officer-form .alert-ok, .officer-form .alert-error').first().waitFor();
		assert((await anna.locator('.officer-form .alert-ok').count()) === 1, await anna.locator('.officer-form .form-status').textContent());
		assert(/Rättelsen registrerades/.test(await anna.locator('.officer-form .alert-ok').textContent()));
		await shot(anna, 'rattelse');
	});
	await check('a lapse before the requisition deadline is refused by the ledger', async () => {
		await form(anna, 'lapse', { part: 'skr', recipient: 'SKR', date: '2021-11-01' });
		await anna.getByRole('button', { name: 'Registrera att rätten förfallit' }).click();
		const err = anna.locator('.officer-form .alert-error');
		await err.waitFor();
		assert(/not after the deadline 1 december 2021/.test(await err.textContent()), await err.textContent());
		await shot(anna, 'forfallen-avvisad');
	});
	await check('a report in time, then one dated 2 May 2022 after the 31 March deadline: recorded and marked late', async () => {
		await form(anna, 'report', { part: 'regioner', recipient: '03', amount: '0', date: '2022-03-15' });
		await anna.getByRole('button', { name: 'Registrera redovisning' }).click();
		await anna.locator('.officer-form .alert-ok').waitFor();
		assert((await anna.locator('.officer-form .alert-ok .late-note').count()) === 0, 'the report in time is marked late');
		// The same route and query as the report before: the page stays, and
		// its answer is replaced by the new one, which marks the report late.
		await form(anna, 'report', { part: 'regioner', recipient: '12', amount: '0', date: '2022-05-02' });
		await anna.getByRole('button', { name: 'Registrera redovisning' }).click();
		await anna.locator('.officer-form .alert-ok .late-note, .officer-form .alert-error').first().waitFor();
		const ok = anna.locator('.officer-form .alert-ok');
		assert((await ok.count()) === 1, await anna.locator('.officer-form .form-status').textContent());
		assert(/Redovisningen registrerades.*sen redovisning.*2022-05-02, efter tidsgränsen 2022-03-31/.test(norm(await ok.textContent())), await ok.textContent());
		const row = anna.locator('tr[data-account="regioner/12"]');
		assert((await row.getAttribute('data-late')) === 'true' && /sen redovisning/.test(await row.textContent()), 'the reports table does not mark Skåne late');
		assert((await anna.locator('tr[data-account="regioner/03"]').getAttribute('data-late')) === 'false', 'Uppsala, in time, is marked late');
		await shot(anna, 'redovisning-sen');
	});
	await check('the decision\'s status and the recipient\'s page mark the late report', async () => {
		await open(anna, '#/beslut/' + encodeURIComponent(DNR));
		const row = anna.locator('table.ledger tbody tr', { hasText: 'Region Skåne' }).first();
		await row.waitFor();
		assert(/sen redovisning/.test(await row.textContent()), 'the decision page: ' + norm(await row.textContent()));
		const uppsala = anna.locator('table.ledger tbody tr', { hasText: 'Region Uppsala' }).first();
		assert(!/sen redovisning/.test(await uppsala.textContent()), 'Uppsala, in time, is marked late');
		await shot(anna, 'beslut-sen-redovisning');
		await open(anna, '#/mottagare/12');
		const acc = anna.locator('table.ledger tbody tr', { hasText: DNR }).first();
		await acc.waitFor();
		assert(/sen redovisning/.test(await acc.textContent()), 'the recipient page: ' + norm(await acc.textContent()));
		await shot(anna, 'mottagare-sen-redovisning');
	});
	await check('the deadlines page as of 1 June 2022 names the recipients behind each count and the late report', async () => {
		await open(anna, '#/tidsgranser?as_of=2022-06-01&all=true');
		const sec = anna.locator('section.deadline[data-kind="report"][data-part="regioner"][data-dnr="' + DNR + '"]');
		await sec.waitFor();
		const text = norm(await sec.textContent());
		const m = /(\d+) mottagare har inte redovisat; 1 redovisade sent/.exec(text);
		assert(m, text);
		const behind = sec.locator('.who:not(.who-late) [data-recipient]');
		assert((await behind.count()) === Number(m[1]), (await behind.count()) + ' named for a count of ' + m[1] + ': ' + text);
		const late = sec.locator('.who-late [data-recipient]');
		assert((await late.count()) === 1 && /Region Skåne, redovisad 2022-05-02/.test(await late.textContent()), 'the late list: ' + (await late.allTextContents()).join('; '));
		assert((await sec.locator('.who:not(.who-late) [data-recipient="03"], .who:not(.who-late) [data-recipient="12"]').count()) === 0, 'Uppsala or Skåne reported but is listed as not reported');
		await shot(anna, 'tidsgranser');
	});
	await check('bulk lapses: count, total and rows shown first; nothing recorded until confirmed; then one batch', async () => {
		await open(anna, '#/massatgarder?as_of=2021-12-02');
		const summary = anna.locator('.bulk-summary');
		await summary.waitFor();
		const text = norm(await summary.textContent());
		const m = /^(\d+) (?:rätt|rätter) på sammanlagt ([\d ]+,\d\d) kr/.exec(text);
		assert(m, text);
		const rows = anna.locator('table.bulk-rows tbody tr');
		assert((await rows.count()) === Number(m[1]), (await rows.count()) + ' rows for a count of ' + m[1]);
		assert(/Sveriges Kommuner och Regioner/.test(await anna.locator('table.bulk-rows').textContent()), 'SKR\'s right is not listed');
		const before = seen.posts.filter((p) => p.who === 'anna' && p.url.endsWith('/api/events')).length;
		await shot(anna, 'massatgard-sammanfattning');
		assert(seen.posts.filter((p) => p.who === 'anna' && p.url.endsWith('/api/events')).length === before, 'recorded before the confirmation');
		await anna.locator('button[data-confirm="lapse"]').click();
		const ok = anna.locator('.alert-ok');
		await ok.waitFor();
		assert(new RegExp(m[1] + ' förfallna rätter registrerades').test(await ok.textContent()), await ok.textContent());
		const post = seen.posts.filter((p) => p.who === 'anna' && p.url.endsWith('/api/events')).pop();
		const batch = JSON.parse(post.body);
		assert(batch.length === Number(m[1]) && batch.every((e) => e.kind === 'lapse' && e.date === '2021-12-02'), 'one batch of ' + m[1] + ' lapses: ' + post.body.slice(0, 200));
		const st = JSON.parse(bidrag('status', DNR, '--part', 'skr', '--as-of', '2021-12-31', '--format', 'json'));
		assert(st[0].lapsed === '15000000.00', 'SKR lapsed ' + st[0].lapsed);
		await shot(anna, 'massatgard-registrerad');
	});
	await check('no page error and no CSP violation in the handläggare\'s flows', async () => {
		assert(seen.pageErrors.length === 0, seen.pageErrors.join('; '));
		assert(seen.csp.length === 0, seen.csp.join('; '));
	});
});
process.exit(state.failures ? 1 : 0);
