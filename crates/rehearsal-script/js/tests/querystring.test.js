// Tests for js/querystring.js. Every expected value below was produced by running the same
// case in Node 20 (node v20.20.2) with its own `querystring` module; the file passes under
// both Node (with __modules holding Node's modules) and QuickJS (with __modules holding the
// polyfills), each after js/tests/harness.js. parse() results have a null prototype, shown as
// {"nullPrototype": {...}}.
(function () {
  'use strict';
  const { buffer, querystring } = __modules;
  const { check, checkEach, finish } = __tester('querystring');

  const qs = querystring;

  checkEach('parse', ['', 'a=1', 'a=1&b=2', 'a=1&a=2&a=3', 'a', 'a=', '=b', '=', '&&', 'a=1&&b=2&', '&a=1', 'a=b=c', 'a+b=c+d', 'a%20b=c%20d', 'a=%', 'a=%2', 'a=%zz',
    'a=%41%42', 'a=%E2%82%AC', 'a=%E2%82', 'a=%C3%A9&%C3%A9=x', 'a=%u00e9', 'é=ü', '%ZZ=1', 'a[]=1&a[]=2', 'a.b=1', '__proto__=x', 'constructor=y&hasOwnProperty=z', 'toString=1',
    'a=1;b=2', ' a = 1 ', 'a=%2B', 'x=%F0%9F%98%80', 'a=%ff', 'a%=b', 'q=a%2Bb+c', 'a=1&A=2', '%2=1', 'a+=1&a%20=2'],
    (s) => qs.parse(s), [{"nullPrototype":{}},{"nullPrototype":{"a":"1"}},{"nullPrototype":{"a":"1","b":"2"}},{"nullPrototype":{"a":["1","2","3"]}},{"nullPrototype":{"a":""}},{"nullPrototype":{"a":""}},{"nullPrototype":{"":"b"}},{"nullPrototype":{"":""}},{"nullPrototype":{}},{"nullPrototype":{"a":"1","b":"2"}},{"nullPrototype":{"a":"1"}},{"nullPrototype":{"a":"b=c"}},{"nullPrototype":{"a b":"c d"}},{"nullPrototype":{"a b":"c d"}},{"nullPrototype":{"a":"%"}},{"nullPrototype":{"a":"%2"}},{"nullPrototype":{"a":"%zz"}},{"nullPrototype":{"a":"AB"}},{"nullPrototype":{"a":"€"}},{"nullPrototype":{"a":"�"}},{"nullPrototype":{"a":"é","é":"x"}},{"nullPrototype":{"a":"%u00e9"}},{"nullPrototype":{"é":"ü"}},{"nullPrototype":{"%ZZ":"1"}},{"nullPrototype":{"a[]":["1","2"]}},{"nullPrototype":{"a.b":"1"}},{"nullPrototype":{}},{"nullPrototype":{"constructor":"y","hasOwnProperty":"z"}},{"nullPrototype":{"toString":"1"}},{"nullPrototype":{"a":"1;b=2"}},{"nullPrototype":{" a ":" 1 "}},{"nullPrototype":{"a":"+"}},{"nullPrototype":{"x":"😀"}},{"nullPrototype":{"a":"�"}},{"nullPrototype":{"a%":"b"}},{"nullPrototype":{"q":"a+b c"}},{"nullPrototype":{"a":"1","A":"2"}},{"nullPrototype":{"%2":"1"}},{"nullPrototype":{"a ":["1","2"]}}]);
  checkEach('parse with sep and eq', [['a:1;b:2', ';', ':'], ['a=>1||b=>2', '||', '=>'], ['a=1&b=2', null, null], ['a=1&b=2', '', ''], ['a||=1|b', '||'], ['a==1', '&', '=='],
    ['a=1&b=2', '&', '=='], ['a1b', 1], ['aXXbYYcXXd', 'YY', 'XX'], ['a&=b', '&='], ['a=1', { toString() { return '='; } }]],
    (args) => qs.parse(...args), [{"nullPrototype":{"a":"1","b":"2"}},{"nullPrototype":{"a":"1","b":"2"}},{"nullPrototype":{"a":"1","b":"2"}},{"nullPrototype":{"a":"1","b":"2"}},{"nullPrototype":{"a":"","":"1|b"}},{"nullPrototype":{"a":"1"}},{"nullPrototype":{"a=1":"","b=2":""}},{"nullPrototype":{"a":"","b":""}},{"nullPrototype":{"a":"b","c":"d"}},{"nullPrototype":{"a":"","b":""}},{"nullPrototype":{"1":"","a":""}}]);
  checkEach('parse options', [[{ maxKeys: 2 }], [{ maxKeys: 0 }], [{ maxKeys: -1 }], [{ maxKeys: 'x' }], [{ decodeURIComponent: (s) => s.toUpperCase() }],
    [{ decodeURIComponent: () => { throw new Error('x'); } }], [{ decodeURIComponent: decodeURIComponent }]],
    ([options]) => qs.parse('a=1&b=x%20y&c=3+4&d=%E2%82%AC&e=%zz', null, null, options), [{"nullPrototype":{"a":"1","b":"x y"}},{"nullPrototype":{"a":"1","b":"x y","c":"3 4","d":"€","e":"%zz"}},{"nullPrototype":{"a":"1","b":"x y","c":"3 4","d":"€","e":"%zz"}},{"nullPrototype":{"a":"1","b":"x y","c":"3 4","d":"€","e":"%zz"}},{"nullPrototype":{"A":"1","B":"X%20Y","C":"3%204","D":"%E2%82%AC","E":"%ZZ"}},{"nullPrototype":{"a":"1","b":"x y","c":"3 4","d":"€","e":"%zz"}},{"nullPrototype":{"a":"1","b":"x y","c":"3 4","d":"€","e":"%zz"}}]);
  check('parse many keys', () => Object.keys(qs.parse(Array.from({ length: 1005 }, (_, i) => `k${i}=${i}`).join('&'))).length, 1000);
  checkEach('parse non-strings', [undefined, null, 5, {}, ['a=1']], (v) => qs.parse(v), [{"nullPrototype":{}},{"nullPrototype":{}},{"nullPrototype":{}},{"nullPrototype":{}},{"nullPrototype":{}}]);

  checkEach('stringify', [{}, { a: 1, b: 'x y' }, { a: [1, 2, 3] }, { a: [] }, { a: [], b: 1 }, { é: 'ü€', 'a b': 'c&d=e' }, { n: -0, i: Infinity, nan: NaN, big: 1e21, small: 1.5e-7 },
    { t: true, f: false, u: undefined, nl: null, o: { x: 1 }, fn() {}, s: Symbol('s') }, { b: 10n }, { s: "!'()*-._~" }, { s: '\ud83d\ude00' }, { a: ['x', null, { y: 1 }] },
    { '': '' }, { a: '' }, Object.assign(Object.create({ inherited: 1 }), { own: 2 }), [1, 2], 'str', null, 5],
    (v) => qs.stringify(v), ["","a=1&b=x%20y","a=1&a=2&a=3","","b=1","%C3%A9=%C3%BC%E2%82%AC&a%20b=c%26d%3De","n=0&i=&nan=&big=1e%2B21&small=1.5e-7","t=true&f=false&u=&nl=&o=&fn=&s=","b=10","s=!'()*-._~","s=%F0%9F%98%80","a=x&a=&a=","=","a=","own=2","0=1&1=2","","",""]);
  checkEach('stringify with sep and eq', [[{ a: 1, b: [2, 3] }, ';', ':'], [{ a: 1 }, '', ''], [{ a: 1, b: 2 }, null, '=>']], (args) => qs.stringify(...args), ["a:1;b:2;b:3","a=1","a=>1&b=>2"]);
  check('stringify with a custom encoder', () => [qs.stringify({ 'a b': 'c d', n: 5, big: 1e21, t: true, nl: null }, null, null, { encodeURIComponent: (s) => `<${s}>` }),
    qs.stringify({ a: 'é' }, null, null, { encodeURIComponent: escape })], ["<a b>=<c d>&<n>=<5>&<big>=<1e+21>&<t>=<true>&<nl>=<>","a=%E9"]);
  checkEach('stringify lone surrogates', [{ a: '\ud800' }, { a: '\udc00x' }, { a: 'x\ud800y' }], (v) => qs.stringify(v), [{"throws":"URIError","code":"ERR_INVALID_URI","message":"URI malformed"},"a=%F0%90%81%B8","a=x%F0%90%81%B9"]);

  checkEach('escape', ['a b', 'é€😀', "!'()*-._~", '&=+/?#%', '', 5, null, undefined, true, { toString() { return 'obj'; } }, ['a', 'b'], '\udc00\ud800', '\ud800'],
    (v) => qs.escape(v), ["a%20b","%C3%A9%E2%82%AC%F0%9F%98%80","!'()*-._~","%26%3D%2B%2F%3F%23%25","","5","null","undefined","true","obj","a%2Cb","%F0%90%80%80",{"throws":"URIError","code":"ERR_INVALID_URI","message":"URI malformed"}]);
  checkEach('unescape', ['a%20b', 'a+b', '%E2%82%AC', '%zz', '%', '%E2%82', '%41%', 'abc', '%u00e9', '%C3%A9%C3'], (s) => qs.unescape(s), ["a b","a+b","€","%zz","%","�","A%","abc","%u00e9","é�"]);
  checkEach('unescape with decodeSpaces', ['a+b', 'a+b%zz', '%+'], (s) => qs.unescape(s, true), ["a+b","a b%zz","% "]);
  checkEach('unescapeBuffer', ['a%20b', 'a+b', '%zz%41', '%4', 'é%C3%A9', ''], (s) => [qs.unescapeBuffer(s), qs.unescapeBuffer(s, true)], [[{"Buffer":"612062"},{"Buffer":"612062"}],[{"Buffer":"612b62"},{"Buffer":"612062"}],[{"Buffer":"257a7a41"},{"Buffer":"257a7a41"}],[{"Buffer":"2534"},{"Buffer":"2534"}],[{"Buffer":"e9c3a9"},{"Buffer":"e9c3a9"}],[{"Buffer":""},{"Buffer":""}]]);
  check('aliases', () => [qs.encode === qs.stringify, qs.decode === qs.parse], [true,true]);
  check('round trip', () => qs.parse(qs.stringify({ a: ['1', 'two words'], 'k&y': 'v=l', u: 'é😀' })), {"nullPrototype":{"a":["1","two words"],"k&y":"v=l","u":"é😀"}});
  check('replaced escape and unescape are used', () => {
    const escape = qs.escape;
    const unescape = qs.unescape;
    qs.escape = (s) => `[${s}]`;
    qs.unescape = (s) => `{${s}}`;
    try {
      return [qs.stringify({ a: 'b' }), qs.parse('a=b&c=%41')];
    } finally {
      qs.escape = escape;
      qs.unescape = unescape;
    }
  }, ["[a]=[b]",{"nullPrototype":{"{a}":"{b}","{c}":"{%41}"}}]);

  finish();
})();
