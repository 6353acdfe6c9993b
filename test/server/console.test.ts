import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startApiService, type ApiService } from './support/api-service.js';
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
    let service: ApiService;
    let browser: Browser;
    let page: Page;
    let token: string;

    before(async function () {
      this.timeout(300_000);
      service = await startApiService({ database: 'pglite', demoRows: 25, templates: 'folder' });
      token = await service.tokens.create('console', 'admin');
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-background-networking'],
      });
      page = await browser.newPage({ acceptDownloads: true });
      mkdirSync(ARTEFACTS, { recursive: true });
    });
    after(async () => {
      await browser?.close();
      await service?.stop();
    });

    it('log in, see a problem at its line, fix it, run, watch it finish, download the zip', async () => {
      await page.goto(service.base);
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
      const saved = join(service.work, download.suggestedFilename());
      await download.saveAs(saved);
      expect(saved).to.match(/\.zip$/);
      const entries = execFileSync('unzip', ['-Z1', saved], { encoding: 'utf8' }).trim().split('\n').sort();
      expect(entries).to.deep.equal(['demo.csv', 'manifest.json']);
      const csv = execFileSync('unzip', ['-p', saved, 'demo.csv'], { encoding: 'utf8' });
      expect(csv.trim().split(/\r?\n/)).to.have.length(26); // the header and the 25 items
    });
  },
);
