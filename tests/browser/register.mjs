// register.mjs: the recipient's own fields of its register in the browser
// (issue 14 item 7, "no page needs the command line"), as eva (mottagare
// for Region Jämtland Härjedalen, 23): the year 2021 prefilled from the
// ledger, a breakdown (rows and sub-rows) and a usage account (purposes,
// cost groups, entries) added to the ledger's grant and saved as a new
// version, seen again after a reload, in the stored document and in the
// report; a bad amount and an unknown purpose refused by the server with
// the message beside the field and nothing stored; a grant of her own
// added, saved and removed; prefilling again keeps what she wrote.
// Run by tests/cli/browser.sh after flows.mjs (which pays organisation 23)
// and recipient.mjs (which executes that payment in 2021).
import { assert, bidrag, check, DNR, go, login, main, norm, ready, seen, shot, state } from './lib.mjs';

state.prefix = 'register-';

// The latest version of 23's 2021 and its document, as the API has them.
async function stored(page) {
	return page.evaluate(async () => {
		const list = await (await fetch('/api/register')).json();
		const v = list.registers.find((r) => r.org === '23' && r.year === 2021);
		const doc = await (await fetch('/api/register/document?org=23&year=2021')).json();
		return { version: v ? v.version : 0, doc };
	});
}

async function save(page) {
	await page.getByRole('button', { name: 'Spara era uppgifter' }).click();
}

async function saved(page) {
	await page.waitForFunction(() => (document.querySelector('#main .alert-ok') || {}).textContent?.startsWith('Sparat'), null, { timeout: 15000 });
	await ready(page, '#/register/23/2021');
}

const sel = (path) => '[data-path="' + path + '"]';

await main(async (browser) => {
	// The payment to 23 executed in 2021, if recipient.mjs has not done so.
	try {
		const reg = JSON.parse(bidrag('pay', 'list', '--state', 'registered', '--format', 'json'));
		const ids = (Array.isArray(reg) ? reg : reg.payments || []).filter((p) => p.dnr === DNR && /Jämtland/.test(p.recipient || p.recipient_name || '')).map((p) => p.id);
		if (ids.length) bidrag('pay', 'attest', ...ids, '--date', '2021-02-16', '--by', 'anna');
		const att = JSON.parse(bidrag('pay', 'list', '--state', 'attested', '--format', 'json'));
		if ((Array.isArray(att) ? att : att.payments || []).length) bidrag('pay', 'export', '--batch', 'RG23', '--date', '2021-03-01', '--output', '/dev/null');
	} catch (e) {
		console.log('# no payment executed for 23 here: ' + String(e.message || e).split('\n')[0]);
	}
	const eva = await login(browser, 'eva');
	let gp = ''; // the ledger grant's path in the document, "years[0].grants[N]"
	let before = 0;

	await check('eva prefills 2021 from the ledger: the grant is marked and has editors for breakdown and usage', async () => {
		await go(eva, '#/register');
		const form = eva.locator('form.register-prefill');
		await form.getByLabel('År').fill('2021');
		await form.getByRole('button', { name: 'Förifyll från reskontran' }).click();
		await ready(eva, '#/register/23/2021');
		const sec = eva.locator('section.grant-detail[data-ledger=true]').first();
		assert((await sec.count()) === 1, 'no editor for a grant from the ledger');
		gp = await sec.getAttribute('data-path');
		assert(/^years\[0\]\.grants\[\d+\]$/.test(gp), gp);
		const text = norm(await eva.locator('#main').textContent());
		assert(!text.includes('fyll i och lämna in'), 'the page still sends the recipient to a file');
		assert((await sec.getByRole('button', { name: 'Lägg till rad' }).count()) === 1 && (await sec.getByRole('button', { name: 'Lägg till användning' }).count()) === 1, 'no add buttons');
		before = (await stored(eva)).version;
		await shot(eva, 'ar-forifyllt');
	});

	await check('she adds a breakdown (a row, a row with two sub-rows) and a usage account, and saves: a new version', async () => {
		const sec = eva.locator('section.grant-detail' + sel(gp));
		const n = await sec.locator('tr[data-depth="0"]').count();
		await sec.getByRole('button', { name: 'Lägg till rad' }).click();
		await eva.locator(sel(gp + '.lines[' + n + '].title')).fill('Nära vård');
		await eva.locator(sel(gp + '.lines[' + n + '].amount')).fill('1 500 000');
		await sec.getByRole('button', { name: 'Lägg till rad' }).click();
		const p = gp + '.lines[' + (n + 1) + ']';
		await eva.locator(sel(p + '.title')).fill('Psykisk hälsa');
		await eva.locator('tr' + sel(p)).getByRole('button', { name: /delrad/ }).click();
		await eva.locator(sel(p + '.lines[0].title')).fill('Barn och unga');
		await eva.locator(sel(p + '.lines[0].amount')).fill('700 000');
		await eva.locator('tr' + sel(p)).getByRole('button', { name: /delrad/ }).click();
		await eva.locator(sel(p + '.lines[1].title')).fill('Vuxna');
		await eva.locator(sel(p + '.lines[1].amount')).fill('300000');
		assert(norm(await eva.locator('tr' + sel(p)).textContent()).includes('summan av delraderna'), 'the parent row asks for an amount');
		await sec.getByRole('button', { name: 'Lägg till användning' }).click();
		const u = gp + '.usage[0]';
		await eva.locator(sel(u + '.available')).fill('2 000 000');
		await eva.locator(sel(u)).getByRole('button', { name: 'Lägg till ändamål' }).click();
		await eva.locator(sel(u + '.purposes[0].name')).fill('Kompetensutveckling');
		await eva.locator(sel(u + '.purposes[0].cost_groups')).fill('arvoden, lokalhyra');
		await eva.locator(sel(u)).getByRole('button', { name: 'Lägg till post' }).click();
		await eva.locator(sel(u + '.entries[0].purpose')).fill('Kompetensutveckling');
		await eva.locator(sel(u + '.entries[0].cost_group')).fill('arvoden');
		await eva.locator(sel(u + '.entries[0].amount')).fill('25 000');
		await eva.locator(sel(u + '.entries[0].comment')).fill('Utbildningsdag');
		await shot(eva, 'fordelning-anvandning');
		await save(eva);
		await saved(eva);
		const s = await stored(eva);
		assert(s.version === before + 1, 'version ' + s.version + ' after ' + before);
		before = s.version;
	});

	await check('after a reload the breakdown and usage are there, as figures in the stored document and in the report', async () => {
		await eva.reload();
		await ready(eva, '#/register/23/2021');
		const p = gp + '.lines';
		const n = await eva.locator('section.grant-detail' + sel(gp) + ' tr[data-depth="0"]').count();
		const a = n - 2; // her two rows, after any the grant had
		assert((await eva.locator(sel(p + '[' + a + '].title')).inputValue()) === 'Nära vård', 'row title');
		assert((await eva.locator(sel(p + '[' + a + '].amount')).inputValue()) === '1 500 000', 'row amount ' + (await eva.locator(sel(p + '[' + a + '].amount')).inputValue()));
		assert((await eva.locator(sel(p + '[' + (a + 1) + '].lines[1].amount')).inputValue()) === '300 000', 'sub-row amount');
		assert((await eva.locator(sel(gp + '.usage[0].entries[0].cost_group')).inputValue()) === 'arvoden', 'entry');
		assert((await eva.locator(sel(gp + '.usage[0].purposes[0].cost_groups')).inputValue()) === 'arvoden, lokalhyra', 'cost groups');
		const { doc } = await stored(eva);
		const j = Number(/\[(\d+)\]$/.exec(gp)[1]);
		const g = doc.years[0].grants[j];
		const rows = g.lines.slice(a);
		assert(JSON.stringify(rows.map((l) => [l.key, l.title, l.amount])) === JSON.stringify([['nara-vard', 'Nära vård', 1500000], ['psykisk-halsa', 'Psykisk hälsa', undefined]]), JSON.stringify(rows));
		assert(JSON.stringify(rows[1].lines.map((l) => [l.title, l.amount])) === JSON.stringify([['Barn och unga', 700000], ['Vuxna', 300000]]), JSON.stringify(rows[1].lines));
		assert(g.usage[0].year === 2021 && g.usage[0].available === 2000000 && g.usage[0].entries[0].amount === 25000 && g.usage[0].entries[0].comment === 'Utbildningsdag', JSON.stringify(g.usage));
		const md = await eva.evaluate(async () => (await fetch('/api/register/report?org=23&year=2021&format=md')).text());
		assert(md.includes('Barn och unga') && md.includes('Kompetensutveckling'), md.slice(0, 600));
		await shot(eva, 'sparat');
	});

	await check('a bad amount is refused by the server: the message beside the field, nothing stored', async () => {
		const n = await eva.locator('section.grant-detail' + sel(gp) + ' tr[data-depth="0"]').count();
		const f = sel(gp + '.lines[' + (n - 2) + '].amount');
		await eva.locator(f).fill('femtio kronor');
		await save(eva);
		const err = eva.locator('p.field-error[data-error-for="' + gp + '.lines[' + (n - 2) + '].amount"]');
		await err.waitFor({ timeout: 10000 });
		const msg = norm(await err.textContent());
		assert(msg.includes('femtio kronor') && msg.includes('nothing was stored'), msg);
		assert((await eva.locator(f).getAttribute('aria-invalid')) === 'true', 'the field is not marked');
		assert(await eva.locator(f).evaluate((el) => el === document.activeElement), 'the field has no focus');
		assert(norm(await eva.locator('.register-save-status .alert-error').textContent()).startsWith('Inget sparades'), 'no alert');
		const s = await stored(eva);
		assert(s.version === before, 'a version was stored: ' + s.version);
		await shot(eva, 'fel-belopp');
		// An entry for a purpose the account does not have: refused when
		// the year is computed, shown at the entry.
		await eva.locator(f).fill('1 500 000');
		const e = sel(gp + '.usage[0].entries[0].purpose');
		await eva.locator(e).fill('Okänt ändamål');
		await save(eva);
		const err2 = eva.locator('p.field-error[data-error-for="' + gp + '.usage[0].entries[0]"]');
		await err2.waitFor({ timeout: 10000 });
		assert(norm(await err2.textContent()).includes("unknown purpose 'Okänt ändamål'"), norm(await err2.textContent()));
		assert((await eva.locator('p.field-error').count()) === 1, 'the earlier error is still shown');
		assert((await eva.locator(e).getAttribute('aria-invalid')) === 'true', 'the purpose is not marked');
		assert((await stored(eva)).version === before, 'a version was stored');
		await shot(eva, 'fel-andamal');
	});

	await check('she adds a grant of her own with its amount, saves it, sees it after a reload, and removes it again', async () => {
		await eva.reload();
		await ready(eva, '#/register/23/2021');
		const form = eva.locator('form.register-own-grant');
		await form.getByRole('button', { name: 'Lägg till bidraget' }).click();
		assert((await form.locator('.alert-error').count()) === 1, 'a grant without a title was added');
		await form.getByLabel('Rubrik').fill('Läsfrämjande insatser');
		await form.getByLabel('Bidragsgivare').fill('Kulturrådet');
		await form.getByLabel('Belopp (kr)').fill('200 000');
		await form.getByRole('button', { name: 'Lägg till bidraget' }).click();
		const own = eva.locator('section.grant-detail[data-grant="lasframjande-insatser"]');
		assert((await own.getAttribute('data-ledger')) === 'false', 'not marked as her own');
		await own.getByRole('button', { name: 'Lägg till rad' }).click();
		const op = await own.getAttribute('data-path');
		await eva.locator(sel(op + '.lines[0].title')).fill('Bibliotek');
		await eva.locator(sel(op + '.lines[0].amount')).fill('200 000');
		await save(eva);
		await saved(eva);
		await eva.reload();
		await ready(eva, '#/register/23/2021');
		const row = eva.locator('tr[data-grant="lasframjande-insatser"]');
		assert((await row.getAttribute('data-ledger')) === 'false', 'no row of her own grant');
		assert(norm(await row.textContent()).includes('200 000'), norm(await row.textContent()));
		const s = await stored(eva);
		const g = s.doc.years[0].grants.find((x) => x.key === 'lasframjande-insatser');
		assert(g && g.amount === 200000 && g.grantor === 'Kulturrådet' && g.lines[0].title === 'Bibliotek', JSON.stringify(g));
		assert(s.version === before + 1, 'version ' + s.version);
		await shot(eva, 'eget-bidrag');
		await eva.locator('section.grant-detail[data-grant="lasframjande-insatser"]').getByRole('button', { name: 'Ta bort bidraget' }).click();
		await save(eva);
		await saved(eva);
		assert((await eva.locator('tr[data-grant="lasframjande-insatser"]').count()) === 0, 'still there');
		const s2 = await stored(eva);
		assert(!s2.doc.years[0].grants.some((x) => x.key === 'lasframjande-insatser') && s2.version === before + 2, 'version ' + s2.version);
		// the ledger's grant keeps her breakdown
		assert(s2.doc.years[0].grants.some((x) => (x.lines || []).some((l) => l.title === 'Psykisk hälsa')), 'the breakdown was lost');
	});

	await check('prefilling 2021 again keeps her breakdown and usage', async () => {
		await go(eva, '#/register');
		await eva.locator('form.register-prefill').getByLabel('År').fill('2021');
		await eva.locator('form.register-prefill').getByRole('button', { name: 'Förifyll från reskontran' }).click();
		await ready(eva, '#/register/23/2021');
		const { doc } = await stored(eva);
		const g = doc.years[0].grants.find((x) => x.key.startsWith('reskontra-') && (x.lines || []).some((l) => l.title === 'Nära vård'));
		assert(g && g.usage && g.usage[0].entries[0].amount === 25000, JSON.stringify(doc.years[0].grants).slice(0, 400));
		await shot(eva, 'forifyllt-igen');
	});

	await check('no page error, no CSP violation and nothing scrolling sideways on the register pages', async () => {
		assert(seen.pageErrors.length === 0, seen.pageErrors.join('\n'));
		assert(seen.csp.length === 0, seen.csp.join('\n'));
		assert(seen.overflow.length === 0, seen.overflow.join('\n'));
	});
});

process.exit(state.failures ? 1 : 0);
