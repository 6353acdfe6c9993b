/*
 * A real PostgreSQL primary and its streaming replica, made for a test from the server's binaries:
 * `initdb` a throwaway primary (the shared server on 5432 allows no replication connections, and
 * copying it would copy its benchmark databases), `pg_basebackup -R -X stream` a standby of it,
 * both on free loopback ports, run as the `postgres` OS user. stop() stops and removes both.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, appendFileSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface StreamingPair {
  primaryUrl: string;
  replicaUrl: string;
  stop(): Promise<void>;
}

/** The server binaries' folder, or undefined when they are not installed. */
function binDir(): string | undefined {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    return ['initdb', 'pg_ctl', 'pg_basebackup'].every((b) => existsSync(join(dir, b))) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Why a pair cannot be made here, or undefined when it can. */
export function streamingPairUnavailable(): string | undefined {
  if (!binDir()) return 'the PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) are not installed';
  if (process.getuid?.() !== 0) return 'making a cluster needs to run as root (to act as the postgres OS user)';
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
  } catch {
    return 'there is no postgres OS user';
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startStreamingPair(): Promise<StreamingPair> {
  const bin = binDir()!;
  const root = mkdtempSync(join(tmpdir(), 'exportkit-replica-'));
  chmodSync(root, 0o755);
  const postgresUid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
  const postgresGid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
  chownSync(root, postgresUid, postgresGid);
  const asPostgres = (tool: string, args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { stdio: 'pipe', timeout: 60_000 });
  const primaryDir = join(root, 'primary');
  const replicaDir = join(root, 'replica');
  const started: string[] = [];
  const stop = async () => {
    for (const dir of started.reverse()) {
      try {
        asPostgres('pg_ctl', ['stop', '-D', dir, '-m', 'immediate', '-w']);
      } catch {
        // already stopped
      }
    }
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const primaryPort = await freePort();
    asPostgres('initdb', ['-D', primaryDir, '-U', 'postgres', '-A', 'trust', '--no-sync']);
    // initdb's trust pg_hba.conf already admits replication connections from 127.0.0.1.
    appendFileSync(
      join(primaryDir, 'postgresql.conf'),
      `\nport = ${primaryPort}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${root}'\n` +
        'wal_level = replica\nmax_wal_senders = 4\nfsync = off\nshared_buffers = 16MB\n',
    );
    asPostgres('pg_ctl', ['start', '-D', primaryDir, '-l', join(root, 'primary.log'), '-w']);
    started.push(primaryDir);
    const replicaPort = await freePort();
    asPostgres('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(primaryPort),
      '-U',
      'postgres',
      '-D',
      replicaDir,
      '-R',
      '-X',
      'stream',
    ]);
    appendFileSync(join(replicaDir, 'postgresql.conf'), `\nport = ${replicaPort}\n`);
    asPostgres('pg_ctl', ['start', '-D', replicaDir, '-l', join(root, 'replica.log'), '-w']);
    started.push(replicaDir);
    return {
      primaryUrl: `postgres://postgres@127.0.0.1:${primaryPort}/postgres`,
      replicaUrl: `postgres://postgres@127.0.0.1:${replicaPort}/postgres`,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
