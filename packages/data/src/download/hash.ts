/** File hashes as Keras' get_file checks them (file_hash: MD5 or SHA-256, told apart by length). */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { ConfigError } from '@layerwise/core';

export type HashAlgorithm = 'auto' | 'md5' | 'sha256';

/** Keras' resolve_hasher: 'sha256' when asked, or 'auto' with a 64-digit hash; otherwise MD5. */
export function resolveHashAlgorithm(algorithm: HashAlgorithm = 'auto', fileHash?: string | null): 'md5' | 'sha256' {
  if (!['auto', 'md5', 'sha256'].includes(algorithm)) throw new ConfigError(`hashAlgorithm must be 'auto', 'md5' or 'sha256', got '${algorithm}'`);
  if (algorithm === 'sha256' || (algorithm === 'auto' && fileHash?.length === 64)) return 'sha256';
  return 'md5';
}

/** Hash (hex) of a file, streamed (Keras' hash_file). */
export async function hashFile(path: string, algorithm: 'md5' | 'sha256' = 'sha256'): Promise<string> {
  const hash = createHash(algorithm);
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** SHA-256 (hex) of a file, streamed. */
export function sha256File(path: string): Promise<string> {
  return hashFile(path, 'sha256');
}
