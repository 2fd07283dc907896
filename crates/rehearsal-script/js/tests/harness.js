// The checks the module tests share (js/tests/*.test.js). Evaluated before each test file,
// under QuickJS by `cargo test` and under Node by a wrapper that also sets `__modules` to
// Node's own modules: expectations in the test files are Node's answers.
globalThis.__tester = function (name) {
  'use strict';
  const buffer = __modules.buffer;
  const failures = [];
  let count = 0;

  // Compares the JSON of both sides; `what` names the case in the report.
  function assertEqual(actual, expected, what) {
    count++;
    const a = JSON.stringify(actual);
    const e = JSON.stringify(expected);
    if (a !== e) failures.push(`${what}: expected ${e}, got ${a}`);
  }

  // Lowercase hex of any byte view, without using the code under test.
  function hexOf(view) {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  // A JSON-comparable form of a value: what JSON cannot tell apart gets a tagged form.
  function normalize(value) {
    switch (typeof value) {
      case 'undefined': return { undefined: true };
      case 'bigint': return { bigint: String(value) };
      case 'symbol': return { symbol: String(value) };
      case 'function': return { function: value.name };
      case 'number':
        if (Object.is(value, -0) || !Number.isFinite(value)) return { number: String(Object.is(value, -0) ? '-0' : value) };
        return value;
      case 'object': break;
      default: return value;
    }
    if (value === null) return null;
    if (buffer.Buffer.isBuffer(value)) return { Buffer: hexOf(value) };
    if (ArrayBuffer.isView(value)) return { [Object.prototype.toString.call(value).slice(8, -1)]: hexOf(value) };
    if (Array.isArray(value)) return value.map(normalize);
    const out = {};
    for (const key of Object.keys(value)) out[key] = normalize(value[key]);
    return Object.getPrototypeOf(value) === null ? { nullPrototype: out } : out;
  }

  // The value `fn` returns, or the error it throws.
  function outcome(fn) {
    try {
      return normalize(fn());
    } catch (err) {
      return { throws: err.name, code: err.code, message: err.message };
    }
  }

  function check(what, fn, expected) {
    assertEqual(outcome(fn), expected, what);
  }

  // The same function over several inputs, against one array of outcomes.
  function checkEach(what, inputs, fn, expected) {
    assertEqual(inputs.map((input) => outcome(() => fn(input))), expected, what);
  }

  // Throws one error naming every failed check, if any failed.
  function finish() {
    if (failures.length > 0) {
      throw new Error(`${failures.length} of ${count} ${name} checks failed:\n${failures.join('\n')}`);
    }
  }

  return { check, checkEach, finish };
};
