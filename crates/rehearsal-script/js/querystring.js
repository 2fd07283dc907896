// Node's `querystring` module for injected scripts, in plain ECMAScript for QuickJS: a port
// of Node 20's lib/querystring.js and lib/internal/querystring.js. Loaded after buffer.js,
// so the global Buffer exists. The file's completion value is the module's exports.
(function () {
  'use strict';

  // '%00' to '%FF'.
  const hexTable = Array.from({ length: 256 }, (_, i) => `%${i.toString(16).toUpperCase().padStart(2, '0')}`);

  // Whether a char code below 128 is a hex digit.
  const isHexTable = new Int8Array(128);
  for (const c of '0123456789abcdefABCDEF') isHexTable[c.charCodeAt(0)] = 1;

  // Chars below 128 that escape() leaves alone: A-Z a-z 0-9 - . _ ~ ! ' ( ) *
  const noEscape = new Int8Array(128);
  for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!'()*") {
    noEscape[c.charCodeAt(0)] = 1;
  }

  // Percent-encodes the UTF-8 of `str`, except the chars `noEscapeTable` marks. Unlike
  // encodeURIComponent it pairs a lone low surrogate with whatever follows, as Node does.
  function encodeStr(str, noEscapeTable) {
    const len = str.length;
    if (len === 0) return '';
    let out = '';
    let lastPos = 0;
    for (let i = 0; i < len; i++) {
      let c = str.charCodeAt(i);
      if (c < 0x80) {
        if (noEscapeTable[c] !== 1) {
          if (lastPos < i) out += str.slice(lastPos, i);
          lastPos = i + 1;
          out += hexTable[c];
        }
        continue;
      }
      if (lastPos < i) out += str.slice(lastPos, i);
      if (c < 0x800) {
        lastPos = i + 1;
        out += hexTable[0xc0 | (c >> 6)] + hexTable[0x80 | (c & 0x3f)];
        continue;
      }
      if (c < 0xd800 || c >= 0xe000) {
        lastPos = i + 1;
        out += hexTable[0xe0 | (c >> 12)] + hexTable[0x80 | ((c >> 6) & 0x3f)] + hexTable[0x80 | (c & 0x3f)];
        continue;
      }
      // A surrogate pair.
      ++i;
      if (i >= len) {
        const err = new URIError('URI malformed');
        err.code = 'ERR_INVALID_URI';
        throw err;
      }
      const c2 = str.charCodeAt(i) & 0x3ff;
      lastPos = i + 1;
      c = 0x10000 + (((c & 0x3ff) << 10) | c2);
      out += hexTable[0xf0 | (c >> 18)] + hexTable[0x80 | ((c >> 12) & 0x3f)] +
        hexTable[0x80 | ((c >> 6) & 0x3f)] + hexTable[0x80 | (c & 0x3f)];
    }
    if (lastPos === 0) return str;
    if (lastPos < len) return out + str.slice(lastPos);
    return out;
  }

  function hexValue(code) {
    return code < 128 && isHexTable[code] === 1 ? parseInt(String.fromCharCode(code), 16) : -1;
  }

  // A forgiving decodeURIComponent: malformed escapes stay as they are, and '+' becomes a
  // space when `decodeSpaces` is set. Returns the bytes.
  function unescapeBuffer(s, decodeSpaces) {
    const out = Buffer.allocUnsafe(s.length);
    let index = 0;
    let outIndex = 0;
    let currentChar;
    let hasHex = false;
    const maxLength = s.length - 2;
    while (index < s.length) {
      currentChar = s.charCodeAt(index);
      if (currentChar === 43 /* '+' */ && decodeSpaces) {
        out[outIndex++] = 32;
        index++;
        continue;
      }
      if (currentChar === 37 /* '%' */ && index < maxLength) {
        currentChar = s.charCodeAt(++index);
        const hexHigh = hexValue(currentChar);
        if (!(hexHigh >= 0)) {
          out[outIndex++] = 37;
          continue;
        }
        const hexLow = hexValue(s.charCodeAt(++index));
        if (!(hexLow >= 0)) {
          out[outIndex++] = 37;
          index--;
        } else {
          hasHex = true;
          currentChar = hexHigh * 16 + hexLow;
        }
      }
      out[outIndex++] = currentChar;
      index++;
    }
    return hasHex ? out.slice(0, outIndex) : out;
  }

  function qsUnescape(s, decodeSpaces) {
    try {
      return decodeURIComponent(s);
    } catch {
      return exports.unescapeBuffer(s, decodeSpaces).toString();
    }
  }

  function qsEscape(str) {
    if (typeof str !== 'string') {
      if (typeof str === 'object') str = String(str);
      else str += '';
    }
    return encodeStr(str, noEscape);
  }

  function stringifyPrimitive(v) {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return '' + v;
    if (typeof v === 'bigint') return '' + v;
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    return '';
  }

  // With the default encoder, numbers below 1e21 need no escaping (larger ones have a '+').
  function encodeStringified(v, encode) {
    if (typeof v === 'string') return v.length ? encode(v) : '';
    if (typeof v === 'number' && Number.isFinite(v)) return Math.abs(v) < 1e21 ? '' + v : encode('' + v);
    if (typeof v === 'bigint') return '' + v;
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    return '';
  }

  function encodeStringifiedCustom(v, encode) {
    return encode(stringifyPrimitive(v));
  }

  function stringify(obj, sep, eq, options) {
    sep = sep || '&';
    eq = eq || '=';
    let encode = exports.escape;
    if (options && typeof options.encodeURIComponent === 'function') encode = options.encodeURIComponent;
    const convert = encode === qsEscape ? encodeStringified : encodeStringifiedCustom;

    if (obj === null || typeof obj !== 'object') return '';
    let fields = '';
    for (const k of Object.keys(obj)) {
      const v = obj[k];
      const ks = convert(k, encode) + eq;
      if (Array.isArray(v)) {
        if (v.length === 0) continue;
        if (fields) fields += sep;
        for (let j = 0; j < v.length; ++j) {
          if (j) fields += sep;
          fields += ks + convert(v[j], encode);
        }
      } else {
        if (fields) fields += sep;
        fields += ks + convert(v, encode);
      }
    }
    return fields;
  }

  function charCodes(str) {
    return Array.from({ length: str.length }, (_, i) => str.charCodeAt(i));
  }

  function decodeStr(s, decoder) {
    try {
      return decoder(s);
    } catch {
      return exports.unescape(s, true);
    }
  }

  // Repeated keys collect their values in an array.
  function addKeyVal(obj, key, value, keyEncoded, valEncoded, decode) {
    if (key.length > 0 && keyEncoded) key = decodeStr(key, decode);
    if (value.length > 0 && valEncoded) value = decodeStr(value, decode);
    if (obj[key] === undefined) {
      obj[key] = value;
    } else {
      const curValue = obj[key];
      if (curValue.pop) curValue[curValue.length] = value;
      else obj[key] = [curValue, value];
    }
  }

  // Splits on `sep` and `eq` (strings of any length) in one pass. Keys and values are only
  // decoded when they hold a '%XX' escape, or always with a custom decodeURIComponent.
  function parse(qs, sep, eq, options) {
    const obj = { __proto__: null };
    if (typeof qs !== 'string' || qs.length === 0) return obj;

    const sepCodes = !sep ? [38] : charCodes(String(sep)); // '&'
    const eqCodes = !eq ? [61] : charCodes(String(eq)); // '='
    const sepLen = sepCodes.length;
    const eqLen = eqCodes.length;

    // -1 stands for no limit: the count is only ever compared with 0.
    let pairs = 1000;
    if (options && typeof options.maxKeys === 'number') pairs = options.maxKeys > 0 ? options.maxKeys : -1;

    let decode = exports.unescape;
    if (options && typeof options.decodeURIComponent === 'function') decode = options.decodeURIComponent;
    const customDecode = decode !== qsUnescape;

    let lastPos = 0;
    let sepIdx = 0;
    let eqIdx = 0;
    let key = '';
    let value = '';
    let keyEncoded = customDecode;
    let valEncoded = customDecode;
    const plusChar = customDecode ? '%20' : ' ';
    let encodeCheck = 0;
    for (let i = 0; i < qs.length; ++i) {
      const code = qs.charCodeAt(i);

      if (code === sepCodes[sepIdx]) {
        if (++sepIdx === sepLen) {
          // The end of a key/value pair.
          const end = i - sepIdx + 1;
          if (eqIdx < eqLen) {
            // No (complete) '=': it was all key.
            if (lastPos < end) {
              key += qs.slice(lastPos, end);
            } else if (key.length === 0) {
              // Nothing between two separators.
              if (--pairs === 0) return obj;
              lastPos = i + 1;
              sepIdx = eqIdx = 0;
              continue;
            }
          } else if (lastPos < end) {
            value += qs.slice(lastPos, end);
          }
          addKeyVal(obj, key, value, keyEncoded, valEncoded, decode);
          if (--pairs === 0) return obj;
          keyEncoded = valEncoded = customDecode;
          key = value = '';
          encodeCheck = 0;
          lastPos = i + 1;
          sepIdx = eqIdx = 0;
        }
        continue;
      }
      sepIdx = 0;
      if (eqIdx < eqLen) {
        // Still in the key.
        if (code === eqCodes[eqIdx]) {
          if (++eqIdx === eqLen) {
            const end = i - eqIdx + 1;
            if (lastPos < end) key += qs.slice(lastPos, end);
            encodeCheck = 0;
            lastPos = i + 1;
          }
          continue;
        }
        eqIdx = 0;
        if (!keyEncoded) {
          if (code === 37 /* '%' */) {
            encodeCheck = 1;
            continue;
          } else if (encodeCheck > 0) {
            if (code < 128 && isHexTable[code] === 1) {
              if (++encodeCheck === 3) keyEncoded = true;
              continue;
            }
            encodeCheck = 0;
          }
        }
        if (code === 43 /* '+' */) {
          if (lastPos < i) key += qs.slice(lastPos, i);
          key += plusChar;
          lastPos = i + 1;
          continue;
        }
      }
      if (code === 43 /* '+' */) {
        if (lastPos < i) value += qs.slice(lastPos, i);
        value += plusChar;
        lastPos = i + 1;
      } else if (!valEncoded) {
        if (code === 37 /* '%' */) {
          encodeCheck = 1;
        } else if (encodeCheck > 0) {
          if (code < 128 && isHexTable[code] === 1) {
            if (++encodeCheck === 3) valEncoded = true;
          } else {
            encodeCheck = 0;
          }
        }
      }
    }

    // What is left after the last separator.
    if (lastPos < qs.length) {
      if (eqIdx < eqLen) key += qs.slice(lastPos);
      else if (sepIdx < sepLen) value += qs.slice(lastPos);
    } else if (eqIdx === 0 && key.length === 0) {
      return obj;
    }
    addKeyVal(obj, key, value, keyEncoded, valEncoded, decode);
    return obj;
  }

  // parse and stringify look escape/unescape up here, so that replacing them (as Node
  // allows) changes how they encode and decode.
  const exports = {
    unescapeBuffer,
    unescape: qsUnescape,
    escape: qsEscape,
    stringify,
    encode: stringify,
    parse,
    decode: parse,
  };
  return exports;
})()
