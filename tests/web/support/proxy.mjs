// SPDX-License-Identifier: MIT
// A TCP relay on 127.0.0.1 between a club's bridge and the central broker,
// so a test can cut the club's link (every connection dropped, new ones
// refused) and restore it, as a dead internet line would.
import net from 'node:net';

export async function startProxy(port, targetPort) {
  const sockets = new Set();
  let server = null;
  const listen = () => new Promise((res, rej) => {
    server = net.createServer((client) => {
      const upstream = net.connect(targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => { client.destroy(); upstream.destroy(); });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    server.once('error', rej);
    server.listen(port, '127.0.0.1', res);
  });
  await listen();
  return {
    port,
    async cut() {
      await new Promise((r) => { server.close(r); for (const s of sockets) s.destroy(); });
    },
    restore: listen,
    async stop() {
      await new Promise((r) => { server.close(() => r()); for (const s of sockets) s.destroy(); });
    },
  };
}
