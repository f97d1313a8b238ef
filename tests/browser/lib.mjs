// lib.mjs: what the browser tests share (tests/browser/*.mjs, each run by
// tests/cli/browser.sh against one server and register): TAP lines, checks,
// screenshots, waiting for a page, logging in, and the bidrag command.
// Each file sets state.prefix so that its screenshots keep their own names.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const env = (k, d) => process.env[k] || d;
export const BASE = env('BASE_URL').replace(/\/?$/, '/');
export const PW = env('PASSWORD');
export const SRC = env('BIDRAG_SRC');
export const SHOTS = env('SCREENSHOTS', path.join(process.cwd(), 'screenshots'));
export const require = createRequire(path.join(env('NODE_CACHE', process.cwd()), 'package.json'));
export const { chromium } = require('playwright-core');

export const DECISION_FILE = path.join(SRC, 'examples/decisions/S2020-09797.json');
export const DNR = 'S2020/09797';
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const state = { failures: 0, prefix: '' };
export function report(pass, name, diag = []) {
	console.log((pass ? 'ok - ' : 'not ok - ') + name);
	if (!pass) {
		state.failures++;
		for (const d of diag) for (const l of String(d).split('\n')) console.log('# ' + l);
	}
}
// check NAME FN: one TAP line; FN throws (or returns false) on failure.
export async function check(name, fn) {
	try {
		const r = await fn();
		report(r !== false, name, r === false ? ['the check returned false'] : []);
	} catch (e) {
		report(false, name, [String(e && e.message ? e.message : e).split('\n').slice(0, 8).join('\n')]);
	}
}
export function assert(cond, msg) {
	if (!cond) throw new Error(msg);
}
export const norm = (s) => String(s || '').replace(/\s+/g, ' ').trim();
// cells: a table row's text as a person reads it, cell by cell with a space
// between (textContent runs adjacent cells together).
export const cells = async (row) => norm((await row.locator('th, td').allTextContents()).map(norm).join(' '));

// Everything the pages do that a check looks at afterwards.
export const seen = { csp: [], pageErrors: [], posts: [], overflow: [], shots: [] };

export function watch(page, who) {
	page.on('console', (m) => {
		if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) seen.csp.push(who + ': ' + m.text());
	});
	page.on('pageerror', (e) => seen.pageErrors.push(who + ': ' + e.message));
	page.on('request', (r) => {
		if (r.method() === 'POST' && r.url().includes('/api/')) seen.posts.push({ who, url: r.url(), headers: r.headers(), body: r.postData() });
	});
}

let shotNo = 0;
// shot PAGE NAME: a full-page screenshot, and a check that the page does not
// scroll sideways at 1366x768 (wide tables scroll inside their own box).
export async function shot(page, name) {
	shotNo++;
	const file = path.join(SHOTS, state.prefix + String(shotNo).padStart(2, '0') + '-' + name + '.png');
	await page.screenshot({ path: file, fullPage: true });
	seen.shots.push(file);
	const o = await page.evaluate(() => ({
		sw: document.documentElement.scrollWidth,
		cw: document.documentElement.clientWidth,
		hash: location.hash,
		// Tables that only fit by scrolling sideways, on a laptop screen: a column cut off.
		tables: [...document.querySelectorAll('.table-wrap')]
			.filter((w) => w.scrollWidth > w.clientWidth + 1)
			.map((w) => ((w.querySelector('caption') || {}).textContent || w.querySelector('th')?.textContent || '?').slice(0, 60) + ': ' + w.scrollWidth + ' px in ' + w.clientWidth),
	}));
	if (o.sw > o.cw + 1) seen.overflow.push(name + ' (' + o.hash + '): ' + o.sw + ' px wide in ' + o.cw);
	for (const t of o.tables) seen.overflow.push(name + ' (' + o.hash + '): a table scrolls sideways: ' + t);
}

// ready PAGE HASH: wait until the page for HASH is rendered (or any page
// whose hash starts with HASH when prefix is true).
export async function ready(page, hash, prefix = false) {
	await page.waitForFunction(
		([h, p]) => {
			const r = document.querySelector('#main > .page.ready');
			return r && (p ? r.dataset.hash.startsWith(h) : r.dataset.hash === h);
		},
		[hash, prefix],
		{ timeout: 15000 },
	);
}

export async function go(page, hash) {
	await page.evaluate((h) => {
		location.hash = h;
	}, hash);
	await ready(page, hash);
}

export async function navTexts(page) {
	return (await page.locator('#nav a').allTextContents()).map(norm);
}

export async function login(browser, name, opts = {}) {
	const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'sv-SE', acceptDownloads: true });
	const page = await ctx.newPage();
	watch(page, name);
	await page.goto(BASE);
	await page.waitForSelector('.login-page');
	if (opts.shotLogin) await shot(page, 'inloggning');
	await page.getByLabel('Användarnamn').fill(name);
	await page.getByLabel('Lösenord').fill(opts.password || PW);
	await page.getByRole('button', { name: 'Logga in' }).click();
	if (opts.password) return page;
	await ready(page, '#/start');
	return page;
}

export function bidrag(...args) {
	return execFileSync(env('BIDRAG'), args, { env: { ...process.env, BIDRAG_DB: env('BIDRAG_DB') }, encoding: 'utf8' });
}

// main FLOWS: launch chromium, run FLOWS(browser), close it.
export async function main(flows) {
	fs.mkdirSync(SHOTS, { recursive: true });
	const browser = await chromium.launch({
		executablePath: env('CHROMIUM', '/usr/bin/chromium'),
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
	});
	console.log('# chromium ' + browser.version() + ', playwright-core ' + require('playwright-core/package.json').version + ', node ' + process.version);
	try {
		await flows(browser);
	} finally {
		await browser.close();
	}
}

