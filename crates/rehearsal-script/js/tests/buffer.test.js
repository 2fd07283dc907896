// Tests for js/buffer.js. Every expected value below was produced by running the same case in
// Node 20 (node v20.20.2) with its own `buffer` module; the file passes under both Node (with
// __modules holding Node's modules) and QuickJS (with __modules holding the polyfills),
// each after js/tests/harness.js.
// Outcomes are compared as JSON: Buffers appear as {"Buffer": hex}, thrown errors as
// {"throws": name, "code": code, "message": message}.
(function () {
  'use strict';
  const { buffer } = __modules;
  const { check, checkEach, finish } = __tester('buffer');

  const { Buffer } = buffer;
  const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

  // Deterministic pseudo-random bytes (a linear congruential generator), biased towards the
  // bytes that make UTF-8 interesting.
  function randomBytes(seed, length) {
    const pool = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1,
      0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xf8, 0xfe, 0xff];
    const bytes = [];
    for (let i = 0; i < length; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      bytes.push(seed % 3 === 0 ? (seed >> 8) & 0xff : pool[(seed >> 4) % pool.length]);
    }
    return bytes;
  }

  // Pseudo-random strings of UTF-16 code units, lone surrogates included.
  function randomString(seed, length) {
    const pool = [0x41, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xfffd, 0xffff];
    let s = '';
    for (let i = 0; i < length; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      s += String.fromCharCode(seed % 4 === 0 ? (seed >> 3) & 0xffff : pool[(seed >> 5) % pool.length]);
    }
    return s;
  }

  // ---- Buffer.from(string, encoding)
  checkEach('from utf8', ['', 'hello', 'héllo wörld', '€', '😀', 'a\u0000b', '\uD800', '\uDC00x', 'a\uD83D', '\uDE00\uD83D\uDE00\uD83D', '\uFEFFbom'],
    (s) => Buffer.from(s), [{"Buffer":""},{"Buffer":"68656c6c6f"},{"Buffer":"68c3a96c6c6f2077c3b6726c64"},{"Buffer":"e282ac"},{"Buffer":"f09f9880"},{"Buffer":"610062"},{"Buffer":"efbfbd"},{"Buffer":"efbfbd78"},{"Buffer":"61efbfbd"},{"Buffer":"efbfbdf09f9880efbfbd"},{"Buffer":"efbbbf626f6d"}]);
  checkEach('from encoding names', ['utf8', 'UTF8', 'utf-8', 'Utf-8', 'ucs2', 'UCS-2', 'utf16le', 'UTF-16LE', 'latin1', 'BINARY', 'ascii', 'ASCII', 'hex', 'base64', 'base64url', 'Base64URL'],
    (e) => Buffer.from('hé€😀', e), [{"Buffer":"68c3a9e282acf09f9880"},{"Buffer":"68c3a9e282acf09f9880"},{"Buffer":"68c3a9e282acf09f9880"},{"Buffer":"68c3a9e282acf09f9880"},{"Buffer":"6800e900ac203dd800de"},{"Buffer":"6800e900ac203dd800de"},{"Buffer":"6800e900ac203dd800de"},{"Buffer":"6800e900ac203dd800de"},{"Buffer":"68e9ac3d00"},{"Buffer":"68e9ac3d00"},{"Buffer":"68e9ac3d00"},{"Buffer":"68e9ac3d00"},{"Buffer":""},{"Buffer":""},{"Buffer":""},{"Buffer":""}]);
  checkEach('from non-string encodings mean utf8', [undefined, null, 5, {}, ''], (e) => Buffer.from('é', e), [{"Buffer":"c3a9"},{"Buffer":"c3a9"},{"Buffer":"c3a9"},{"Buffer":"c3a9"},{"Buffer":"c3a9"}]);
  checkEach('from unknown encodings', ['xyz', 'utf-16', 'utf32', 'latin-1'], (e) => Buffer.from('x', e), [{"throws":"TypeError","code":"ERR_UNKNOWN_ENCODING","message":"Unknown encoding: xyz"},{"throws":"TypeError","code":"ERR_UNKNOWN_ENCODING","message":"Unknown encoding: utf-16"},{"throws":"TypeError","code":"ERR_UNKNOWN_ENCODING","message":"Unknown encoding: utf32"},{"throws":"TypeError","code":"ERR_UNKNOWN_ENCODING","message":"Unknown encoding: latin-1"}]);
  checkEach('from base64', ['aGVsbG8=', 'aGVsbG8', 'aGk', 'aGk=', 'QQ==QUJD', 'QUJD QUJD QUJD', 'QUJDR', '-_+/', ',.:QUJD', 'QR==', 'Q', 'QUI=D',
    'QUJ\u00ffD', 'QUJ\u0141D', '====', 'QQ=', 'Q=Q=', 'QUJD\nQUJD\r\n', '\tQUJD ', 'QUJD=', '', 'ab\u2028cd', '8J+YgA=='],
    (s) => Buffer.from(s, 'base64'), [{"Buffer":"68656c6c6f"},{"Buffer":"68656c6c6f"},{"Buffer":"6869"},{"Buffer":"6869"},{"Buffer":"41"},{"Buffer":"414243414243414243"},{"Buffer":"414243"},{"Buffer":"fbffbf"},{"Buffer":"414243"},{"Buffer":"41"},{"Buffer":""},{"Buffer":"4142"},{"Buffer":"414243"},{"Buffer":"414240"},{"Buffer":""},{"Buffer":"41"},{"Buffer":""},{"Buffer":"414243414243"},{"Buffer":"414243"},{"Buffer":"414243"},{"Buffer":""},{"Buffer":"69b71d"},{"Buffer":"f09f9880"}]);
  checkEach('from base64url', ['aGVsbG8', 'aGVsbG8=', '-_-_', '+/+/', 'QQ==QUJD', 'QUJDR', 'a b c d'], (s) => Buffer.from(s, 'base64url'), [{"Buffer":"68656c6c6f"},{"Buffer":"68656c6c6f"},{"Buffer":"fbffbf"},{"Buffer":"fbffbf"},{"Buffer":"41"},{"Buffer":"414243"},{"Buffer":"69b71d"}]);
  checkEach('from hex', ['', '00ff', 'ABcd', 'abc', 'abzz12', 'zz', 'a\u0162bc', '0x12', ' 12', '1'], (s) => Buffer.from(s, 'hex'), [{"Buffer":""},{"Buffer":"00ff"},{"Buffer":"abcd"},{"Buffer":"ab"},{"Buffer":"ab"},{"Buffer":""},{"Buffer":"abbc"},{"Buffer":""},{"Buffer":""},{"Buffer":""}]);
  checkEach('from latin1 and ascii', ['é\u0141\uD83D', 'abc', '\u00ff\u0100'], (s) => [Buffer.from(s, 'latin1'), Buffer.from(s, 'ascii')], [[{"Buffer":"e9413d"},{"Buffer":"e9413d"}],[{"Buffer":"616263"},{"Buffer":"616263"}],[{"Buffer":"ff00"},{"Buffer":"ff00"}]]);
  checkEach('from ucs2', ['abc', '😀', '\uD800', ''], (s) => Buffer.from(s, 'ucs2'), [{"Buffer":"610062006300"},{"Buffer":"3dd800de"},{"Buffer":"00d8"},{"Buffer":""}]);
  check('from utf8 random strings', () => Array.from({ length: 12 }, (_, i) => Buffer.from(randomString(i + 1, 40))), [{"Buffer":"efbfbded98a0ef86a8e1aa90e39598e8b280efbfbde39287e89680efbfbdeca3b0eb90b0e5ba80e48a80e59a80efbfbde0ba80e38a88efa7a0eaa9a0ed83a0e395a0efbfa0e3a1a8eba980ed8d80e7a180eba580e69987e39180ec9580e88980efad80e88180e28580eab980eb9d80e8b180e3b580e9a980"},{"Buffer":"7fe2a5aaef90a0eb9ea0ef94a0e292a0e5b8a0efbfbdea8680eca688e493a0e9a5a0e98fa8eabf80e5ab80e2a780e4b380e38f80e8bb80e4b780ea8380ef9f88e798a0e186a0e49ca0e0baa020ed8ea8e59290ee9d80efb188e68380eb9f80ec8b80e78780ef9380ebaf80e79b80e19780eca380"},{"Buffer":"e68db0e7b380ea8f88eb88a0e9b6a0ee8ca0e7aaa0efb0a0e1bea0e3b4a0ecb2a0ee98a0ec86a0e39ca0e3baa8ee8e80ee8e88e59ba0e48da0ef97a0ef99a0e2b3a8ed9380e1af88eca8a0ed96a0ebaca7e99e80e89e80eb9e80e29e80ed9e80ec9e80ef9e87e8b280efbfbde39280e68288e8bfa0e8a1a0"},{"Buffer":"efbfbded8086e6b280e3a280e19280ec8280efb280e8a280e29280e98287eb8684ed8d80e7a188e2b2a0ec98a8e99480e79c80eb8480e68c80e2b488ea89a0e6a3a0eeb5a0e59fa0eb81a0e5bba8e1bb80e9b780eb8388e3acb0efbfbdebab80e0a780eab388e89ca0e4baa7e694a0ed92a0e4b8a8e7b490"},{"Buffer":"ed9fbfe28d80e8a180e8a580ef9980e5bd80e19188e9a2a0ec88a0e6b6a0e78ca8e3b890e58b90eaa280ec9280eb8280e2b280efa288e49fb0ec9cb8eea3a0e6b5a0ed9fa8ea8f8fed9ca0e5baa0e180a0ea8ea8ee9290e39d80e0b180ebb588e8b6a0e18ca0eeaaa0eab0a0e0bea0e6b4a0e3b2a8e0a680"},{"Buffer":"41e79aa0e4a0a0e7aea0e6a4a0e8a2a8e69680e3b680e39680ecb688efa3b0e29180ef9580ef8980eaad80e78180e58588e986a0ec9ca8c880ee8080e69888ee9da0eca7a0e3a9a0e283a8eba390e19a98ef9380ebaf88eea8b0e5b280e6a280e89280e78280eeb288e2afa0ef91a8ec9980eebd80"},{"Buffer":"e8aaa6eca7a0e3a9a0e283a0e49680e9b680e19680e2b680e69680e3b688eaa480efac88e5a1b0ecb780e28388eeaca0ee8aa7e6a4a4ec89a0e0a3a0e0b5a0ef9fa0ed81a8e78980e2ad80ef8188e492a0efb8a8e6b480e6bc88ebb1afe18d80eba180efa580ea9980e4bd80e49180e99588e896a0eaaca8"},{"Buffer":"efbfbde1b4b8e89ba0eb8da0ea97a7e0ada0e1b7a0efb9a0e993a0eaa5a0e68fa0ecb1a0e4ac80ef9487e7b080ed8888ee8da0e197a0e999a0e4b3a7e299a2e3a780e1b388e39ca0e3baa0e780a8ef9c80e38480ee8c80eab480eabc80e8a480e5ac80ec9480ee9c80e68480e58c80e5b488e189b0efbf80"},{"Buffer":"e0a080e78280eeb280eba288dfa0ea81a0e8bba0e1ada0eeb7a8c780e49388e3bca0ee8080ea9bb0e3a980e58d88e6aea0e9a4a0efa2a0ea88a0ecb6a0e58ca0e2aaa8e5be90e99990e69880e79088efbfbde6bb80eab780e88380e59f88e598a0e786a0e29ca0e6baa8e58e80e98e80ed8e80e18e80"},{"Buffer":"efbfbdec8f90ec9680e1b687ebaa80e6ba80e18a80ee9a80e2aa80e1ba80ca80e19a80e9aa80ecba80ef8a88eba7a0e6a9a0e983a8e6a390da80ecaa80e3ba80ea8a80e39a87e5be80eabe80ebbe80e8be80e1be80e6be80e7be88ec8bb0e298b0eea280d288e69080e9a888e0ada0e1b7a8e78780"},{"Buffer":"eb879de19ca0e9baa0e580a0ee8ea0eb84a0e382a0e7a8a0ec96a0eeaca8e59880ea9080efbfbdefbfbdefb888e9bda0e287a0eb89a7e5b7a0e3b9a0ed93a0eea5a0ea8fa0e0b1a0e8aba0e69da0e4a7a0eba9a0ea83a0ec95a8ec8d80eaa180e2a588e8a6afef9e88efbfbde79da0e1a7a0e4a9a8e6918f"},{"Buffer":"e0a080e6a9b0e79f80e88b80e38780eb9380e7af80e39b80ed9787eab780e88380e59f88e598a0e786a0e29ca8ee8890e29b98e68080ee9880ef9088e5b5a0dfa8e18f80eebb80e2b788e790a0e39ea0e794a0ea92a0efbfbde5a6a0eebca0e99aa8e5ae80efae80e1ae80ebae80efbfbde7ae80e9ae80"}]);

  // ---- Buffer.from(other values)
  check('from array', () => Buffer.from([256, -1, 1.5, '3', 'x', null, undefined, true, 0x41]), {"Buffer":"00ff01030000000141"});
  check('from typed array reduces elements', () => Buffer.from(new Uint16Array([1, 256, 0x1234])), {"Buffer":"010034"});
  check('from array-likes', () => [Buffer.from({ length: 2, 0: 5, 1: 6 }), Buffer.from({ length: 'x' }), Buffer.from({ type: 'Buffer', data: [1, 2, 3] })], [{"Buffer":"0506"},{"Buffer":""},{"Buffer":"010203"}]);
  check('from JSON of a buffer', () => Buffer.from(JSON.parse(JSON.stringify(Buffer.from('hi')))), {"Buffer":"6869"});
  check('from buffer copies', () => {
    const a = Buffer.from('abc');
    const b = Buffer.from(a);
    a[0] = 0x7a;
    return [a, b];
  }, [{"Buffer":"7a6263"},{"Buffer":"616263"}]);
  check('from arrayBuffer shares memory', () => {
    const ab = new ArrayBuffer(4);
    const b = Buffer.from(ab, 1, 2);
    new Uint8Array(ab)[1] = 9;
    return [b, b.length, b.byteOffset];
  }, [{"Buffer":"0900"},2,1]);
  checkEach('from arrayBuffer offsets', [[], [2], [NaN], ['1'], [1, 2], [0, -1], [5], [1, 4], [0, '2'], [0, NaN]],
    (args) => Buffer.from(new Uint8Array([1, 2, 3, 4]).buffer, ...args), [{"Buffer":"01020304"},{"Buffer":"0304"},{"Buffer":"01020304"},{"Buffer":"020304"},{"Buffer":"0203"},{"Buffer":""},{"throws":"RangeError","code":"ERR_BUFFER_OUT_OF_BOUNDS","message":"\"offset\" is outside of buffer bounds"},{"throws":"RangeError","code":"ERR_BUFFER_OUT_OF_BOUNDS","message":"\"length\" is outside of buffer bounds"},{"Buffer":"0102"},{"Buffer":""}]);
  check('from objects with valueOf or toPrimitive', () => [
    Buffer.from(new String('abc')),
    Buffer.from({ valueOf() { return 'xyz'; } }),
    Buffer.from({ [Symbol.toPrimitive]() { return 'p'; } }),
    Buffer.from({ valueOf() { return [1, 2]; } }),
  ], [{"Buffer":"616263"},{"Buffer":"78797a"},{"Buffer":"70"},{"Buffer":"0102"}]);
  checkEach('from invalid values', [5, null, undefined, true, Symbol('s'), {}, () => 1, 12345678901234567890n],
    (v) => Buffer.from(v), [{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The first argument must be of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object. Received type number (5)"},{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The first argument must be of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object. Received null"},{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The first argument must be of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object. Received undefined"},{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The first argument must be of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object. Received type boolean (true)"},{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The first argument must be of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object. Received type symbol (Symbol(s))"},{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The first argument must be of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object. Received an instance of Object"},{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The first argument must be of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object. Received function "},{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The first argument must be of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object. Received type bigint (12345678901234567890n)"}]);
  check('Buffer() without new', () => [Buffer(3), Buffer('ab'), new Buffer('ab', 'hex'), Buffer([1, 2])], [{"Buffer":"000000"},{"Buffer":"6162"},{"Buffer":"ab"},{"Buffer":"0102"}]);
  check('Buffer(number, encoding) throws', () => Buffer(3, 'utf8'), {"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"string\" argument must be of type string. Received type number (3)"});
  check('Buffer.of', () => Buffer.of(1, 2, 300), {"Buffer":"01022c"});
  check('copyBytesFrom', () => [
    Buffer.copyBytesFrom(new Uint16Array([1, 2, 3])),
    Buffer.copyBytesFrom(new Uint16Array([1, 2, 3]), 1),
    Buffer.copyBytesFrom(new Uint16Array([1, 2, 3]), 1, 1),
    Buffer.copyBytesFrom(new Uint8Array([1, 2]), 5),
  ], [{"Buffer":"010002000300"},{"Buffer":"02000300"},{"Buffer":"0200"},{"Buffer":""}]);
  check('copyBytesFrom rejects non-views', () => Buffer.copyBytesFrom([1]), {"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"view\" argument must be an instance of TypedArray. Received an instance of Array"});

  // ---- toString
  checkEach('toString all bytes', ['utf8', 'latin1', 'ascii', 'hex', 'base64', 'base64url', 'ucs2'], (e) => allBytes.toString(e), ["\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~��������������������������������������������������������������������������������������������������������������������������������","\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~ ¡¢£¤¥¦§¨©ª«¬­®¯°±²³´µ¶·¸¹º»¼½¾¿ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõö÷øùúûüýþÿ","\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~","000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff","AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/w==","AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0-P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn-AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq-wsbKztLW2t7i5uru8vb6_wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t_g4eLj5OXm5-jp6uvs7e7v8PHy8_T19vf4-fr7_P3-_w","Ā̂Ԅ܆ईଊഌ༎ᄐጒᔔ᜖ᤘᬚᴜ἞℠⌢┤✦⤨⬪⴬⼮㄰㌲㔴㜶㤸㬺㴼㼾䅀䍂䕄䝆䥈䭊䵌低児卒啔坖奘孚嵜彞慠换敤杦楨歪浬潮煰獲畴睶祸筺絼罾膀莂薄螆覈變趌辎醐鎒閔鞖馘鮚鶜龞ꆠꎢꖤꞦꦨꮪ궬꾮놰뎲떴랶릸뮺붼뾾쇀쏂엄쟆질쯊췌쿎퇐폒헔ퟖ\ud9d8􆧜\udfde笠ﯺ﷼￾"]);
  checkEach('toString invalid utf8', [[0x80], [0xc0, 0x80], [0xc2], [0xc2, 0x41], [0xe0, 0x80, 0x80], [0xe0, 0xa0], [0xe0, 0xa0, 0x41], [0xed, 0xa0, 0x80],
    [0xed, 0x9f, 0xbf], [0xf0, 0x90, 0x80], [0xf0, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf4, 0x8f, 0xbf, 0xbf], [0xf5, 0x80], [0xff, 0xfe, 0x41],
    [0xef, 0xbb, 0xbf, 0x41], [0xe2, 0x82], [0xe2, 0x82, 0xac], [0x61, 0xf0, 0x9f, 0x98], [0xf0, 0x9f, 0x98, 0x80], [0xc3, 0xa9, 0xa9], [0xf8, 0x88, 0x80, 0x80, 0x80]],
    (bytes) => Buffer.from(bytes).toString(), ["�","��","�","�A","���","�","�A","���","퟿","�","����","����","􏿿","��","��A","﻿A","�","€","a�","😀","é�","�����"]);
  check('toString random utf8', () => Array.from({ length: 30 }, (_, i) => Buffer.from(randomBytes(i + 7, 24)).toString()), ["UO�\u0007���,���Ï�Y\u0015�\u0013�����","������\u001f���������3�A�","�A���w�A����7��]����U�","����At��T���A���S�����","������Ѡ�  ���������","��\u0016����������A6\u00000�A��v","+����&������������\u0013���","���g������\u001d�����Ԡ�T�","�\"��Z�%��\u0014�ԏ�A��BJ�A��","���A�\u0017����l,������A��F��","���O�<��A<A��p���F�U��h","��\u0003��(��������\u000f���?\u0003\u0012�","\u0002���L�̏�\u001fV��\u001d��A������","�&���\u0016���\u001e�\u0019���������A","��]ɐ����`��0�PApA��� ��","�A%�������N��A���L�����\u0002","A��������v����������","����U���������ٕ���","��A������ߠ�0r�� �����","����A���{���k���\u0000","����{���\rA�\u001c������","���\u0011�4T����ArUa�i����u�","�4T���\t������=�����c�;�","`�0����vAA���u\u0001�\t\u0005���","���������XA�����v����Vi","��������\u0003A��{�����퐦���","���������A�-�\u0015�=��qA5�","����������H�A����D�\u001fc�","���\"�¿�������C��������","7��AA�����A\u000f����A�os"]);
  check('toString ucs2 odd length', () => Buffer.from([0x61, 0, 0x62]).toString('utf16le'), "a");
  checkEach('toString ranges', [[], ['utf8', 1], ['utf8', 1, 3], ['utf8', -5], ['utf8', 10], ['utf8', 2, 1], ['utf8', 0, 100], ['utf8', NaN, NaN],
    ['utf8', '1', '3'], ['utf8', 1.7, 3.2], [undefined, 1], ['hex', 1, 2], ['utf8', undefined, 2], ['utf8', null, 2], ['utf8', 0, -1]],
    (args) => Buffer.from('hello').toString(...args), ["hello","ello","el","hello","","","hello","","el","el","ello","65","he","he",""]);
  checkEach('toString bad encodings', [null, '', 'xyz', 0, 'UTF-7'], (e) => Buffer.from('hi').toString(e), [{"throws":"TypeError","code":"ERR_UNKNOWN_ENCODING","message":"Unknown encoding: null"},{"throws":"TypeError","code":"ERR_UNKNOWN_ENCODING","message":"Unknown encoding: "},{"throws":"TypeError","code":"ERR_UNKNOWN_ENCODING","message":"Unknown encoding: xyz"},{"throws":"TypeError","code":"ERR_UNKNOWN_ENCODING","message":"Unknown encoding: 0"},{"throws":"TypeError","code":"ERR_UNKNOWN_ENCODING","message":"Unknown encoding: UTF-7"}]);
  check('toString of empty range skips encoding check', () => Buffer.from('hi').toString('xyz', 5), "");
  check('toLocaleString', () => Buffer.from('hi').toLocaleString('hex'), "6869");

  // ---- byteLength
  checkEach('byteLength', [['héllo'], ['😀'], ['\uD800'], ['abc', 'ucs2'], ['abcd', 'hex'], ['abc', 'hex'], ['aGVsbG8=', 'base64'], ['aGVsbG8', 'base64'],
    ['====', 'base64'], ['Q=Q=', 'base64'], ['a', 'base64'], ['é', 'latin1'], ['é', 'ascii'], ['é', 'bogus'], ['', 'base64'], ['é', 'UTF-8']],
    (args) => Buffer.byteLength(...args), [6,4,3,6,2,1,5,5,1,2,0,1,1,2,0,2]);
  checkEach('byteLength of non-strings', [Buffer.from('abc'), new Uint16Array(3), new ArrayBuffer(5), new DataView(new ArrayBuffer(2)), 5, null],
    (v) => Buffer.byteLength(v), [3,6,5,2,{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"string\" argument must be of type string or an instance of Buffer or ArrayBuffer. Received type number (5)"},{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"string\" argument must be of type string or an instance of Buffer or ArrayBuffer. Received null"}]);

  // ---- alloc, allocUnsafe, fill
  checkEach('alloc', [[3], [3, 1], [5, 'ab'], [5, 'é'], [4, 'aGk=', 'base64'], [3, 'zz', 'hex'], [3, 'abc', 'hex'], [3, Buffer.from([1, 2])], [3, 257], [3, -1],
    [3, true], [3, ''], [2, 'ab', 'ucs2'], [3, 'a', 'bogus'], [1.5], [0, 5], [-1], ['5'], [NaN], [2 ** 32 + 1], [3, new Uint16Array([0x201])], [3, Buffer.alloc(0)]],
    (args) => Buffer.alloc(...args), [{"Buffer":"000000"},{"Buffer":"010101"},{"Buffer":"6162616261"},{"Buffer":"c3a9c3a9c3"},{"Buffer":"68696869"},{"throws":"TypeError","code":"ERR_INVALID_ARG_VALUE","message":"The argument 'value' is invalid. Received 'zz'"},{"Buffer":"ababab"},{"Buffer":"010201"},{"Buffer":"010101"},{"Buffer":"ffffff"},{"Buffer":"010101"},{"Buffer":"000000"},{"Buffer":"6100"},{"throws":"TypeError","code":"ERR_UNKNOWN_ENCODING","message":"Unknown encoding: bogus"},{"Buffer":"00"},{"Buffer":""},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"size\" is out of range. It must be >= 0 && <= 4294967296. Received -1"},{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"size\" argument must be of type number. Received type string ('5')"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"size\" is out of range. It must be >= 0 && <= 4294967296. Received NaN"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"size\" is out of range. It must be >= 0 && <= 4294967296. Received 4_294_967_297"},{"Buffer":"010201"},{"throws":"TypeError","code":"ERR_INVALID_ARG_VALUE","message":"The argument 'value' is invalid. Received <Buffer >"}]);
  check('allocUnsafe', () => [Buffer.allocUnsafe(3).length, Buffer.allocUnsafeSlow(2).length, Buffer.isBuffer(Buffer.allocUnsafe(1))], [3,2,true]);
  check('allocUnsafe rejects negatives', () => Buffer.allocUnsafe(-1), {"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"size\" is out of range. It must be >= 0 && <= 4294967296. Received -1"});
  checkEach('fill', [['abc', 1], ['x', 1, 3], [0x62, 1], ['ab', 'ucs2'], ['a', 5], ['a', -1], ['a', 0, 10], ['a', 0, 2, 'bogus'], ['a', 0, 2, 5],
    ['é', 0, 5, 'latin1'], ['68', 'hex'], ['6869', 1, 'hex'], [1.9], [-1], ['a', 1.5], ['a', '1'], [Buffer.from('xy'), 1], [null], [{ valueOf() { return 65; } }]],
    (args) => Buffer.alloc(5).fill(...args), [{"Buffer":"0061626361"},{"Buffer":"0078780000"},{"Buffer":"0062626262"},{"Buffer":"6100620061"},{"Buffer":"0000000000"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"offset\" is out of range. It must be >= 0 && <= 4294967296. Received -1"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"end\" is out of range. It must be >= 0 && <= 5. Received 10"},{"throws":"TypeError","code":"ERR_UNKNOWN_ENCODING","message":"Unknown encoding: bogus"},{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"encoding\" argument must be of type string. Received type number (5)"},{"Buffer":"e9e9e9e9e9"},{"Buffer":"6868686868"},{"Buffer":"0068696869"},{"Buffer":"0101010101"},{"Buffer":"ffffffffff"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"offset\" is out of range. It must be an integer. Received 1.5"},{"throws":"TypeError","code":"ERR_UNKNOWN_ENCODING","message":"Unknown encoding: 1"},{"Buffer":"0078797879"},{"Buffer":"0000000000"},{"Buffer":"4141414141"}]);
  check('fill returns the buffer', () => { const b = Buffer.alloc(2); return b.fill(1) === b; }, true);

  // ---- write
  checkEach('write', [['hé'], ['hello world'], ['hé', 'latin1'], ['hé', 1], ['hé', 1, 1], ['hé', 2, 'ucs2'], ['abc', 1, 2, 'ucs2'], ['6869', 'hex'], ['zz11', 'hex'],
    ['aGk=', 'base64'], ['a😀'], ['€€', 4], ['x', 6], ['x', -1], ['x', 1.5], ['x', 0, 7], ['x', 0, -1], ['x', 'bogus'], ['x', '1'], ['\uD800'], ['abcdef', 4, 'utf8'],
    ['a', undefined, 'hex']],
    (args) => { const b = Buffer.alloc(6); const n = b.write(...args); return [n, b]; }, [[3,{"Buffer":"68c3a9000000"}],[6,{"Buffer":"68656c6c6f20"}],[2,{"Buffer":"68e900000000"}],[3,{"Buffer":"0068c3a90000"}],[1,{"Buffer":"006800000000"}],[4,{"Buffer":"00006800e900"}],[2,{"Buffer":"006100000000"}],[2,{"Buffer":"686900000000"}],[0,{"Buffer":"000000000000"}],[2,{"Buffer":"686900000000"}],[5,{"Buffer":"61f09f988000"}],[0,{"Buffer":"000000000000"}],[0,{"Buffer":"000000000000"}],{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"offset\" is out of range. It must be >= 0 && <= 6. Received -1"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"offset\" is out of range. It must be an integer. Received 1.5"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"length\" is out of range. It must be >= 0 && <= 6. Received 7"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"length\" is out of range. It must be >= 0 && <= 6. Received -1"},{"throws":"TypeError","code":"ERR_UNKNOWN_ENCODING","message":"Unknown encoding: bogus"},{"throws":"TypeError","code":"ERR_UNKNOWN_ENCODING","message":"Unknown encoding: 1"},[3,{"Buffer":"efbfbd000000"}],[2,{"Buffer":"000000006162"}],[1,{"Buffer":"610000000000"}]]);
  checkEach('write into small buffers never splits characters', [1, 2, 3, 4, 5], (n) => {
    const b = Buffer.alloc(n);
    return [b.write('a😀'), b.write('é€'), b];
  }, [[1,0,{"Buffer":"61"}],[1,2,{"Buffer":"c3a9"}],[1,2,{"Buffer":"c3a900"}],[1,2,{"Buffer":"c3a90000"}],[5,5,{"Buffer":"c3a9e282ac"}]]);
  checkEach('write non-strings', [5, null, undefined], (v) => Buffer.alloc(2).write(v), [{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"argument must be a string"},{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"argument must be a string"},{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"argument must be a string"}]);

  // ---- concat, compare, equals
  check('concat', () => [
    Buffer.concat([Buffer.from('ab'), Buffer.from('cd')]),
    Buffer.concat([Buffer.from('ab'), new Uint8Array([0x63])]),
    Buffer.concat([Buffer.from('ab'), Buffer.from('cd')], 3),
    Buffer.concat([Buffer.from('ab')], 4),
    Buffer.concat([]),
    Buffer.concat([Buffer.from('ab')], 0),
  ], [{"Buffer":"61626364"},{"Buffer":"616263"},{"Buffer":"616263"},{"Buffer":"61620000"},{"Buffer":""},{"Buffer":""}]);
  checkEach('concat errors', [[Buffer.from('a'), 'b'], 'ab', [[1]]], (list) => Buffer.concat(list), [{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"list[1]\" argument must be an instance of Buffer or Uint8Array. Received type string ('b')"},{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"list\" argument must be an instance of Array. Received type string ('ab')"},{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"list[0]\" argument must be an instance of Buffer or Uint8Array. Received an instance of Array"}]);
  check('concat length errors', () => Buffer.concat([Buffer.from('a')], -1), {"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"length\" is out of range. It must be >= 0 && <= 4294967296. Received -1"});
  check('compare', () => {
    const pairs = [['a', 'b'], ['b', 'a'], ['a', 'a'], ['a', 'ab'], ['ab', 'a'], ['', ''], ['\u00ff', 'a']];
    return pairs.map(([x, y]) => Buffer.compare(Buffer.from(x, 'latin1'), Buffer.from(y, 'latin1')));
  }, [-1,1,0,-1,1,0,1]);
  checkEach('compare errors', [['a', Buffer.from('a')], [Buffer.from('a'), 1]], ([a, b]) => Buffer.compare(a, b), [{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"buf1\" argument must be an instance of Buffer or Uint8Array. Received type string ('a')"},{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"buf2\" argument must be an instance of Buffer or Uint8Array. Received type number (1)"}]);
  checkEach('buf.compare ranges', [[], [0], [1], [0, 2], [1, 3, 1, 3], [0, 1, 0, 1], [2, 2], [0, 3, 2, 2], [0, 0, 1, 1], [-1], [0, 9], [0, 1, 0, 9], [1.5],
    [0, 3, 0, 3], ['1']],
    (args) => Buffer.from('abc').compare(Buffer.from('bcd'), ...args), [-1,-1,-1,-1,-1,-1,1,-1,0,{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"targetStart\" is out of range. It must be >= 0 && <= 4294967296. Received -1"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"targetEnd\" is out of range. It must be >= 0 && <= 3. Received 9"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"sourceEnd\" is out of range. It must be >= 0 && <= 3. Received 9"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"targetStart\" is out of range. It must be an integer. Received 1.5"},-1,{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"targetStart\" argument must be of type number. Received type string ('1')"}]);
  check('equals', () => {
    const a = Buffer.from('abc');
    return [a.equals(a), a.equals(Buffer.from('abc')), a.equals(Buffer.from('abd')), a.equals(new Uint8Array([0x61, 0x62, 0x63])), Buffer.alloc(0).equals(Buffer.alloc(0))];
  }, [true,true,false,true,true]);
  check('equals error', () => Buffer.from('a').equals('a'), {"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"otherBuffer\" argument must be an instance of Buffer or Uint8Array. Received type string ('a')"});

  // ---- indexOf, lastIndexOf, includes
  const hay = Buffer.from('abcabc€x');
  checkEach('indexOf', [['b'], ['b', 2], ['b', -2], ['b', -100], ['b', 100], ['c', '2'], ['c', 'utf8'], ['c', null], ['c', NaN], ['c', 1.9], ['€'], ['€', 7], [''], ['', 3], ['', 100],
    ['', -100], ['zz'], [0x62], [0x162], [-158], [0x62, 5], [Buffer.from('ca')], [new Uint8Array([0x63, 0x61])], [Buffer.alloc(0), 4], ['6263', 'hex'], ['6263', 0, 'hex'],
    ['YWJj', 'base64'], ['b', 0, 'bogus'], [Buffer.from('b'), 0, 'bogus'], [{}], [true], ['abcabc€xyz']],
    (args) => hay.indexOf(...args), [1,4,-1,1,-1,{"throws":"TypeError","code":"ERR_UNKNOWN_ENCODING","message":"Unknown encoding: 2"},2,2,2,2,6,-1,0,3,10,0,-1,1,1,1,-1,2,2,4,1,1,0,{"throws":"TypeError","code":"ERR_UNKNOWN_ENCODING","message":"Unknown encoding: bogus"},1,{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"value\" argument must be one of type number or string or an instance of Buffer or Uint8Array. Received an instance of Object"},{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"value\" argument must be one of type number or string or an instance of Buffer or Uint8Array. Received type boolean (true)"},-1]);
  checkEach('lastIndexOf', [['b'], ['b', 3], ['b', 4], ['b', -5], ['b', -100], ['b', 100], ['c', NaN], [''], ['', 2], ['', -100], [0x62], [0x62, 3], [0x62, -100],
    [Buffer.from('bc')], ['€', 5], ['abcabc€xyz'], [0x78, undefined]],
    (args) => hay.lastIndexOf(...args), [4,1,4,4,-1,4,5,10,2,0,4,1,-1,4,-1,-1,9]);
  const wide = Buffer.from('abcabc', 'ucs2');
  checkEach('indexOf ucs2', [['b', 'ucs2'], ['b', 3, 'ucs2'], ['b', 4, 'ucs2'], ['bc', 'utf16le'], [Buffer.from([0x62, 0]), 'ucs2'], [Buffer.from([0, 0x63]), 'ucs2'],
    [Buffer.from([0x62]), 'ucs2'], [Buffer.from([0x62, 0, 0x63]), 'ucs2'], [Buffer.alloc(0), 'ucs2'], ['', 3, 'ucs2']],
    (args) => wide.indexOf(...args), [2,2,8,2,2,-1,-1,2,0,3]);
  // Node's quirks on odd-length haystacks: text leaves out the last byte, and a Buffer
  // needle that is not found gives length - 1.
  check('ucs2 searches of odd-length buffers', () => {
    const odd = Buffer.from('6100620063', 'hex');
    return [odd.indexOf('', 9, 'ucs2'), odd.lastIndexOf('', 9, 'ucs2'), odd.indexOf(Buffer.from('7a00', 'hex'), 'ucs2'), odd.includes(Buffer.from('7a00', 'hex'), 'ucs2'),
      odd.indexOf(Buffer.from('6200', 'hex'), 'ucs2'), odd.indexOf('z', 'ucs2'), odd.indexOf(Buffer.alloc(0), 9, 'ucs2')];
  }, [4,4,4,true,2,-1,5]);
  checkEach('lastIndexOf ucs2', [['b', 'ucs2'], ['b', 4, 'ucs2'], ['b', 5, 'ucs2'], ['a', 0, 'ucs2']], (args) => wide.lastIndexOf(...args), [8,2,2,0]);
  // Large haystacks are searched in windows; these matches straddle the window edges.
  const big = Buffer.alloc(5000, 'a');
  for (const at of [0, 254, 255, 256, 766, 767, 1790, 1791, 3838, 4997]) big.write('XYZ', at, 'latin1');
  check('indexOf walking a large buffer', () => {
    const found = [];
    for (let at = big.indexOf('XYZ'); at !== -1; at = big.indexOf('XYZ', at + 1)) found.push(at);
    return found;
  }, [0,256,767,1791,3838,4997]);
  check('lastIndexOf walking a large buffer', () => {
    const found = [];
    for (let at = big.lastIndexOf('XYZ'); at !== -1; at = at > 0 ? big.lastIndexOf('XYZ', at - 1) : -1) found.push(at);
    return found;
  }, [4997,3838,1791,767,256,0]);
  check('large buffer searches', () => [big.indexOf('XYZa', 4000), big.lastIndexOf('aXYZ', 3000), big.indexOf('Q'), big.lastIndexOf('Q'), big.indexOf(Buffer.from('ZaaX')),
    big.lastIndexOf('XYZ', -1200), big.indexOf('aaaa', 4996), big.includes('XYZ', 4998)], [-1,-1,-1,-1,-1,1791,-1,false]);
  check('large ucs2 searches', () => {
    const wideBig = Buffer.from('b'.repeat(3000) + 'ab' + 'b'.repeat(3000), 'ucs2');
    const odd = Buffer.concat([Buffer.from([0x61]), wideBig]);
    return [wideBig.indexOf('ab', 'ucs2'), wideBig.lastIndexOf('ab', 'ucs2'), odd.indexOf('ab', 'ucs2'), odd.lastIndexOf('ab', 'ucs2'), odd.indexOf(Buffer.from('a\u0000b', 'latin1'))];
  }, [6000,6000,-1,-1,6001]);
  check('indexOf on empty buffer', () => [Buffer.alloc(0).indexOf('a'), Buffer.alloc(0).indexOf(''), Buffer.alloc(0).indexOf(0), Buffer.alloc(0).lastIndexOf('')], [-1,0,-1,0]);
  check('includes', () => [hay.includes('€'), hay.includes('zz'), hay.includes(0x78), hay.includes('a', 4), hay.includes(Buffer.from('cab'))], [true,false,true,false,true]);

  // ---- slice, subarray, copy
  checkEach('slice', [[], [1], [1, 3], [-2], [-2, -1], [3, 1], [NaN], [1.7, 3.9], ['1', '3'], [-100, 100], [0, undefined], [undefined, 2], [null, 2]],
    (args) => Buffer.from('hello').slice(...args), [{"Buffer":"68656c6c6f"},{"Buffer":"656c6c6f"},{"Buffer":"656c"},{"Buffer":"6c6f"},{"Buffer":"6c"},{"Buffer":""},{"Buffer":"68656c6c6f"},{"Buffer":"656c"},{"Buffer":"656c"},{"Buffer":"68656c6c6f"},{"Buffer":"68656c6c6f"},{"Buffer":"6865"},{"Buffer":"6865"}]);
  check('slice shares memory', () => {
    const a = Buffer.from('hello');
    const s = a.slice(1, 3);
    const t = a.subarray(2);
    s[0] = 0x45;
    return [a, s, t, Buffer.isBuffer(s), Buffer.isBuffer(t), s.byteOffset - a.byteOffset];
  }, [{"Buffer":"68456c6c6f"},{"Buffer":"456c"},{"Buffer":"6c6c6f"},true,true,1]);
  checkEach('copy', [[0], [2], [0, 1], [0, 1, 3], [3, 0, 5], [9], [0, 4], [0, 0, 0], [-1], [0, -1], [0, 6], [0, 0, -1], [0, 0, 100], [1.5], ['1'], [0, '2', '4'], [undefined, 2]],
    (args) => { const target = Buffer.from('......'); const n = Buffer.from('hello').copy(target, ...args); return [n, target.toString('latin1')]; }, [[5,"hello."],[4,"..hell"],[4,"ello.."],[2,"el...."],[3,"...hel"],[0,"......"],[1,"o....."],[0,"......"],{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"targetStart\" is out of range. It must be >= 0. Received -1"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"sourceStart\" is out of range. It must be >= 0 && <= 5. Received -1"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"sourceStart\" is out of range. It must be >= 0 && <= 5. Received 6"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"sourceEnd\" is out of range. It must be >= 0. Received -1"},[5,"hello."],[5,".hello"],[5,".hello"],[2,"ll...."],[3,"llo..."]]);
  check('copy overlapping', () => { const b = Buffer.from('abcdef'); b.copy(b, 2, 0, 4); return b; }, {"Buffer":"616261626364"});
  check('copy into Uint8Array', () => { const t = new Uint8Array(3); Buffer.from('xyz').copy(t); return t; }, {"Uint8Array":"78797a"});
  check('copy errors', () => Buffer.from('a').copy('b'), {"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"target\" argument must be an instance of Buffer or Uint8Array. Received type string ('b')"});

  // ---- numbers
  const nums = Buffer.from([0x01, 0x02, 0x83, 0xff, 0x7f, 0x80, 0x00, 0xfe, 0x3f, 0xf0]);
  checkEach('integer reads', ['readUInt8', 'readUint8', 'readInt8', 'readUInt16LE', 'readUInt16BE', 'readUint16LE', 'readInt16LE', 'readInt16BE', 'readUInt32LE', 'readUInt32BE',
    'readInt32LE', 'readInt32BE', 'readUint32BE'],
    (m) => [0, 1, 2, 3, 5].map((offset) => nums[m](offset)), [[1,2,131,255,128],[1,2,131,255,128],[1,2,-125,-1,-128],[513,33538,65411,32767,128],[258,643,33791,65407,32768],[513,33538,65411,32767,128],[513,-31998,-125,32767,128],[258,643,-31745,-129,-32768],[4286775809,2147451650,2155872131,8421375,1073610880],[16942079,42205055,2214559616,4286545920,2147548735],[-8191487,2147451650,-2139095165,8421375,1073610880],[16942079,42205055,-2080407680,-8421376,-2147418561],[16942079,42205055,2214559616,4286545920,2147548735]]);
  checkEach('reads with default offset', ['readUInt8', 'readInt16BE', 'readInt32LE', 'readFloatBE', 'readDoubleLE', 'readBigInt64BE'], (m) => nums[m](), [1,258,-8191487,2.3971931553893715e-38,-8.63378162970643e+298,{"bigint":"72765677370343678"}]);
  checkEach('variable-width reads', [['readUIntLE', 1, 3], ['readUIntBE', 1, 3], ['readIntLE', 2, 3], ['readIntBE', 2, 3], ['readUIntLE', 0, 5], ['readIntBE', 3, 5],
    ['readUIntLE', 0, 6], ['readIntLE', 2, 6], ['readIntBE', 0, 6], ['readUintBE', 4, 6], ['readIntLE', 0, 1], ['readUIntLE', 0, 7], ['readUIntLE', 0, 0],
    ['readUIntLE', 0, 2.5], ['readUIntLE', 0, '2'], ['readUIntLE', undefined, 2], ['readIntBE', 6, 6]],
    ([m, offset, size]) => nums[m](offset, size), [16745218,164863,8388483,-8126593,549747622401,-2155872002,141287235977729,-2196867383421,1110316121984,140187749203952,1,{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"byteLength\" is out of range. It must be >= 1 and <= 6. Received 7"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"byteLength\" is out of range. It must be >= 1 and <= 6. Received 0"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"byteLength\" is out of range. It must be an integer. Received 2.5"},{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"byteLength\" argument must be of type number. Received type string ('2')"},{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"offset\" argument must be of type number. Received undefined"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"offset\" is out of range. It must be >= 0 and <= 4. Received 6"}]);
  checkEach('float reads', ['readFloatLE', 'readFloatBE', 'readDoubleLE', 'readDoubleBE'], (m) => [nums[m](0), nums[m](2)], [[{"number":"NaN"},-1.1754768345914834e-38],[2.3971931553893715e-38,-1.5016825537384525e-36],[-8.63378162970643e+298,-4.9668461797067585e+232],[8.437476581201042e-304,-2.0200764501630568e-289]]);
  check('float reads of special values', () => {
    const b = Buffer.from('0000c07f0000807f000080ff00000080', 'hex');
    return [b.readFloatLE(0), b.readFloatLE(4), b.readFloatLE(8), b.readFloatLE(12), Buffer.from('000000000000f87f', 'hex').readDoubleLE(0)];
  }, [{"number":"NaN"},{"number":"Infinity"},{"number":"-Infinity"},{"number":"-0"},{"number":"NaN"}]);
  checkEach('bigint reads', ['readBigUInt64LE', 'readBigUInt64BE', 'readBigInt64LE', 'readBigInt64BE', 'readBigUint64LE', 'readBigUint64BE'], (m) => [nums[m](0), nums[m](2)], [[{"bigint":"18302770172869673473"},{"bigint":"17311834770744803203"}],[{"bigint":"72765677370343678"},{"bigint":"9511461125778980848"}],[{"bigint":"-143973900839878143"},{"bigint":"-1134909302964748413"}],[{"bigint":"72765677370343678"},{"bigint":"-8935282947930570768"}],[{"bigint":"18302770172869673473"},{"bigint":"17311834770744803203"}],[{"bigint":"72765677370343678"},{"bigint":"9511461125778980848"}]]);
  checkEach('read offset errors', [['readUInt8', 10], ['readUInt8', -1], ['readUInt16LE', 9], ['readUInt32BE', 7], ['readInt32LE', 1.5], ['readUInt8', '1'], ['readUInt8', NaN],
    ['readDoubleLE', 3], ['readBigInt64LE', 3], ['readFloatBE', null], ['readUInt16BE', Infinity], ['readUInt8', 2 ** 40]],
    ([m, offset]) => nums[m](offset), [{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"offset\" is out of range. It must be >= 0 and <= 9. Received 10"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"offset\" is out of range. It must be >= 0 and <= 9. Received -1"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"offset\" is out of range. It must be >= 0 and <= 8. Received 9"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"offset\" is out of range. It must be >= 0 and <= 6. Received 7"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"offset\" is out of range. It must be an integer. Received 1.5"},{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"offset\" argument must be of type number. Received type string ('1')"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"offset\" is out of range. It must be an integer. Received NaN"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"offset\" is out of range. It must be >= 0 and <= 2. Received 3"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"offset\" is out of range. It must be >= 0 and <= 2. Received 3"},{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"offset\" argument must be of type number. Received null"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"offset\" is out of range. It must be >= 0 and <= 8. Received Infinity"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"offset\" is out of range. It must be >= 0 and <= 9. Received 1_099_511_627_776"}]);
  check('reads from an empty buffer', () => Buffer.alloc(0).readUInt16LE(0), {"throws":"RangeError","code":"ERR_BUFFER_OUT_OF_BOUNDS","message":"Attempt to access memory outside buffer bounds"});
  check('reads from a short buffer', () => Buffer.alloc(3).readUInt32LE(0), {"throws":"RangeError","code":"ERR_BUFFER_OUT_OF_BOUNDS","message":"Attempt to access memory outside buffer bounds"});

  checkEach('integer writes', [['writeUInt8', 255], ['writeUint8', 1.9], ['writeInt8', -128], ['writeInt8', -1.5], ['writeUInt16LE', 0x1234], ['writeUInt16BE', 0x1234],
    ['writeInt16LE', -2], ['writeInt16BE', -32768], ['writeUInt32LE', 0xdeadbeef], ['writeUInt32BE', 0xdeadbeef], ['writeInt32LE', -1], ['writeInt32BE', -0x80000000],
    ['writeUint32LE', 256.5], ['writeUInt8', NaN], ['writeUInt8', '7'], ['writeUInt16LE', -0]],
    ([m, value]) => { const b = Buffer.alloc(6); const end = b[m](value, 1); return [end, b]; }, [[2,{"Buffer":"00ff00000000"}],[2,{"Buffer":"000100000000"}],[2,{"Buffer":"008000000000"}],[2,{"Buffer":"00ff00000000"}],[3,{"Buffer":"003412000000"}],[3,{"Buffer":"001234000000"}],[3,{"Buffer":"00feff000000"}],[3,{"Buffer":"008000000000"}],[5,{"Buffer":"00efbeadde00"}],[5,{"Buffer":"00deadbeef00"}],[5,{"Buffer":"00ffffffff00"}],[5,{"Buffer":"008000000000"}],[5,{"Buffer":"000001000000"}],[2,{"Buffer":"000000000000"}],[2,{"Buffer":"000700000000"}],[3,{"Buffer":"000000000000"}]]);
  checkEach('integer write range errors', [['writeUInt8', 256], ['writeUInt8', -1], ['writeInt8', 128], ['writeUInt16LE', 65536], ['writeInt16BE', -32769],
    ['writeUInt32LE', 2 ** 32], ['writeInt32BE', 2 ** 31], ['writeInt32LE', -(2 ** 31) - 1], ['writeUInt32LE', 2 ** 40 + 3], ['writeUInt16LE', 1e21], ['writeUInt8', Infinity]],
    ([m, value]) => Buffer.alloc(6)[m](value, 0), [{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"value\" is out of range. It must be >= 0 and <= 255. Received 256"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"value\" is out of range. It must be >= 0 and <= 255. Received -1"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"value\" is out of range. It must be >= -128 and <= 127. Received 128"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"value\" is out of range. It must be >= 0 and <= 65535. Received 65536"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"value\" is out of range. It must be >= -32768 and <= 32767. Received -32769"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"value\" is out of range. It must be >= 0 and <= 4294967295. Received 4294967296"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"value\" is out of range. It must be >= -2147483648 and <= 2147483647. Received 2147483648"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"value\" is out of range. It must be >= -2147483648 and <= 2147483647. Received -2147483649"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"value\" is out of range. It must be >= 0 and <= 4294967295. Received 1_099_511_627_779"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"value\" is out of range. It must be >= 0 and <= 65535. Received 1e_+21"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"value\" is out of range. It must be >= 0 and <= 255. Received Infinity"}]);
  checkEach('write offset errors', [['writeUInt8', 1, 6], ['writeUInt8', 1, -1], ['writeUInt8', 1, '0'], ['writeUInt16LE', 1, 5], ['writeUInt32BE', 1, 1.5],
    ['writeDoubleLE', 1, 1], ['writeFloatBE', 1, 3], ['writeUInt8', 300, 'x'], ['writeUInt16LE', 70000, 'x'], ['writeBigUInt64LE', 1n, 1]],
    ([m, value, offset]) => Buffer.alloc(6)[m](value, offset), [{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"offset\" is out of range. It must be >= 0 and <= 5. Received 6"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"offset\" is out of range. It must be >= 0 and <= 5. Received -1"},{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"offset\" argument must be of type number. Received type string ('0')"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"offset\" is out of range. It must be >= 0 and <= 4. Received 5"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"offset\" is out of range. It must be an integer. Received 1.5"},{"throws":"RangeError","code":"ERR_BUFFER_OUT_OF_BOUNDS","message":"Attempt to access memory outside buffer bounds"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"offset\" is out of range. It must be >= 0 and <= 2. Received 3"},{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"offset\" argument must be of type number. Received type string ('x')"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"value\" is out of range. It must be >= 0 and <= 65535. Received 70000"},{"throws":"RangeError","code":"ERR_BUFFER_OUT_OF_BOUNDS","message":"Attempt to access memory outside buffer bounds"}]);
  checkEach('variable-width writes', [['writeUIntLE', 0x123456, 0, 3], ['writeUIntBE', 0x123456, 0, 3], ['writeIntLE', -2, 0, 3], ['writeIntBE', -0x800000, 0, 3],
    ['writeUIntLE', 0x123456789a, 0, 5], ['writeIntBE', -2, 0, 5], ['writeUIntLE', 0xffffffffffff, 0, 6], ['writeIntLE', -0x800000000000, 0, 6], ['writeIntBE', 0x7fffffffffff, 0, 6],
    ['writeUintBE', 7, 1, 1], ['writeIntLE', -1, 2, 2], ['writeUIntLE', 2 ** 48, 0, 6], ['writeIntBE', 2 ** 39, 0, 5], ['writeUIntLE', 1, 0, 7], ['writeUIntLE', 1, 0, '3'],
    ['writeUIntLE', 1, 4, 3], ['writeIntLE', 2 ** 23, 0, 3]],
    ([m, value, offset, size]) => { const b = Buffer.alloc(6); const end = b[m](value, offset, size); return [end, b]; }, [[3,{"Buffer":"563412000000"}],[3,{"Buffer":"123456000000"}],[3,{"Buffer":"feffff000000"}],[3,{"Buffer":"800000000000"}],[5,{"Buffer":"9a7856341200"}],[5,{"Buffer":"fffffffffe00"}],[6,{"Buffer":"ffffffffffff"}],[6,{"Buffer":"000000000080"}],[6,{"Buffer":"7fffffffffff"}],[2,{"Buffer":"000700000000"}],[4,{"Buffer":"0000ffff0000"}],{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"value\" is out of range. It must be >= 0 and < 2 ** 48. Received 281_474_976_710_656"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"value\" is out of range. It must be >= -(2 ** 39) and < 2 ** 39. Received 549_755_813_888"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"byteLength\" is out of range. It must be >= 1 and <= 6. Received 7"},{"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"byteLength\" argument must be of type number. Received type string ('3')"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"offset\" is out of range. It must be >= 0 and <= 3. Received 4"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"value\" is out of range. It must be >= -8388608 and <= 8388607. Received 8388608"}]);
  checkEach('float writes', [['writeFloatLE', 1.5], ['writeFloatBE', -0], ['writeFloatLE', NaN], ['writeFloatBE', Infinity], ['writeFloatLE', 1e40], ['writeFloatLE', 0.1],
    ['writeDoubleLE', 0.1], ['writeDoubleBE', -1e300], ['writeDoubleLE', NaN], ['writeDoubleBE', '2.5'], ['writeDoubleLE', 'x']],
    ([m, value]) => { const b = Buffer.alloc(9); const end = b[m](value, 1); return [end, b]; }, [[5,{"Buffer":"000000c03f00000000"}],[5,{"Buffer":"008000000000000000"}],[5,{"Buffer":"000000c07f00000000"}],[5,{"Buffer":"007f80000000000000"}],[5,{"Buffer":"000000807f00000000"}],[5,{"Buffer":"00cdcccc3d00000000"}],[9,{"Buffer":"009a9999999999b93f"}],[9,{"Buffer":"00fe37e43c8800759c"}],[9,{"Buffer":"00000000000000f87f"}],[9,{"Buffer":"004004000000000000"}],[9,{"Buffer":"00000000000000f87f"}]]);
  checkEach('bigint writes', [['writeBigUInt64LE', 0x0102030405060708n], ['writeBigUInt64BE', 0x0102030405060708n], ['writeBigInt64LE', -2n], ['writeBigInt64BE', -(2n ** 63n)],
    ['writeBigUint64LE', 2n ** 64n - 1n], ['writeBigUInt64LE', 2n ** 64n], ['writeBigInt64LE', 2n ** 63n], ['writeBigUInt64BE', -1n]],
    ([m, value]) => { const b = Buffer.alloc(9); const end = b[m](value, 1); return [end, b]; }, [[9,{"Buffer":"000807060504030201"}],[9,{"Buffer":"000102030405060708"}],[9,{"Buffer":"00feffffffffffffff"}],[9,{"Buffer":"008000000000000000"}],[9,{"Buffer":"00ffffffffffffffff"}],{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"value\" is out of range. It must be >= 0n and < 2n ** 64n. Received 18_446_744_073_709_551_616n"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"value\" is out of range. It must be >= -(2n ** 63n) and < 2n ** 63n. Received 9_223_372_036_854_775_808n"},{"throws":"RangeError","code":"ERR_OUT_OF_RANGE","message":"The value of \"value\" is out of range. It must be >= 0n and < 2n ** 64n. Received -1n"}]);
  // The engines word this TypeError differently.
  check('bigint writes reject numbers', () => { try { Buffer.alloc(8).writeBigInt64BE(5); } catch (err) { return err.name; } }, "TypeError");
  check('number methods round-trip', () => {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(Math.PI);
    const pi = b.readDoubleBE();
    b.writeInt32LE(-123456);
    return [pi, b.readInt32LE(), b.readUInt32LE()];
  }, [3.141592653589793,-123456,4294843840]);

  // ---- swaps
  checkEach('swaps', [['swap16', '0102030405060708'], ['swap32', '0102030405060708'], ['swap64', '0102030405060708'], ['swap16', '010203'], ['swap32', '010203040506'],
    ['swap64', '01'], ['swap16', '']],
    ([m, hex]) => Buffer.from(hex, 'hex')[m](), [{"Buffer":"0201040306050807"},{"Buffer":"0403020108070605"},{"Buffer":"0807060504030201"},{"throws":"RangeError","code":"ERR_INVALID_BUFFER_SIZE","message":"Buffer size must be a multiple of 16-bits"},{"throws":"RangeError","code":"ERR_INVALID_BUFFER_SIZE","message":"Buffer size must be a multiple of 32-bits"},{"throws":"RangeError","code":"ERR_INVALID_BUFFER_SIZE","message":"Buffer size must be a multiple of 64-bits"},{"Buffer":""}]);

  // ---- JSON, identity, iteration
  check('toJSON', () => [Buffer.from('hi').toJSON(), Buffer.alloc(0).toJSON(), JSON.stringify({ b: Buffer.from([1, 2]) })], [{"type":"Buffer","data":[104,105]},{"type":"Buffer","data":[]},"{\"b\":{\"type\":\"Buffer\",\"data\":[1,2]}}"]);
  check('isBuffer', () => [Buffer.isBuffer(Buffer.alloc(1)), Buffer.isBuffer(new Uint8Array(1)), Buffer.isBuffer('a'), Buffer.isBuffer(null), Buffer.from('a') instanceof Uint8Array], [true,false,false,false,true]);
  checkEach('isEncoding', ['utf8', 'UTF-8', 'binary', 'Base64url', 'ucs-2', 'utf16le', '', 'bogus', null, 5, undefined, 'latin-1'], (e) => Buffer.isEncoding(e), [true,true,true,true,true,true,false,false,false,false,false,false]);
  check('iteration', () => {
    const b = Buffer.from('abc');
    const seen = [];
    for (const byte of b) seen.push(byte);
    return [seen, [...b.keys()], [...b.entries()], b.length, b[1], b[5]];
  }, [[97,98,99],[0,1,2],[[0,97],[1,98],[2,99]],3,98,{"undefined":true}]);
  check('typed array methods make Buffers', () => {
    const b = Buffer.from([1, 2, 3]);
    const mapped = b.map((x) => x * 2);
    const filtered = b.filter((x) => x > 1);
    return [mapped, Buffer.isBuffer(mapped), filtered, Buffer.isBuffer(filtered), b.reverse(), Array.from(b)];
  }, [{"Buffer":"020406"},true,{"Buffer":"0203"},true,{"Buffer":"030201"},[3,2,1]]);
  check('index writes wrap', () => { const b = Buffer.alloc(3); b[0] = 256; b[1] = -1; b[2] = 3.7; b[5] = 1; return [b, b[5]]; }, [{"Buffer":"00ff03"},{"undefined":true}]);
  check('constructor and prototype', () => {
    const b = Buffer.from('a');
    return [b.constructor === Buffer, b.constructor.name, Object.getPrototypeOf(Buffer) === Uint8Array, typeof Buffer.prototype.readUInt8, b.parent === b.buffer,
      b.offset === b.byteOffset, Buffer.poolSize];
  }, [true,"Buffer",true,"function",true,true,8192]);
  check('custom inspect', () => {
    const inspectBuffer = Buffer.prototype[Symbol.for('nodejs.util.inspect.custom')];
    return [inspectBuffer.call(Buffer.from('hi')), inspectBuffer.call(Buffer.alloc(0)), inspectBuffer.call(Buffer.alloc(51)), inspectBuffer.call(Buffer.alloc(60, 1))];
  }, ["<Buffer 68 69>","<Buffer >","<Buffer 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ... 1 more byte>","<Buffer 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 ... 10 more bytes>"]);

  // ---- errors and exports
  check('error shape', () => {
    try {
      Buffer.alloc(1).readUInt8(5);
    } catch (err) {
      return [err instanceof RangeError, err.name, err.code, String(err), Object.keys(err)];
    }
  }, [true,"RangeError","ERR_OUT_OF_RANGE","RangeError [ERR_OUT_OF_RANGE]: The value of \"offset\" is out of range. It must be >= 0 and <= 0. Received 5",["code"]]);
  check('module exports', () => [buffer.kMaxLength, buffer.kStringMaxLength, buffer.constants, buffer.INSPECT_MAX_BYTES], [4294967296,536870888,{"MAX_LENGTH":4294967296,"MAX_STRING_LENGTH":536870888},50]);
  checkEach('isUtf8 and isAscii', [[0x61], [0xc3, 0xa9], [0xc3], [0xed, 0xa0, 0x80], []],
    (bytes) => [buffer.isUtf8(new Uint8Array(bytes)), buffer.isAscii(Buffer.from(bytes))], [[true,true],[true,false],[false,false],[false,false],[true,true]]);
  check('isUtf8 type error', () => buffer.isUtf8('abc'), {"throws":"TypeError","code":"ERR_INVALID_ARG_TYPE","message":"The \"input\" argument must be an instance of ArrayBuffer, Buffer, or TypedArray. Received type string ('abc')"});

  finish();
})();
