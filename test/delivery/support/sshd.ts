/*
 * A real OpenSSH server (Debian's openssh-server) for the SFTP tests: started on a free loopback
 * port with its own host key, a config file, and key authentication for the current user (root
 * in CI) through an authorized-keys file of its temporary folder; SFTP only (ForceCommand
 * internal-sftp). No chroot: ChrootDirectory needs every component of the path root-owned and
 * not writable by others, which a folder under /tmp (mode 1777) is not; the uploads go to an
 * absolute folder inside the server's temporary folder instead.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export const SSHD = '/usr/sbin/sshd';

/** Why the SFTP tests cannot run here, or undefined when they can. */
export function sshdUnavailable(): string | undefined {
  if (!existsSync(SSHD)) return 'openssh-server is not installed (/usr/sbin/sshd missing)';
  if (!existsSync('/usr/bin/ssh-keygen')) return 'ssh-keygen is not installed';
  if (process.getuid?.() !== 0 && !existsSync('/run/sshd')) return 'sshd needs /run/sshd, which only root can create';
  return undefined;
}

export interface Sshd {
  port: number;
  /** The server key's fingerprint, as `ssh-keygen -lf` prints it. */
  hostKey: string;
  /** An authorized client key (OpenSSH format, encrypted with `passphrase`). */
  privateKey: string;
  passphrase: string;
  /** A key the server does not know. */
  strangerKey: string;
  user: string;
  /** Remote folder for uploads (absolute, inside the server's temporary folder). */
  remote: string;
  pid: number;
  /** SIGKILL the server and every session process it started: the peer goes away. */
  kill(): void;
  stop(): Promise<void>;
  pause(): void;
  resume(): void;
}

export async function startSshd(): Promise<Sshd> {
  const dir = mkdtempSync(join(tmpdir(), 'exportkit-sshd-'));
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
  const passphrase = 'correct-horse-battery-staple-7';
  const keygen = (file: string, pass: string) =>
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', pass, '-C', 'exportkit-test', '-f', join(dir, file)]);
  keygen('host_key', '');
  keygen('client_key', passphrase);
  keygen('stranger_key', '');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')), { mode: 0o600 });
  const remote = join(dir, 'remote');
  mkdirSync(remote);
  const port = await freePort();
  const user = userInfo().username;
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      `AllowUsers ${user}`,
      'Subsystem sftp internal-sftp',
      // Relative remote paths start in the remote folder, as in a user's home.
      `ForceCommand internal-sftp -d ${remote}`,
      'LogLevel ERROR',
    ].join('\n') + '\n',
  );
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitForPort(
    port,
    () => child.exitCode !== null,
    () => stderr,
  );
  const hostKey = execFileSync('ssh-keygen', ['-lf', join(dir, 'host_key.pub')], { encoding: 'utf8' }).split(' ')[1]!;
  const pid = child.pid!;
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  return {
    port,
    hostKey,
    privateKey: readFileSync(join(dir, 'client_key'), 'utf8'),
    passphrase,
    strangerKey: readFileSync(join(dir, 'stranger_key'), 'utf8'),
    user,
    remote,
    pid,
    kill: () => {
      for (const descendant of descendantsOf(pid)) killQuietly(descendant, 'SIGKILL');
      killQuietly(pid, 'SIGKILL');
    },
    pause: () => killQuietly(pid, 'SIGSTOP'),
    resume: () => killQuietly(pid, 'SIGCONT'),
    stop: async () => {
      killQuietly(pid, 'SIGCONT');
      for (const descendant of descendantsOf(pid)) killQuietly(descendant, 'SIGKILL');
      killQuietly(pid, 'SIGTERM');
      if (child.exitCode === null && child.signalCode === null) await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
}

/** Every process under `pid` (its session children), from /proc. */
function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

async function waitForPort(port: number, died: () => boolean, stderr: () => string): Promise<void> {
  const { connect } = await import('node:net');
  const end = Date.now() + 10_000;
  for (;;) {
    if (died()) throw new Error(`sshd exited: ${stderr()}`);
    const open = await new Promise<boolean>((ok) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        ok(true);
      });
      socket.once('error', () => ok(false));
    });
    if (open) return;
    if (Date.now() > end) throw new Error(`sshd did not listen on ${port}: ${stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
