/**
 * What the multipart service needs from checksum code, injected by app/ (the algorithms live
 * with the protocol code in api/common): a streaming hasher per algorithm and the CRC
 * combination that turns part CRCs into a full-object CRC without reading the data again.
 */
import type { ChecksumAlgorithm } from '../../storage/ports.js';

export interface ChecksumKit {
  create(algorithm: ChecksumAlgorithm): { update(bytes: Buffer): void; digest(): Buffer };
  /** CRC of A‖B from CRC(A), CRC(B) and len(B); only for CRC32, CRC32C and CRC64NVME. */
  combineCrc(algorithm: ChecksumAlgorithm, crcA: Buffer, crcB: Buffer, lengthB: number): Buffer;
}
