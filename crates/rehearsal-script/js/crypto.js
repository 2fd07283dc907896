// The part of Node's `crypto` module injected code commonly uses: hashes, random bytes and
// UUIDs. A function of the natives that compute them, returning the module's exports.
(function (native, Buffer) {
    'use strict';

    const algorithms = ['md5', 'sha1', 'sha256', 'sha512'];

    class Hash {
        constructor (algorithm) {
            this.algorithm = algorithm;
            this.chunks = [];
        }

        update (data, encoding) {
            this.chunks.push(typeof data === 'string' ? Buffer.from(data, encoding) : Buffer.from(data));
            return this;
        }

        digest (encoding) {
            const input = Buffer.concat(this.chunks).toString('base64');
            const digest = Buffer.from(native.hash(this.algorithm, input), 'base64');
            return encoding === undefined || encoding === 'buffer' ? digest : digest.toString(encoding);
        }
    }

    function createHash (algorithm) {
        const name = String(algorithm).toLowerCase().replace('-', '');
        if (!algorithms.includes(name)) {
            throw new Error(`Digest method not supported: rehearsal's sandbox has ${algorithms.join(', ')}`);
        }
        return new Hash(name);
    }

    function randomBytes (size) {
        return Buffer.from(native.randomBytes(size), 'base64');
    }

    function randomUUID () {
        const bytes = randomBytes(16);
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        const hex = bytes.toString('hex');
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }

    function randomInt (min, max) {
        if (max === undefined) { [min, max] = [0, min]; }
        return min + Math.floor(Math.random() * (max - min));
    }

    return { createHash, randomBytes, randomUUID, randomInt, getHashes: () => algorithms.slice() };
})
