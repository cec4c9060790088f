import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { runMetadataStoreContract, type MetadataStoreHarness } from '../contract/index.js';
import type { MetadataStore } from '../ports.js';
import { openSqliteMetadataStore } from './index.js';
import { sqliteProfile } from './sqlite-profile.js';

runMetadataStoreContract('SQLite metadata store', async (): Promise<MetadataStoreHarness> => {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-sqlite-'));
  const path = join(dir, 'metadata.sqlite');
  let rowsRead = 0;
  const open = () => openSqliteMetadataStore({ path, onListingRows: (rows) => (rowsRead += rows) });
  let store: MetadataStore = await open();
  return {
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = await open();
      return store;
    },
    listingRowsRead: () => rowsRead,
    async setStoredFormatVersion(target, version) {
      // A second connection, as another (newer) process writing the same file would be.
      const raw = new BetterSqlite3(path);
      try {
        const set = `json_set(record, '$.formatVersion', ${Number(version)})`;
        if (target.key === undefined) raw.prepare(`update buckets set record = ${set} where name = ?`).run(target.bucket);
        else raw.prepare(`update objects set record = ${set} where bucket = ? and key = ?`).run(target.bucket, target.key);
      } finally {
        raw.close();
      }
    },
    async rawSql(statement) {
      const raw = new BetterSqlite3(path);
      try {
        raw.prepare(statement).run();
      } catch (error) {
        throw sqliteProfile.toStorageError(error) ?? error;
      } finally {
        raw.close();
      }
    },
    async dispose() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
