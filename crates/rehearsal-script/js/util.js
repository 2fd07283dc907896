// Node's `util` module for injected scripts, in plain ECMAScript for QuickJS.
//
// format() and inspect() are ports of Node 20's lib/internal/util/inspect.js, so that what a
// script logs reads as it would under mountebank; isDeepStrictEqual() ports the strict half
// of lib/internal/util/comparisons.js. What plain JavaScript cannot see (a promise's state,
// the entries of an iterator, proxies) is left out; see the notes at each place. Loaded after
// buffer.js, so the global Buffer exists. The file's completion value is the module's exports.
(function () {
  'use strict';

  const customInspectSymbol = Symbol.for('nodejs.util.inspect.custom');
  const customPromisifySymbol = Symbol.for('nodejs.util.promisify.custom');

  // ---------------------------------------------------------------------------------------
  // util.types: brand checks, which a Symbol.toStringTag cannot fool.

  function hasBrand(method, value) {
    try {
      method.call(value);
      return true;
    } catch {
      return false;
    }
  }

  function getterOf(proto, name) {
    return Object.getOwnPropertyDescriptor(proto, name).get;
  }

  function isObject(value) {
    return typeof value === 'object' && value !== null;
  }

  function tagOf(value) {
    return Object.prototype.toString.call(value).slice(8, -1);
  }

  const typedArrayTag = getterOf(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag);
  const regExpSource = getterOf(RegExp.prototype, 'source');
  const mapSize = getterOf(Map.prototype, 'size');
  const setSize = getterOf(Set.prototype, 'size');
  const arrayBufferByteLength = getterOf(ArrayBuffer.prototype, 'byteLength');
  const sharedArrayBufferByteLength = getterOf(SharedArrayBuffer.prototype, 'byteLength');
  const dataViewByteLength = getterOf(DataView.prototype, 'byteLength');
  const AsyncFunctionPrototype = Object.getPrototypeOf(async function () {});
  const GeneratorFunctionPrototype = Object.getPrototypeOf(function* () {});
  const AsyncGeneratorFunctionPrototype = Object.getPrototypeOf(async function* () {});
  const MapIteratorPrototype = Object.getPrototypeOf(new Map().entries());
  const SetIteratorPrototype = Object.getPrototypeOf(new Set().entries());

  function typedArrayCheck(name) {
    return (value) => typedArrayTag.call(value) === name;
  }

  function boxedCheck(Type) {
    return (value) => isObject(value) && hasBrand(Type.prototype.valueOf, value);
  }

  const types = {
    isDate: (value) => isObject(value) && hasBrand(Date.prototype.getTime, value),
    // RegExp.prototype's own `source` is readable, but it is not a RegExp.
    isRegExp: (value) => isObject(value) && value !== RegExp.prototype && hasBrand(regExpSource, value),
    isMap: (value) => isObject(value) && hasBrand(mapSize, value),
    isSet: (value) => isObject(value) && hasBrand(setSize, value),
    isWeakMap: (value) => isObject(value) && hasBrand(WeakMap.prototype.has, value),
    isWeakSet: (value) => isObject(value) && hasBrand(WeakSet.prototype.has, value),
    isMapIterator: (value) => isObject(value) && Object.getPrototypeOf(value) === MapIteratorPrototype,
    isSetIterator: (value) => isObject(value) && Object.getPrototypeOf(value) === SetIteratorPrototype,
    isPromise: (value) => isObject(value) && tagOf(value) === 'Promise' && value !== Promise.prototype,
    isGeneratorObject: (value) => isObject(value) && tagOf(value) === 'Generator',
    isArgumentsObject: (value) => isObject(value) && tagOf(value) === 'Arguments',
    isNativeError: (value) => Error.isError(value),
    isAsyncFunction: (value) => typeof value === 'function' &&
      [AsyncFunctionPrototype, AsyncGeneratorFunctionPrototype].includes(Object.getPrototypeOf(value)),
    isGeneratorFunction: (value) => typeof value === 'function' &&
      [GeneratorFunctionPrototype, AsyncGeneratorFunctionPrototype].includes(Object.getPrototypeOf(value)),
    isArrayBuffer: (value) => isObject(value) && hasBrand(arrayBufferByteLength, value),
    isSharedArrayBuffer: (value) => isObject(value) && hasBrand(sharedArrayBufferByteLength, value),
    isAnyArrayBuffer: (value) => types.isArrayBuffer(value) || types.isSharedArrayBuffer(value),
    isDataView: (value) => isObject(value) && hasBrand(dataViewByteLength, value),
    isArrayBufferView: (value) => ArrayBuffer.isView(value),
    isTypedArray: (value) => typedArrayTag.call(value) !== undefined,
    isUint8Array: typedArrayCheck('Uint8Array'),
    isUint8ClampedArray: typedArrayCheck('Uint8ClampedArray'),
    isUint16Array: typedArrayCheck('Uint16Array'),
    isUint32Array: typedArrayCheck('Uint32Array'),
    isInt8Array: typedArrayCheck('Int8Array'),
    isInt16Array: typedArrayCheck('Int16Array'),
    isInt32Array: typedArrayCheck('Int32Array'),
    isFloat32Array: typedArrayCheck('Float32Array'),
    isFloat64Array: typedArrayCheck('Float64Array'),
    isBigInt64Array: typedArrayCheck('BigInt64Array'),
    isBigUint64Array: typedArrayCheck('BigUint64Array'),
    isNumberObject: boxedCheck(Number),
    isStringObject: boxedCheck(String),
    isBooleanObject: boxedCheck(Boolean),
    isBigIntObject: boxedCheck(BigInt),
    isSymbolObject: boxedCheck(Symbol),
    isBoxedPrimitive: (value) => types.isNumberObject(value) || types.isStringObject(value) ||
      types.isBooleanObject(value) || types.isBigIntObject(value) || types.isSymbolObject(value),
  };

  // ---------------------------------------------------------------------------------------
  // Errors with Node's codes.

  function nodeError(Base, code, message) {
    const err = new Base(message);
    err.code = code;
    return err;
  }

  function invalidArgType(name, expected, actual) {
    let received;
    if (actual == null) received = String(actual);
    else if (typeof actual === 'function') received = `function ${actual.name}`;
    else if (typeof actual === 'object') received = `an instance of ${actual.constructor ? actual.constructor.name : 'Object'}`;
    else received = `type ${typeof actual} (${inspect(actual)})`;
    const subject = name.endsWith(' argument') ? name : `"${name}" argument`;
    return nodeError(TypeError, 'ERR_INVALID_ARG_TYPE', `The ${subject} must be ${expected}. Received ${received}`);
  }

  function validateFunction(value, name) {
    if (typeof value !== 'function') throw invalidArgType(name, 'of type function', value);
  }

  // ---------------------------------------------------------------------------------------
  // inspect()

  const inspectDefaultOptions = {
    showHidden: false,
    depth: 2,
    colors: false,
    customInspect: true,
    showProxy: false,
    maxArrayLength: 100,
    maxStringLength: 10000,
    breakLength: 80,
    compact: 3,
    sorted: false,
    getters: false,
    numericSeparator: false,
  };

  const kObjectType = 0;
  const kArrayType = 1;
  const kArrayExtrasType = 2;

  // Strings shorter than this are never split over lines.
  const kMinLineLength = 16;

  const keyStrRegExp = /^[a-zA-Z_][a-zA-Z_0-9]*$/;
  const numberRegExp = /^(0|[1-9][0-9]*)$/;
  const classRegExp = /^(\s+[^(]*?)\s*{/;
  const stripCommentsRegExp = /(\/\/.*?\n)|(\/\*(.|\n)*?\*\/)/g;

  // Control characters, a single quote (when it is the quote used) and the backslash are
  // escaped, and so are lone surrogates.
  const strEscapeReplacer =
    /[\x00-\x1f\x27\x5c\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
  const strEscapeReplacerSingle =
    /[\x00-\x1f\x5c\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

  // The escape for each code below 0xa0 ('' where none is needed).
  const meta = [
    '\\x00', '\\x01', '\\x02', '\\x03', '\\x04', '\\x05', '\\x06', '\\x07',
    '\\b', '\\t', '\\n', '\\x0B', '\\f', '\\r', '\\x0E', '\\x0F',
    '\\x10', '\\x11', '\\x12', '\\x13', '\\x14', '\\x15', '\\x16', '\\x17',
    '\\x18', '\\x19', '\\x1A', '\\x1B', '\\x1C', '\\x1D', '\\x1E', '\\x1F',
    '', '', '', '', '', '', '', "\\'", '', '', '', '', '', '', '', '',
    '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '',
    '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '',
    '', '', '', '', '', '', '', '', '', '', '', '', '\\\\', '', '', '',
    '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '',
    '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '\\x7F',
    '\\x80', '\\x81', '\\x82', '\\x83', '\\x84', '\\x85', '\\x86', '\\x87',
    '\\x88', '\\x89', '\\x8A', '\\x8B', '\\x8C', '\\x8D', '\\x8E', '\\x8F',
    '\\x90', '\\x91', '\\x92', '\\x93', '\\x94', '\\x95', '\\x96', '\\x97',
    '\\x98', '\\x99', '\\x9A', '\\x9B', '\\x9C', '\\x9D', '\\x9E', '\\x9F',
  ];

  function escapeFn(str) {
    const charCode = str.charCodeAt(0);
    return meta.length > charCode ? meta[charCode] : `\\u${charCode.toString(16)}`;
  }

  // Quotes a string as Node does: single quotes, unless the string has some and no double
  // quotes (then double quotes), or has both and no backticks (then backticks).
  function strEscape(str) {
    let quote = "'";
    let replacer = strEscapeReplacer;
    if (str.includes("'")) {
      if (!str.includes('"')) quote = '"';
      else if (!str.includes('`') && !str.includes('${')) quote = '`';
      if (quote !== "'") replacer = strEscapeReplacerSingle;
    }
    return `${quote}${str.replace(replacer, escapeFn)}${quote}`;
  }

  // The names of the engine's built-in classes, as Node collects them from its global object
  // at startup (so without Buffer, which Node adds later).
  const builtInObjects = new Set(Object.getOwnPropertyNames(globalThis)
    .filter((name) => /^[A-Z][a-zA-Z0-9]+$/.test(name) && name !== 'Buffer'));

  function isInstanceof(object, proto) {
    try {
      return object instanceof proto;
    } catch {
      return false;
    }
  }

  // Node's isError: a native error, or anything that inherits from Error.
  function isError(value) {
    return types.isNativeError(value) || value instanceof Error;
  }

  // The name of the nearest constructor on the prototype chain; null for objects without a
  // prototype, and "Object <...>" for chains that have no constructor.
  function getConstructorName(obj, ctx, recurseTimes) {
    let firstProto;
    const tmp = obj;
    while (obj) {
      const descriptor = Object.getOwnPropertyDescriptor(obj, 'constructor');
      if (descriptor !== undefined && typeof descriptor.value === 'function' &&
          descriptor.value.name !== '' && isInstanceof(tmp, descriptor.value)) {
        return String(descriptor.value.name);
      }
      obj = Object.getPrototypeOf(obj);
      if (firstProto === undefined) firstProto = obj;
    }
    if (firstProto === null) return null;
    if (recurseTimes > ctx.depth && ctx.depth !== null) return 'Object <Complex prototype>';
    const protoConstr = getConstructorName(firstProto, ctx, recurseTimes + 1);
    if (protoConstr === null) {
      return `Object <${inspect(firstProto, { ...ctx, customInspect: false, depth: -1 })}>`;
    }
    return `Object <${protoConstr}>`;
  }

  function getPrefix(constructor, tag, fallback, size = '') {
    if (constructor === null) {
      if (tag !== '' && fallback !== tag) return `[${fallback}${size}: null prototype] [${tag}] `;
      return `[${fallback}${size}: null prototype] `;
    }
    if (tag !== '' && constructor !== tag) return `${constructor}${size} [${tag}] `;
    return `${constructor}${size} `;
  }

  // Own enumerable keys and symbols, or with showHidden all own property names.
  function getKeys(value, showHidden) {
    const symbols = Object.getOwnPropertySymbols(value);
    if (showHidden) return [...Object.getOwnPropertyNames(value), ...symbols];
    const keys = Object.keys(value);
    for (const symbol of symbols) {
      if (Object.prototype.propertyIsEnumerable.call(value, symbol)) keys.push(symbol);
    }
    return keys;
  }

  // The keys of an array or typed array that are not indices.
  function getNonIndexKeys(value, showHidden) {
    return getKeys(value, showHidden).filter((key) => typeof key !== 'string' || !isIndex(key));
  }

  function isIndex(key) {
    return numberRegExp.test(key) && Number(key) < 2 ** 32 - 1;
  }

  // The prefix of an object's braces, e.g. 'Foo [bar] ' or '[Object: null prototype] '.
  function getCtxStyle(constructor, tag, fallback) {
    return getPrefix(constructor, tag, constructor === null && fallback === tag ? 'Object' : fallback);
  }

  function formatValue(ctx, value, recurseTimes, typedArray) {
    if (typeof value !== 'object' && typeof value !== 'function') {
      return formatPrimitive(value, ctx);
    }
    if (value === null) return 'null';

    if (ctx.customInspect) {
      const maybeCustom = value[customInspectSymbol];
      if (typeof maybeCustom === 'function' && maybeCustom !== inspect &&
          !(value.constructor && value.constructor.prototype === value)) {
        const depth = ctx.depth === null ? null : ctx.depth - recurseTimes;
        const ret = maybeCustom.call(value, depth, userOptions(ctx), inspect);
        if (ret !== value) {
          if (typeof ret !== 'string') return formatValue(ctx, ret, recurseTimes);
          return ret.replaceAll('\n', `\n${' '.repeat(ctx.indentationLvl)}`);
        }
      }
    }

    if (ctx.seen.includes(value)) {
      let index = 1;
      if (ctx.circular === undefined) {
        ctx.circular = new Map([[value, index]]);
      } else {
        index = ctx.circular.get(value);
        if (index === undefined) {
          index = ctx.circular.size + 1;
          ctx.circular.set(value, index);
        }
      }
      return `[Circular *${index}]`;
    }

    return formatRaw(ctx, value, recurseTimes, typedArray);
  }

  // The options a custom inspect function receives.
  function userOptions(ctx) {
    const options = { stylize: (str) => str };
    for (const key of Object.keys(inspectDefaultOptions)) options[key] = ctx[key];
    return { ...options, ...ctx.userOptions };
  }

  function formatRaw(ctx, value, recurseTimes, typedArray) {
    let keys;
    const constructor = getConstructorName(value, ctx, recurseTimes);
    let tag = value[Symbol.toStringTag];
    // Only a tag that is not an own (enumerable) property is shown; otherwise it is a key.
    const ownTag = ctx.showHidden ? Object.prototype.hasOwnProperty : Object.prototype.propertyIsEnumerable;
    if (typeof tag !== 'string' || (tag !== '' && ownTag.call(value, Symbol.toStringTag))) tag = '';

    let base = '';
    // Makes the entries shown before the keys: elements, members, contents.
    let formatter = () => [];
    let braces;
    let noIterator = true;
    let extrasType = kObjectType;

    if (Symbol.iterator in value || constructor === null) {
      noIterator = false;
      if (Array.isArray(value)) {
        const prefix = constructor !== 'Array' || tag !== ''
          ? getPrefix(constructor, tag, 'Array', `(${value.length})`)
          : '';
        keys = getNonIndexKeys(value, ctx.showHidden);
        braces = [`${prefix}[`, ']'];
        if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
        extrasType = kArrayExtrasType;
        formatter = (c, depth) => formatArray(c, value, depth);
      } else if (types.isSet(value)) {
        const size = setSize.call(value);
        const prefix = getPrefix(constructor, tag, 'Set', `(${size})`);
        keys = getKeys(value, ctx.showHidden);
        formatter = (c, depth) => formatSet(Set.prototype.values.call(value), size, c, depth);
        if (size === 0 && keys.length === 0) return `${prefix}{}`;
        braces = [`${prefix}{`, '}'];
      } else if (types.isMap(value)) {
        const size = mapSize.call(value);
        const prefix = getPrefix(constructor, tag, 'Map', `(${size})`);
        keys = getKeys(value, ctx.showHidden);
        formatter = (c, depth) => formatMap(Map.prototype.entries.call(value), size, c, depth);
        if (size === 0 && keys.length === 0) return `${prefix}{}`;
        braces = [`${prefix}{`, '}'];
      } else if (types.isTypedArray(value)) {
        keys = getNonIndexKeys(value, ctx.showHidden);
        const fallback = constructor === null ? typedArrayTag.call(value) : '';
        const size = value.length;
        const prefix = getPrefix(constructor, tag, fallback, `(${size})`);
        braces = [`${prefix}[`, ']'];
        if (value.length === 0 && keys.length === 0 && !ctx.showHidden) return `${braces[0]}]`;
        formatter = (c, depth) => formatTypedArray(value, size, c, depth);
        extrasType = kArrayExtrasType;
      } else {
        // Map and Set iterators land here: their entries cannot be read without using them up.
        noIterator = true;
      }
    }
    if (noIterator) {
      keys = getKeys(value, ctx.showHidden);
      braces = ['{', '}'];
      if (typeof value === 'function') {
        base = getFunctionBase(value, constructor, tag);
        if (keys.length === 0) return base;
      } else if (constructor === 'Object') {
        if (types.isArgumentsObject(value)) {
          braces[0] = '[Arguments] {';
        } else if (tag !== '') {
          braces[0] = `${getPrefix(constructor, tag, 'Object')}{`;
        }
        if (keys.length === 0) return `${braces[0]}}`;
      } else if (types.isRegExp(value)) {
        base = RegExp.prototype.toString.call(constructor !== null ? value : new RegExp(value));
        const prefix = getPrefix(constructor, tag, 'RegExp');
        if (prefix !== 'RegExp ') base = `${prefix}${base}`;
        if (keys.length === 0 || (recurseTimes > ctx.depth && ctx.depth !== null)) return base;
      } else if (types.isDate(value)) {
        base = Number.isNaN(Date.prototype.getTime.call(value))
          ? Date.prototype.toString.call(value)
          : Date.prototype.toISOString.call(value);
        const prefix = getPrefix(constructor, tag, 'Date');
        if (prefix !== 'Date ') base = `${prefix}${base}`;
        if (keys.length === 0) return base;
      } else if (isError(value)) {
        base = formatError(value, constructor, tag, ctx, keys);
        if (keys.length === 0) return base;
      } else if (types.isAnyArrayBuffer(value)) {
        const arrayType = types.isArrayBuffer(value) ? 'ArrayBuffer' : 'SharedArrayBuffer';
        const prefix = getPrefix(constructor, tag, arrayType);
        if (typedArray === undefined) {
          formatter = (c) => formatArrayBuffer(c, value);
        } else if (keys.length === 0) {
          return `${prefix}{ byteLength: ${formatNumber(value.byteLength, false)} }`;
        }
        braces[0] = `${prefix}{`;
        keys.unshift('byteLength');
      } else if (types.isDataView(value)) {
        braces[0] = `${getPrefix(constructor, tag, 'DataView')}{`;
        keys.unshift('byteLength', 'byteOffset', 'buffer');
      } else if (types.isPromise(value)) {
        // A promise's state cannot be read from JavaScript.
        braces[0] = `${getPrefix(constructor, tag, 'Promise')}{`;
        formatter = () => ['<unknown>'];
      } else if (types.isWeakSet(value)) {
        braces[0] = `${getPrefix(constructor, tag, 'WeakSet')}{`;
        formatter = () => ['<items unknown>'];
      } else if (types.isWeakMap(value)) {
        braces[0] = `${getPrefix(constructor, tag, 'WeakMap')}{`;
        formatter = () => ['<items unknown>'];
      } else if (types.isBoxedPrimitive(value)) {
        base = getBoxedBase(value, ctx, keys, constructor, tag);
        if (keys.length === 0) return base;
      } else {
        const fallback = constructor === null ? tagOf(value) : '';
        if (keys.length === 0) return `${getCtxStyle(constructor, tag, fallback)}{}`;
        braces[0] = `${getCtxStyle(constructor, tag, fallback)}{`;
      }
    }

    if (recurseTimes > ctx.depth && ctx.depth !== null) {
      const fallback = constructor === null ? tagOf(value) : '';
      const name = getCtxStyle(constructor, tag, fallback).slice(0, -1);
      return constructor !== null ? `[${name}]` : name;
    }
    recurseTimes += 1;

    ctx.seen.push(value);
    ctx.currentDepth = recurseTimes;
    const output = formatter(ctx, recurseTimes);
    for (const key of keys) output.push(formatProperty(ctx, value, recurseTimes, key, extrasType));
    if (ctx.circular !== undefined) {
      const index = ctx.circular.get(value);
      if (index !== undefined) {
        const reference = `<ref *${index}>`;
        if (ctx.compact !== true) base = base === '' ? reference : `${reference} ${base}`;
        else braces[0] = `${reference} ${braces[0]}`;
      }
    }
    ctx.seen.pop();

    if (ctx.sorted) sortOutput(ctx, output, keys.length, extrasType);
    return reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value);
  }

  // Sorts the entries, or for arrays only the extra keys after the elements.
  function sortOutput(ctx, output, keyCount, extrasType) {
    const comparator = ctx.sorted === true ? undefined : ctx.sorted;
    if (extrasType === kObjectType) {
      output.sort(comparator);
    } else if (keyCount > 1) {
      const sorted = output.slice(output.length - keyCount).sort(comparator);
      output.splice(output.length - keyCount, keyCount, ...sorted);
    }
  }

  function getBoxedBase(value, ctx, keys, constructor, tag) {
    let type;
    let primitive;
    if (types.isNumberObject(value)) {
      type = 'Number';
      primitive = Number.prototype.valueOf.call(value);
    } else if (types.isStringObject(value)) {
      type = 'String';
      primitive = String.prototype.valueOf.call(value);
      // The indices of a String object only repeat its value.
      keys.splice(0, primitive.length);
    } else if (types.isBooleanObject(value)) {
      type = 'Boolean';
      primitive = Boolean.prototype.valueOf.call(value);
    } else if (types.isBigIntObject(value)) {
      type = 'BigInt';
      primitive = BigInt.prototype.valueOf.call(value);
    } else {
      type = 'Symbol';
      primitive = Symbol.prototype.valueOf.call(value);
    }
    let base = `[${type}`;
    if (type !== constructor) base += constructor === null ? ' (null prototype)' : ` (${constructor})`;
    base += `: ${formatPrimitive(primitive, ctx)}]`;
    if (tag !== '' && tag !== constructor) base += ` [${tag}]`;
    return base;
  }

  function getClassBase(value, constructor, tag) {
    const hasName = Object.prototype.hasOwnProperty.call(value, 'name');
    const name = (hasName && value.name) || '(anonymous)';
    let base = `class ${name}`;
    if (constructor !== 'Function' && constructor !== null) base += ` [${constructor}]`;
    if (tag !== '' && constructor !== tag) base += ` [${tag}]`;
    if (constructor !== null) {
      const superName = Object.getPrototypeOf(value).name;
      if (superName) base += ` extends ${superName}`;
    } else {
      base += ' extends [null prototype]';
    }
    return `[${base}]`;
  }

  function getFunctionBase(value, constructor, tag) {
    const stringified = Function.prototype.toString.call(value);
    if (stringified.startsWith('class') && stringified.endsWith('}')) {
      const slice = stringified.slice(5, -1);
      const bracketIndex = slice.indexOf('{');
      if (bracketIndex !== -1 &&
          (!slice.slice(0, bracketIndex).includes('(') ||
            classRegExp.exec(slice.replace(stripCommentsRegExp, '')) !== null)) {
        return getClassBase(value, constructor, tag);
      }
    }
    let type = 'Function';
    if (types.isGeneratorFunction(value)) type = `Generator${type}`;
    if (types.isAsyncFunction(value)) type = `Async${type}`;
    let base = `[${type}`;
    if (constructor === null) base += ' (null prototype)';
    base += value.name === '' ? ' (anonymous)' : `: ${value.name}`;
    base += ']';
    if (constructor !== type && constructor !== null) base += ` ${constructor}`;
    if (tag !== '' && constructor !== tag) base += ` [${tag}]`;
    return base;
  }

  // V8's stack starts with the "Name: message" line; QuickJS's holds only the frames, so the
  // line is added to make it read as Node's.
  function getStackString(error) {
    if (!error.stack) return Error.prototype.toString.call(error);
    const stack = String(error.stack);
    if (!stack.startsWith('    at ')) return stack;
    return `${Error.prototype.toString.call(error)}\n${stack.trimEnd()}`;
  }

  // Names the constructor when the stack's first line does not, as Node does.
  function improveStack(stack, constructor, name, tag) {
    let len = name.length;
    if (constructor === null ||
        (name.endsWith('Error') && stack.startsWith(name) &&
          (stack.length === len || stack[len] === ':' || stack[len] === '\n'))) {
      let fallback = 'Error';
      if (constructor === null) {
        const start = /^([A-Z][a-z_ A-Z0-9[\]()-]+)(?::|\n {4}at)/.exec(stack) ||
          /^([a-z_A-Z0-9-]*Error)$/.exec(stack);
        fallback = (start && start[1]) || '';
        len = fallback.length;
        fallback = fallback || 'Error';
      }
      const prefix = getPrefix(constructor, tag, fallback).slice(0, -1);
      if (name !== prefix) {
        if (prefix.includes(name)) {
          stack = len === 0 ? `${prefix}: ${stack}` : `${prefix}${stack.slice(len)}`;
        } else {
          stack = `${prefix} [${name}]${stack.slice(len)}`;
        }
      }
    }
    return stack;
  }

  function formatError(err, constructor, tag, ctx, keys) {
    const name = err.name != null ? String(err.name) : 'Error';
    let stack = getStackString(err);

    // name, message and stack are not listed again when the stack shows them.
    if (!ctx.showHidden && keys.length !== 0) {
      for (const key of ['name', 'message', 'stack']) {
        const index = keys.indexOf(key);
        if (index !== -1 && stack.includes(err[key])) keys.splice(index, 1);
      }
    }
    if ('cause' in err && (keys.length === 0 || !keys.includes('cause'))) keys.push('cause');
    if (Array.isArray(err.errors) && (keys.length === 0 || !keys.includes('errors'))) keys.push('errors');

    stack = improveStack(stack, constructor, name, tag);

    // An error without stack frames is shown in brackets.
    let pos = (err.message && stack.indexOf(err.message)) || -1;
    if (pos !== -1) pos += err.message.length;
    if (stack.indexOf('\n    at', pos) === -1) stack = `[${stack}]`;

    if (ctx.indentationLvl !== 0) {
      stack = stack.replaceAll('\n', `\n${' '.repeat(ctx.indentationLvl)}`);
    }
    return stack;
  }

  function formatArrayBuffer(ctx, value) {
    const bytes = new Uint8Array(value);
    const shown = bytes.subarray(0, Math.min(ctx.maxArrayLength, bytes.length));
    let str = Buffer.prototype.toString.call(shown, 'hex').replace(/(.{2})/g, '$1 ').trim();
    const remaining = bytes.length - ctx.maxArrayLength;
    if (remaining > 0) str += ` ... ${remaining} more byte${remaining > 1 ? 's' : ''}`;
    return [`[Uint8Contents]: <${str}>`];
  }

  function remainingText(remaining) {
    return `... ${remaining} more item${remaining > 1 ? 's' : ''}`;
  }

  function formatArray(ctx, value, recurseTimes) {
    const valLen = value.length;
    const len = Math.min(Math.max(0, ctx.maxArrayLength), valLen);
    const remaining = valLen - len;
    const output = [];
    for (let i = 0; i < len; i++) {
      // Holes make the array sparse, which is shown differently.
      if (!Object.prototype.hasOwnProperty.call(value, i)) {
        return formatSpecialArray(ctx, value, recurseTimes, len, output, i);
      }
      output.push(formatProperty(ctx, value, recurseTimes, i, kArrayType));
    }
    if (remaining > 0) output.push(remainingText(remaining));
    return output;
  }

  // A sparse array: runs of holes show as <n empty items>.
  function formatSpecialArray(ctx, value, recurseTimes, maxLength, output, i) {
    const keys = Object.keys(value);
    let index = i;
    for (; i < keys.length && output.length < maxLength; i++) {
      const key = keys[i];
      const tmp = +key;
      if (tmp > 2 ** 32 - 2) break;
      if (`${index}` !== key) {
        if (!numberRegExp.test(key)) break;
        const emptyItems = tmp - index;
        output.push(`<${emptyItems} empty item${emptyItems > 1 ? 's' : ''}>`);
        index = tmp;
        if (output.length === maxLength) break;
      }
      output.push(formatProperty(ctx, value, recurseTimes, key, kArrayType));
      index++;
    }
    const remaining = value.length - index;
    if (output.length !== maxLength) {
      if (remaining > 0) output.push(`<${remaining} empty item${remaining > 1 ? 's' : ''}>`);
    } else if (remaining > 0) {
      output.push(remainingText(remaining));
    }
    return output;
  }

  function formatTypedArray(value, length, ctx, recurseTimes) {
    const maxLength = Math.min(Math.max(0, ctx.maxArrayLength), length);
    const remaining = length - maxLength;
    const output = [];
    for (let i = 0; i < maxLength; i++) {
      output.push(typeof value[i] === 'number'
        ? formatNumber(value[i], ctx.numericSeparator)
        : formatBigInt(value[i], ctx.numericSeparator));
    }
    if (remaining > 0) output.push(remainingText(remaining));
    if (ctx.showHidden) {
      ctx.indentationLvl += 2;
      for (const key of ['BYTES_PER_ELEMENT', 'length', 'byteLength', 'byteOffset', 'buffer']) {
        output.push(`[${key}]: ${formatValue(ctx, value[key], recurseTimes, true)}`);
      }
      ctx.indentationLvl -= 2;
    }
    return output;
  }

  function formatSet(values, size, ctx, recurseTimes) {
    const maxLength = Math.min(Math.max(0, ctx.maxArrayLength), size);
    const output = [];
    ctx.indentationLvl += 2;
    for (const v of values) {
      if (output.length >= maxLength) break;
      output.push(formatValue(ctx, v, recurseTimes));
    }
    if (size > maxLength) output.push(remainingText(size - maxLength));
    ctx.indentationLvl -= 2;
    return output;
  }

  function formatMap(entries, size, ctx, recurseTimes) {
    const maxLength = Math.min(Math.max(0, ctx.maxArrayLength), size);
    const output = [];
    ctx.indentationLvl += 2;
    for (const [k, v] of entries) {
      if (output.length >= maxLength) break;
      output.push(`${formatValue(ctx, k, recurseTimes)} => ${formatValue(ctx, v, recurseTimes)}`);
    }
    if (size > maxLength) output.push(remainingText(size - maxLength));
    ctx.indentationLvl -= 2;
    return output;
  }

  function formatProperty(ctx, value, recurseTimes, key, type) {
    let str;
    let extra = ' ';
    const desc = Object.getOwnPropertyDescriptor(value, key) || { value: value[key], enumerable: true };
    if (desc.value !== undefined) {
      const diff = ctx.compact !== true || type !== kObjectType ? 2 : 3;
      ctx.indentationLvl += diff;
      str = formatValue(ctx, desc.value, recurseTimes);
      if (diff === 3 && ctx.breakLength < getStringWidth(str)) {
        extra = `\n${' '.repeat(ctx.indentationLvl)}`;
      }
      ctx.indentationLvl -= diff;
    } else if (desc.get !== undefined) {
      str = formatGetter(ctx, value, recurseTimes, desc);
    } else if (desc.set !== undefined) {
      str = '[Setter]';
    } else {
      str = 'undefined';
    }
    if (type === kArrayType) return str;
    return `${formatKey(key, desc)}:${extra}${str}`;
  }

  // A getter shows as [Getter], or with the `getters` option as [Getter: value].
  function formatGetter(ctx, value, recurseTimes, desc) {
    const label = desc.set !== undefined ? 'Getter/Setter' : 'Getter';
    const wanted = ctx.getters && (ctx.getters === true ||
      (ctx.getters === 'get' && desc.set === undefined) ||
      (ctx.getters === 'set' && desc.set !== undefined));
    if (!wanted) return `[${label}]`;
    try {
      const tmp = desc.get.call(value);
      ctx.indentationLvl += 2;
      let str;
      if (tmp === null) str = `[${label}: null]`;
      else if (typeof tmp === 'object') str = `[${label}] ${formatValue(ctx, tmp, recurseTimes)}`;
      else str = `[${label}: ${formatPrimitive(tmp, ctx)}]`;
      ctx.indentationLvl -= 2;
      return str;
    } catch (err) {
      return `[${label}: <Inspection threw (${err.message})>]`;
    }
  }

  function formatKey(key, desc) {
    if (typeof key === 'symbol') return `[${String(key).replace(strEscapeReplacer, escapeFn)}]`;
    if (key === '__proto__') return "['__proto__']";
    if (desc.enumerable === false) return `[${String(key).replace(strEscapeReplacer, escapeFn)}]`;
    if (keyStrRegExp.test(key)) return key;
    return strEscape(key);
  }

  function addNumericSeparator(integerString) {
    let result = '';
    let i = integerString.length;
    const start = integerString[0] === '-' ? 1 : 0;
    for (; i >= start + 4; i -= 3) result = `_${integerString.slice(i - 3, i)}${result}`;
    return i === integerString.length ? integerString : `${integerString.slice(0, i)}${result}`;
  }

  function addNumericSeparatorEnd(integerString) {
    let result = '';
    let i = 0;
    for (; i < integerString.length - 3; i += 3) result += `${integerString.slice(i, i + 3)}_`;
    return i === 0 ? integerString : `${result}${integerString.slice(i)}`;
  }

  function formatNumber(number, numericSeparator) {
    if (!numericSeparator) return Object.is(number, -0) ? '-0' : `${number}`;
    const numberString = String(number);
    if (Math.trunc(number) === number) {
      if (!Number.isFinite(number) || numberString.includes('e')) return numberString;
      return addNumericSeparator(numberString);
    }
    if (Number.isNaN(number)) return numberString;
    const decimalIndex = numberString.indexOf('.');
    return `${addNumericSeparator(numberString.slice(0, decimalIndex))}.` +
      `${addNumericSeparatorEnd(numberString.slice(decimalIndex + 1))}`;
  }

  function formatBigInt(bigint, numericSeparator) {
    const string = String(bigint);
    return `${numericSeparator ? addNumericSeparator(string) : string}n`;
  }

  function formatPrimitive(value, ctx) {
    switch (typeof value) {
      case 'string': return formatString(value, ctx);
      case 'number': return formatNumber(value, ctx.numericSeparator);
      case 'bigint': return formatBigInt(value, ctx.numericSeparator);
      case 'symbol': return String(value);
      default: return `${value}`; // boolean, undefined
    }
  }

  // Long strings are cut at maxStringLength, and split after each newline when they would
  // not fit on the line.
  function formatString(value, ctx) {
    let trailer = '';
    if (value.length > ctx.maxStringLength) {
      const remaining = value.length - ctx.maxStringLength;
      value = value.slice(0, ctx.maxStringLength);
      trailer = `... ${remaining} more character${remaining > 1 ? 's' : ''}`;
    }
    if (ctx.compact !== true && value.length > kMinLineLength &&
        value.length > ctx.breakLength - ctx.indentationLvl - 4) {
      return value.split(/(?<=\n)/)
        .map((line) => strEscape(line))
        .join(` +\n${' '.repeat(ctx.indentationLvl + 2)}`) + trailer;
    }
    return strEscape(value) + trailer;
  }

  // Columns a string takes in a terminal: wide East Asian characters count twice, and
  // control and combining characters not at all (Node without ICU counts the same way).
  function getStringWidth(str) {
    if (/^[\x20-\x7e]*$/.test(str)) return str.length;
    let width = 0;
    for (const char of str.normalize('NFC')) {
      const code = char.codePointAt(0);
      if (isFullWidthCodePoint(code)) width += 2;
      else if (!isZeroWidthCodePoint(code)) width++;
    }
    return width;
  }

  function isFullWidthCodePoint(code) {
    return code >= 0x1100 && (
      code <= 0x115f || code === 0x2329 || code === 0x232a ||
      (code >= 0x2e80 && code <= 0x3247 && code !== 0x303f) ||
      (code >= 0x3250 && code <= 0x4dbf) ||
      (code >= 0x4e00 && code <= 0xa4c6) ||
      (code >= 0xa960 && code <= 0xa97c) ||
      (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) ||
      (code >= 0xfe10 && code <= 0xfe19) ||
      (code >= 0xfe30 && code <= 0xfe6b) ||
      (code >= 0xff01 && code <= 0xff60) ||
      (code >= 0xffe0 && code <= 0xffe6) ||
      (code >= 0x1b000 && code <= 0x1b001) ||
      (code >= 0x1f200 && code <= 0x1f251) ||
      (code >= 0x1f300 && code <= 0x1f64f) ||
      (code >= 0x20000 && code <= 0x3fffd));
  }

  function isZeroWidthCodePoint(code) {
    return code <= 0x1f || (code >= 0x7f && code <= 0x9f) || (code >= 0x300 && code <= 0x36f) ||
      (code >= 0x200b && code <= 0x200f) || (code >= 0x20d0 && code <= 0x20ff) ||
      (code >= 0xfe00 && code <= 0xfe0f) || (code >= 0xfe20 && code <= 0xfe2f) ||
      (code >= 0xe0100 && code <= 0xe01ef);
  }

  // Lays out arrays of more than six short entries in aligned columns.
  function groupArrayElements(ctx, output, value) {
    let totalLength = 0;
    let maxLength = 0;
    let outputLength = output.length;
    // The "... n more items" entry is not grouped.
    if (ctx.maxArrayLength < output.length) outputLength--;
    const separatorSpace = 2; // ", "
    const dataLen = new Array(outputLength);
    for (let i = 0; i < outputLength; i++) {
      const len = getStringWidth(output[i]);
      dataLen[i] = len;
      totalLength += len + separatorSpace;
      if (maxLength < len) maxLength = len;
    }
    const actualMax = maxLength + separatorSpace;
    // At least three entries must fit next to each other, and no entry may be much longer
    // than the others.
    if (actualMax * 3 + ctx.indentationLvl < ctx.breakLength &&
        (totalLength / actualMax > 5 || maxLength <= 6)) {
      const averageBias = Math.sqrt(actualMax - totalLength / output.length);
      const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
      const columns = Math.min(
        // Aim for a square, characters being about 2.5 times as high as wide.
        Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
        Math.floor((ctx.breakLength - ctx.indentationLvl) / actualMax),
        ctx.compact * 4,
        15,
      );
      if (columns <= 1) return output;
      const maxLineLength = [];
      for (let i = 0; i < columns; i++) {
        let lineMaxLength = 0;
        for (let j = i; j < output.length; j += columns) {
          if (dataLen[j] > lineMaxLength) lineMaxLength = dataLen[j];
        }
        maxLineLength.push(lineMaxLength + separatorSpace);
      }
      // Numbers are aligned to the right, anything else to the left.
      let padStart = true;
      if (value !== undefined) {
        for (let i = 0; i < output.length; i++) {
          if (typeof value[i] !== 'number' && typeof value[i] !== 'bigint') {
            padStart = false;
            break;
          }
        }
      }
      const grouped = [];
      for (let i = 0; i < outputLength; i += columns) {
        const max = Math.min(i + columns, outputLength);
        let str = '';
        let j = i;
        for (; j < max - 1; j++) {
          const padding = maxLineLength[j - i] + output[j].length - dataLen[j];
          str += padStart ? `${output[j]}, `.padStart(padding, ' ') : `${output[j]}, `.padEnd(padding, ' ');
        }
        if (padStart) {
          const padding = maxLineLength[j - i] + output[j].length - dataLen[j] - separatorSpace;
          str += output[j].padStart(padding, ' ');
        } else {
          str += output[j];
        }
        grouped.push(str);
      }
      if (ctx.maxArrayLength < output.length) grouped.push(output[outputLength]);
      output = grouped;
    }
    return output;
  }

  function isBelowBreakLength(ctx, output, start, base) {
    let totalLength = output.length + start;
    if (totalLength + output.length > ctx.breakLength) return false;
    for (const entry of output) {
      totalLength += entry.length;
      if (totalLength > ctx.breakLength) return false;
    }
    return base === '' || !base.includes('\n');
  }

  function reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value) {
    if (ctx.compact !== true) {
      if (typeof ctx.compact === 'number' && ctx.compact >= 1) {
        const entries = output.length;
        if (extrasType === kArrayExtrasType && entries > 6) {
          output = groupArrayElements(ctx, output, value);
        }
        // The innermost `compact` levels go on one line when they fit.
        if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
          const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
          if (isBelowBreakLength(ctx, output, start, base)) {
            const joinedOutput = output.join(', ');
            if (!joinedOutput.includes('\n')) {
              return `${base ? `${base} ` : ''}${braces[0]} ${joinedOutput} ${braces[1]}`;
            }
          }
        }
      }
      const indentation = `\n${' '.repeat(ctx.indentationLvl)}`;
      return `${base ? `${base} ` : ''}${braces[0]}${indentation}  ` +
        `${output.join(`,${indentation}  `)}${indentation}${braces[1]}`;
    }
    if (isBelowBreakLength(ctx, output, 0, base)) {
      return `${braces[0]}${base ? ` ${base}` : ''} ${output.join(', ')} ${braces[1]}`;
    }
    const indentation = ' '.repeat(ctx.indentationLvl);
    const ln = base === '' && braces[0].length === 1 ? ' ' : `${base ? ` ${base}` : ''}\n${indentation}  `;
    return `${braces[0]}${ln}${output.join(`,\n${indentation}  `)} ${braces[1]}`;
  }

  // inspect(value[, options]), or the legacy inspect(value, showHidden, depth, colors).
  // Colours are accepted but not produced.
  function inspect(value, opts) {
    const ctx = {
      indentationLvl: 0,
      seen: [],
      currentDepth: 0,
      ...inspectDefaultOptions,
    };
    if (arguments.length > 1) {
      if (arguments.length > 2) {
        if (arguments[2] !== undefined) ctx.depth = arguments[2];
        if (arguments.length > 3 && arguments[3] !== undefined) ctx.colors = arguments[3];
      }
      if (typeof opts === 'boolean') {
        ctx.showHidden = opts;
      } else if (opts) {
        for (const key of Object.keys(opts)) {
          if (Object.prototype.hasOwnProperty.call(inspectDefaultOptions, key)) ctx[key] = opts[key];
          else if (ctx.userOptions === undefined) ctx.userOptions = opts;
        }
      }
    }
    if (ctx.maxArrayLength === null) ctx.maxArrayLength = Infinity;
    if (ctx.maxStringLength === null) ctx.maxStringLength = Infinity;
    return formatValue(ctx, value, 0);
  }

  inspect.custom = customInspectSymbol;
  Object.defineProperty(inspect, 'defaultOptions', {
    get() { return inspectDefaultOptions; },
    set(options) {
      if (!isObject(options)) throw invalidArgType('options', 'of type object', options);
      Object.assign(inspectDefaultOptions, options);
    },
  });

  // ---------------------------------------------------------------------------------------
  // format()

  // Whether %s should inspect the value rather than call its toString: true unless a
  // toString (or Symbol.toPrimitive) that is not a built-in one is found first.
  function hasBuiltInToString(value) {
    const ownProperty = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key);
    const never = () => false;
    let hasOwnToString = ownProperty;
    let hasOwnToPrimitive = ownProperty;
    if (typeof value.toString !== 'function') {
      if (typeof value[Symbol.toPrimitive] !== 'function') return true;
      if (ownProperty(value, Symbol.toPrimitive)) return false;
      hasOwnToString = never;
    } else if (ownProperty(value, 'toString')) {
      return false;
    } else if (typeof value[Symbol.toPrimitive] !== 'function') {
      hasOwnToPrimitive = never;
    } else if (ownProperty(value, Symbol.toPrimitive)) {
      return false;
    }
    let pointer = value;
    do {
      pointer = Object.getPrototypeOf(pointer);
    } while (!hasOwnToString(pointer, 'toString') && !hasOwnToPrimitive(pointer, Symbol.toPrimitive));
    const descriptor = Object.getOwnPropertyDescriptor(pointer, 'constructor');
    return descriptor !== undefined && typeof descriptor.value === 'function' &&
      builtInObjects.has(descriptor.value.name);
  }

  let circularErrorMessage;

  // %j: JSON, or '[Circular]' for the engine's error about circular structures.
  function tryStringify(arg) {
    try {
      return JSON.stringify(arg);
    } catch (err) {
      if (circularErrorMessage === undefined) {
        try {
          const a = {};
          a.a = a;
          JSON.stringify(a);
        } catch (circularError) {
          circularErrorMessage = circularError.message.split('\n', 1)[0];
        }
      }
      if (err.name === 'TypeError' && err.message.split('\n', 1)[0] === circularErrorMessage) {
        return '[Circular]';
      }
      throw err;
    }
  }

  function format(...args) {
    return formatWithOptionsInternal(undefined, args);
  }

  function formatWithOptions(inspectOptions, ...args) {
    if (typeof inspectOptions !== 'object' || inspectOptions === null) {
      throw invalidArgType('inspectOptions', 'of type object', inspectOptions);
    }
    return formatWithOptionsInternal(inspectOptions, args);
  }

  function numericSeparatorOf(options) {
    return options?.numericSeparator ?? inspectDefaultOptions.numericSeparator;
  }

  // The text for one placeholder (the char after '%') and its argument.
  function formatPlaceholder(code, arg, inspectOptions) {
    const separator = numericSeparatorOf(inspectOptions);
    switch (code) {
      case 115: // 's'
        if (typeof arg === 'number') return formatNumber(arg, separator);
        if (typeof arg === 'bigint') return formatBigInt(arg, separator);
        if (typeof arg !== 'object' || arg === null || !hasBuiltInToString(arg)) return String(arg);
        return inspect(arg, { ...inspectOptions, compact: 3, colors: false, depth: 0 });
      case 106: // 'j'
        return `${tryStringify(arg)}`;
      case 100: // 'd'
        if (typeof arg === 'bigint') return formatBigInt(arg, separator);
        if (typeof arg === 'symbol') return 'NaN';
        return formatNumber(Number(arg), separator);
      case 79: // 'O'
        return inspect(arg, inspectOptions);
      case 111: // 'o'
        return inspect(arg, { ...inspectOptions, showHidden: true, showProxy: true, depth: 4 });
      case 105: // 'i'
        if (typeof arg === 'bigint') return formatBigInt(arg, separator);
        if (typeof arg === 'symbol') return 'NaN';
        return formatNumber(Number.parseInt(arg), separator);
      case 102: // 'f'
        if (typeof arg === 'symbol') return 'NaN';
        return formatNumber(Number.parseFloat(arg), separator);
      case 99: // 'c': CSS, which only a browser console uses
        return '';
      default:
        return undefined;
    }
  }

  function formatWithOptionsInternal(inspectOptions, args) {
    const first = args[0];
    let a = 0;
    let str = '';
    let join = '';

    if (typeof first === 'string') {
      if (args.length === 1) return first;
      let lastPos = 0;
      for (let i = 0; i < first.length - 1; i++) {
        if (first.charCodeAt(i) !== 37) continue; // '%'
        const nextChar = first.charCodeAt(++i);
        if (a + 1 !== args.length) {
          if (nextChar === 37) {
            str += first.slice(lastPos, i);
            lastPos = i + 1;
            continue;
          }
          const tempStr = formatPlaceholder(nextChar, args[a + 1], inspectOptions);
          // Any other character after '%' is not a placeholder.
          if (tempStr === undefined) continue;
          a++;
          if (lastPos !== i - 1) str += first.slice(lastPos, i - 1);
          str += tempStr;
          lastPos = i + 1;
        } else if (nextChar === 37) {
          str += first.slice(lastPos, i);
          lastPos = i + 1;
        }
      }
      if (lastPos !== 0) {
        a++;
        join = ' ';
        if (lastPos < first.length) str += first.slice(lastPos);
      }
    }

    while (a < args.length) {
      const value = args[a];
      str += join;
      str += typeof value !== 'string' ? inspect(value, inspectOptions) : value;
      join = ' ';
      a++;
    }
    return str;
  }

  // ---------------------------------------------------------------------------------------
  // isDeepStrictEqual(): the strict mode of Node's comparisons.js.

  function isDeepStrictEqual(a, b) {
    return innerDeepEqual(a, b, new Map());
  }

  function innerDeepEqual(val1, val2, memos) {
    if (val1 === val2) return val1 !== 0 || Object.is(val1, val2);
    if (typeof val1 === 'number') return Number.isNaN(val1) && Number.isNaN(val2);
    if (typeof val2 !== 'object' || typeof val1 !== 'object' || val1 === null || val2 === null ||
        Object.getPrototypeOf(val1) !== Object.getPrototypeOf(val2)) {
      return false;
    }
    const val1Tag = Object.prototype.toString.call(val1);
    if (val1Tag !== Object.prototype.toString.call(val2)) return false;

    if (Array.isArray(val1)) {
      if (!Array.isArray(val2) || val1.length !== val2.length) return false;
      const keys1 = getNonIndexKeys(val1, false);
      if (keys1.length !== getNonIndexKeys(val2, false).length) return false;
      return keyCheck(val1, val2, memos, 'array', keys1);
    }
    if (val1Tag === '[object Object]') return keyCheck(val1, val2, memos, 'object');
    if (!sameBuiltInContent(val1, val2, memos)) return false;
    if (ArrayBuffer.isView(val1)) {
      const keys1 = getNonIndexKeys(val1, false);
      if (keys1.length !== getNonIndexKeys(val2, false).length) return false;
      return keyCheck(val1, val2, memos, 'object', keys1);
    }
    if (types.isSet(val1)) return keyCheck(val1, val2, memos, 'set');
    if (types.isMap(val1)) return keyCheck(val1, val2, memos, 'map');
    return keyCheck(val1, val2, memos, 'object');
  }

  // The internal state of built-in objects, which their keys do not show.
  function sameBuiltInContent(val1, val2, memos) {
    if (types.isDate(val1)) {
      return types.isDate(val2) && Date.prototype.getTime.call(val1) === Date.prototype.getTime.call(val2);
    }
    if (types.isRegExp(val1)) {
      return types.isRegExp(val2) && val1.source === val2.source && val1.flags === val2.flags &&
        val1.lastIndex === val2.lastIndex;
    }
    if (ArrayBuffer.isView(val1)) {
      return ArrayBuffer.isView(val2) && typedArrayTag.call(val1) === typedArrayTag.call(val2) &&
        sameBytes(val1, val2);
    }
    if (types.isSet(val1)) return types.isSet(val2) && val1.size === val2.size;
    if (types.isMap(val1)) return types.isMap(val2) && val1.size === val2.size;
    if (types.isAnyArrayBuffer(val1)) return types.isAnyArrayBuffer(val2) && sameBytes(val1, val2);
    if (isError(val1)) {
      return isError(val2) && sameErrorFields(val1, val2, memos);
    }
    if (types.isBoxedPrimitive(val1)) return sameBoxedPrimitive(val1, val2);
    return !(Array.isArray(val2) || ArrayBuffer.isView(val2) || types.isSet(val2) || types.isMap(val2) ||
      types.isDate(val2) || types.isRegExp(val2) || types.isAnyArrayBuffer(val2) ||
      types.isBoxedPrimitive(val2) || isError(val2));
  }

  function sameBytes(a, b) {
    if (a.byteLength !== b.byteLength) return false;
    const viewOf = (x) => (ArrayBuffer.isView(x) ? new Uint8Array(x.buffer, x.byteOffset, x.byteLength) : new Uint8Array(x));
    return Buffer.compare(viewOf(a), viewOf(b)) === 0;
  }

  // message, name, cause and errors count when they are not enumerable (so not compared
  // as keys); the stack never does.
  function sameErrorFields(val1, val2, memos) {
    for (const key of ['message', 'name', 'cause', 'errors']) {
      const enumerable = Object.prototype.propertyIsEnumerable.call(val1, key);
      if (enumerable !== Object.prototype.propertyIsEnumerable.call(val2, key)) return false;
      if (!enumerable && !innerDeepEqual(val1[key], val2[key], memos)) return false;
    }
    return true;
  }

  function sameBoxedPrimitive(val1, val2) {
    for (const Type of [Number, String, Boolean, BigInt, Symbol]) {
      const check = boxedCheck(Type);
      if (check(val1)) return check(val2) && Object.is(Type.prototype.valueOf.call(val1), Type.prototype.valueOf.call(val2));
    }
    return false;
  }

  function keyCheck(val1, val2, memos, kind, aKeys) {
    const isArrayLike = aKeys !== undefined;
    if (aKeys === undefined) aKeys = Object.keys(val1);
    for (const key of aKeys) {
      if (!Object.prototype.propertyIsEnumerable.call(val2, key)) return false;
    }
    if (!isArrayLike) {
      if (aKeys.length !== Object.keys(val2).length) return false;
      const symbols1 = enumerableSymbols(val1);
      const symbols2 = enumerableSymbols(val2);
      if (symbols1.length !== symbols2.length) return false;
      for (const key of symbols1) {
        if (!Object.prototype.propertyIsEnumerable.call(val2, key)) return false;
      }
      aKeys = [...aKeys, ...symbols1];
    }
    if (aKeys.length === 0 && (kind === 'object' || (kind === 'array' && val1.length === 0) || val1.size === 0)) {
      return true;
    }
    // A pair already being compared is taken as equal, which ends cycles.
    let partners = memos.get(val1);
    if (partners === undefined) memos.set(val1, partners = new Set());
    if (partners.has(val2)) return true;
    partners.add(val2);
    const result = objEquiv(val1, val2, aKeys, memos, kind);
    partners.delete(val2);
    return result;
  }

  function enumerableSymbols(value) {
    return Object.getOwnPropertySymbols(value)
      .filter((key) => Object.prototype.propertyIsEnumerable.call(value, key));
  }

  function objEquiv(a, b, keys, memos, kind) {
    for (const key of keys) {
      if (!innerDeepEqual(a[key], b[key], memos)) return false;
    }
    if (kind === 'array') {
      for (let i = 0; i < a.length; i++) {
        const hasA = Object.prototype.hasOwnProperty.call(a, i);
        if (hasA !== Object.prototype.hasOwnProperty.call(b, i)) return false;
        if (hasA && !innerDeepEqual(a[i], b[i], memos)) return false;
      }
    } else if (kind === 'set') {
      return setEquiv(a, b, memos);
    } else if (kind === 'map') {
      return mapEquiv(a, b, memos);
    }
    return true;
  }

  // Objects in a set match any deep-equal object of the other set, each used once.
  function setEquiv(a, b, memos) {
    let unmatched = null;
    for (const val of a) {
      if (b.has(val)) continue;
      if (typeof val !== 'object' || val === null) return false;
      if (unmatched === null) unmatched = new Set();
      unmatched.add(val);
    }
    if (unmatched === null) return true;
    for (const val of b) {
      if (typeof val === 'object' && val !== null && !a.has(val) && !takeEqual(unmatched, (v) => innerDeepEqual(v, val, memos))) {
        return false;
      }
    }
    return unmatched.size === 0;
  }

  function mapEquiv(a, b, memos) {
    let unmatched = null;
    for (const [key, item1] of a) {
      if (typeof key === 'object' && key !== null) {
        if (unmatched === null) unmatched = new Set();
        unmatched.add(key);
      } else {
        const item2 = b.get(key);
        if ((item2 === undefined && !b.has(key)) || !innerDeepEqual(item1, item2, memos)) return false;
      }
    }
    if (unmatched === null) return true;
    for (const [key, item] of b) {
      if (typeof key === 'object' && key !== null &&
          !takeEqual(unmatched, (k) => innerDeepEqual(k, key, memos) && innerDeepEqual(a.get(k), item, memos))) {
        return false;
      }
    }
    return unmatched.size === 0;
  }

  // Removes and reports the first member of `set` that `matches`.
  function takeEqual(set, matches) {
    for (const member of set) {
      if (matches(member)) {
        set.delete(member);
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------------------------------
  // Functions.

  function inherits(ctor, superCtor) {
    if (ctor === undefined || ctor === null) throw invalidArgType('ctor', 'of type function', ctor);
    if (superCtor === undefined || superCtor === null) {
      throw invalidArgType('superCtor', 'of type function', superCtor);
    }
    if (superCtor.prototype === undefined) {
      throw nodeError(TypeError, 'ERR_INVALID_ARG_TYPE',
        'The "superCtor.prototype" property must be of type object. Received undefined');
    }
    Object.defineProperty(ctor, 'super_', { value: superCtor, writable: true, configurable: true });
    Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
  }

  // Node wraps the function to print a warning once; there is no console to print to here.
  function deprecate(fn, msg, code) {
    if (code !== undefined && typeof code !== 'string') throw invalidArgType('code', 'of type string', code);
    function deprecated(...args) {
      if (new.target) return Reflect.construct(fn, args, new.target);
      return Reflect.apply(fn, this, args);
    }
    Object.setPrototypeOf(deprecated, fn);
    if (fn.prototype) deprecated.prototype = fn.prototype;
    return deprecated;
  }

  // Defines the properties as Node does, each descriptor given a null prototype (so that
  // nothing on Object.prototype can change their meaning).
  function defineDescriptors(target, descriptors) {
    for (const descriptor of Object.values(descriptors)) Object.setPrototypeOf(descriptor, null);
    return Object.defineProperties(target, descriptors);
  }

  function promisify(original) {
    validateFunction(original, 'original');
    if (original[customPromisifySymbol]) {
      const fn = original[customPromisifySymbol];
      validateFunction(fn, 'util.promisify.custom');
      return Object.defineProperty(fn, customPromisifySymbol, {
        value: fn, enumerable: false, writable: false, configurable: true,
      });
    }
    function fn(...args) {
      return new Promise((resolve, reject) => {
        args.push((err, ...values) => {
          if (err) return reject(err);
          return resolve(values[0]);
        });
        Reflect.apply(original, this, args);
      });
    }
    Object.setPrototypeOf(fn, Object.getPrototypeOf(original));
    Object.defineProperty(fn, customPromisifySymbol, {
      value: fn, enumerable: false, writable: false, configurable: true,
    });
    return defineDescriptors(fn, Object.getOwnPropertyDescriptors(original));
  }
  promisify.custom = customPromisifySymbol;

  // The callback runs in a later job, as Node runs it on process.nextTick. A rejection with
  // a falsy reason is wrapped in an Error that keeps the reason, as in Node.
  function callbackify(original) {
    validateFunction(original, 'original');
    function callbackified(...args) {
      const maybeCb = args.pop();
      validateFunction(maybeCb, 'last argument');
      const cb = maybeCb.bind(this);
      Reflect.apply(original, this, args).then(
        (ret) => cb(null, ret),
        (rej) => {
          if (!rej) {
            const err = nodeError(Error, 'ERR_FALSY_VALUE_REJECTION', 'Promise was rejected with falsy value');
            err.reason = rej;
            rej = err;
          }
          cb(rej);
        });
    }
    const descriptors = Object.getOwnPropertyDescriptors(original);
    if (typeof descriptors.length.value === 'number') descriptors.length.value++;
    if (typeof descriptors.name.value === 'string') descriptors.name.value += 'Callbackified';
    return defineDescriptors(callbackified, descriptors);
  }

  // Node's debug logger only logs for the sections named in NODE_DEBUG, which is never set
  // here.
  function debuglog() {
    const logger = () => {};
    logger.enabled = false;
    return logger;
  }

  // ANSI escape sequences (Node's copy of chalk/ansi-regex).
  const ansi = new RegExp('[\\u001B\\u009B][[\\]()#;?]*' +
    '(?:(?:(?:(?:;[-a-zA-Z\\d\\/\\#&.:=?%@~_]+)*' +
    '|[a-zA-Z\\d]+(?:;[-a-zA-Z\\d\\/\\#&.:=?%@~_]*)*)?' +
    '(?:\\u0007|\\u001B\\u005C|\\u009C))' +
    '|(?:(?:\\d{1,4}(?:;\\d{0,4})*)?' +
    '[\\dA-PR-TZcf-nq-uy=><~]))', 'g');

  function stripVTControlCharacters(str) {
    if (typeof str !== 'string') throw invalidArgType('str', 'of type string', str);
    return str.replace(ansi, '');
  }

  // ---------------------------------------------------------------------------------------
  // TextEncoder and TextDecoder, for UTF-8 only.

  function asBytes(input) {
    if (types.isAnyArrayBuffer(input)) return new Uint8Array(input);
    if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    // Node 20's wording, argument name included.
    throw nodeError(TypeError, 'ERR_INVALID_ARG_TYPE',
      'The "list" argument must be an instance of SharedArrayBuffer, ArrayBuffer or ArrayBufferView.');
  }

  class TextEncoder {
    get encoding() {
      return 'utf-8';
    }

    encode(input = '') {
      const buf = Buffer.from(`${input}`, 'utf8');
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
    }

    // Writes what fits of `src` (whole characters only) into `dest`.
    encodeInto(src, dest) {
      const view = Buffer.from(dest.buffer, dest.byteOffset, dest.byteLength);
      const written = view.write(`${src}`);
      const read = view.toString('utf8', 0, written).length;
      return { read, written };
    }
  }

  const UTF8_LABELS = ['utf-8', 'utf8', 'unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'x-unicode20utf8'];

  class TextDecoder {
    #fatal;
    #ignoreBOM;
    #pending = new Uint8Array(0); // an incomplete character held back while streaming
    #bomSeen = false;

    constructor(encoding = 'utf-8', options = {}) {
      const label = `${encoding}`.trim().toLowerCase();
      if (!UTF8_LABELS.includes(label)) {
        throw nodeError(RangeError, 'ERR_ENCODING_NOT_SUPPORTED', `The "${encoding}" encoding is not supported`);
      }
      this.#fatal = Boolean(options?.fatal);
      this.#ignoreBOM = Boolean(options?.ignoreBOM);
    }

    get encoding() {
      return 'utf-8';
    }

    get fatal() {
      return this.#fatal;
    }

    get ignoreBOM() {
      return this.#ignoreBOM;
    }

    decode(input = new Uint8Array(0), options = {}) {
      const stream = Boolean(options?.stream);
      let bytes = asBytes(input);
      if (this.#pending.length > 0) bytes = Buffer.concat([this.#pending, bytes]);
      const keep = stream ? incompleteTail(bytes) : 0;
      this.#pending = bytes.slice(bytes.length - keep);
      const complete = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length - keep);
      let text = complete.toString('utf8');
      if (this.#fatal && !Buffer.from(text, 'utf8').equals(complete)) {
        this.#pending = new Uint8Array(0);
        throw nodeError(TypeError, 'ERR_ENCODING_INVALID_ENCODED_DATA',
          'The encoded data was not valid for encoding utf-8');
      }
      if (!this.#bomSeen && text.length > 0) {
        if (!this.#ignoreBOM && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        this.#bomSeen = true;
      }
      if (!stream) this.#bomSeen = false;
      return text;
    }
  }

  // How many bytes at the end start a character that the next chunk may complete: a lead
  // byte, and the continuation bytes after it if they are ones it allows.
  function incompleteTail(bytes) {
    for (let back = 1; back <= Math.min(3, bytes.length); back++) {
      const lead = bytes[bytes.length - back];
      if ((lead & 0xc0) === 0x80) continue;
      let needed = 0;
      if (lead >= 0xc2 && lead <= 0xdf) needed = 2;
      else if (lead >= 0xe0 && lead <= 0xef) needed = 3;
      else if (lead >= 0xf0 && lead <= 0xf4) needed = 4;
      if (needed <= back) return 0;
      if (back === 1) return 1;
      // The second byte's range rules out overlong forms, surrogates and values past U+10FFFF.
      const second = bytes[bytes.length - back + 1];
      let low = 0x80;
      let high = 0xbf;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
      return second >= low && second <= high ? back : 0;
    }
    return 0;
  }

  // ---------------------------------------------------------------------------------------
  // The deprecated type checks Node 20 still exports.

  const legacy = {
    isArray: Array.isArray,
    isBoolean: (arg) => typeof arg === 'boolean',
    isBuffer: (arg) => Buffer.isBuffer(arg),
    isNull: (arg) => arg === null,
    isNullOrUndefined: (arg) => arg === null || arg === undefined,
    isNumber: (arg) => typeof arg === 'number',
    isString: (arg) => typeof arg === 'string',
    isSymbol: (arg) => typeof arg === 'symbol',
    isUndefined: (arg) => arg === undefined,
    isRegExp: types.isRegExp,
    isObject: (arg) => arg !== null && typeof arg === 'object',
    isDate: types.isDate,
    isError,
    isFunction: (arg) => typeof arg === 'function',
    isPrimitive: (arg) => arg === null || (typeof arg !== 'object' && typeof arg !== 'function'),
  };

  return {
    format,
    formatWithOptions,
    inspect,
    isDeepStrictEqual,
    inherits,
    deprecate,
    promisify,
    callbackify,
    debuglog,
    debug: debuglog,
    stripVTControlCharacters,
    types,
    TextEncoder,
    TextDecoder,
    toUSVString: (input) => `${input}`.toWellFormed(),
    ...legacy,
  };
})()
