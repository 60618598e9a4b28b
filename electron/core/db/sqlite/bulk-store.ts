/**
 * Set-based creates and updates for synchronization: 100,000 users in a few statements per table.
 *
 * Ids are computed here (the next free ones, in plan order) and each table is filled by
 * INSERT … SELECT over `jsonb_each` of a JSON parameter, so SQLite does the row work inside
 * wasm. Row-by-row statements from JavaScript cost a wasm crossing per value and were the
 * bottleneck of a first synchronization. The rows go in chunks of BULK_ROWS (see sql.ts), so
 * memory stays flat however many users there are.
 */
import type { Privilege } from '../../../../shared/model';
import { UserError } from '../../../../shared/result';
import { type Sql, inChunks, jsonParam, num, str } from './sql';
import { type AccessFlags, normalizePrivileges } from '../store-common';

/** A user's synchronized fields. */
export interface SyncedUser {
  readonly userName: string;
  readonly fullName: string;
  readonly emailAddresses: readonly string[];
}

function maxId(sql: Sql, table: 'users' | 'folders'): number {
  return num(sql.one(`SELECT coalesce(max(id), 0) FROM ${table}`)?.[0]);
}

/** Bytes a created user adds to the database file beyond its text: keys, timestamps, record headers. */
const CREATE_OVERHEAD = 220;

/**
 * About how many bytes creating `users` adds to the database file (a hint for Sql.reserve): the
 * name is stored four times (user, its index, folder, its index), full name and addresses once.
 * Measured: 401 bytes a user for 200,000 users with 29-character names; this says 416.
 */
export function createdBytes(users: readonly SyncedUser[]): number {
  let bytes = CREATE_OVERHEAD * users.length;
  for (const u of users) {
    bytes += 4 * Buffer.byteLength(u.userName) + Buffer.byteLength(u.fullName);
    for (const e of u.emailAddresses) bytes += Buffer.byteLength(e);
  }
  return bytes;
}

/** Inserts addresses; `ids[i]` owns `users[i].emailAddresses`, in order. */
function insertAddresses(sql: Sql, ids: readonly number[], users: readonly SyncedUser[]): void {
  inChunks(users, (part, offset) =>
    sql.run(
      `INSERT INTO user_emails (user_id, position, address)
       SELECT u.value ->> 0, e.key, e.value FROM jsonb_each(CAST(? AS TEXT)) u, jsonb_each(u.value -> 1) e ORDER BY u.key, e.key`,
      [jsonParam(part.map((u, i) => [ids[offset + i], u.emailAddresses]))],
    ),
  );
}

/** Names of orphaned folders (no owner) by lower-cased name: few, loaded once. */
function orphanFolders(sql: Sql): Map<string, number> {
  return new Map(
    sql.all('SELECT lower(name), id FROM folders WHERE owner_id IS NULL').map((r) => [str(r[0]), num(r[1])]),
  );
}

/**
 * Creates Directory Services users with the given privileges and own-folder access. A folder of
 * the same name without owner is re-attached; returns those names (lower case). A name already
 * taken by a user or by another user's folder is a UserError('exists').
 */
export function createSyncedUsers(
  sql: Sql,
  now: string,
  users: readonly SyncedUser[],
  privileges: readonly Privilege[],
  own: AccessFlags,
): Set<string> {
  if (users.length === 0) return new Set();
  const userBase = maxId(sql, 'users');
  const ids = users.map((_, i) => userBase + i + 1);
  inChunks(users, (part, offset) => {
    try {
      sql.run(
        `INSERT INTO users (id, user_name, full_name, authentication, built_in, created_at, updated_at)
         SELECT ?1 + key + 1, value ->> 0, value ->> 1, 'directoryServices', 0, ?2, ?2 FROM jsonb_each(CAST(?3 AS TEXT)) ORDER BY key`,
        [userBase + offset, now, jsonParam(part.map((u) => [u.userName, u.fullName]))],
      );
    } catch (err) {
      const taken = sql.one(
        'SELECT u.user_name FROM json_each(CAST(? AS TEXT)) j JOIN users u ON u.user_name = j.value WHERE u.id <= ? LIMIT 1',
        [jsonParam(part.map((u) => u.userName)), userBase],
      );
      if (taken) throw new UserError('exists', `a user named ${str(taken[0])} already exists`);
      throw err;
    }
  });
  insertAddresses(sql, ids, users);
  sql.run(
    'INSERT INTO user_privileges (user_id, privilege) SELECT u.id, p.value FROM users u, json_each(?) p WHERE u.id > ? ORDER BY u.id',
    [JSON.stringify(normalizePrivileges(privileges)), userBase],
  );

  const orphans = orphanFolders(sql);
  const reattached = new Set<string>();
  const folderIds: number[] = [];
  const fresh: unknown[][] = [];
  const claims: unknown[][] = [];
  let folderNext = maxId(sql, 'folders');
  users.forEach((u, i) => {
    const orphan = orphans.get(u.userName.toLowerCase());
    if (orphan !== undefined) {
      reattached.add(u.userName.toLowerCase());
      orphans.delete(u.userName.toLowerCase());
      claims.push([orphan, ids[i]]);
      folderIds.push(orphan);
    } else {
      folderIds.push(++folderNext);
      fresh.push([folderNext, u.userName, ids[i]]);
    }
  });
  inChunks(claims, (part) =>
    sql.run(
      'UPDATE folders SET owner_id = j.value ->> 1 FROM json_each(CAST(? AS TEXT)) j WHERE folders.id = j.value ->> 0',
      [jsonParam(part)],
    ),
  );
  inChunks(fresh, (part) => {
    try {
      sql.run(
        'INSERT INTO folders (id, name, owner_id, created_at) SELECT value ->> 0, value ->> 1, value ->> 2, ? FROM jsonb_each(CAST(? AS TEXT)) ORDER BY key',
        [now, jsonParam(part)],
      );
    } catch (err) {
      const clash = sql.one(
        'SELECT f.name FROM json_each(CAST(? AS TEXT)) j JOIN folders f ON f.name = j.value ->> 1 WHERE f.id <> j.value ->> 0 LIMIT 1',
        [jsonParam(part)],
      );
      if (clash) throw new UserError('exists', `the archive folder ${str(clash[0])} belongs to another user`);
      throw err;
    }
  });
  inChunks(ids, (part, offset) =>
    sql.run(
      `INSERT INTO folder_access (user_id, folder_id, can_read, can_write, can_delete)
       SELECT value ->> 0, value ->> 1, ?, ?, ? FROM jsonb_each(CAST(? AS TEXT)) ORDER BY key`,
      [
        own.read ? 1 : 0,
        own.write ? 1 : 0,
        own.delete ? 1 : 0,
        jsonParam(part.map((id, i) => [id, folderIds[offset + i]])),
      ],
    ),
  );
  return reattached;
}

/** Sets full name and addresses of existing users; throws when one of them is gone. */
export function updateSyncedUsers(sql: Sql, now: string, users: readonly SyncedUser[]): void {
  if (users.length === 0) return;
  const ids: number[] = [];
  let missing = 0;
  inChunks(users, (part, offset) => {
    const found = sql.one(
      'SELECT json_group_array(json_array(j.key, u.id)) FROM json_each(CAST(? AS TEXT)) j JOIN users u ON u.user_name = j.value',
      [jsonParam(part.map((u) => u.userName))],
    )?.[0];
    const pairs = JSON.parse(typeof found === 'string' ? found : '[]') as [number, number][];
    missing += part.length - pairs.length;
    for (const [index, id] of pairs) ids[offset + index] = id;
  });
  if (missing > 0) throw new Error(`${missing} users to update disappeared while the plan was applied`);
  inChunks(users, (part, offset) => {
    const partIds = ids.slice(offset, offset + part.length);
    sql.run(
      'UPDATE users SET full_name = j.value ->> 1, updated_at = ? FROM jsonb_each(CAST(? AS TEXT)) j WHERE users.id = j.value ->> 0',
      [now, jsonParam(part.map((u, i) => [partIds[i], u.fullName]))],
    );
    sql.run('DELETE FROM user_emails WHERE user_id IN (SELECT value FROM json_each(CAST(? AS TEXT)))', [
      jsonParam(partIds),
    ]);
  });
  insertAddresses(sql, ids, users);
}
