/**
 * Streamed uploads: a multipart body is read part by part (busboy); the `file` part is hashed
 * with SHA-256 and SM3 as its bytes arrive and then dropped, so a 2 GiB file costs a few
 * chunks of memory. Backpressure is the socket's: busboy pauses the request while the hashes
 * keep up.
 */
import busboy from 'busboy';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { BadUploadError, UploadTooLargeError } from '../errors';

export interface HashedUpload {
  readonly sha256: string;
  readonly sm3: string;
  readonly bytes: number;
  readonly fileName: string | undefined;
  /** The text fields, each at most once. */
  readonly fields: Readonly<Record<string, string>>;
}

const MAX_FIELDS = 16;
const MAX_FIELD_BYTES = 80 * 1024;

export function hashUpload(req: IncomingMessage, limitBytes: number): Promise<HashedUpload> {
  return new Promise<HashedUpload>((resolve, reject) => {
    const type = req.headers['content-type'] ?? '';
    if (!/^multipart\/form-data/i.test(type)) {
      reject(new BadUploadError('expected a multipart/form-data body with a `file` part'));
      return;
    }
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: {
          files: 1,
          fields: MAX_FIELDS,
          fieldSize: MAX_FIELD_BYTES,
          fileSize: limitBytes,
          parts: MAX_FIELDS + 1,
        },
      });
    } catch (error) {
      reject(new BadUploadError(`unreadable multipart body: ${(error as Error).message}`));
      return;
    }
    const fields: Record<string, string> = {};
    let result: Omit<HashedUpload, 'fields'> | undefined;
    let failed = false;
    let hashing: Promise<void> = Promise.resolve();
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      // Read and discard the rest, so the client sees the answer rather than a reset.
      req.resume();
      reject(error);
    };
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated)
        fail(new BadUploadError(`field ${name} is over ${MAX_FIELD_BYTES} bytes`));
      else if (Object.hasOwn(fields, name))
        fail(new BadUploadError(`field ${name} is given twice`));
      else fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file') {
        stream.resume();
        fail(
          new BadUploadError(
            `unexpected file part ${JSON.stringify(name)}; the evidence goes in \`file\``,
          ),
        );
        return;
      }
      const sha256 = createHash('sha256');
      const sm3 = createHash('sm3');
      let bytes = 0;
      hashing = new Promise<void>((done) => {
        stream.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          sha256.update(chunk);
          sm3.update(chunk);
        });
        stream.on('limit', () =>
          fail(
            new UploadTooLargeError(`the file is over the ${limitBytes}-byte limit`, {
              limitBytes,
            }),
          ),
        );
        stream.on('end', () => {
          result = {
            sha256: sha256.digest('hex'),
            sm3: sm3.digest('hex'),
            bytes,
            fileName: info.filename,
          };
          done();
        });
      });
    });
    parser.on('filesLimit', () => fail(new BadUploadError('one file per upload')));
    parser.on('fieldsLimit', () => fail(new BadUploadError(`at most ${MAX_FIELDS} fields`)));
    parser.on('partsLimit', () => fail(new BadUploadError('too many parts')));
    parser.on('error', (error: Error) =>
      fail(new BadUploadError(`unreadable multipart body: ${error.message}`)),
    );
    parser.on('close', () => {
      void hashing.then(() => {
        if (failed) return;
        if (result === undefined) fail(new BadUploadError('the body has no `file` part'));
        else resolve({ ...result, fields });
      });
    });
    req.on('aborted', () => fail(new BadUploadError('the upload was aborted')));
    req.pipe(parser);
  });
}
