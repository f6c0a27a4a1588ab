// The ace-pga checker's worker: runs the wasm module (plain exports, no imports) off the page's
// main thread, so that a large transmission never freezes the page. It keeps the bytes of the
// last check (for the field dump of a clicked line) and answers each message with the
// module's JSON answer, parsed. Nothing is sent anywhere.
'use strict';

let wasm = null;
let input = null; // the bytes of the last check
let generation = 0; // the page's number of that check

function write(ptr, bytes) {
  new Uint8Array(wasm.memory.buffer, ptr, bytes.length).set(bytes);
}

// Runs one operation of the module over `bytes` and returns its JSON answer.
function call(op, bytes, options, args) {
  write(wasm.input_buffer(bytes.length), bytes);
  const opts = new TextEncoder().encode(JSON.stringify(options));
  write(wasm.options_buffer(opts.length), opts);
  const len = wasm[op](...args);
  const out = new Uint8Array(wasm.memory.buffer, wasm.output_ptr(), len);
  return JSON.parse(new TextDecoder().decode(out));
}

const ready = fetch('ace_pga_web.wasm')
  .then((r) => r.arrayBuffer())
  .then((b) => WebAssembly.instantiate(b, {}));

ready.then(({ instance }) => {
  wasm = instance.exports;
  postMessage({ ready: true });
}, (e) => postMessage({ ready: false, error: String(e) }));

// { id, op: 'check', bytes, gen, options } or { id, op: 'dump_line', gen, options, line }.
onmessage = (ev) => {
  const m = ev.data;
  try {
    if (m.op === 'check') {
      input = m.bytes;
      generation = m.gen;
      postMessage({ id: m.id, result: call('check', input, m.options, []) });
    } else if (m.op === 'dump_line') {
      // A line of a check that is no longer the last one: its bytes are gone.
      if (m.gen !== generation || !input) { postMessage({ id: m.id, stale: true }); return; }
      postMessage({ id: m.id, result: call('dump_line', input, m.options, [m.line]) });
    }
  } catch (e) {
    postMessage({ id: m.id, error: String(e) });
  }
};
