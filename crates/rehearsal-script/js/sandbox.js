// The Node.js surface injected code may use, built on the engine's natives, and the entry
// points the host calls. Evaluated once per runtime, after the modules (buffer.js, util.js,
// querystring.js), as a function of the natives and the modules' exports; it returns the
// entry points. The natives stay in this closure, out of the injected code's reach.
(function (native, modules) {
    'use strict';

    // --- timers: Node's setTimeout family, run by the host between calls ------------------

    const timers = new Map(), taken = new Map();
    let nextTimerId = 1;
    // The call whose code is running: a timer remembers it, so that an exception in the timer
    // fails the request that set it rather than no one.
    let currentCall = 0;

    class Timeout {
        constructor (id) { this.id = id; }
        ref () { return this; }
        unref () { return this; }
        hasRef () { return true; }
        refresh () {
            const timer = timers.get(this.id);
            if (timer) { timer.at = Date.now() + timer.delay; }
            return this;
        }
        [Symbol.toPrimitive] () { return this.id; }
    }

    // Node's coercion: a delay that is not a number from 1 to 2^31-1 is 1 ms.
    function delayOf (ms) {
        const delay = Number(ms);
        return delay >= 1 && delay <= 2147483647 ? Math.trunc(delay) : 1;
    }

    function addTimer (fn, ms, args, repeats) {
        if (typeof fn !== 'function') {
            throw new TypeError(`The "callback" argument must be of type function. Received ${typeof fn}`);
        }
        const id = nextTimerId++, delay = delayOf(ms);
        timers.set(id, { fn, args, delay, repeats, at: Date.now() + delay, call: currentCall });
        native.timerSet();
        return new Timeout(id);
    }

    function clearTimer (timeout) {
        if (timeout !== undefined && timeout !== null) {
            timers.delete(Number(timeout));
        }
    }

    // The earliest timer due by `now`, first set first among equals.
    function dueTimer (now) {
        let due;
        for (const [id, timer] of timers) {
            if (timer.at <= now && (due === undefined || timer.at < due[1].at)) {
                due = [id, timer];
            }
        }
        return due;
    }

    // --- logger and console -------------------------------------------------------------------

    const format = modules.util.format;
    function makeLogger () {
        const logger = {};
        for (const level of ['debug', 'info', 'warn', 'error']) {
            logger[level] = function (...args) { native.log(level, format(...args)); };
        }
        return logger;
    }
    const logger = makeLogger();
    const console = {
        log: logger.info, info: logger.info, debug: logger.debug, trace: logger.debug,
        warn: logger.warn, error: logger.error
    };

    // --- require: the modules the sandbox has -------------------------------------------------

    const supported = {
        buffer: modules.buffer,
        util: modules.util,
        querystring: modules.querystring,
        crypto: modules.crypto
    };
    const withoutIo = ['fs', 'fs/promises', 'child_process', 'net', 'http', 'https', 'http2',
        'dgram', 'dns', 'tls', 'os', 'cluster', 'worker_threads', 'vm', 'v8', 'process'];

    function require (name) {
        const id = String(name).replace(/^node:/, '');
        if (Object.prototype.hasOwnProperty.call(supported, id)) {
            return supported[id];
        }
        const names = Object.keys(supported).join(', ');
        const why = withoutIo.includes(id)
            ? 'injected JavaScript runs in a sandbox without file, network or process access'
            : 'it is not one of the modules the sandbox provides';
        const error = new Error(`require('${name}') is not supported by rehearsal: ${why}; ` +
            `the modules available are ${names}`);
        error.code = 'MODULE_NOT_FOUND';
        throw error;
    }

    // --- globals ----------------------------------------------------------------------------

    const process = Object.freeze({
        env: native.env,
        platform: 'linux',
        version: 'v20.0.0',
        versions: Object.freeze({ node: '20.0.0' }),
        argv: Object.freeze([]),
        hrtime: Object.assign(
            function hrtime (previous) {
                const now = native.nanoseconds();
                const seconds = Math.floor(now / 1e9), nanos = now % 1e9;
                if (!previous) { return [seconds, nanos]; }
                let s = seconds - previous[0], n = nanos - previous[1];
                if (n < 0) { s -= 1; n += 1e9; }
                return [s, n];
            },
            { bigint () { return BigInt(native.nanoseconds()); } }),
        nextTick (fn, ...args) { Promise.resolve().then(() => fn(...args)); },
        uptime () { return native.nanoseconds() / 1e9; }
    });

    Object.assign(globalThis, {
        setTimeout: (fn, ms, ...args) => addTimer(fn, ms, args, false),
        setInterval: (fn, ms, ...args) => addTimer(fn, ms, args, true),
        setImmediate: (fn, ...args) => addTimer(fn, 0, args, false),
        clearTimeout: clearTimer,
        clearInterval: clearTimer,
        clearImmediate: clearTimer,
        queueMicrotask: fn => { Promise.resolve().then(fn); },
        require,
        process,
        console,
        global: globalThis,
        TextEncoder: modules.util.TextEncoder,
        TextDecoder: modules.util.TextDecoder
    });

    // --- entry points ------------------------------------------------------------------------

    // Shared by every injection of the imposter, as mountebank's `imposterState`; `injectState`
    // is the older, separate object a response injection gets as its second argument.
    const imposterState = {}, injectState = {};

    // mountebank's `downcastInjectionConfig`: for http and tcp requests, the request's fields
    // are copied onto the config, so that the legacy `function (request, ...)` form works.
    function downcast (config) {
        if (config.request.method || config.request.data) {
            Object.assign(config, config.request);
        }
        return config;
    }

    // What the host reports of an error: its message, its stack, and whether it is the
    // engine running out of memory (an InternalError, or null when even that failed).
    function describe (error) {
        const outOfMemory = error === null ||
            (error instanceof Error && error.name === 'InternalError' && error.message === 'out of memory');
        // mountebank reports the thrown value's `message`, which a thrown string lacks.
        const message = error === null || error === undefined || error.message === undefined
            ? undefined : String(error.message);
        if (error instanceof Error) {
            return [message, `${error.name}: ${error.message}\n${error.stack || ''}`, outOfMemory];
        }
        return [message, String(error), outOfMemory];
    }

    // What the host's reader of answers needs: the prototypes of plain data, and
    // JSON.stringify for whatever else, at its key, so that `toJSON(key)` sees the key.
    const ObjectPrototype = Object.prototype, ArrayPrototype = Array.prototype;
    // The holder has no prototype, so that a `toJSON` given to every object is not its own.
    const stringify = JSON.stringify, createObject = Object.create;
    const stringifyAt = (key, value) => {
        const holder = createObject(null);
        holder[key] = value;
        return stringify(holder);
    };

    // Settles a call that answers with a value, once: later settlements are ignored, as a
    // Promise ignores them. A thenable is followed, as mountebank's `done(value)` follows it.
    // Nothing here refers to itself: a closure that does makes a cycle, which only the cycle
    // collector frees, and its runs over the whole sandbox would cost every call.
    function settle (settlement, value) {
        if (settlement.settled) { return; }
        if (value !== null && typeof value === 'object' && typeof value.then === 'function') {
            value.then(next => settle(settlement, next), error => failSettlement(settlement, error));
            return;
        }
        // Settled first: a getter of the answer that calls back must not answer it again.
        settlement.settled = true;
        try {
            // The host reads the answer as JSON.stringify writes it, which may throw (a getter,
            // a toJSON, a cycle).
            native.complete(settlement.call, value, ObjectPrototype, ArrayPrototype, stringifyAt);
        }
        catch (error) {
            native.fail(settlement.call, ...describe(error));
        }
    }

    function failSettlement (settlement, error) {
        if (!settlement.settled) {
            settlement.settled = true;
            native.fail(settlement.call, ...describe(error));
        }
    }

    function entered (call, body) {
        currentCall = call;
        try {
            return body();
        } finally {
            currentCall = 0;
        }
    }

    return {
        predicate (call, fn, requestJson) {
            return entered(call, () => {
                const config = downcast({ request: JSON.parse(requestJson), state: imposterState, logger });
                return Boolean(fn(config, logger, imposterState));
            });
        },

        response (call, fn, requestJson) {
            entered(call, () => {
                const settlement = { call, settled: false };
                const done = value => settle(settlement, value);
                const config = downcast({
                    request: JSON.parse(requestJson), state: imposterState, logger, callback: done
                });
                try {
                    const response = fn(config, injectState, logger, done, imposterState);
                    if (response !== undefined) {
                        settle(settlement, response);
                    }
                }
                catch (error) {
                    failSettlement(settlement, error);
                }
            });
        },

        decorate (call, fn, requestJson, responseJson) {
            entered(call, () => {
                const settlement = { call, settled: false };
                const response = JSON.parse(responseJson);
                const config = downcast({
                    request: JSON.parse(requestJson), response, logger, state: imposterState
                });
                try {
                    // A function may change the response in place or return a new one.
                    settle(settlement, fn(config, response, logger) || response);
                }
                catch (error) {
                    failSettlement(settlement, error);
                }
            });
        },

        // How long a `wait` function asks for, coerced as Node's setTimeout coerces it.
        wait (call, fn) {
            return entered(call, () => delayOf(fn()));
        },

        generator (call, fn, requestJson) {
            return entered(call, () => {
                const generated = fn({ request: JSON.parse(requestJson), logger });
                return JSON.stringify([...generated]);
            });
        },

        endOfRequest (call, fn, data, binary) {
            return entered(call, () => {
                const requestData = binary ? modules.buffer.Buffer.from(data, 'base64') : data;
                return Boolean(fn(requestData, logger));
            });
        },

        // The first timer due by now, as [its id, the call that set it], taken off the list
        // (or moved on, for an interval); null when none is due. The host runs it with
        // `runTimer`, and knows whose it was even when the timer is stopped for its time.
        takeTimer () {
            const due = dueTimer(Date.now());
            if (due === undefined) { return null; }
            const [id, timer] = due;
            if (timer.repeats) {
                timer.at = Date.now() + timer.delay;
                taken.set(id, timer);
            }
            else {
                timers.delete(id);
                taken.set(id, timer);
            }
            return [id, timer.call];
        },

        runTimer (id) {
            const timer = taken.get(id);
            taken.delete(id);
            entered(timer.call, () => {
                try {
                    timer.fn(...timer.args);
                }
                catch (error) {
                    if (timer.call) {
                        native.fail(timer.call, ...describe(error));
                    }
                    else {
                        logger.error(`injection X=> ${describe(error)[1]}`);
                    }
                }
            });
        },

        // Milliseconds until the next timer is due; -1 when there is none.
        nextTimer () {
            let next = Infinity;
            for (const timer of timers.values()) {
                next = Math.min(next, timer.at);
            }
            return next === Infinity ? -1 : Math.max(0, next - Date.now());
        }
    };
})
