/**
 * `mdsync archive import --user NAME FILE.eml...`: puts messages into a user's archive folder.
 *
 * Only metadata is kept (subject, sender, date, size, Message-ID), read from the headers here:
 * unfolded, RFC 2047 encoded-words decoded in any charset iconv-lite knows. It is how the archive
 * gets content in tests and demos, and what makes "a deleted user's folder keeps its messages"
 * observable.
 */
import fs from 'node:fs';
import iconv from 'iconv-lite';
import { UserError } from '../../../shared/result';
import type { MessageMeta } from '../../core/db/port';
import { CliError, type CliIo, type Command } from '../io';
import { openRepository, parseFlags } from './common-flags';
import { DATABASE_FLAGS, DATABASE_USAGE, type DatabaseValues } from './database-flags';

const USAGE = `usage: mdsync archive import --user NAME FILE.eml... [--data-dir D] ${DATABASE_USAGE}`;
/** Headers beyond this many bytes are not looked at. */
const MAX_HEADER_BYTES = 256 * 1024;

/** Decodes RFC 2047 encoded-words; whitespace between two adjacent encoded-words is dropped. */
export function decodeEncodedWords(value: string): string {
  const word = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;
  const joined = value.replace(/(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)/g, '$1');
  return joined.replace(word, (whole, charset: string, enc: string, text: string) => {
    const cs = charset.split('*')[0] ?? charset; // RFC 2231 language suffix
    if (!iconv.encodingExists(cs)) return whole;
    const bytes =
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          );
    return iconv.decode(bytes, cs);
  });
}

function headerText(data: Buffer): string {
  const head = data.subarray(0, MAX_HEADER_BYTES);
  let end = head.indexOf('\r\n\r\n');
  if (end < 0) end = head.indexOf('\n\n');
  const bytes = end < 0 ? head : head.subarray(0, end);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

/** Unfolded headers by lower-cased name (the first occurrence wins). */
export function parseHeaders(data: Buffer): Map<string, string> {
  const headers = new Map<string, string>();
  const unfolded = headerText(data).replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return headers;
}

/** The Date header as ISO-8601 UTC, or null when absent or unparseable. */
export function parseDate(value: string | undefined): string | null {
  if (!value) return null;
  const ms = Date.parse(value.replace(/\([^)]*\)/g, '').trim());
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** The metadata the archive keeps of one message file. */
export function messageMeta(data: Buffer): MessageMeta {
  const h = parseHeaders(data);
  return {
    subject: decodeEncodedWords(h.get('subject') ?? ''),
    from: decodeEncodedWords(h.get('from') ?? ''),
    date: parseDate(h.get('date')),
    size: data.length,
    messageId: h.get('message-id') || null,
  };
}

/** `mdsync archive import`. */
export const archiveCommand: Command = async (argv: string[], io: CliIo): Promise<number> => {
  const { values, positionals } = parseFlags<DatabaseValues & { 'data-dir'?: string; user?: string; help?: boolean }>(
    argv,
    {
      'data-dir': { type: 'string' },
      user: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      ...DATABASE_FLAGS,
    },
    USAGE,
    true,
  );
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const [sub, ...files] = positionals;
  if (sub !== 'import')
    throw new CliError(sub === undefined ? USAGE : `unknown archive subcommand ${sub}; ${USAGE}`, 2);
  if (!values.user) throw new CliError(`--user is required; ${USAGE}`, 2);
  if (files.length === 0) throw new CliError(`no message files given; ${USAGE}`, 2);
  const metas = files.map((file) => {
    try {
      return messageMeta(fs.readFileSync(file));
    } catch (err) {
      throw new UserError('unreadable', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  });
  const repo = await openRepository(io, values['data-dir'], 'archive', values);
  try {
    const own = await repo.folderOf(values.user);
    if (!own) throw new UserError('notFound', `there is no user named ${values.user}`);
    const count = await repo.importMessages(own.folder, metas);
    io.stdout(
      `imported ${metas.length} message${metas.length === 1 ? '' : 's'} into ${own.folder} (${count} in all)\n`,
    );
    return 0;
  } finally {
    await repo.close();
  }
};
