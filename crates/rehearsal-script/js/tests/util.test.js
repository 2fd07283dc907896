// Tests for js/util.js. Every expected value below was produced by running the same case in
// Node 20 (node v20.20.2) with its own `util` module; the file passes under both Node (with
// __modules holding Node's modules) and QuickJS (with __modules holding the polyfills),
// each after js/tests/harness.js.
// Errors get fixed `stack` strings, since the engines' stack frames differ.
(function () {
  'use strict';
  const { buffer, util } = __modules;
  const { check, checkEach, finish } = __tester('util');

  const { format, formatWithOptions, inspect, isDeepStrictEqual, types } = util;
  const { Buffer } = buffer;

  // An error whose stack is the same in every engine.
  function fixedError(Type, message, stack) {
    const err = new Type(message);
    err.stack = stack === undefined ? `${err.name}: ${message}\n    at f (file.js:1:2)\n    at g (file.js:3:4)` : stack;
    return err;
  }

  // ---- format
  checkEach('format %s', ['a', 42, -0, 10n, null, undefined, Symbol('x'), true, { a: 1 }, [1, [2, [3]]], new Date(0), Buffer.from('hi'),
    { toString() { return 'custom'; } }, new (class Foo { toString() { return 'foo!'; } })(), new (class Bar {})(), Object.create(null), new Map([[1, 2]]),
    fixedError(Error, 'e'), [], { a: { b: { c: 1 } } }, 'x'.repeat(3), NaN, Infinity, { [Symbol.toPrimitive]() { return 'prim'; } }],
    (v) => format('%s', v), ["a","42","-0","10n","null","undefined","Symbol(x)","true","{ a: 1 }","[ 1, [Array] ]","1970-01-01T00:00:00.000Z","hi","custom","foo!","Bar {}","[Object: null prototype] {}","Map(1) { 1 => 2 }","Error: e\n    at f (file.js:1:2)\n    at g (file.js:3:4)","[]","{ a: [Object] }","xxx","NaN","Infinity","prim"]);
  checkEach('format %d', [42, '4.5', -0, 'abc', 10n, Symbol('s'), {}, '0x10', '', null, [], [5], 1e21, '1e3'], (v) => format('%d', v), ["42","4.5","-0","NaN","10n","NaN","NaN","16","0","0","0","5","1e+21","1000"]);
  checkEach('format %i', ['42.9', '-0', -5.5, 10n, Symbol('s'), 'x', '0x1f', 1e21], (v) => format('%i', v), ["42","-0","-5","10n","NaN","NaN","31","1"]);
  checkEach('format %f', ['1.5abc', Symbol('s'), '-0', 'Infinity', {}, 3n], (v) => format('%f', v), ["1.5","NaN","-0","Infinity","NaN","3"]);
  check('format %j', () => {
    const circular = { a: 1 };
    circular.self = circular;
    return [format('%j', { a: [1, 'x'] }), format('%j', circular), format('%j', undefined), format('%j', 'str'), format('%j', { toJSON() { return 5; } })];
  }, ["{\"a\":[1,\"x\"]}","[Circular]","undefined","\"str\"","5"]);
  check('format %o and %O', () => [format('%o', { a: 1 }), format('%o', [1]), format('%O', { a: { b: { c: { d: 1 } } } }), format('%o', { a: { b: { c: { d: { e: 1 } } } } }), format('%O', 'str')], ["{ a: 1 }","[ 1, [length]: 1 ]","{ a: { b: { c: [Object] } } }","{\n  a: {\n    b: { c: { d: { e: 1 } } }\n  }\n}","'str'"]);
  check('format placeholders', () => [
    format('%s:%s', 'a'), format('%s', 'a', 'b', 3, { c: 1 }), format('%c%s', 'color: red', 'x'), format('100%%'), format('100%%', 1), format('%% %s', 'x'),
    format('%x %s', 'a'), format('50%'), format('%'), format('%s%'), format('a', 'b'), format(1, 'a', { b: 2 }), format(), format('%s %d %i %f %j', '1', '2', '3', '4', '5'),
    format(null, undefined), format('%s', '%s', 'x'), format('%%s', 'x'), format('%d%%', 50), format('%s %O', 'a'), format({ a: 1 }, '%s', 'x'),
  ], ["a:%s","a b 3 { c: 1 }","x","100%%","100% 1","% x","%x a","50%","%","%s%","a b","1 a { b: 2 }","","1 2 3 4 \"5\"","null undefined","%s x","%s x","50%","a %O","{ a: 1 } %s x"]);
  check('formatWithOptions', () => [formatWithOptions({ numericSeparator: true }, '%d %i %s', 1234567.891, 1234567, 12345678), formatWithOptions({ compact: false }, { a: 1 }),
    formatWithOptions({ depth: 0 }, '%O', { a: { b: 1 } }), formatWithOptions({}, 'x %s', 1)], ["1_234_567.891 1_234_567 12_345_678","{\n  a: 1\n}","{ a: [Object] }","x 1"]);
  check('formatWithOptions validates', () => formatWithOptions(null, 'x'), {"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"inspectOptions\" argument must be of type object. Received null"});

  // ---- inspect: primitives and strings
  checkEach('inspect primitives', [-0, 0, NaN, 1e21, 1.5, -1, 10n, -10n, undefined, null, true, Symbol('a'), Symbol.iterator, Symbol(), 'str', '', "it's", 'say "hi"',
    `both ' and "`, "all ' \" ` three", 'a ${x} b \' "', 'ctl\n\t\x01\x7f\x9f\\', '\ud800 lone', 'é😀', 'x'.repeat(100) + '\nabc'],
    (v) => inspect(v), ["-0","0","NaN","1e+21","1.5","-1","10n","-10n","undefined","null","true","Symbol(a)","Symbol(Symbol.iterator)","Symbol()","'str'","''","\"it's\"","'say \"hi\"'","`both ' and \"`","'all \\' \" ` three'","'a ${x} b \\' \"'","'ctl\\n\\t\\x01\\x7F\\x9F\\\\'","'\\ud800 lone'","'é😀'","'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\n' +\n  'abc'"]);
  checkEach('inspect numeric separators', [1234567.891, -1234567, 1234, 0.0001234, 1e21, 123456789n, NaN, -0.5], (v) => inspect(v, { numericSeparator: true }), ["1_234_567.891","-1_234_567","1_234","0.000_123_4","1e+21","123_456_789n","NaN","-0.5"]);
  check('inspect long strings', () => [inspect({ s: 'line1\nline2 ' + 'y'.repeat(80) }), inspect('a'.repeat(20), { maxStringLength: 5 }), inspect(['x'.repeat(30) + '\n' + 'y'.repeat(60)]),
    inspect('short\nlines'), inspect('z'.repeat(17) + '\n', { breakLength: 10 })], ["{\n  s: 'line1\\n' +\n    'line2 yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy'\n}","'aaaaa'... 15 more characters","[\n  'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\n' +\n    'yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy'\n]","'short\\nlines'","'zzzzzzzzzzzzzzzzz\\n'"]);

  // ---- inspect: arrays
  checkEach('inspect arrays', [[], [1, 2, 3], [1, [2, [3, [4]]]], [1, , 3], new Array(5), [, 1], [1, 2, , , 5, , ], ['a', 'b'], [undefined, null], [[]], [{}],
    Array.from({ length: 30 }, (_, i) => i * 37), Array.from({ length: 26 }, (_, i) => 'item' + i), Array.from({ length: 120 }, (_, i) => i),
    Array.from({ length: 8 }, (_, i) => ({ id: i })), [1.5, -2, 300000, 4], Array.from({ length: 7 }, (_, i) => 'x'.repeat(i * 3)), [1n, 20n, 300n, 4n, 5n, 6n, 7n],
    Array.from({ length: 10 }, (_, i) => (i % 2 ? 'str' : i))],
    (v) => inspect(v), ["[]","[ 1, 2, 3 ]","[ 1, [ 2, [ 3, [Array] ] ] ]","[ 1, <1 empty item>, 3 ]","[ <5 empty items> ]","[ <1 empty item>, 1 ]","[ 1, 2, <2 empty items>, 5, <1 empty item> ]","[ 'a', 'b' ]","[ undefined, null ]","[ [] ]","[ {} ]","[\n    0,  37,  74, 111,  148,  185,\n  222, 259, 296, 333,  370,  407,\n  444, 481, 518, 555,  592,  629,\n  666, 703, 740, 777,  814,  851,\n  888, 925, 962, 999, 1036, 1073\n]","[\n  'item0',  'item1',  'item2',\n  'item3',  'item4',  'item5',\n  'item6',  'item7',  'item8',\n  'item9',  'item10', 'item11',\n  'item12', 'item13', 'item14',\n  'item15', 'item16', 'item17',\n  'item18', 'item19', 'item20',\n  'item21', 'item22', 'item23',\n  'item24', 'item25'\n]","[\n   0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11,\n  12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,\n  24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,\n  36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,\n  48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59,\n  60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71,\n  72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83,\n  84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95,\n  96, 97, 98, 99,\n  ... 20 more items\n]","[\n  { id: 0 }, { id: 1 },\n  { id: 2 }, { id: 3 },\n  { id: 4 }, { id: 5 },\n  { id: 6 }, { id: 7 }\n]","[ 1.5, -2, 300000, 4 ]","[\n  '',\n  'xxx',\n  'xxxxxx',\n  'xxxxxxxxx',\n  'xxxxxxxxxxxx',\n  'xxxxxxxxxxxxxxx',\n  'xxxxxxxxxxxxxxxxxx'\n]","[\n  1n, 20n, 300n,\n  4n,  5n,   6n,\n  7n\n]","[\n  0,     'str', 2,\n  'str', 4,     'str',\n  6,     'str', 8,\n  'str'\n]"]);
  check('inspect arrays with extra keys', () => {
    const a = [1, 2];
    a.extra = 'x';
    a[Symbol('s')] = 3;
    const b = [];
    b.key = 1;
    return [inspect(a), inspect(b), inspect(a, { showHidden: true }), inspect([1, 2, 3], { maxArrayLength: 1 }), inspect([1, 2, 3], { maxArrayLength: 0 }),
      inspect(new Array(200), { maxArrayLength: 3 }), inspect([1, , 3], { maxArrayLength: 2 })];
  }, ["[ 1, 2, extra: 'x', [Symbol(s)]: 3 ]","[ key: 1 ]","[ 1, 2, [length]: 2, extra: 'x', [Symbol(s)]: 3 ]","[ 1, ... 2 more items ]","[ ... 3 more items ]","[ <200 empty items> ]","[ 1, <1 empty item>, ... 1 more item ]"]);
  check('inspect array subclass', () => inspect(new (class MyArray extends Array {})(1, 2)), "MyArray(2) [ 1, 2 ]");

  // ---- inspect: objects
  checkEach('inspect objects', [{}, { a: 1, b: 'x' }, { a: { b: { c: { d: 1 } } } }, { 'a-b': 1, '1a': 2, 'é': 3, a_1: 4, '': 5, 'it\'s': 6, '__proto__': 7 }, { 1: 'one', 10: 'ten' },
    { [Symbol('s')]: 1, [Symbol()]: 2 }, Object.create(null), Object.assign(Object.create(null), { a: 1 }), Object.create(Object.create(null)),
    new (class Foo { constructor() { this.a = 1; } })(), new (class Empty {})(), Object.create({ inherited: 1 }), { [Symbol.toStringTag]: 'Tagged', a: 1 },
    new (class Tagged { get [Symbol.toStringTag]() { return 'T'; } })(), { f() {}, g: () => 1, h: function named() {} },
    { a: 'x'.repeat(30), b: 'y'.repeat(30), c: 'z'.repeat(30) }, { a: [1, 2, { b: [3, { c: [4] }] }] }, { a: new Map([['k', { v: [1] }]]) }],
    (v) => inspect(v), ["{}","{ a: 1, b: 'x' }","{ a: { b: { c: [Object] } } }","{ 'a-b': 1, '1a': 2, 'é': 3, a_1: 4, '': 5, \"it's\": 6 }","{ '1': 'one', '10': 'ten' }","{ [Symbol(s)]: 1, [Symbol()]: 2 }","[Object: null prototype] {}","[Object: null prototype] { a: 1 }","Object <[Object: null prototype] {}> {}","Foo { a: 1 }","Empty {}","{}","{ a: 1, [Symbol(Symbol.toStringTag)]: 'Tagged' }","Tagged [T] {}","{ f: [Function: f], g: [Function: g], h: [Function: named] }","{\n  a: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',\n  b: 'yyyyyyyyyyyyyyyyyyyyyyyyyyyyyy',\n  c: 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz'\n}","{ a: [ 1, 2, { b: [Array] } ] }","{ a: Map(1) { 'k' => { v: [Array] } } }"]);
  check('inspect getters and setters', () => {
    const obj = { get a() { return 1; }, set b(v) {}, get c() { return 2; }, set c(v) {}, get d() { return { x: 1 }; }, get e() { throw new Error('nope'); }, get f() { return null; } };
    return [inspect(obj), inspect(obj, { getters: true }), inspect(obj, { getters: 'get' }), inspect(obj, { getters: 'set' })];
  }, ["{\n  a: [Getter],\n  b: [Setter],\n  c: [Getter/Setter],\n  d: [Getter],\n  e: [Getter],\n  f: [Getter]\n}","{\n  a: [Getter: 1],\n  b: [Setter],\n  c: [Getter/Setter: 2],\n  d: [Getter] { x: 1 },\n  e: [Getter: <Inspection threw (nope)>],\n  f: [Getter: null]\n}","{\n  a: [Getter: 1],\n  b: [Setter],\n  c: [Getter/Setter],\n  d: [Getter] { x: 1 },\n  e: [Getter: <Inspection threw (nope)>],\n  f: [Getter: null]\n}","{\n  a: [Getter],\n  b: [Setter],\n  c: [Getter/Setter: 2],\n  d: [Getter],\n  e: [Getter],\n  f: [Getter]\n}"]);
  check('inspect options', () => {
    const nested = { a: { b: { c: { d: { e: 1 } } } }, arr: [1, 2, 3] };
    return [inspect(nested, { depth: 0 }), inspect(nested, { depth: null }), inspect(nested, { depth: Infinity }), inspect(nested, { compact: false }), inspect(nested, { compact: true }),
      inspect(nested, { compact: 1 }), inspect(nested, { breakLength: Infinity }), inspect({ b: 1, a: 2, c: [3, 1] }, { sorted: true }),
      inspect({ b: 1, a: 2 }, { sorted: (x, y) => (x < y ? 1 : -1) }), inspect(nested, false, 0), inspect(nested, true, 1), inspect({ a: 1 }, { breakLength: 3 }),
      inspect({ a: 'x'.repeat(100) }, { compact: true }), inspect(Object.defineProperty({ a: 1 }, 'hidden', { value: 2 }), { showHidden: true })];
  }, ["{ a: [Object], arr: [Array] }","{\n  a: {\n    b: { c: { d: { e: 1 } } }\n  },\n  arr: [ 1, 2, 3 ]\n}","{\n  a: {\n    b: { c: { d: { e: 1 } } }\n  },\n  arr: [ 1, 2, 3 ]\n}","{\n  a: {\n    b: {\n      c: [Object]\n    }\n  },\n  arr: [\n    1,\n    2,\n    3\n  ]\n}","{ a: { b: { c: [Object] } }, arr: [ 1, 2, 3 ] }","{\n  a: {\n    b: { c: [Object] }\n  },\n  arr: [ 1, 2, 3 ]\n}","{ a: { b: { c: [Object] } }, arr: [ 1, 2, 3 ] }","{ a: 2, b: 1, c: [ 3, 1 ] }","{ b: 1, a: 2 }","{ a: [Object], arr: [Array] }","{ a: { b: [Object] }, arr: [ 1, 2, 3, [length]: 3 ] }","{\n  a: 1\n}","{ a:\n   'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' }","{ a: 1, [hidden]: 2 }"]);
  check('inspect many keys', () => inspect(Object.fromEntries(Array.from({ length: 30 }, (_, i) => ['key' + i, i]))), "{\n  key0: 0,\n  key1: 1,\n  key2: 2,\n  key3: 3,\n  key4: 4,\n  key5: 5,\n  key6: 6,\n  key7: 7,\n  key8: 8,\n  key9: 9,\n  key10: 10,\n  key11: 11,\n  key12: 12,\n  key13: 13,\n  key14: 14,\n  key15: 15,\n  key16: 16,\n  key17: 17,\n  key18: 18,\n  key19: 19,\n  key20: 20,\n  key21: 21,\n  key22: 22,\n  key23: 23,\n  key24: 24,\n  key25: 25,\n  key26: 26,\n  key27: 27,\n  key28: 28,\n  key29: 29\n}");

  // ---- inspect: built-in objects
  checkEach('inspect collections', [new Map(), new Map([['a', 1], [{ b: 2 }, [3]]]), new Set(), new Set([1, 'two', [3]]), new Map([[new Map([[1, 2]]), new Set([3])]]),
    new Set(Array.from({ length: 120 }, (_, i) => i)), new WeakMap(), new WeakSet(), Object.assign(new Map([[1, 2]]), { extra: true }),
    new (class MyMap extends Map {})([[1, 2]])],
    (v) => inspect(v), ["Map(0) {}","Map(2) { 'a' => 1, { b: 2 } => [ 3 ] }","Set(0) {}","Set(3) { 1, 'two', [ 3 ] }","Map(1) { Map(1) { 1 => 2 } => Set(1) { 3 } }","Set(120) {\n  0,\n  1,\n  2,\n  3,\n  4,\n  5,\n  6,\n  7,\n  8,\n  9,\n  10,\n  11,\n  12,\n  13,\n  14,\n  15,\n  16,\n  17,\n  18,\n  19,\n  20,\n  21,\n  22,\n  23,\n  24,\n  25,\n  26,\n  27,\n  28,\n  29,\n  30,\n  31,\n  32,\n  33,\n  34,\n  35,\n  36,\n  37,\n  38,\n  39,\n  40,\n  41,\n  42,\n  43,\n  44,\n  45,\n  46,\n  47,\n  48,\n  49,\n  50,\n  51,\n  52,\n  53,\n  54,\n  55,\n  56,\n  57,\n  58,\n  59,\n  60,\n  61,\n  62,\n  63,\n  64,\n  65,\n  66,\n  67,\n  68,\n  69,\n  70,\n  71,\n  72,\n  73,\n  74,\n  75,\n  76,\n  77,\n  78,\n  79,\n  80,\n  81,\n  82,\n  83,\n  84,\n  85,\n  86,\n  87,\n  88,\n  89,\n  90,\n  91,\n  92,\n  93,\n  94,\n  95,\n  96,\n  97,\n  98,\n  99,\n  ... 20 more items\n}","WeakMap { <items unknown> }","WeakSet { <items unknown> }","Map(1) { 1 => 2, extra: true }","MyMap(1) [Map] { 1 => 2 }"]);
  check('inspect collection limits', () => [inspect(new Map([[1, 2], [3, 4]]), { maxArrayLength: 1 }), inspect(new Set([1, 2, 3]), { maxArrayLength: 0 }),
    inspect(new Map([[{ a: { b: 1 } }, 1]]), { depth: 0 })], ["Map(2) { 1 => 2, ... 1 more item }","Set(3) { ... 3 more items }","Map(1) { [Object] => 1 }"]);
  checkEach('inspect dates and regexps', [new Date(0), new Date(NaN), Object.assign(new Date(86400000), { note: 'x' }), /a+b/gi, Object.assign(/x/, { prop: 1 }), new RegExp('a/b')],
    (v) => inspect(v), ["1970-01-01T00:00:00.000Z","Invalid Date","1970-01-02T00:00:00.000Z { note: 'x' }","/a+b/gi","/x/ { prop: 1 }","/a\\/b/"]);
  check('inspect regexp beyond depth', () => inspect({ a: { b: { c: Object.assign(/x/, { p: 1 }) } } }), "{ a: { b: { c: /x/ } } }");
  checkEach('inspect boxed primitives', [new Number(3), new Number(-0), new String('ab'), new Boolean(false), Object(10n), Object(Symbol('s')), Object.assign(new String('x'), { p: 1 })],
    (v) => inspect(v), ["[Number: 3]","[Number: -0]","[String: 'ab']","[Boolean: false]","[BigInt: 10n]","[Symbol: Symbol(s)]","[String: 'x'] { p: 1 }"]);
  checkEach('inspect binary data', [Buffer.from('hi'), Buffer.alloc(0), Buffer.alloc(60, 1), new Uint8Array([1, 2, 3]), new Float64Array([1.5, -0]), new BigInt64Array([1n, -2n]),
    new Uint8Array(0), new ArrayBuffer(3), new DataView(new ArrayBuffer(2)), { buf: Buffer.from([1, 2]) }, new Uint16Array(120)],
    (v) => inspect(v), ["<Buffer 68 69>","<Buffer >","<Buffer 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 ... 10 more bytes>","Uint8Array(3) [ 1, 2, 3 ]","Float64Array(2) [ 1.5, -0 ]","BigInt64Array(2) [ 1n, -2n ]","Uint8Array(0) []","ArrayBuffer { [Uint8Contents]: <00 00 00>, byteLength: 3 }","DataView {\n  byteLength: 2,\n  byteOffset: 0,\n  buffer: ArrayBuffer { [Uint8Contents]: <00 00>, byteLength: 2 }\n}","{ buf: <Buffer 01 02> }","Uint16Array(120) [\n  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0,\n  ... 20 more items\n]"]);
  check('inspect binary data options', () => [inspect(new Uint8Array([1, 2]), { showHidden: true }), inspect(new ArrayBuffer(200), { maxArrayLength: 2 }),
    inspect(new Uint8Array([1, 2, 3]), { maxArrayLength: 1 })], ["Uint8Array(2) [\n  1,\n  2,\n  [BYTES_PER_ELEMENT]: 1,\n  [length]: 2,\n  [byteLength]: 2,\n  [byteOffset]: 0,\n  [buffer]: ArrayBuffer { byteLength: 2 }\n]","ArrayBuffer {\n  [Uint8Contents]: <00 00 ... 198 more bytes>,\n  byteLength: 200\n}","Uint8Array(3) [ 1, ... 2 more items ]"]);

  // ---- inspect: functions
  checkEach('inspect functions', [function f() {}, function () {}, () => 1, async function af() {}, function* gen() {}, async function* agen() {}, class A {},
    class extends Object {}, class B extends Map {}, Object.assign(function withProps() {}, { a: 1 }), function f() {}.bind(null), Math.max, Object.setPrototypeOf(function np() {}, null),
    { method() {} }.method, class { constructor(a = '(') {} }],
    (v) => inspect(v), ["[Function: f]","[Function (anonymous)]","[Function (anonymous)]","[AsyncFunction: af]","[GeneratorFunction: gen]","[AsyncGeneratorFunction: agen]","[class A]","[class (anonymous) extends Object]","[class B extends Map]","[Function: withProps] { a: 1 }","[Function: bound f]","[Function: max]","[Function (null prototype): np]","[Function: method]","[class (anonymous)]"]);

  // ---- inspect: errors
  check('inspect errors', () => [
    inspect(fixedError(Error, 'boom')),
    inspect({ e: fixedError(Error, 'boom') }),
    inspect(fixedError(TypeError, 'no frames', 'TypeError: no frames')),
    inspect(fixedError(Error, 'empty', '')),
    inspect(Object.assign(fixedError(RangeError, 'with props'), { code: 'E_X', extra: [1] })),
    inspect(fixedError(class MyErr extends Error {}, 'm', 'Error: m\n    at z (file.js:1:1)')),
    inspect(Object.assign(fixedError(Error, 'm', 'Error: m\n    at z (file.js:1:1)'), { name: 'Custom' })),
    inspect(new Error('with cause', { cause: 'reason' }), { showHidden: false }).split('\n')[0],
    inspect([fixedError(Error, 'in array')]),
    inspect(Object.assign(Object.create(fixedError(TypeError, 'inherited')), { own: 1 })),
  ], ["Error: boom\n    at f (file.js:1:2)\n    at g (file.js:3:4)","{\n  e: Error: boom\n      at f (file.js:1:2)\n      at g (file.js:3:4)\n}","[TypeError: no frames]","[Error: empty]","RangeError: with props\n    at f (file.js:1:2)\n    at g (file.js:3:4) {\n  code: 'E_X',\n  extra: [ 1 ]\n}","MyErr [Error]: m\n    at z (file.js:1:1)","Error: m\n    at z (file.js:1:1) {\n  name: 'Custom'\n}","Error: with cause","[\n  Error: in array\n      at f (file.js:1:2)\n      at g (file.js:3:4)\n]","TypeError: inherited\n    at f (file.js:1:2)\n    at g (file.js:3:4) {\n  own: 1\n}"]);
  check('inspect error cause', () => {
    const err = new Error('outer', { cause: fixedError(Error, 'inner', 'Error: inner') });
    err.stack = 'Error: outer\n    at h (file.js:9:9)';
    return inspect(err);
  }, "Error: outer\n    at h (file.js:9:9) {\n  [cause]: [Error: inner]\n}");
  check('inspect engine errors', () => {
    const text = inspect(new TypeError('x'));
    return [text.split('\n')[0], /\n {4}at /.test(text)];
  }, ["TypeError: x",true]);

  // ---- inspect: circular references, custom inspection, misc
  check('inspect circular', () => {
    const a = { name: 'a' };
    a.self = a;
    const b = { list: [] };
    b.list.push(b, { back: b });
    const c = { x: {} };
    const d = { c };
    c.x.d = d;
    c.y = c;
    return [inspect(a), inspect(b), inspect(c), inspect(new Map([['m', a]]))];
  }, ["<ref *1> { name: 'a', self: [Circular *1] }","<ref *1> { list: [ [Circular *1], { back: [Circular *1] } ] }","<ref *1> { x: { d: { c: [Circular *1] } }, y: [Circular *1] }","Map(1) { 'm' => <ref *1> { name: 'a', self: [Circular *1] } }"]);
  check('inspect custom', () => {
    const custom = { [inspect.custom](depth, options) { return `Custom(depth=${depth}, breakLength=${options.breakLength})`; } };
    const returnsObject = { [inspect.custom]() { return { replaced: true }; } };
    const multiLine = { [inspect.custom]() { return 'line1\nline2'; } };
    return [inspect(custom), inspect({ nested: custom }), inspect(returnsObject), inspect({ a: { b: multiLine } }), inspect(custom, { customInspect: false }),
      inspect.custom === Symbol.for('nodejs.util.inspect.custom')];
  }, ["Custom(depth=2, breakLength=80)","{ nested: Custom(depth=1, breakLength=80) }","{ replaced: true }","{\n  a: {\n    b: line1\n    line2\n  }\n}","{\n  [Symbol(nodejs.util.inspect.custom)]: [Function: [nodejs.util.inspect.custom]]\n}",true]);
  check('inspect arguments', () => (function () { return inspect(arguments); })(1, 'a'), "[Arguments] { '0': 1, '1': 'a' }");
  check('inspect defaultOptions', () => [inspect.defaultOptions.depth, inspect.defaultOptions.breakLength, inspect.defaultOptions.compact], [2,80,3]);

  // ---- isDeepStrictEqual
  const circularA = { v: 1 };
  circularA.self = circularA;
  const circularB = { v: 1 };
  circularB.self = circularB;
  checkEach('isDeepStrictEqual', [[1, 1], [1, '1'], [NaN, NaN], [0, -0], [-0, -0], [{ a: 1 }, { a: 1 }], [{ a: 1 }, { a: 1, b: undefined }], [{ a: 1, b: 2 }, { b: 2, a: 1 }],
    [[1, 2], [1, 2]], [[1, 2], [2, 1]], [[1, , 3], [1, undefined, 3]], [[1, , 3], [1, , 3]], [new Date(0), new Date(0)], [new Date(0), new Date(1)], [/a/g, /a/g], [/a/g, /a/i],
    [new Map([[1, { a: 1 }]]), new Map([[1, { a: 1 }]])], [new Map([[{ k: 1 }, 'v']]), new Map([[{ k: 1 }, 'v']])], [new Map([[1, 2]]), new Map([[1, 3]])],
    [new Set([1, { a: 1 }]), new Set([1, { a: 1 }])], [new Set([1, 2]), new Set([1, 3])], [new Set([{ a: 1 }, { a: 2 }]), new Set([{ a: 2 }, { a: 1 }])],
    [Buffer.from('ab'), Buffer.from('ab')], [Buffer.from('ab'), new Uint8Array([0x61, 0x62])], [new Uint16Array([1]), new Uint16Array([1])], [new Float64Array([-0]), new Float64Array([0])],
    [new ArrayBuffer(2), new ArrayBuffer(2)], [new Error('a'), new Error('a')], [new Error('a'), new Error('b')], [new TypeError('a'), new Error('a')],
    [new Number(1), new Number(1)], [new Number(1), new Number(2)], [new String('a'), 'a'], [Object.create(null), {}], [{ [Symbol.for('s')]: 1 }, { [Symbol.for('s')]: 1 }],
    [{ [Symbol.for('s')]: 1 }, {}], [circularA, circularB], [[circularA], [circularB]], [{ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }], [{ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] }],
    [null, undefined], [null, null], [undefined, undefined], ['a', 'a'], [1n, 1n], [[], {}], [() => 1, () => 1], [Object.assign([1], { x: 1 }), [1]]],
    ([a, b]) => isDeepStrictEqual(a, b), [true,false,true,false,true,true,false,true,true,false,false,true,true,false,true,false,true,true,false,true,false,true,true,false,true,false,true,true,false,false,true,false,false,false,true,false,true,true,true,false,false,true,true,true,true,false,false,false]);

  // ---- types
  const samples = {
    date: new Date(), regexp: /x/, map: new Map(), set: new Set(), weakMap: new WeakMap(), weakSet: new WeakSet(), promise: Promise.resolve(), error: new TypeError('t'),
    asyncFn: async () => {}, genFn: function* () {}, asyncGenFn: async function* () {}, generator: (function* () {})(), plainFn: () => {}, arrayBuffer: new ArrayBuffer(1),
    dataView: new DataView(new ArrayBuffer(1)), uint8: new Uint8Array(1), buffer: Buffer.alloc(1), float32: new Float32Array(1), bigInt64: new BigInt64Array(1),
    numberObject: new Number(1), stringObject: new String('s'), booleanObject: new Boolean(true), bigIntObject: Object(1n), symbolObject: Object(Symbol('s')),
    args: (function () { return arguments; })(), mapIterator: new Map().keys(), setIterator: new Set().values(), array: [], plain: {}, number: 1, string: 's',
    fakeDate: { [Symbol.toStringTag]: 'Date' }, regexpPrototype: RegExp.prototype, nullValue: null,
  };
  const predicates = ['isDate', 'isRegExp', 'isMap', 'isSet', 'isWeakMap', 'isWeakSet', 'isPromise', 'isNativeError', 'isAsyncFunction', 'isGeneratorFunction', 'isGeneratorObject',
    'isArrayBuffer', 'isAnyArrayBuffer', 'isDataView', 'isArrayBufferView', 'isTypedArray', 'isUint8Array', 'isFloat32Array', 'isBigInt64Array', 'isNumberObject', 'isStringObject',
    'isBooleanObject', 'isBigIntObject', 'isSymbolObject', 'isBoxedPrimitive', 'isArgumentsObject', 'isMapIterator', 'isSetIterator'];
  checkEach('types', predicates, (p) => Object.keys(samples).filter((name) => types[p](samples[name])), [["date"],["regexp"],["map"],["set"],["weakMap"],["weakSet"],["promise"],["error"],["asyncFn","asyncGenFn"],["genFn","asyncGenFn"],["generator"],["arrayBuffer"],["arrayBuffer"],["dataView"],["dataView","uint8","buffer","float32","bigInt64"],["uint8","buffer","float32","bigInt64"],["uint8","buffer"],["float32"],["bigInt64"],["numberObject"],["stringObject"],["booleanObject"],["bigIntObject"],["symbolObject"],["numberObject","stringObject","booleanObject","bigIntObject","symbolObject"],["args"],["mapIterator"],["setIterator"]]);
  checkEach('legacy type checks', ['isArray', 'isBoolean', 'isBuffer', 'isNull', 'isNullOrUndefined', 'isNumber', 'isString', 'isSymbol', 'isUndefined', 'isRegExp', 'isObject', 'isDate',
    'isError', 'isFunction', 'isPrimitive'],
    (p) => Object.keys(samples).filter((name) => util[p](samples[name])), [["array"],[],["buffer"],["nullValue"],["nullValue"],["number"],["string"],[],[],["regexp"],["date","regexp","map","set","weakMap","weakSet","promise","error","generator","arrayBuffer","dataView","uint8","buffer","float32","bigInt64","numberObject","stringObject","booleanObject","bigIntObject","symbolObject","args","mapIterator","setIterator","array","plain","fakeDate","regexpPrototype"],["date"],["error"],["asyncFn","genFn","asyncGenFn","plainFn"],["number","string","nullValue"]]);

  // ---- functions
  check('inherits', () => {
    function Animal() {}
    Animal.prototype.kind = function () { return 'animal'; };
    function Dog() {}
    util.inherits(Dog, Animal);
    const d = new Dog();
    return [d.kind(), d instanceof Animal, Dog.super_ === Animal, Object.keys(Dog)];
  }, ["animal",true,true,[]]);
  checkEach('inherits errors', [[undefined, function () {}], [function () {}, null], [function () {}, Object.assign(() => {}, {})]], ([a, b]) => util.inherits(a, b), [{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"ctor\" argument must be of type function. Received undefined"},{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"superCtor\" argument must be of type function. Received null"},{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"superCtor.prototype\" property must be of type object. Received undefined"}]);
  check('deprecate', () => {
    function add(a, b) { return a + b; }
    class Point { constructor(x) { this.x = x; } }
    const dAdd = util.deprecate(add, 'add is deprecated', 'DEP_X');
    const DPoint = util.deprecate(Point, 'msg');
    const p = new DPoint(3);
    return [dAdd(1, 2), dAdd.name, dAdd === add, p.x, p instanceof Point, DPoint.prototype === Point.prototype];
  }, [3,"deprecated",false,3,true,true]);
  check('deprecate validates code', () => util.deprecate(() => {}, 'm', 5), {"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"code\" argument must be of type string. Received type number (5)"});
  check('promisify', () => {
    const calls = [];
    function withCallback(a, b, cb) { calls.push([a, b, typeof cb]); }
    withCallback.extra = 'kept';
    const p = util.promisify(withCallback);
    const result = p(1, 2);
    const custom = () => 'custom';
    function hasCustom() {}
    hasCustom[util.promisify.custom] = custom;
    return [result instanceof Promise, calls, p.name, p.extra, util.promisify(hasCustom) === custom, util.promisify(p) === p,
      util.promisify.custom === Symbol.for('nodejs.util.promisify.custom')];
  }, [true,[[1,2,"function"]],"withCallback","kept",true,true,true]);
  check('promisify validates', () => util.promisify('x'), {"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"original\" argument must be of type function. Received type string ('x')"});
  check('callbackify', () => {
    async function work(a) { return a * 2; }
    const cb = util.callbackify(work);
    return [cb.name, cb.length, typeof cb];
  }, ["workCallbackified",2,"function"]);
  check('callbackify validates the callback', () => util.callbackify(async () => {})(1), {"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The last argument must be of type function. Received type number (1)"});

  // ---- TextEncoder and TextDecoder
  check('TextEncoder', () => {
    const encoder = new util.TextEncoder();
    const dest = new Uint8Array(5);
    return [encoder.encoding, encoder.encode('hé😀'), encoder.encode(), encoder.encode('\ud800'), Buffer.isBuffer(encoder.encode('x')),
      encoder.encodeInto('aé😀', dest), dest, encoder.encodeInto('abc', new Uint8Array(10)), encoder.encodeInto('😀', new Uint8Array(3))];
  }, ["utf-8",{"Uint8Array":"68c3a9f09f9880"},{"Uint8Array":""},{"Uint8Array":"efbfbd"},false,{"read":2,"written":3},{"Uint8Array":"61c3a90000"},{"read":3,"written":3},{"read":0,"written":0}]);
  check('TextDecoder', () => {
    const decoder = new util.TextDecoder();
    const bytes = Buffer.from('\ufeffhé😀');
    return [decoder.encoding, decoder.fatal, decoder.ignoreBOM, decoder.decode(bytes), new util.TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes),
      decoder.decode(new Uint8Array([0xff, 0x61])), decoder.decode(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)), decoder.decode(),
      decoder.decode(new Uint16Array([0x6968])), new util.TextDecoder('UTF8').encoding, new util.TextDecoder(' Utf-8 ').encoding];
  }, ["utf-8",false,false,"hé😀","﻿hé😀","�a","hé😀","","hi","utf-8","utf-8"]);
  check('TextDecoder fatal', () => new util.TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0x61, 0xc3])), {"throws":"TypeError","code":"ERR_ENCODING_INVALID_ENCODED_DATA","message":"The encoded data was not valid for encoding utf-8"});
  check('TextDecoder fatal accepts valid input', () => new util.TextDecoder('utf-8', { fatal: true }).decode(Buffer.from('é\ufffd')), "é�");
  check('TextDecoder streaming', () => {
    const decoder = new util.TextDecoder();
    const bytes = Buffer.from('\ufeffaé€😀b');
    const parts = [];
    for (let i = 0; i < bytes.length; i += 2) parts.push(decoder.decode(bytes.subarray(i, i + 2), { stream: true }));
    parts.push(decoder.decode());
    parts.push(decoder.decode(new Uint8Array([0xf0, 0x9f]), { stream: true }), decoder.decode());
    return parts;
  }, ["","a","é","","€","","😀b","","","�"]);
  checkEach('TextDecoder streaming invalid input', [[[0xe0], [0x80, 0x41]], [[0xf8], [0x41]], [[0xed, 0xa0], [0x80]], [[0xf0, 0x9f], [0x98], [0x80]], [[0xc3], []],
    [[0xf4, 0x90], [0x80, 0x80]], [[0x61, 0xe2, 0x82], [0xac, 0xe2]], [[0xc0], [0xaf]]],
    (chunks) => {
      const decoder = new util.TextDecoder();
      return [...chunks.map((chunk) => decoder.decode(new Uint8Array(chunk), { stream: true })), decoder.decode()];
    }, [["","��A",""],["�","A",""],["��","�",""],["","","😀",""],["","","�"],["��","��",""],["a","€","�"],["�","�",""]]);
  checkEach('TextDecoder labels', ['bogus', 'utf-7'], (label) => new util.TextDecoder(label), [{"throws":"RangeError","code":"ERR_ENCODING_NOT_SUPPORTED","message":"The \"bogus\" encoding is not supported"},{"throws":"RangeError","code":"ERR_ENCODING_NOT_SUPPORTED","message":"The \"utf-7\" encoding is not supported"}]);
  check('TextDecoder input type', () => new util.TextDecoder().decode('abc'), {"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"list\" argument must be an instance of SharedArrayBuffer, ArrayBuffer or ArrayBufferView."});

  // ---- misc
  check('toUSVString and stripVTControlCharacters', () => [util.toUSVString('a\ud800b'), util.stripVTControlCharacters('\u001b[31mred\u001b[39m plain')], ["a�b","red plain"]);
  check('debuglog', () => { const log = util.debuglog('section'); return [typeof log, log('ignored'), log.enabled]; }, ["function",{"undefined":true},false]);

  finish();
})();
