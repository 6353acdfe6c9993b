/*
 * An SMTP server in-process (smtp-server) on a free loopback port, requiring a login, capturing
 * every message (parsed by mailparser); its behaviour on DATA can be changed per test.
 */
import type { AddressInfo, Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface SmtpPeer {
  url: string;
  messages: Array<{ mail: ParsedMail; recipients: string[] }>;
  /** What DATA does: accept (default), drop the connection, or never answer. */
  onData: 'accept' | 'drop' | 'hang';
  close(): Promise<void>;
}

export const SMTP_USER = 'exports';
export const SMTP_PASSWORD = 'smtp-pass-w0rd-618';

export async function startSmtp(): Promise<SmtpPeer> {
  const sockets = new Set<Socket>();
  const peer = { messages: [], onData: 'accept' } as unknown as SmtpPeer;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      if (peer.onData === 'drop') {
        for (const socket of sockets) socket.destroy();
        return;
      }
      if (peer.onData === 'hang') return void stream.resume();
      simpleParser(stream).then(
        (mail) => {
          peer.messages.push({ mail, recipients: session.envelope.rcptTo.map((r) => r.address) });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  server.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.server.address() as AddressInfo;
  peer.url = `smtp://${SMTP_USER}:${SMTP_PASSWORD}@127.0.0.1:${port}`;
  peer.close = () =>
    new Promise<void>((ok) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => ok());
    });
  return peer;
}
