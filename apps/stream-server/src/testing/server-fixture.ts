import { StreamServer, type StreamServerOptions } from '../http/server';
import { PassthroughProcessor } from '../media/frame-processor';
import { createLogger } from '../util/log';

/** A real server on a free loopback port with test-sized frames and quiet logs. */
export function startTestServer(overrides: Partial<StreamServerOptions> = {}): Promise<StreamServer> {
  return StreamServer.start({
    host: '127.0.0.1',
    port: 0,
    maxSessions: 4,
    processor: new PassthroughProcessor(),
    width: 320,
    height: 240,
    fps: 30,
    viewerDist: '/nonexistent/viewer/dist',
    log: createLogger({ app: 'stream-server-test' }, { level: (process.env['LFE_LOG_LEVEL'] as 'debug' | undefined) ?? 'silent' }),
    ...overrides,
  });
}
