/**
 * Gives a large buffer's memory back at once instead of at the next full garbage collection.
 *
 * A buffer that lived through a long parse sits in V8's old generation, and its bytes (outside
 * the JavaScript heap) are freed only when a full collection finds it unreachable, which may be
 * seconds and a hundred megabytes of allocation later. Detaching its ArrayBuffer frees them now
 * (ArrayBuffer#transfer where the runtime has it; elsewhere the bytes move to a young clone that
 * the next minor collection frees). Afterwards the buffer is empty.
 */

/** Below this a buffer is not worth releasing early. */
const RELEASE_MIN = 1 << 20;

type Transferable = ArrayBuffer & { transfer?: (length?: number) => ArrayBuffer };

/**
 * Empties `buf` and frees its bytes, when it is large and the only view of its own ArrayBuffer
 * (never a slice of Node's shared pool or of a bigger buffer). The caller must own `buf`: any
 * other holder sees it empty from now on.
 */
export function releaseBuffer(buf: Uint8Array): void {
  const ab = buf.buffer as Transferable;
  if (buf.byteLength < RELEASE_MIN || buf.byteOffset !== 0 || ab.byteLength !== buf.byteLength) return;
  if (!(ab instanceof ArrayBuffer)) return;
  if (typeof ab.transfer === 'function') ab.transfer(0);
  else structuredClone(ab, { transfer: [ab] });
}
