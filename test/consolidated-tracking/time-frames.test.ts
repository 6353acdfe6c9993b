import { expect } from 'chai';
import { MAX_TIME_FRAMES } from '@exportkit/plugin-consolidated-tracking';
import { forEachDatabase } from '../support/databases.js';
import { runExport } from './support/run-export.js';
import { registrationsOf } from './support/fixture-ids.js';

/*
 * Time frames: the window [start, now] computed in SQL in the export's time zone, which rows it keeps
 * and what the time columns hold. Expected values: test/fixtures/dataset.md, "Time frames".
 */
const TIME_COLUMNS = [
  'sessionRegistrationGuid',
  'sessionTimeGlobal',
  'timeSpentCBT',
  'timeSpentDigital',
  'sessionTimeSpent',
];

forEachDatabase('consolidatedTracking time frames', (db) => {
  /** Rows as `Rn g/c/d/t` (global / CBT / digital / total seconds). */
  const framed = async (now: string, parameters: Record<string, string>) => {
    const result = await runExport(db().knex, { columns: TIME_COLUMNS, parameters, now: new Date(now) });
    const names = registrationsOf(result);
    return result.rows.map((row, i) => `${names[i]} ${row.slice(1).join('/')}`);
  };

  describe("the spec's example: one learning resource, 50 s on 2 January, 300 s on 25 February, 50 s on 5 April; report on 28 May, full months", () => {
    const example = (n: string, mode: string) =>
      framed('2021-05-28T12:00:00Z', {
        sessionGuid: '5e000000-0000-4000-8000-000000000005',
        timeFrames: n,
        timeFramesScale: 'less_than_n_full_months',
        timeFrameScaleMode: mode,
      });

    it('N = 0: no row', async () => {
      expect(await example('0', 'lastActivity')).to.deep.equal([]);
      expect(await example('0', 'timeSpent')).to.deep.equal([]);
    });
    it('N = 1: lastActivity 400, timeSpent 50', async () => {
      expect(await example('1', 'lastActivity')).to.deep.equal(['R9 400/0/0/400']);
      expect(await example('1', 'timeSpent')).to.deep.equal(['R9 50/0/0/50']);
    });
    it('N = 3: lastActivity 400, timeSpent 350', async () => {
      expect(await example('3', 'lastActivity')).to.deep.equal(['R9 400/0/0/400']);
      expect(await example('3', 'timeSpent')).to.deep.equal(['R9 350/0/0/350']);
    });
    it('lastActivity is the default mode; lastActivityCumulative keeps all the time; timeSpent wins in a list', async () => {
      expect(
        await framed('2021-05-28T12:00:00Z', {
          sessionGuid: '5e000000-0000-4000-8000-000000000005',
          timeFrames: '1',
          timeFramesScale: 'less_than_n_full_months',
        }),
      ).to.deep.equal(['R9 400/0/0/400']);
      expect(await example('1', 'lastActivityCumulative')).to.deep.equal(['R9 400/0/0/400']);
      expect(await example('1', 'lastActivity,timeSpent')).to.deep.equal(['R9 50/0/0/50']);
      expect(await example('0', 'lastActivity,timeSpent')).to.deep.equal([]);
    });
  });

  describe('full months at the turn of March and April (now = 2021-03-31 22:30 UTC, N = 0)', () => {
    const now = '2021-03-31T22:30:00Z';
    const base = { timeFrames: '0', timeFramesScale: 'less_than_n_full_months' };

    it('UTC: March', async () => {
      const march = ['R3 0/5400/390/5790', 'R4 0/3600/7295/10895', 'R10 0/0/1800/1800'];
      expect(await framed(now, base)).to.deep.equal(march);
      expect(await framed(now, { ...base, timeFrameScaleMode: 'timeSpent' })).to.deep.equal(march);
    });
    it('Europe/Paris: already 1 April (00:30), the window is half an hour long', async () => {
      expect(await framed(now, { ...base, timeZone: 'Europe/Paris' })).to.deep.equal(['R4 0/0/50/50']);
      expect(await framed(now, { ...base, timeZone: 'Europe/Paris', timeFrameScaleMode: 'timeSpent' })).to.deep.equal([
        'R2 1200/0/0/1200',
      ]);
    });
    it('America/New_York: March starts at 05:00 UTC, so 1 March 03:00 UTC is February', async () => {
      expect(await framed(now, { ...base, timeZone: 'America/New_York' })).to.deep.equal([
        'R3 0/5400/390/5790',
        'R4 0/0/7295/7295',
        'R10 0/0/1800/1800',
      ]);
      expect(
        await framed(now, { ...base, timeZone: 'America/New_York', timeFrameScaleMode: 'timeSpent' }),
      ).to.deep.equal(['R3 0/5400/390/5790', 'R4 0/3600/7295/10895', 'R10 0/0/1800/1800']);
    });
  });

  describe('days across midnight (now = 2021-03-01 04:00 UTC, N = 1)', () => {
    const now = '2021-03-01T04:00:00Z';
    const base = { timeFrames: '1', timeFramesScale: 'less_than_n_days' };
    it('UTC, lastActivity: the activities last accessed in the last 24 hours, with all their time', async () => {
      expect(await framed(now, base)).to.deep.equal(['R4 0/3600/0/3600', 'R6 900/0/0/900']);
    });
    it('UTC, timeSpent: the days 28 February and 1 March', async () => {
      expect(await framed(now, { ...base, timeFrameScaleMode: 'timeSpent' })).to.deep.equal([
        'R4 0/3600/0/3600',
        'R6 600/0/0/600',
      ]);
    });
    it('America/New_York, timeSpent: still 28 February there, so the days 27 and 28 February', async () => {
      expect(
        await framed(now, { ...base, timeFrameScaleMode: 'timeSpent', timeZone: 'America/New_York' }),
      ).to.deep.equal(['R6 600/0/0/600']);
    });
  });

  it('days are counted on the wall clock across the switch to summer time (now = 2021-03-28 12:00 UTC)', async () => {
    const base = { timeFrames: '1', timeFramesScale: 'less_than_n_days' };
    expect(await framed('2021-03-28T12:00:00Z', base)).to.deep.equal(['R10 0/0/1800/1800']);
    expect(await framed('2021-03-28T12:00:00Z', { ...base, timeZone: 'Europe/Paris' })).to.deep.equal([]);
  });

  it('calendar months: 31 March − 1 month is 28 February (now = 2021-03-31 12:00 UTC)', async () => {
    const base = { timeFrames: '1', timeFramesScale: 'less_than_n_months' };
    expect(await framed('2021-03-31T12:00:00Z', base)).to.deep.equal([
      'R3 0/5400/390/5790',
      'R4 0/3600/7245/10845',
      'R6 900/0/0/900',
      'R10 0/0/1800/1800',
    ]);
    expect(
      await framed('2021-03-31T12:00:00Z', { ...base, timeFrameScaleMode: 'lastActivityCumulative' }),
    ).to.deep.equal(['R3 0/5400/390/5790', 'R4 0/3600/7295/10895', 'R6 900/0/0/900', 'R10 0/0/1800/1800']);
  });

  it('years and full years (now = 2021-05-28 12:00 UTC)', async () => {
    const everything = [
      'R1 1500/25200/960/27660',
      'R2 1200/0/2400/3600',
      'R3 0/5400/390/5790',
      'R4 0/3600/7295/10895',
      'R5 1800/0/600/2400',
      'R6 900/0/0/900',
      'R9 400/0/0/400',
      'R10 0/0/1800/1800',
    ];
    const now = '2021-05-28T12:00:00Z';
    expect(await framed(now, { timeFrames: '1', timeFramesScale: 'less_than_n_full_years' })).to.deep.equal(everything);
    expect(await framed(now, { timeFrames: '1', timeFramesScale: 'less_than_n_years' })).to.deep.equal(everything);
    expect(await framed(now, { timeFrames: '0', timeFramesScale: 'less_than_n_full_years' })).to.deep.equal([]);
    expect(await framed(now, { timeFrames: '0', timeFramesScale: 'less_than_n_years' })).to.deep.equal([]);
  });

  it('the largest N of every scale runs from any reference instant of 0001–9999 (the start stays a valid timestamp)', async () => {
    for (const [scale, max] of Object.entries(MAX_TIME_FRAMES)) {
      const parameters = { timeFrames: String(max), timeFramesScale: scale };
      expect(await framed('0001-01-01T00:00:00Z', parameters), `${scale} from 0001`).to.deep.equal([]);
      expect(await framed('9999-12-31T23:59:59Z', parameters), `${scale} from 9999`).to.deep.equal([]);
      expect(await framed('2021-05-28T12:00:00Z', parameters), `${scale} from 2021`).to.have.length(8);
    }
  });

  it('time frames do not change the other columns', async () => {
    const result = await runExport(db().knex, {
      columns: ['sessionRegistrationGuid', 'sessionCompletionTime', 'nbLOStarted', 'progression'],
      parameters: { timeFrames: '0', timeFramesScale: 'less_than_n_full_months', timeZone: 'Europe/Paris' },
      now: new Date('2021-03-31T22:30:00Z'),
    });
    expect(result.rows).to.deep.equal([['4e000000-0000-4000-8000-000000000004', '2021-04-01 00:15:00', '4', '87.5']]);
  });
});
