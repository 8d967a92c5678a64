import { createApiKey, findOrCreateWorkspace } from '../../src/db/api-keys.js';
import type { Database, DatabaseKind } from '../../src/db/client.js';
import { createTestDatabase } from './db.js';
import { startTestServer, type TestServer } from './http.js';

/** The ingestion API on its own database, with a workspace and one key of each scope. */
export interface IngestApi {
  db: Database;
  server: TestServer;
  workspaceId: number;
  ingestKey: string;
  readKey: string;
  eventsUrl: string;
  close(): Promise<void>;
}

export async function startIngestApi(kind: DatabaseKind, slackTeamId: string): Promise<IngestApi> {
  const db = await createTestDatabase(kind);
  const server = await startTestServer(db);
  const workspaceId = (await findOrCreateWorkspace(db, slackTeamId)).id;
  return {
    db,
    server,
    workspaceId,
    ingestKey: (await createApiKey(db, workspaceId, 'ingest')).key,
    readKey: (await createApiKey(db, workspaceId, 'read')).key,
    eventsUrl: `${server.url}/api/v1/events`,
    close: async () => {
      await server.close();
      await db.close();
    },
  };
}
