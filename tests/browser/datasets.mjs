// datasets.mjs: Nyckeldata's impact of a corrected key, carried out from the
// web.  A kommun key from SCB's own PC-Axis file, a decision to the 26
// kommuner of Stockholms län allocated by it and paid, a correction (two
// kommuners' populations swapped); the handläggare sees the impact, asks for
// the events (a summary per decision before anything is recorded), confirms,
// and the extra payment waits in the attestation queue for the attestant,
// who attests it.  Run by tests/cli/browser.sh after flows.mjs.
import fs from 'node:fs';
import path from 'node:path';
import { env, PW, SRC, check, assert, norm, cells, seen, shot, ready, go, login, bidrag, main, state } from './lib.mjs';

state.prefix = 'datasets-';
const KEY = 'webkommunpop@2004';
const DNR = 'K/2026/WEB1';
const PX = path.join(SRC, '..', 'shared', 'data', 'scb', 'px_BE0101A1_pop_riket_21lan_290kommuner_civil_sex_2001-2004_en.px');

function setup() {
	// The command line records its changes as a registered user, authenticated by the password.
	process.env.BIDRAG_PASSWORD = PW;
	const tmp = fs.mkdtempSync(path.join(env('TMPDIR', '/tmp'), 'datasets-'));
	bidrag('datasets', 'import', PX, '--name', KEY, '--period', '2004', '--level', 'kommun', '--skip-unknown', '--by', 'anna');
	const dec = JSON.parse(fs.readFileSync(path.join(SRC, 'examples/decisions/S2020-09796.json'), 'utf8'));
	Object.assign(dec, { dnr: DNR, date: '2026-03-01', total: 100000000, notes: 'test: kommunerna i Stockholms län (datasets.mjs)' });
	delete dec.agreement;
	dec.appropriations[0].budget_year = 2026;
	dec.parts = [{ id: 'kommuner', title: 'Stöd till kommunerna i Stockholms län', amount: 100000000, funding: [{ appropriation: '16', amount: 100000000 }], recipients: 'kommuner:01', rule: { method: 'key', key: KEY }, payment: { mode: 'without-requisition', by: '2026-12-31' } }];
	dec.annexes = [];
	fs.writeFileSync(path.join(tmp, 'k.json'), JSON.stringify(dec));
	bidrag('decision', 'import', path.join(tmp, 'k.json'), '--by', 'anna');
	const alloc = JSON.parse(bidrag('decision', 'show', DNR, '--format', 'json')).parts[0].allocation;
	const amount = (c) => alloc.find((r) => r.code === c).amount;
	for (const c of ['0114', '0115']) {
		bidrag('org', 'set', c, '--bankgiro', '9990-0011', '--by', 'anna');
		bidrag('pay', 'add', DNR, '--part', 'kommuner', '--recipient', c, '--amount', String(amount(c)), '--date', '2026-04-01', '--by', 'anna', '--id', 'dsweb-' + c);
	}
	bidrag('pay', 'attest', 'dsweb-0114', 'dsweb-0115', '--date', '2026-04-02', '--by', 'bertil');
	// The correction: Upplands Väsby's and Vallentuna's populations swapped.
	const rows = bidrag('datasets', 'show', KEY, '--format', 'csv').trim().split('\n');
	const val = Object.fromEntries(rows.slice(1).map((r) => [r.split(',')[0], r.slice(r.lastIndexOf(',') + 1)]));
	const out = [rows[0]].concat(rows.slice(1).map((r) => {
		const c = r.split(',')[0];
		const v = c === '0114' ? val['0115'] : c === '0115' ? val['0114'] : val[c];
		return r.slice(0, r.lastIndexOf(',')) + ',' + v;
	}));
	fs.writeFileSync(path.join(tmp, 'v2.csv'), out.join('\n') + '\n');
	bidrag('datasets', 'import', path.join(tmp, 'v2.csv'), '--name', KEY, '--corrects', KEY + '@1', '--reason', 'Upplands Väsby och Vallentuna förväxlade', '--by', 'anna');
	return { rise: amount('0114') - amount('0115') };
}

await main(async (browser) => {
	let s;
	await check('setup: a kommun key from SCB\'s PC-Axis file, a decision allocated by it and paid, a correction', async () => {
		s = setup();
		assert(s.rise > 0, 'Upplands Väsby should get more than Vallentuna: ' + s.rise);
	});
	if (!s) return;
	const anna = await login(browser, 'anna');
	const ref = KEY + '@2';
	const hash = '#/nyckeldata/' + encodeURIComponent(ref);
	const kr = (n) => new Intl.NumberFormat('sv-SE').format(n).replace(/\s/g, ' ');
	await check('the corrected version shows its impact: the two kommuner, then and now, and the apply form', async () => {
		await go(anna, hash);
		await anna.locator('#sec-impact table').first().waitFor();
		const r114 = await cells(anna.locator('#sec-impact tbody tr', { hasText: 'Upplands Väsby' }).first());
		// Attested, not yet executed: the excess is named for withdrawal, not moved.
		assert(/ej utförda utbetalningar överstiger/.test(r114), 'Upplands Väsby: ' + r114);
		const r115 = await cells(anna.locator('#sec-impact tbody tr', { hasText: 'Vallentuna' }).first());
		assert(/betala ut/.test(r115), 'Vallentuna: ' + r115);
		assert((await anna.locator('form.impact-apply').count()) === 1, 'no apply form for the handläggare');
		await shot(anna, 'paverkan');
	});
	await check('asking for the events shows a summary per decision and records nothing yet', async () => {
		const before = bidrag('events', 'list', '--format', 'csv');
		await anna.locator('form.impact-apply').getByRole('button', { name: 'Visa händelserna' }).click();
		await anna.locator('table.impact-plan').waitFor();
		const st = norm(await anna.locator('form.impact-apply .form-status').textContent());
		assert(/^2 händelser bokförs, varav 1 utbetalning som en annan person attesterar/.test(st), 'status: ' + st);
		const row = await cells(anna.locator('table.impact-plan tbody tr').first());
		assert(row.startsWith(DNR + ' 2 '), 'summary row: ' + row);
		assert(row.split(kr(s.rise)).length - 1 === 2, 'raise and pay of ' + kr(s.rise) + ' in: ' + row);
		assert(bidrag('events', 'list', '--format', 'csv') === before, 'the plan recorded something');
		await shot(anna, 'plan');
	});
	await check('confirmed, the events are recorded as the handläggare, the payment to attest', async () => {
		await anna.locator('form.impact-apply').getByRole('button', { name: /^Bokför 2 händelser$/ }).click();
		await anna.locator('form.impact-apply .alert-ok').waitFor();
		const ok = norm(await anna.locator('form.impact-apply .alert-ok').textContent());
		assert(/^2 händelser bokförda\. 1 utbetalning väntar på attest av en annan person i Attestkön\.$/.test(ok), 'ok: ' + ok);
		const ev = JSON.parse(bidrag('events', 'list', '--format', 'json')).filter((e) => e.id.startsWith('impact-') && e.dnr === DNR);
		assert(ev.length === 2 && ev.every((e) => e.by === 'anna'), 'events: ' + JSON.stringify(ev.map((e) => [e.kind, e.by])));
		await shot(anna, 'bokfort');
	});
	await check('asked again, there is nothing to record', async () => {
		await go(anna, hash);
		await anna.locator('form.impact-apply').getByRole('button', { name: 'Visa händelserna' }).click();
		await anna.locator('form.impact-apply .alert-info').waitFor();
		assert(/Inget att bokföra/.test(await anna.locator('form.impact-apply .alert-info').textContent()), 'not carried out');
	});
	await check('the attestant finds the extra payment in the attestation queue and attests it (four eyes)', async () => {
		const bertil = await login(browser, 'bertil');
		await go(bertil, '#/attest');
		const row = bertil.locator('tbody tr', { hasText: 'Vallentuna' }).filter({ hasText: kr(s.rise) }).first();
		await row.waitFor();
		assert((await anna.locator('form.impact-apply').count()) === 1, 'the form went away');
		await shot(bertil, 'attestko');
		await row.locator('.attest-btn').click();
		await bertil.waitForFunction(() => document.querySelector('.alert-ok, .alert-error'));
		const pays = JSON.parse(bidrag('pay', 'list', '--state', 'attested', '--format', 'json')).filter((p) => p.dnr === DNR && p.registered_by === 'anna' && /^impact-/.test(p.id));
		assert(pays.length === 1 && pays[0].amount === s.rise + '.00', 'attested: ' + JSON.stringify(pays));
	});
	await check('no page error or CSP violation on the pages visited', async () => {
		assert(!seen.pageErrors.length, seen.pageErrors.join('; '));
		assert(!seen.csp.length, seen.csp.join('; '));
	});
});
process.exit(state.failures ? 1 : 0);
