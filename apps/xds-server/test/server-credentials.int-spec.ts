import * as grpc from '@grpc/grpc-js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverCredentials } from '../src/grpc/server-credentials';
import { XdsConfig } from '../src/xds-config';

const ECHO = {
  echo: {
    path: '/test.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: Buffer) => value,
    requestDeserialize: (value: Buffer) => value,
    responseSerialize: (value: Buffer) => value,
    responseDeserialize: (value: Buffer) => value,
  },
} satisfies grpc.ServiceDefinition;
const EchoClient = grpc.makeGenericClientConstructor(ECHO, 'Echo');

/** A CA, and a server and a client certificate it signed, made with Debian's openssl. */
function makeCertificates(dir: string): void {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '1',
    '-subj',
    '/CN=fleet-test-ca',
  );
  for (const [name, subject] of [
    ['server', '/CN=localhost'],
    ['client', '/CN=edge-proxy'],
  ]) {
    run(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      subject,
    );
    run(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '1',
    );
  }
}

function config(values: Partial<XdsConfig>): XdsConfig {
  return Object.assign(new XdsConfig(), values);
}

async function serve(credentials: grpc.ServerCredentials): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server();
  server.addService(ECHO, {
    echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) =>
      done(null, call.request),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return { server, port };
}

function call(port: number, credentials: grpc.ChannelCredentials): Promise<string> {
  const client = new EchoClient(`localhost:${port}`, credentials) as unknown as grpc.Client & {
    echo(
      request: Buffer,
      options: grpc.CallOptions,
      done: (error: grpc.ServiceError | null, reply?: Buffer) => void,
    ): void;
  };
  return new Promise<string>((resolve) =>
    client.echo(Buffer.from('hi'), { deadline: Date.now() + 3000 }, (error, reply) => {
      client.close();
      resolve(error ? `error ${grpc.status[error.code]}` : (reply?.toString() ?? ''));
    }),
  );
}

describe('the ADS port transport (serverCredentials)', () => {
  let dir: string;
  let file: (name: string) => string;
  const servers: grpc.Server[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fleet-tls-'));
    file = (name) => join(dir, name);
    makeCertificates(dir);
  });

  afterAll(() => {
    servers.forEach((server) => server.forceShutdown());
    rmSync(dir, { recursive: true, force: true });
  });

  it('is plaintext with nothing configured', async () => {
    const { server, port } = await serve(serverCredentials(config({})));
    servers.push(server);
    expect(await call(port, grpc.credentials.createInsecure())).toBe('hi');
  });

  it('is TLS with a certificate and key: TLS clients trusting the CA get in, plaintext ones do not', async () => {
    const tls = config({ XDS_TLS_CERT_FILE: file('server.pem'), XDS_TLS_KEY_FILE: file('server.key') });
    const { server, port } = await serve(serverCredentials(tls));
    servers.push(server);
    expect(await call(port, grpc.credentials.createSsl(readFileSync(file('ca.pem'))))).toBe('hi');
    expect(await call(port, grpc.credentials.createInsecure())).toMatch(/^error/);
  });

  it('is mutual TLS with a client CA: a proxy without a certificate the CA signed is refused', async () => {
    const mtls = config({
      XDS_TLS_CERT_FILE: file('server.pem'),
      XDS_TLS_KEY_FILE: file('server.key'),
      XDS_TLS_CLIENT_CA_FILE: file('ca.pem'),
    });
    const { server, port } = await serve(serverCredentials(mtls));
    servers.push(server);
    const ca = readFileSync(file('ca.pem'));
    expect(await call(port, grpc.credentials.createSsl(ca))).toMatch(/^error/);
    const withCertificate = grpc.credentials.createSsl(
      ca,
      readFileSync(file('client.key')),
      readFileSync(file('client.pem')),
    );
    expect(await call(port, withCertificate)).toBe('hi');
  });

  it('names the missing half of a half-configured TLS setup', () => {
    expect(() => serverCredentials(config({ XDS_TLS_CERT_FILE: file('server.pem') }))).toThrow(
      /XDS_TLS_KEY_FILE/,
    );
    expect(() => serverCredentials(config({ XDS_TLS_CLIENT_CA_FILE: file('ca.pem') }))).toThrow(
      /XDS_TLS_CERT_FILE/,
    );
  });
});
