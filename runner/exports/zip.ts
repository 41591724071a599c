import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipArchive } from 'archiver';
import { ExportRefusal } from './refusal.ts';

/** Writes entries into the ZIP being built; each entry's chunks are pulled with backpressure. */
export type ZipWriter = { entry(name: string, chunks: AsyncIterable<string | Buffer>): Promise<void> };

export type ZipOptions = {
  dir: string;
  /** File name of the finished ZIP; it is written as `<name>.part` and renamed when complete. */
  name: string;
  /** JSON and CSV: ZIP64 records always (SPEC E6). XML: classic ZIP32, refused before it overflows. */
  zip64: boolean;
  /** Modification time of the entries. */
  date: Date;
  signal: AbortSignal;
  /** ZIP32 ceiling for an entry's size and the archive's size (a parameter so tests can lower it). */
  zip32Limit?: number;
};

/**
 * ZIP32 stores sizes and offsets in 32 bits. The margin leaves room for what deflate still holds,
 * the data descriptors and the central directory once the last chunk is counted.
 */
export const ZIP32_LIMIT = 2 ** 32 - 64 * 2 ** 20;

/**
 * Builds a ZIP at `<dir>/<name>` with `fill`, crash-safely (SPEC E12): the bytes go to
 * `<name>.part`, which is fsynced and renamed only once complete, so a file under the final name is
 * always whole. On any error or abort the `.part` file is removed and the error rethrown.
 */
export async function writeZip(opts: ZipOptions, fill: (zip: ZipWriter) => Promise<void>): Promise<{ bytes: number; entries: string[] }> {
  await mkdir(opts.dir, { recursive: true });
  const final = path.join(opts.dir, opts.name);
  const part = `${final}.part`;
  // Level 1: exports are large and mostly text; the fastest level keeps the build CPU-light.
  const archive = new ZipArchive({ zlib: { level: 1 }, forceZip64: opts.zip64 });
  const written = pipeline(archive, createWriteStream(part));
  // Any failure of the archive or the file stops the writer, wherever it is waiting.
  const failure = new AbortController();
  written.catch((e: unknown) => failure.abort(e));
  const signal = AbortSignal.any([opts.signal, failure.signal]);
  const entries: string[] = [];
  try {
    await fill({ entry: (name, chunks) => writeEntry(archive, { name, date: opts.date, chunks, signal, limit: opts.zip64 ? null : (opts.zip32Limit ?? ZIP32_LIMIT) }).then(() => { entries.push(name); }) });
    signal.throwIfAborted();
    await archive.finalize();
    await written;
    if (!opts.zip64) checkZip32(0, archive.pointer(), opts.zip32Limit ?? ZIP32_LIMIT);
    await fsync(part);
    await rename(part, final);
    await fsync(opts.dir);
  } catch (e) {
    archive.destroy();
    await written.catch(() => {}); // its error, if any, is the cause of `e` or follows from it
    await rm(part, { force: true });
    throw e;
  }
  return { bytes: (await stat(final)).size, entries };
}

type EntryInput = { name: string; date: Date; chunks: AsyncIterable<string | Buffer>; signal: AbortSignal; limit: number | null };

async function writeEntry(archive: ZipArchive, e: EntryInput): Promise<void> {
  const body = new PassThrough();
  archive.append(body, { name: e.name, date: e.date });
  let size = 0;
  for await (const chunk of e.chunks) {
    e.signal.throwIfAborted();
    if (e.limit !== null) {
      size += Buffer.byteLength(chunk);
      checkZip32(size, archive.pointer(), e.limit);
    }
    if (!body.write(chunk)) await once(body, 'drain', { signal: e.signal });
  }
  body.end();
}

function checkZip32(entryBytes: number, archiveBytes: number, limit: number) {
  if (entryBytes > limit || archiveBytes > limit) {
    throw new ExportRefusal('This XML export would exceed the 4 GB size limit of its ZIP32 file: use the JSON export, which has no such limit');
  }
}

async function fsync(file: string) {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
