import { Transform } from "node:stream";

/**
 * React 18's streaming renderer fills 2 KB buffers and, where a multibyte character does not fit at the end of
 * one, still sends the buffer whole: up to three zero bytes land in the page (facebook/react#26228, fixed only in
 * React 19; a Russian reply page had one inside «вопросам»). They are cut off the end of each chunk here.
 */
export function withoutTrailingNulls() {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let end = chunk.length;
      while (end > 0 && chunk.length - end < 3 && chunk[end - 1] === 0) end--;
      done(null, end === chunk.length ? chunk : chunk.subarray(0, end));
    },
  });
}
