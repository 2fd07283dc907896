// Node's `buffer` module for injected scripts, in plain ECMAScript for QuickJS.
//
// The behaviour, the range checks and the error messages follow Node 20's lib/buffer.js and
// lib/internal/buffer.js; the parts Node does in C++ (string codecs, search, compare) are done
// here with the engine's native string functions where possible, because a byte-by-byte loop
// in QuickJS costs about 90 ns per byte. The file's completion value is the module's exports.
(function () {
  'use strict';

  // Node 20's limits on 64-bit systems; they appear in its range checks and messages.
  const kMaxLength = 2 ** 32;
  const kStringMaxLength = 2 ** 29 - 24;
  const INSPECT_MAX_BYTES = 50;

  // Most arguments String.fromCharCode.apply is given at once.
  const CHUNK = 8192;

  // The codecs below read and write 16- and 32-bit words through typed arrays, which use the
  // host's byte order; rehearsal runs on little-endian hosts (x86-64, aarch64).
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new Error('buffer.js needs a little-endian host');
  }

  // ---------------------------------------------------------------------------------------
  // Errors: the class, `code` and message text Node gives.

  function nodeError(Base, code, message) {
    const err = new Base(message);
    err.code = code;
    Object.defineProperty(err, 'toString', {
      value() { return `${this.name} [${this.code}]: ${this.message}`; },
      writable: true,
      configurable: true,
    });
    return err;
  }

  // The description of a wrong value in ERR_INVALID_ARG_TYPE ("Received ...").
  function describeType(value) {
    if (value === null || value === undefined) return String(value);
    switch (typeof value) {
      case 'bigint': return `type bigint (${value}n)`;
      case 'number': return `type number (${Object.is(value, -0) ? '-0' : value})`;
      case 'boolean': return `type boolean (${value})`;
      case 'symbol': return `type symbol (${String(value)})`;
      case 'function': return `function ${value.name}`;
      case 'string': {
        const shown = value.length > 28 ? `${value.slice(0, 25)}...` : value;
        return shown.includes("'") ? `type string (${JSON.stringify(shown)})` : `type string ('${shown}')`;
      }
      default:
        if (value.constructor && 'name' in value.constructor) {
          return `an instance of ${value.constructor.name}`;
        }
        return '[Object: null prototype] {}';
    }
  }

  // `expected` is Node's wording after "must be", e.g. 'of type number'.
  function invalidArgType(name, expected, actual) {
    let subject;
    if (name.endsWith(' argument')) subject = name;
    else subject = `"${name}" ${name.includes('.') ? 'property' : 'argument'}`;
    return nodeError(TypeError, 'ERR_INVALID_ARG_TYPE',
      `The ${subject} must be ${expected}. Received ${describeType(actual)}`);
  }

  // 1234567 -> '1_234_567', as Node's messages print large integers.
  function addNumericalSeparator(digits) {
    let res = '';
    let i = digits.length;
    const start = digits[0] === '-' ? 1 : 0;
    for (; i >= start + 4; i -= 3) res = `_${digits.slice(i - 3, i)}${res}`;
    return `${digits.slice(0, i)}${res}`;
  }

  function outOfRange(name, range, received) {
    let shown;
    if (Number.isInteger(received) && Math.abs(received) > 2 ** 32) {
      shown = addNumericalSeparator(String(received));
    } else if (typeof received === 'bigint') {
      shown = String(received);
      if (received > 2n ** 32n || received < -(2n ** 32n)) shown = addNumericalSeparator(shown);
      shown += 'n';
    } else {
      shown = Object.is(received, -0) ? '-0' : String(received);
    }
    return nodeError(RangeError, 'ERR_OUT_OF_RANGE',
      `The value of "${name}" is out of range. It must be ${range}. Received ${shown}`);
  }

  function bufferOutOfBounds(name) {
    return nodeError(RangeError, 'ERR_BUFFER_OUT_OF_BOUNDS',
      name ? `"${name}" is outside of buffer bounds` : 'Attempt to access memory outside buffer bounds');
  }

  function unknownEncoding(encoding) {
    return nodeError(TypeError, 'ERR_UNKNOWN_ENCODING', `Unknown encoding: ${encoding}`);
  }

  function validateNumber(value, name, min, max) {
    if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
    if ((min != null && value < min) || (max != null && value > max) ||
        ((min != null || max != null) && Number.isNaN(value))) {
      const range = [min != null ? `>= ${min}` : '', max != null ? `<= ${max}` : ''];
      throw outOfRange(name, range.filter(Boolean).join(' && '), value);
    }
  }

  function validateInteger(value, name, min, max) {
    if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
    if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
    if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
  }

  function validateOffset(value, name, min = 0, max = kMaxLength) {
    validateInteger(value, name, min, max);
  }

  // ---------------------------------------------------------------------------------------
  // Type checks that cannot be fooled by Symbol.toStringTag.

  const typedArrayTag = Object.getOwnPropertyDescriptor(
    Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag).get;
  const arrayBufferByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get;
  const sharedByteLength = Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, 'byteLength').get;

  function isUint8Array(value) {
    return typedArrayTag.call(value) === 'Uint8Array';
  }

  function isTypedArray(value) {
    return typedArrayTag.call(value) !== undefined;
  }

  function hasBrand(getter, value) {
    try {
      getter.call(value);
      return true;
    } catch {
      return false;
    }
  }

  function isAnyArrayBuffer(value) {
    return hasBrand(arrayBufferByteLength, value) || hasBrand(sharedByteLength, value);
  }

  // ---------------------------------------------------------------------------------------
  // Strings <-> bytes. Each codec has toBytes(string) -> Uint8Array, toText(bytes) -> string,
  // byteLength(string) and fit(bytes, n): how many of the first n bytes a write keeps.

  // A plain Uint8Array over the bytes [start, end) of `bytes`, without copying.
  function view(bytes, start, end) {
    return new Uint8Array(bytes.buffer, bytes.byteOffset + start, end - start);
  }

  // Bytes -> one char per byte. fromCharCode.apply is native, a loop is not.
  function latin1Decode(bytes) {
    let out = '';
    for (let i = 0; i < bytes.length; i += CHUNK) {
      out += String.fromCharCode.apply(null, view(bytes, i, Math.min(i + CHUNK, bytes.length)));
    }
    return out;
  }

  // Chars -> bytes, keeping each char's low 8 bits (Node's latin1 and ascii writes). Every
  // string-to-bytes conversion ends here; storing four bytes at a time makes it a third faster.
  function latin1Encode(string) {
    const n = string.length;
    const bytes = new Uint8Array(n);
    const words = new Uint32Array(bytes.buffer, 0, n >> 2);
    for (let i = 0, j = 0; j < words.length; i += 4, j++) {
      words[j] = (string.charCodeAt(i) & 0xff) | ((string.charCodeAt(i + 1) & 0xff) << 8) |
        ((string.charCodeAt(i + 2) & 0xff) << 16) | (string.charCodeAt(i + 3) << 24);
    }
    for (let i = words.length * 4; i < n; i++) bytes[i] = string.charCodeAt(i);
    return bytes;
  }

  // A Uint16Array of UTF-16 code units -> string, a chunk at a time.
  function unitsToString(units) {
    let out = '';
    for (let i = 0; i < units.length; i += CHUNK) {
      out += String.fromCharCode.apply(null, units.subarray(i, i + CHUNK));
    }
    return out;
  }

  // The UTF-8 of a string as one char per byte, natively. A lone surrogate becomes U+FFFD
  // (EF BF BD), as Node writes it.
  function utf8Binary(string) {
    return unescape(encodeURIComponent(string.toWellFormed()));
  }

  // Valid UTF-8 decodes natively (escape gives %XX for each byte >= 0x80, which
  // decodeURIComponent reads as UTF-8); anything else goes through the WHATWG decoder.
  function utf8Decode(bytes) {
    const binary = latin1Decode(bytes);
    try {
      return decodeURIComponent(escape(binary));
    } catch {
      return utf8DecodeReplacing(bytes);
    }
  }

  // The WHATWG UTF-8 decoder (which V8, and so Node, follows): each maximal invalid
  // subsequence becomes one U+FFFD, and the byte that ended it is read again.
  function utf8DecodeReplacing(bytes) {
    const units = new Uint16Array(bytes.length); // never more code units than bytes
    let n = 0;
    let i = 0;
    while (i < bytes.length) {
      const lead = bytes[i++];
      if (lead < 0x80) {
        units[n++] = lead;
        continue;
      }
      // The sequence's length and the allowed range of its second byte (which rules out
      // overlong forms, surrogates and code points above U+10FFFF).
      let need = 0;
      let cp = -1; // stays -1 for a byte that cannot start a sequence
      let low = 0x80;
      let high = 0xbf;
      if (lead >= 0xc2 && lead <= 0xdf) {
        need = 1;
        cp = lead & 0x1f;
      } else if (lead >= 0xe0 && lead <= 0xef) {
        need = 2;
        cp = lead & 0x0f;
        if (lead === 0xe0) low = 0xa0;
        if (lead === 0xed) high = 0x9f;
      } else if (lead >= 0xf0 && lead <= 0xf4) {
        need = 3;
        cp = lead & 0x07;
        if (lead === 0xf0) low = 0x90;
        if (lead === 0xf4) high = 0x8f;
      }
      for (; need > 0; need--) {
        const next = bytes[i];
        if (next === undefined || next < low || next > high) break;
        cp = (cp << 6) | (next & 0x3f);
        low = 0x80;
        high = 0xbf;
        i++;
      }
      if (need > 0 || cp < 0) {
        units[n++] = 0xfffd;
      } else if (cp > 0xffff) {
        units[n++] = 0xd800 | ((cp - 0x10000) >> 10);
        units[n++] = 0xdc00 | (cp & 0x3ff);
      } else {
        units[n++] = cp;
      }
    }
    return unitsToString(units.subarray(0, n));
  }

  const utf8 = {
    toBytes: (string) => latin1Encode(utf8Binary(string)),
    toText: utf8Decode,
    byteLength: (string) => utf8Binary(string).length,
    // A write never ends inside a character: back up over continuation bytes.
    fit(bytes, n) {
      while (n > 0 && n < bytes.length && (bytes[n] & 0xc0) === 0x80) n--;
      return n;
    },
  };

  const latin1 = {
    toBytes: latin1Encode,
    toText: latin1Decode,
    byteLength: (string) => string.length,
    fit: (bytes, n) => n,
  };

  // Node decodes ascii by dropping each byte's top bit.
  const ascii = {
    ...latin1,
    toText(bytes) {
      const masked = new Uint8Array(bytes);
      const words = new Uint32Array(masked.buffer, 0, masked.length >> 2);
      for (let j = 0; j < words.length; j++) words[j] &= 0x7f7f7f7f;
      for (let i = words.length * 4; i < masked.length; i++) masked[i] &= 0x7f;
      return latin1Decode(masked);
    },
  };

  const utf16le = {
    toBytes(string) {
      const units = new Uint16Array(string.length);
      for (let i = 0; i < units.length; i++) units[i] = string.charCodeAt(i);
      return new Uint8Array(units.buffer);
    },
    // A trailing odd byte is ignored; an odd start is copied to align the code units.
    toText(bytes) {
      const aligned = bytes.byteOffset % 2 === 0 ? bytes : new Uint8Array(bytes);
      return unitsToString(new Uint16Array(aligned.buffer, aligned.byteOffset, bytes.length >> 1));
    },
    byteLength: (string) => string.length * 2,
    fit: (bytes, n) => n - (n % 2),
  };

  // Node's hex and base64 decoders look only at the low 8 bits of each char.
  function lowBytes(string) {
    return string.replace(/[^\x00-\xff]/g, (c) => String.fromCharCode(c.charCodeAt(0) & 0xff));
  }

  const hex = {
    // Node reads pairs of digits up to the first pair that is not one; text that is all
    // pairs takes the fast path.
    toBytes(string) {
      try {
        return Uint8Array.fromHex(string.length % 2 === 0 ? string : string.slice(0, -1));
      } catch {
        return Uint8Array.fromHex(/^(?:[0-9a-fA-F]{2})*/.exec(lowBytes(string))[0]);
      }
    },
    toText: (bytes) => bytes.toHex(),
    byteLength: (string) => string.length >>> 1,
    fit: (bytes, n) => n,
  };

  // Node's byte count for base64 text: 3/4 of its length without up to two trailing '='.
  function base64ByteLength(string) {
    let length = string.length;
    if (string.charCodeAt(length - 1) === 0x3d) length--;
    if (length > 1 && string.charCodeAt(length - 1) === 0x3d) length--;
    return (length * 3) >>> 2;
  }

  function base64Codec(alphabet) {
    const options = alphabet === 'base64' ? {} : { alphabet, omitPadding: true };
    return {
      // Well-formed text of the encoding's own alphabet takes the fast path.
      toBytes(string) {
        try {
          return Uint8Array.fromBase64(string, { alphabet, lastChunkHandling: 'loose' });
        } catch {
          return base64ToBytesLenient(string);
        }
      },
      toText: (bytes) => bytes.toBase64(options),
      byteLength: base64ByteLength,
      fit: (bytes, n) => n,
    };
  }

  // Node's decoder: it stops at the first '=', skips characters outside both alphabets, and
  // makes what bytes it can of a last group of 2 or 3 characters (a lone one makes none).
  function base64ToBytesLenient(string) {
    const text = lowBytes(string)
      .split('=', 1)[0]
      .replace(/[^A-Za-z0-9+/_-]/g, '')
      .replace(/-/g, '+')
      .replace(/_/g, '/');
    const whole = text.length % 4 === 1 ? text.slice(0, -1) : text;
    return Uint8Array.fromBase64(whole, { lastChunkHandling: 'loose' });
  }

  const CODECS = {
    utf8,
    latin1,
    ascii,
    utf16le,
    hex,
    base64: base64Codec('base64'),
    base64url: base64Codec('base64url'),
  };

  const ENCODING_NAMES = {
    'utf8': 'utf8',
    'utf-8': 'utf8',
    'ucs2': 'utf16le',
    'ucs-2': 'utf16le',
    'utf16le': 'utf16le',
    'utf-16le': 'utf16le',
    'latin1': 'latin1',
    'binary': 'latin1',
    'ascii': 'ascii',
    'hex': 'hex',
    'base64': 'base64',
    'base64url': 'base64url',
  };

  // Node's getEncodingOps: any value is turned into a string and matched without case.
  function codecFor(encoding) {
    const name = ENCODING_NAMES[(encoding + '').toLowerCase()];
    return name === undefined ? undefined : CODECS[name];
  }

  function requireCodec(encoding) {
    const codec = codecFor(encoding);
    if (codec === undefined) throw unknownEncoding(encoding);
    return codec;
  }

  // Node's normalizeEncoding, used by fill() and isEncoding(): undefined, null and '' mean utf8.
  function normalizeEncoding(encoding) {
    if (encoding == null || encoding === '') return 'utf8';
    if (typeof encoding !== 'string') return undefined;
    return ENCODING_NAMES[encoding.toLowerCase()];
  }

  // Writes `string` into buf[offset, offset + max) as Node does; returns the bytes written.
  function writeString(buf, codec, string, offset, max) {
    const bytes = codec.toBytes(string);
    const n = codec.fit(bytes, Math.min(bytes.length, max));
    buf.set(view(bytes, 0, n), offset);
    return n;
  }

  // ---------------------------------------------------------------------------------------
  // Byte search and comparison, done on latin1 strings so that the engine's native string
  // search and comparison do the work.

  // Node's IndexOfOffset: where a search starts, or -1 when nothing can match.
  function searchStart(length, offset, needleLength, forward) {
    if (offset < 0) {
      if (offset + length >= 0) return length + offset;
      return forward || needleLength === 0 ? 0 : -1;
    }
    if (offset + needleLength <= length) return offset;
    if (needleLength === 0) return length;
    return forward ? -1 : length - 1;
  }

  // `aligned` makes it Node's UTF-16 search: whole code units at even positions, from the
  // code unit holding the start byte.
  function searchBytes(haystack, needle, offset, forward, aligned) {
    let start = searchStart(haystack.length, offset, needle.length, forward);
    if (needle.length === 0) return start;
    if (haystack.length === 0 || start < 0 || needle.length > haystack.length) return -1;
    if (forward && needle.length + start > haystack.length) return -1;
    if (aligned) {
      if (haystack.length < 2 || needle.length < 2) return -1;
      needle = view(needle, 0, needle.length - (needle.length % 2));
      start -= start % 2;
    }
    if (needle.length === 1 && !aligned) return searchByte(haystack, needle[0], start, forward);
    const pattern = latin1Decode(needle);
    const at = forward ? searchForward(haystack, pattern, start, aligned) : searchBackward(haystack, pattern, start, aligned);
    // Node's UTF-16 search reports "not found" as length - 1 when the haystack's length is
    // odd (it counts code units, then doubles), so that is what it returns.
    return at === -1 && aligned && haystack.length % 2 === 1 ? haystack.length - 1 : at;
  }

  function searchByte(haystack, byte, start, forward) {
    const search = forward ? Uint8Array.prototype.indexOf : Uint8Array.prototype.lastIndexOf;
    return search.call(haystack, byte, start);
  }

  // Both searches convert the haystack in windows that start small and double, nearest
  // first: a match close to the start costs little, so a loop of indexOf calls walking
  // through a large buffer stays linear.
  const FIRST_WINDOW = 256;

  // Each window holds the matches that start in [from, from + size).
  function searchForward(haystack, pattern, start, aligned) {
    for (let from = start, size = FIRST_WINDOW; from + pattern.length <= haystack.length; from += size, size *= 2) {
      const text = latin1Decode(view(haystack, from, Math.min(haystack.length, from + size + pattern.length - 1)));
      for (let at = text.indexOf(pattern); at !== -1; at = text.indexOf(pattern, at + 1)) {
        if (!aligned || (from + at) % 2 === 0) return from + at;
      }
    }
    return -1;
  }

  // Each window holds the matches that start in [last - size + 1, last].
  function searchBackward(haystack, pattern, start, aligned) {
    const first = Math.min(start, haystack.length - pattern.length);
    for (let last = first, size = FIRST_WINDOW; last >= 0; last -= size, size *= 2) {
      const from = Math.max(0, last - size + 1);
      const text = latin1Decode(view(haystack, from, last + pattern.length));
      for (let at = text.lastIndexOf(pattern); at !== -1; at = at > 0 ? text.lastIndexOf(pattern, at - 1) : -1) {
        if (!aligned || (from + at) % 2 === 0) return from + at;
      }
    }
    return -1;
  }

  // memcmp then length, as Node's compare: what string comparison of latin1 text does.
  function compareBytes(a, b) {
    const x = latin1Decode(a);
    const y = latin1Decode(b);
    if (x === y) return 0;
    return x < y ? -1 : 1;
  }

  // ---------------------------------------------------------------------------------------
  // Buffer: a Uint8Array subclass, set up the way Node does it so that `Buffer(...)` works
  // without `new` and `buf instanceof Buffer` holds.

  class FastBuffer extends Uint8Array {}

  function Buffer(arg, encodingOrOffset, length) {
    if (typeof arg === 'number') {
      if (typeof encodingOrOffset === 'string') {
        throw invalidArgType('string', 'of type string', arg);
      }
      return Buffer.alloc(arg);
    }
    return Buffer.from(arg, encodingOrOffset, length);
  }

  FastBuffer.prototype.constructor = Buffer;
  Buffer.prototype = FastBuffer.prototype;
  Object.setPrototypeOf(Buffer, Uint8Array);
  // Typed array methods that make new arrays (map, filter, ...) make Buffers.
  Object.defineProperty(Buffer, Symbol.species, {
    get() { return FastBuffer; },
    configurable: true,
  });

  Buffer.poolSize = 8 * 1024;

  Buffer.from = function from(value, encodingOrOffset, length) {
    if (typeof value === 'string') return fromString(value, encodingOrOffset);
    if (typeof value === 'object' && value !== null) {
      if (isAnyArrayBuffer(value)) return fromArrayBuffer(value, encodingOrOffset, length);
      const valueOf = value.valueOf && value.valueOf();
      if (valueOf != null && valueOf !== value &&
          (typeof valueOf === 'string' || typeof valueOf === 'object')) {
        return from(valueOf, encodingOrOffset, length);
      }
      const b = fromObject(value);
      if (b) return b;
      if (typeof value[Symbol.toPrimitive] === 'function') {
        const primitive = value[Symbol.toPrimitive]('string');
        if (typeof primitive === 'string') return fromString(primitive, encodingOrOffset);
      }
    }
    throw invalidArgType('first argument',
      'of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object',
      value);
  };

  function fromString(string, encoding) {
    // A missing or non-string encoding means utf8 here (unlike in toString).
    const codec = typeof encoding === 'string' && encoding !== '' ? requireCodec(encoding) : utf8;
    if (string.length === 0) return new FastBuffer();
    const bytes = codec.toBytes(string);
    return new FastBuffer(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  function fromArrayBuffer(arrayBuffer, byteOffset, length) {
    if (byteOffset === undefined) {
      byteOffset = 0;
    } else {
      byteOffset = +byteOffset;
      if (Number.isNaN(byteOffset)) byteOffset = 0;
    }
    const maxLength = arrayBuffer.byteLength - byteOffset;
    if (maxLength < 0) throw bufferOutOfBounds('offset');
    if (length === undefined) {
      length = maxLength;
    } else {
      length = +length;
      if (length > 0) {
        if (length > maxLength) throw bufferOutOfBounds('length');
      } else {
        length = 0;
      }
    }
    return new FastBuffer(arrayBuffer, byteOffset, length);
  }

  // Array-likes copy their elements (each reduced to a byte); {type: 'Buffer', data} is
  // what JSON.stringify makes of a Buffer.
  function fromObject(obj) {
    if (obj.length !== undefined || isAnyArrayBuffer(obj.buffer)) {
      if (typeof obj.length !== 'number') return new FastBuffer();
      return fromArrayLike(obj);
    }
    if (obj.type === 'Buffer' && Array.isArray(obj.data)) return fromArrayLike(obj.data);
    return undefined;
  }

  function fromArrayLike(obj) {
    if (obj.length <= 0) return new FastBuffer();
    const buf = new FastBuffer(obj.length);
    buf.set(obj, 0);
    return buf;
  }

  Buffer.copyBytesFrom = function copyBytesFrom(view, offset, length) {
    if (!isTypedArray(view)) throw invalidArgType('view', 'an instance of TypedArray', view);
    const viewLength = view.length;
    if (viewLength === 0) return Buffer.alloc(0);
    if (offset !== undefined || length !== undefined) {
      if (offset !== undefined) {
        validateInteger(offset, 'offset', 0, Number.MAX_SAFE_INTEGER);
        if (offset >= viewLength) return Buffer.alloc(0);
      } else {
        offset = 0;
      }
      let end = viewLength;
      if (length !== undefined) {
        validateInteger(length, 'length', 0, Number.MAX_SAFE_INTEGER);
        end = offset + length;
      }
      view = view.slice(offset, end);
    }
    return fromArrayLike(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  };

  // Like %TypedArray%.of but not going through the deprecated Buffer() constructor.
  Buffer.of = (...items) => fromArrayLike(items);

  Buffer.alloc = function alloc(size, fill, encoding) {
    validateNumber(size, 'size', 0, kMaxLength);
    const buf = new FastBuffer(size);
    if (fill !== undefined && fill !== 0 && size > 0) return fillBuffer(buf, fill, 0, buf.length, encoding);
    return buf;
  };

  // Memory here is always zeroed; unsafe allocation only differs in Node.
  Buffer.allocUnsafe = function allocUnsafe(size) {
    validateNumber(size, 'size', 0, kMaxLength);
    return new FastBuffer(size);
  };

  Buffer.allocUnsafeSlow = function allocUnsafeSlow(size) {
    validateNumber(size, 'size', 0, kMaxLength);
    return new FastBuffer(size);
  };

  Buffer.isBuffer = function isBuffer(b) {
    return b instanceof Buffer;
  };

  Buffer.compare = function compare(buf1, buf2) {
    if (!isUint8Array(buf1)) throw invalidArgType('buf1', 'an instance of Buffer or Uint8Array', buf1);
    if (!isUint8Array(buf2)) throw invalidArgType('buf2', 'an instance of Buffer or Uint8Array', buf2);
    if (buf1 === buf2) return 0;
    return compareBytes(buf1, buf2);
  };

  Buffer.isEncoding = function isEncoding(encoding) {
    return typeof encoding === 'string' && encoding.length !== 0 &&
      normalizeEncoding(encoding) !== undefined;
  };

  Buffer.concat = function concat(list, length) {
    if (!Array.isArray(list)) throw invalidArgType('list', 'an instance of Array', list);
    if (list.length === 0) return new FastBuffer();
    if (length === undefined) {
      length = 0;
      for (const buf of list) {
        if (buf.length) length += buf.length;
      }
    } else {
      validateOffset(length, 'length');
    }
    const buffer = new FastBuffer(length);
    let pos = 0;
    for (let i = 0; i < list.length; i++) {
      const buf = list[i];
      if (!isUint8Array(buf)) {
        throw invalidArgType(`list[${i}]`, 'an instance of Buffer or Uint8Array', buf);
      }
      pos += copyBytes(buf, buffer, pos, 0, buf.length);
    }
    return buffer;
  };

  Buffer.byteLength = function byteLength(string, encoding) {
    if (typeof string !== 'string') {
      if (ArrayBuffer.isView(string) || isAnyArrayBuffer(string)) return string.byteLength;
      throw invalidArgType('string', 'of type string or an instance of Buffer or ArrayBuffer', string);
    }
    if (string.length === 0) return 0;
    // An unknown encoding counts as utf8 here, as in Node.
    return (encoding ? codecFor(encoding) || utf8 : utf8).byteLength(string);
  };

  // ---------------------------------------------------------------------------------------
  // Instance methods.

  const proto = Buffer.prototype;

  // Kept for code written against old Node versions.
  Object.defineProperty(proto, 'parent', {
    enumerable: true,
    get() { return this instanceof Buffer ? this.buffer : undefined; },
  });
  Object.defineProperty(proto, 'offset', {
    enumerable: true,
    get() { return this instanceof Buffer ? this.byteOffset : undefined; },
  });

  // Like Math.trunc, but NaN gives 0; negative values count back from the end.
  function adjustOffset(offset, length) {
    offset = Math.trunc(offset);
    if (offset === 0) return 0;
    if (offset < 0) {
      offset += length;
      return offset > 0 ? offset : 0;
    }
    if (offset < length) return offset;
    return Number.isNaN(offset) ? 0 : length;
  }

  // Both share memory with the original, as in Node (Uint8Array's slice would copy).
  proto.subarray = function subarray(start, end) {
    const srcLength = this.length;
    start = adjustOffset(start, srcLength);
    end = end !== undefined ? adjustOffset(end, srcLength) : srcLength;
    const newLength = end > start ? end - start : 0;
    return new FastBuffer(this.buffer, this.byteOffset + start, newLength);
  };

  proto.slice = function slice(start, end) {
    return this.subarray(start, end);
  };

  // Out-of-range start and end are clamped rather than rejected.
  proto.toString = function toString(encoding, start, end) {
    if (arguments.length === 0) return utf8.toText(this);
    const len = this.length;
    if (start <= 0) start = 0;
    else if (start >= len) return '';
    else start = Math.trunc(start) || 0;
    if (end === undefined || end > len) end = len;
    else end = Math.trunc(end) || 0;
    if (end <= start) return '';
    const codec = encoding === undefined ? utf8 : requireCodec(encoding);
    return codec.toText(view(this, start, end));
  };

  proto.toLocaleString = proto.toString;

  proto.equals = function equals(otherBuffer) {
    if (!isUint8Array(otherBuffer)) {
      throw invalidArgType('otherBuffer', 'an instance of Buffer or Uint8Array', otherBuffer);
    }
    if (this === otherBuffer) return true;
    if (this.byteLength !== otherBuffer.byteLength) return false;
    return this.byteLength === 0 || compareBytes(this, otherBuffer) === 0;
  };

  proto.compare = function compare(target, targetStart, targetEnd, sourceStart, sourceEnd) {
    if (!isUint8Array(target)) throw invalidArgType('target', 'an instance of Buffer or Uint8Array', target);
    if (arguments.length === 1) return compareBytes(this, target);
    if (targetStart === undefined) targetStart = 0;
    else validateOffset(targetStart, 'targetStart');
    if (targetEnd === undefined) targetEnd = target.length;
    else validateOffset(targetEnd, 'targetEnd', 0, target.length);
    if (sourceStart === undefined) sourceStart = 0;
    else validateOffset(sourceStart, 'sourceStart');
    if (sourceEnd === undefined) sourceEnd = this.length;
    else validateOffset(sourceEnd, 'sourceEnd', 0, this.length);
    if (sourceStart >= sourceEnd) return targetStart >= targetEnd ? 0 : -1;
    if (targetStart >= targetEnd) return 1;
    return compareBytes(view(this, sourceStart, sourceEnd), view(target, targetStart, targetEnd));
  };

  // Node's bidirectionalIndexOf: first match at or after byteOffset, or (backwards) last
  // match at or before it.
  function indexOf(buffer, value, byteOffset, encoding, forward) {
    if (typeof byteOffset === 'string') {
      encoding = byteOffset;
      byteOffset = undefined;
    } else if (byteOffset > 0x7fffffff) {
      byteOffset = 0x7fffffff;
    } else if (byteOffset < -0x80000000) {
      byteOffset = -0x80000000;
    }
    byteOffset = +byteOffset;
    // undefined, 'foo', {} and the like search the whole buffer.
    if (Number.isNaN(byteOffset)) byteOffset = forward ? 0 : buffer.length;
    byteOffset = Math.trunc(byteOffset);

    if (typeof value === 'number') {
      const start = searchStart(buffer.length, byteOffset, 1, forward);
      if (start < 0 || buffer.length === 0) return -1;
      return searchByte(buffer, (value >>> 0) & 0xff, start, forward);
    }
    const codec = encoding === undefined ? utf8 : codecFor(encoding);
    const aligned = codec === utf16le;
    if (typeof value === 'string') {
      if (codec === undefined) throw unknownEncoding(encoding);
      // Node leaves out a trailing odd byte when searching for UTF-16 text (only for text).
      const haystack = aligned ? view(buffer, 0, buffer.length - (buffer.length % 2)) : buffer;
      return searchBytes(haystack, codec.toBytes(value), byteOffset, forward, aligned);
    }
    if (isUint8Array(value)) return searchBytes(buffer, value, byteOffset, forward, aligned);
    throw invalidArgType('value', 'one of type number or string or an instance of Buffer or Uint8Array', value);
  }

  proto.indexOf = function indexOf_(value, byteOffset, encoding) {
    return indexOf(this, value, byteOffset, encoding, true);
  };

  proto.lastIndexOf = function lastIndexOf(value, byteOffset, encoding) {
    return indexOf(this, value, byteOffset, encoding, false);
  };

  proto.includes = function includes(value, byteOffset, encoding) {
    return this.indexOf(value, byteOffset, encoding) !== -1;
  };

  // fill(number|buffer[, offset[, end]]) or fill(string[, offset[, end]][, encoding])
  proto.fill = function fill(value, offset, end, encoding) {
    return fillBuffer(this, value, offset, end, encoding);
  };

  function fillBuffer(buf, value, offset, end, encoding) {
    let codec;
    if (typeof value === 'string') {
      if (offset === undefined || typeof offset === 'string') {
        encoding = offset;
        offset = 0;
        end = buf.length;
      } else if (typeof end === 'string') {
        encoding = end;
        end = buf.length;
      }
      const name = normalizeEncoding(encoding);
      if (name === undefined) {
        if (typeof encoding !== 'string') throw invalidArgType('encoding', 'of type string', encoding);
        throw unknownEncoding(encoding);
      }
      codec = CODECS[name];
      if (value.length === 0) value = 0;
    }

    if (offset === undefined) {
      offset = 0;
      end = buf.length;
    } else {
      validateOffset(offset, 'offset');
      if (end === undefined) end = buf.length;
      else validateOffset(end, 'end', 0, buf.length);
      if (offset >= end) return buf;
    }

    if (typeof value === 'string') {
      fillPattern(buf, codec.toBytes(value), offset, end, value);
    } else if (ArrayBuffer.isView(value)) {
      fillPattern(buf, new Uint8Array(value.buffer, value.byteOffset, value.byteLength), offset, end, value);
    } else {
      // Numbers, and anything else made a number, reduced to a byte.
      Uint8Array.prototype.fill.call(buf, typeof value === 'number' ? value : value >>> 0, offset, end);
    }
    return buf;
  }

  // Repeats `pattern` over buf[offset, end), doubling the filled part with each copy.
  function fillPattern(buf, pattern, offset, end, original) {
    if (pattern.length === 0) {
      throw nodeError(TypeError, 'ERR_INVALID_ARG_VALUE',
        `The argument 'value' is invalid. Received ${previewValue(original)}`);
    }
    const length = end - offset;
    buf.set(view(pattern, 0, Math.min(pattern.length, length)), offset);
    for (let filled = pattern.length; filled < length; filled *= 2) {
      buf.copyWithin(offset + filled, offset, offset + Math.min(filled, length - filled));
    }
  }

  // How util.inspect shows the values that reach ERR_INVALID_ARG_VALUE here: strings that
  // make no bytes, and empty views.
  function previewValue(value) {
    if (value instanceof Buffer) return inspectBuffer.call(value);
    if (typeof value !== 'string') return `${value.constructor.name}(0) []`;
    if (!value.includes("'")) return `'${value}'`;
    return value.includes('"') ? `\`${value}\`` : `"${value}"`;
  }

  proto.write = function write(string, offset, length, encoding) {
    if (typeof string !== 'string') {
      throw nodeError(TypeError, 'ERR_INVALID_ARG_TYPE', 'argument must be a string');
    }
    if (offset === undefined) return writeString(this, utf8, string, 0, this.length);
    if (length === undefined && typeof offset === 'string') {
      // write(string, encoding)
      encoding = offset;
      length = this.length;
      offset = 0;
    } else {
      // write(string, offset[, length][, encoding])
      validateOffset(offset, 'offset', 0, this.length);
      const remaining = this.length - offset;
      if (length === undefined) {
        length = remaining;
      } else if (typeof length === 'string') {
        encoding = length;
        length = remaining;
      } else {
        validateOffset(length, 'length', 0, this.length);
        if (length > remaining) length = remaining;
      }
    }
    const codec = !encoding ? utf8 : requireCodec(encoding);
    return writeString(this, codec, string, offset, length);
  };

  proto.toJSON = function toJSON() {
    return { type: 'Buffer', data: Array.from(this) };
  };

  proto.copy = function copy(target, targetStart, sourceStart, sourceEnd) {
    if (!isUint8Array(this)) throw invalidArgType('source', 'an instance of Buffer or Uint8Array', this);
    if (!isUint8Array(target)) throw invalidArgType('target', 'an instance of Buffer or Uint8Array', target);
    targetStart = copyArgument(targetStart, 'targetStart', 0, Infinity);
    sourceStart = copyArgument(sourceStart, 'sourceStart', 0, this.length);
    sourceEnd = copyArgument(sourceEnd, 'sourceEnd', this.length, Infinity);
    if (targetStart >= target.length || sourceStart >= sourceEnd) return 0;
    return copyBytes(this, target, targetStart, sourceStart, sourceEnd);
  };

  // Node's copy() arguments: integers (or values made into integers) from 0 to `max`.
  function copyArgument(value, name, fallback, max) {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value)) value = toInteger(value);
    if (value < 0 || value > max) {
      throw outOfRange(name, max === Infinity ? '>= 0' : `>= 0 && <= ${max}`, value);
    }
    return value;
  }

  function toInteger(n) {
    n = +n;
    if (!Number.isNaN(n) && n >= Number.MIN_SAFE_INTEGER && n <= Number.MAX_SAFE_INTEGER) {
      return n % 1 === 0 ? n : Math.floor(n);
    }
    return 0;
  }

  // Copies as much of source[sourceStart, sourceEnd) as fits at target[targetStart].
  function copyBytes(source, target, targetStart, sourceStart, sourceEnd) {
    const n = Math.min(sourceEnd - sourceStart, target.length - targetStart, source.length - sourceStart);
    target.set(view(source, sourceStart, sourceStart + n), targetStart);
    return n;
  }

  function swapper(bits) {
    const size = bits / 8;
    return function swap() {
      if (this.length % size !== 0) {
        throw nodeError(RangeError, 'ERR_INVALID_BUFFER_SIZE', `Buffer size must be a multiple of ${bits}-bits`);
      }
      for (let i = 0; i < this.length; i += size) {
        for (let lo = i, hi = i + size - 1; lo < hi; lo++, hi--) {
          const byte = this[lo];
          this[lo] = this[hi];
          this[hi] = byte;
        }
      }
      return this;
    };
  }

  proto.swap16 = swapper(16);
  proto.swap32 = swapper(32);
  proto.swap64 = swapper(64);

  // How util.inspect shows a Buffer: <Buffer 68 69 ... 3 more bytes>.
  function inspectBuffer() {
    const shown = Math.min(INSPECT_MAX_BYTES, this.length);
    const remaining = this.length - INSPECT_MAX_BYTES;
    let str = view(this, 0, shown).toHex().replace(/(.{2})/g, '$1 ').trim();
    if (remaining > 0) str += ` ... ${remaining} more byte${remaining > 1 ? 's' : ''}`;
    return `<${this.constructor.name} ${str}>`;
  }

  proto[Symbol.for('nodejs.util.inspect.custom')] = inspectBuffer;
  proto.inspect = inspectBuffer;

  // ---------------------------------------------------------------------------------------
  // Reading and writing numbers, with Node's checks: the offset must be a number, an
  // integer, and leave room for the value.

  function boundsError(value, length, type) {
    if (Math.floor(value) !== value) {
      validateNumber(value, type);
      throw outOfRange(type || 'offset', 'an integer', value);
    }
    if (length < 0) throw bufferOutOfBounds();
    throw outOfRange(type || 'offset', `>= ${type ? 1 : 0} and <= ${length}`, value);
  }

  // Throws unless buf[offset] to buf[offset + size - 1] exist.
  function checkBounds(buf, offset, size) {
    validateNumber(offset, 'offset');
    if (buf[offset] === undefined || buf[offset + size - 1] === undefined) {
      boundsError(offset, buf.length - size);
    }
  }

  function checkInt(value, min, max, buf, offset, size) {
    if (value > max || value < min) {
      const n = typeof min === 'bigint' ? 'n' : '';
      let range;
      if (size > 4) {
        const bits = size * 8;
        range = min === 0 || min === 0n
          ? `>= 0${n} and < 2${n} ** ${bits}${n}`
          : `>= -(2${n} ** ${bits - 1}${n}) and < 2${n} ** ${bits - 1}${n}`;
      } else {
        range = `>= ${min}${n} and <= ${max}${n}`;
      }
      throw outOfRange('value', range, value);
    }
    checkBounds(buf, offset, size);
  }

  function readUnsigned(buf, offset, size, littleEndian) {
    checkBounds(buf, offset, size);
    let value = 0;
    for (let k = 0; k < size; k++) value = value * 256 + buf[offset + (littleEndian ? size - 1 - k : k)];
    return value;
  }

  function readSigned(buf, offset, size, littleEndian) {
    const value = readUnsigned(buf, offset, size, littleEndian);
    return value >= 2 ** (size * 8 - 1) ? value - 2 ** (size * 8) : value;
  }

  // The k-th least significant byte of an integer as Node stores it: the low 32 bits go
  // through >>> (so negative values wrap to two's complement), the rest through division.
  function byteOf(value, k) {
    return k < 4 ? value >>> (8 * k) : Math.floor(value * 2 ** -32) >>> (8 * (k - 4));
  }

  function writeInteger(buf, value, offset, size, littleEndian, min, max) {
    value = +value;
    if (size === 1) {
      // Node checks the offset's type first for single bytes.
      validateNumber(offset, 'offset');
      if (value > max || value < min) throw outOfRange('value', `>= ${min} and <= ${max}`, value);
      checkBounds(buf, offset, 1);
    } else {
      checkInt(value, min, max, buf, offset, size);
    }
    for (let k = 0; k < size; k++) buf[offset + (littleEndian ? k : size - 1 - k)] = byteOf(value, k);
    return offset + size;
  }

  // readUIntLE(offset, byteLength) and friends take 1 to 6 bytes.
  function checkByteLength(byteLength) {
    if (!(byteLength >= 1 && byteLength <= 6 && Number.isInteger(byteLength))) {
      boundsError(byteLength, 6, 'byteLength');
    }
  }

  function readVariable(signed, littleEndian) {
    return function (offset, byteLength) {
      if (offset === undefined) throw invalidArgType('offset', 'of type number', offset);
      checkByteLength(byteLength);
      return (signed ? readSigned : readUnsigned)(this, offset, byteLength, littleEndian);
    };
  }

  function writeVariable(signed, littleEndian) {
    return function (value, offset, byteLength) {
      checkByteLength(byteLength);
      const limit = 2 ** (byteLength * 8 - (signed ? 1 : 0));
      return writeInteger(this, value, offset, byteLength, littleEndian, signed ? -limit : 0, limit - 1);
    };
  }

  // Fixed-size integer methods: [name, size, signed, little-endian].
  const INTEGER_METHODS = [
    ['UInt8', 1, false, true], ['Int8', 1, true, true],
    ['UInt16LE', 2, false, true], ['UInt16BE', 2, false, false],
    ['Int16LE', 2, true, true], ['Int16BE', 2, true, false],
    ['UInt32LE', 4, false, true], ['UInt32BE', 4, false, false],
    ['Int32LE', 4, true, true], ['Int32BE', 4, true, false],
  ];

  for (const [name, size, signed, littleEndian] of INTEGER_METHODS) {
    const limit = 2 ** (size * 8 - (signed ? 1 : 0));
    const read = signed ? readSigned : readUnsigned;
    defineMethod(`read${name}`, function (offset = 0) {
      return read(this, offset, size, littleEndian);
    });
    defineMethod(`write${name}`, function (value, offset = 0) {
      return writeInteger(this, value, offset, size, littleEndian, signed ? -limit : 0, limit - 1);
    });
  }

  defineMethod('readUIntLE', readVariable(false, true));
  defineMethod('readUIntBE', readVariable(false, false));
  defineMethod('readIntLE', readVariable(true, true));
  defineMethod('readIntBE', readVariable(true, false));
  defineMethod('writeUIntLE', writeVariable(false, true));
  defineMethod('writeUIntBE', writeVariable(false, false));
  defineMethod('writeIntLE', writeVariable(true, true));
  defineMethod('writeIntBE', writeVariable(true, false));

  // Floats go through a DataView, which also fixes the byte order.
  const scratch = new DataView(new ArrayBuffer(8));

  function readFloat(buf, offset, size, littleEndian) {
    checkBounds(buf, offset, size);
    for (let k = 0; k < size; k++) scratch.setUint8(k, buf[offset + k]);
    return size === 4 ? scratch.getFloat32(0, littleEndian) : scratch.getFloat64(0, littleEndian);
  }

  function writeFloat(buf, value, offset, size, littleEndian) {
    value = +value;
    checkBounds(buf, offset, size);
    if (size === 4) scratch.setFloat32(0, value, littleEndian);
    else scratch.setFloat64(0, value, littleEndian);
    for (let k = 0; k < size; k++) buf[offset + k] = scratch.getUint8(k);
    return offset + size;
  }

  for (const [name, size, littleEndian] of [
    ['FloatLE', 4, true], ['FloatBE', 4, false], ['DoubleLE', 8, true], ['DoubleBE', 8, false],
  ]) {
    defineMethod(`read${name}`, function (offset = 0) {
      return readFloat(this, offset, size, littleEndian);
    });
    defineMethod(`write${name}`, function (value, offset = 0) {
      return writeFloat(this, value, offset, size, littleEndian);
    });
  }

  function readBig(buf, offset, signed, littleEndian) {
    checkBounds(buf, offset, 8);
    const high = readUnsigned(buf, offset + (littleEndian ? 4 : 0), 4, littleEndian);
    const low = readUnsigned(buf, offset + (littleEndian ? 0 : 4), 4, littleEndian);
    const value = (BigInt(high) << 32n) + BigInt(low);
    return signed ? BigInt.asIntN(64, value) : value;
  }

  function writeBig(buf, value, offset, signed, littleEndian) {
    const min = signed ? -(2n ** 63n) : 0n;
    const max = signed ? 2n ** 63n - 1n : 2n ** 64n - 1n;
    checkInt(value, min, max, buf, offset, 8);
    const low = Number(value & 0xffffffffn);
    const high = Number((value >> 32n) & 0xffffffffn);
    for (let k = 0; k < 8; k++) {
      const byte = k < 4 ? low >>> (8 * k) : high >>> (8 * (k - 4));
      buf[offset + (littleEndian ? k : 7 - k)] = byte;
    }
    return offset + 8;
  }

  for (const [name, signed, littleEndian] of [
    ['BigUInt64LE', false, true], ['BigUInt64BE', false, false],
    ['BigInt64LE', true, true], ['BigInt64BE', true, false],
  ]) {
    defineMethod(`read${name}`, function (offset = 0) {
      return readBig(this, offset, signed, littleEndian);
    });
    defineMethod(`write${name}`, function (value, offset = 0) {
      return writeBig(this, value, offset, signed, littleEndian);
    });
  }

  // Defines proto[name] with that function name, and the readUint... alias Node also has.
  function defineMethod(name, fn) {
    Object.defineProperty(fn, 'name', { value: name });
    proto[name] = fn;
    if (name.includes('UInt')) proto[name.replace('UInt', 'Uint')] = fn;
  }

  // ---------------------------------------------------------------------------------------
  // The module's other exports.

  function isUtf8(input) {
    const bytes = typeCheckedBytes(input);
    try {
      decodeURIComponent(escape(latin1Decode(bytes)));
      return true;
    } catch {
      return false;
    }
  }

  function isAscii(input) {
    return !/[\x80-\xff]/.test(latin1Decode(typeCheckedBytes(input)));
  }

  function typeCheckedBytes(input) {
    if (isTypedArray(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    if (isAnyArrayBuffer(input)) return new Uint8Array(input);
    throw invalidArgType('input', 'an instance of ArrayBuffer, Buffer, or TypedArray', input);
  }

  const constants = Object.freeze({ MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH: kStringMaxLength });

  return {
    Buffer,
    isUtf8,
    isAscii,
    kMaxLength,
    kStringMaxLength,
    constants,
    INSPECT_MAX_BYTES,
  };
})()
