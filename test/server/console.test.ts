import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { createEngine, type Engine } from 'exportkit';
import { ApiTokens, buildHttpApi, InProcessRunQueue, runWorker, TemplateFolder } from '@exportkit/server';
import { scratchDatabase, type ScratchDatabase } from '../support/databases.js';
import { createDemoTables } from '../support/demo-data.js';
import { PLUGIN } from '../pipeline/support/cli-harness.js';
import { demoTemplate } from '../pipeline/support/steps.js';

/*
 * The web console end to end in headless Chromium (Debian's chromium, driven by playwright-core):
 * log in with a token, write a template, see its problem at its line, fix it, save and run it,
 * watch the run finish, download its zip and check what it holds. Screenshots go to
 * test/dist/artefacts/console/.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARTEFACTS = resolve(dirname(fileURLToPath(import.meta.url)), '../artefacts/console');
const title = 'server: the web console in headless Chromium';
(existsSync(CHROMIUM) ? describe : describe.skip)(
  existsSync(CHROMIUM) ? title : `${title} — skipped: ${CHROMIUM} is missing (.ci/run installs Debian's chromium)`,
  function () {
    this.timeout(90_000);
    let scratch: ScratchDatabase;
    let work: string;
    let engine: Engine;
    let queue: InProcessRunQueue;
    let app: FastifyInstance;
    let browser: Browser;
    let page: Page;
    let base: string;
    let token: string;

    before(async function () {
      this.timeout(300_000);
      scratch = await scratchDatabase('pglite');
      await createDemoTables(scratch.knex, 25);
      work = mkdtempSync(join(tmpdir(), 'exportkit-console-'));
      mkdirSync(join(work, 'templates'));
      engine = createEngine({ knex: scratch.knex, plugins: [PLUGIN], dataDir: join(work, 'data') });
      queue = new InProcessRunQueue();
      const templates = new TemplateFolder(join(work, 'templates'));
      await queue.work(runWorker(engine, templates, queue), { concurrency: 1 });
      const tokens = new ApiTokens(scratch.knex);
      token = await tokens.create('console', 'admin');
      app = await buildHttpApi({ engine, queue, templates, tokens, dataDir: join(work, 'data') });
      await app.listen({ host: '127.0.0.1', port: 0 });
      base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-background-networking'],
      });
      page = await browser.newPage({ acceptDownloads: true });
      mkdirSync(ARTEFACTS, { recursive: true });
    });
    after(async () => {
      await browser?.close();
      await app?.close();
      await queue?.close({ timeoutMs: 0 });
      await engine?.close();
      await scratch?.dispose();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('log in, see a problem at its line, fix it, run, watch it finish, download the zip', async () => {
      await page.goto(base);
      await page.fill('#token', 'ek_wrong');
      await page.click('#login button');
      await page.waitForSelector('#login-error:has-text("refused")');
      await page.fill('#token', token);
      await page.click('#login button');
      await page.waitForSelector('#app:not([hidden])');

      // Validate as you type: the misspelt column at its line, with the suggestion.
      await page.fill('#name', 'weekly');
      await page.fill('#editor', demoTemplate('', { guid: 'console-demo', columns: '[itemId, itemLabl]' }));
      const problem = page.locator('#problems .problem');
      await problem.waitFor();
      expect(await problem.textContent()).to.match(/^line 5: itemLabl: unknown column.*\(did you mean itemLabel\?\)/);
      await page.screenshot({ path: join(ARTEFACTS, '1-problem.png'), fullPage: true });

      await page.fill('#editor', demoTemplate('', { guid: 'console-demo', columns: '[itemId, itemLabel]' }));
      await page.waitForSelector('#problems .ok:has-text("no problems")');
      await page.click('#save');
      await page.waitForSelector('#templates a[data-name="weekly"]');

      // The column catalogue, searched.
      await page.fill('#search', 'itemLab');
      expect(await page.locator('#columns tr').allTextContents()).to.have.length.above(0);
      for (const row of await page.locator('#columns tr').allTextContents()) expect(row).to.match(/itemLab/i);

      await page.click('#run');
      const state = page.locator('#runs tr .state').first();
      await page.waitForFunction("document.querySelector('#runs tr .state')?.textContent === 'succeeded'");
      expect(await state.textContent()).to.equal('succeeded');
      await page.screenshot({ path: join(ARTEFACTS, '2-run-succeeded.png'), fullPage: true });

      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#runs a.download')]);
      const saved = join(work, download.suggestedFilename());
      await download.saveAs(saved);
      expect(saved).to.match(/\.zip$/);
      const entries = execFileSync('unzip', ['-Z1', saved], { encoding: 'utf8' }).trim().split('\n').sort();
      expect(entries).to.deep.equal(['demo.csv', 'manifest.json']);
      const csv = execFileSync('unzip', ['-p', saved, 'demo.csv'], { encoding: 'utf8' });
      expect(csv.trim().split(/\r?\n/)).to.have.length(26); // the header and the 25 items
    });
  },
);
