// recipient.mjs: the recipient's start page (issue 14 item 1) and its
// register prefilled from the ledger (item 7), as eva (mottagare for Region
// Jämtland Härjedalen, 23) uses them: her organisation, reminders 30 days
// before the report deadline and after it, the grants and deadlines, the
// repayment claim with the bankgiro and its OCR number, the payments
// received with their dates, a calendar address made, read and revoked, and
// the year 2021 prefilled from the ledger with her own diary number kept.
// Run by tests/cli/browser.sh after flows.mjs (which paid organisation 23).
import { assert, bidrag, cells, check, DNR, go, login, main, norm, ready, seen, shot, state } from './lib.mjs';

state.prefix = 'recipient-';

await main(async (browser) => {
	// Jämtland's payment (registered by anna from the command line in
	// flows.mjs) attested by bertil and executed, and a repayment claim on
	// it, to pay with an OCR reference.
	let claimed = false;
	try {
		const reg = JSON.parse(bidrag('pay', 'list', '--state', 'registered', '--format', 'json'));
		const ids = (Array.isArray(reg) ? reg : reg.payments || []).filter((p) => p.dnr === DNR && /Jämtland/.test(p.recipient || p.recipient_name || '')).map((p) => p.id);
		if (ids.length) bidrag('pay', 'attest', ...ids, '--date', '2021-02-16', '--by', 'bertil');
		const att = JSON.parse(bidrag('pay', 'list', '--state', 'attested', '--format', 'json'));
		if ((Array.isArray(att) ? att : att.payments || []).length) bidrag('pay', 'export', '--batch', 'R23', '--date', '2021-03-01', '--output', '/dev/null', '--by', 'anna');
	} catch (e) {
		console.log('# no payment executed for 23: ' + String(e.message || e).split('\n')[0]);
	}
	try {
		bidrag('org', 'set', 'KAMK', '--bankgiro', '5052-5781', '--by', 'anna');
		bidrag('repay', 'claim', DNR, '--part', 'regioner', '--recipient', '23', '--amount', '10 000', '--date', '2021-06-01', '--by', 'anna');
		claimed = true;
	} catch (e) {
		console.log('# no claim for 23: ' + String(e.message || e).split('\n')[0]);
	}
	const eva = await login(browser, 'eva');

	await check('the mottagare\'s start page is the overview, with no command to run', async () => {
		for (const s of ['summary', 'reminders', 'grants', 'deadlines', 'claims', 'payments', 'calendar'])
			assert((await eva.locator('section[data-section=' + s + ']').count()) === 1, 'no section ' + s);
		const text = norm(await eva.locator('#main').textContent());
		assert(!/bidrag (requisition|repay|pay) /.test(text), 'a command shown: ' + text.slice(0, 300));
		assert(norm(await eva.locator('section[data-section=summary]').textContent()).includes('Region Jämtland Härjedalen'), 'organisation');
		const row = norm(await eva.locator('section[data-section=grants] tbody tr').first().textContent());
		assert(row.includes(DNR) && row.includes('2 722 993,00'), row);
		await shot(eva, 'oversikt');
	});

	await check('30 days before the repayment deadline a reminder says so; after it, that it has passed', async () => {
		assert(claimed, 'no claim to repay');
		await go(eva, '#/start?as_of=2022-03-10');
		const li = eva.locator('section[data-section=reminders] li[data-kind=repayment]');
		assert((await li.count()) === 1, (await li.count()) + ' repayment reminders');
		assert((await li.getAttribute('data-reminder')) === '30', await li.getAttribute('data-reminder'));
		const t = norm(await li.textContent());
		assert(t.includes('2022-03-31') && t.includes('om 21 dagar') && t.includes('10 000,00 kr ska återbetalas') && t.includes('30 dagar kvar'), t);
		await shot(eva, 'paminnelse-30');
		await go(eva, '#/start?as_of=2022-04-05');
		const after = eva.locator('section[data-section=reminders] li[data-kind=repayment]');
		assert((await after.getAttribute('data-reminder')) === 'after', await after.getAttribute('data-reminder'));
		assert(norm(await after.textContent()).includes('passerade för 5 dagar sedan'), norm(await after.textContent()));
		const dl = norm(await eva.locator('section[data-section=deadlines] tr[data-kind=repayment]').first().textContent());
		assert(dl.includes('2022-03-31') && dl.includes('försenad'), dl);
		await shot(eva, 'paminnelse-efter');
		await go(eva, '#/start');
	});

	await check('the repayment claim: the bankgiro, the OCR number and the letter', async () => {
		const sec = eva.locator('section[data-section=claims]');
		if (!claimed) {
			assert(norm(await sec.textContent()).includes('Inga återkrav'), 'no claims expected');
			return;
		}
		assert((await sec.locator('[data-bankgiro="5052-5781"]').count()) === 1, 'bankgiro');
		// This claim's row: other flows (portal.mjs) may have claimed more from 23 before.
		const row = sec.locator('tbody tr', { hasText: '10 000,00' }).first();
		const ocr = norm(await row.locator('.ocr').textContent());
		assert(/^\d+$/.test(ocr), 'OCR ' + ocr);
		assert(norm(await row.textContent()).includes('10 000,00'), norm(await row.textContent()));
		const href = await row.locator('a', { hasText: 'PDF' }).getAttribute('href');
		assert(/^\/api\/claim\/letter\?claim=\d+$/.test(href), href);
		await shot(eva, 'aterkrav');
	});

	await check('the payments received, each with the day it was executed', async () => {
		const rows = eva.locator('section[data-section=payments] tbody tr[data-payment]');
		assert((await rows.count()) >= 1, 'no payment');
		const t = await cells(rows.first());
		assert(/^\d{4}-\d\d-\d\d /.test(t) && t.includes('2 722 993,00') && t.includes(DNR), t);
		await shot(eva, 'utbetalningar');
	});

	await check('a calendar address is made, read without a session as text/calendar, and revoked', async () => {
		const sec = eva.locator('section[data-section=calendar]');
		await sec.getByRole('button', { name: 'Skapa kalenderadress' }).click();
		const input = sec.locator('input.feed-url');
		await input.waitFor();
		const url = await input.inputValue();
		assert(/\/api\/calendar\.ics\?token=[0-9a-f]{64}$/.test(url), url);
		const got = await eva.evaluate(async (u) => {
			const r = await fetch(u, { credentials: 'omit' });
			return { status: r.status, type: r.headers.get('content-type'), body: await r.text() };
		}, url);
		assert(got.status === 200 && got.type.startsWith('text/calendar'), got.status + ' ' + got.type);
		assert(got.body.startsWith('BEGIN:VCALENDAR') && got.body.includes('BEGIN:VEVENT') && got.body.includes('DTSTART;VALUE=DATE:20220331'), got.body.slice(0, 300));
		await shot(eva, 'kalender');
		await sec.getByRole('button', { name: 'Återkalla adressen' }).click();
		await sec.locator('[data-feed=none]').waitFor();
		const again = await eva.evaluate(async (u) => (await fetch(u, { credentials: 'omit' })).status, url);
		assert(again === 404, 'after revoking: ' + again);
		await shot(eva, 'kalender-aterkallad');
	});

	await check('the register: 2021 prefilled from the ledger, her own diary number kept', async () => {
		await go(eva, '#/register');
		const form = eva.locator('form.register-prefill');
		await form.getByLabel('År').fill('2021');
		await form.getByRole('button', { name: 'Förifyll från reskontran' }).click();
		await ready(eva, '#/register/23/2021');
		const flash = norm(await eva.locator('#main .alert-ok').textContent());
		assert(flash.startsWith('Förifyllt från reskontran'), flash);
		const row = eva.locator('tr[data-ledger=true]').first();
		assert(norm(await row.textContent()).includes('från reskontran'), 'no mark');
		await shot(eva, 'register-forifyllt');
		await row.locator('input[name=dnr]').fill('RS/42/2021');
		await eva.getByRole('button', { name: 'Spara era uppgifter' }).click();
		await eva.waitForFunction(() => (document.querySelector('#main .alert-ok') || {}).textContent?.startsWith('Sparat'));
		await ready(eva, '#/register/23/2021');
		assert((await eva.locator('tr[data-ledger=true] input[name=dnr]').first().inputValue()) === 'RS/42/2021', 'the diary number was not kept');
		await go(eva, '#/register');
		await eva.locator('form.register-prefill').getByLabel('År').fill('2021');
		await eva.locator('form.register-prefill').getByRole('button', { name: 'Förifyll från reskontran' }).click();
		await ready(eva, '#/register/23/2021');
		assert((await eva.locator('tr[data-ledger=true] input[name=dnr]').first().inputValue()) === 'RS/42/2021', 'prefilling again lost the diary number');
		await shot(eva, 'register-egna-uppgifter');
	});

	await check('no page error, no CSP violation and nothing scrolling sideways in the recipient\'s flows', async () => {
		assert(seen.pageErrors.length === 0, seen.pageErrors.join('\n'));
		assert(seen.csp.length === 0, seen.csp.join('\n'));
		assert(seen.overflow.length === 0, seen.overflow.join('\n'));
	});
});

process.exit(state.failures ? 1 : 0);
