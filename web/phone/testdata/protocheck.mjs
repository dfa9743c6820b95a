// Runs protocol.js on what the Go tests send, one JSON request per line on
// stdin, one JSON answer per line on stdout (protocol_test.go):
//
//   {"frame": base64}                      -> parse, and re-encode on success
//   {"encode": {op, seq, fields}}          -> encode
//   {"proof": [password, nonce, tel]}      -> the password proof
//
// argv[2] is the file URL of protocol.js copied as an .mjs.

import { createInterface } from 'node:readline';

const proto = await import(process.argv[2]);
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

async function answer(req) {
  if (req.frame !== undefined) {
    let text;
    try {
      text = decoder.decode(Buffer.from(req.frame, 'base64'));
    } catch {
      return { ok: false, kind: 'malformed', notText: true };
    }
    try {
      const m = proto.parse(text);
      return { ok: true, op: m.op, seq: m.seq, fields: m.fields, encoded: m.encode() };
    } catch (err) {
      if (!(err instanceof proto.FrameError)) return { ok: false, kind: 'crash', error: String(err && err.stack || err) };
      return { ok: false, kind: err.kind, line: err.line, key: err.key, error: err.message };
    }
  }
  if (req.encode !== undefined) {
    const { op, seq, fields } = req.encode;
    return { encoded: new proto.Message(op, seq, fields).encode() };
  }
  if (req.proof !== undefined) {
    return { proof: await proto.proof(...req.proof) };
  }
  return { error: 'unknown request' };
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  let out;
  try {
    out = await answer(JSON.parse(line));
  } catch (err) {
    out = { ok: false, kind: 'crash', error: String(err && err.stack || err) };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}
