// Fairdraw draw verifier: re-runs a draw in the visitor's own browser, following
// docs/draw-protocol-v1.md step by step, with nothing but WebCrypto's SHA-256.
// No framework and no CDN: this file is everything, so anyone can read what it checks.
// The pure functions are exported under Node (module.exports) so the protocol's test
// vectors can be run against this exact file.
(function () {
  'use strict';

  const encoder = new TextEncoder();
  const TWO_64 = 1n << 64n;
  const TWO_63 = 1n << 63n;
  const PROTOCOL = 'fairdraw-draw-v1';

  function tag(text) {
    return encoder.encode(text);
  }

  function concat(parts) {
    let length = 0;
    for (const p of parts) length += p.length;
    const out = new Uint8Array(length);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  function u32be(n) {
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, n);
    return out;
  }

  function u64be(n) {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, BigInt(n));
    return out;
  }

  function toHex(bytes) {
    let s = '';
    for (const b of bytes) s += b.toString(16).padStart(2, '0');
    return s;
  }

  function fromHex(hex) {
    if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
      throw new Error('not a hex string: ' + String(hex));
    }
    const out = new Uint8Array(hex.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
    return out;
  }

  function subtle() {
    const c = globalThis.crypto;
    if (!c || !c.subtle) {
      throw new Error('this browser offers no WebCrypto here (it is only available on https pages)');
    }
    return c.subtle;
  }

  async function sha256(bytes) {
    return new Uint8Array(await subtle().digest('SHA-256', bytes));
  }

  function compareBytes(a, b) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (a[i] !== b[i]) return a[i] - b[i];
    }
    return a.length - b.length;
  }

  // §1: candidates as {id, weight}, weight a number, string or BigInt. Returns the pool in
  // canonical order (bytewise UTF-8), with each id's bytes, after checking the rules.
  function canonicalPool(candidates) {
    const pool = candidates.map(function (c, i) {
      if (typeof c.id !== 'string' || c.id.length === 0) throw new Error('candidate ' + (i + 1) + ': empty id');
      let weight;
      try {
        weight = BigInt(c.weight);
      } catch (e) {
        throw new Error('candidate ' + (i + 1) + ': weight is not an integer');
      }
      if (weight < 1n || weight >= TWO_63) throw new Error('candidate ' + (i + 1) + ': weight out of range');
      return { id: c.id, bytes: encoder.encode(c.id), weight: weight };
    });
    pool.sort(function (a, b) {
      return compareBytes(a.bytes, b.bytes);
    });
    let total = 0n;
    for (let i = 0; i < pool.length; i++) {
      if (i > 0 && compareBytes(pool[i - 1].bytes, pool[i].bytes) === 0) {
        throw new Error('duplicate id in the pool: ' + pool[i].id);
      }
      total += pool[i].weight;
    }
    if (total >= TWO_63) throw new Error('the total weight is too large');
    return { candidates: pool, total: total };
  }

  function leaf(candidate) {
    return concat([u32be(candidate.bytes.length), candidate.bytes, u64be(candidate.weight)]);
  }

  // RFC 6962 Merkle Tree Hash, computed level by level: pairing neighbours and carrying an
  // odd last node up unchanged gives exactly the recursive split at the largest power of two.
  async function merkleRoot(leaves) {
    if (leaves.length === 0) return sha256(new Uint8Array(0));
    let level = await Promise.all(
      leaves.map(function (d) {
        return sha256(concat([Uint8Array.of(0), d]));
      }),
    );
    while (level.length > 1) {
      const next = [];
      for (let i = 0; i + 1 < level.length; i += 2) {
        next.push(sha256(concat([Uint8Array.of(1), level[i], level[i + 1]])));
      }
      if (level.length % 2 === 1) next.push(level[level.length - 1]);
      level = await Promise.all(next);
    }
    return level[0];
  }

  async function poolHash(n, total, root) {
    return sha256(concat([tag('fairdraw/pool/v1'), u64be(n), u64be(total), root]));
  }

  async function commitment(serverSeed) {
    return sha256(concat([tag('fairdraw/commit/v1'), serverSeed]));
  }

  async function drawSeed(serverSeed, poolHashBytes, round, beacon) {
    const b = encoder.encode(beacon);
    return sha256(concat([tag('fairdraw/seed/v1'), serverSeed, poolHashBytes, u32be(round), u32be(b.length), b]));
  }

  // §4: blocks of four u64be words, consumed in order across blocks.
  function randomStream(seed) {
    let block = 0n;
    let words = [];
    async function nextWord() {
      if (words.length === 0) {
        const bytes = await sha256(concat([tag('fairdraw/rng/v1'), seed, u64be(block)]));
        block += 1n;
        const view = new DataView(bytes.buffer);
        words = [0, 8, 16, 24].map(function (at) {
          return view.getBigUint64(at);
        });
      }
      return words.shift();
    }
    async function below(total) {
      const limit = TWO_64 - (TWO_64 % total);
      for (;;) {
        const r = await nextWord();
        if (r < limit) return r % total;
      }
    }
    return { nextWord: nextWord, below: below };
  }

  // §5: weighted selection without replacement, as a plain linear scan. Below 2^53 every
  // running sum is exact in a double, so the scan uses plain numbers (BigInt is far slower);
  // `below()` always works in BigInt.
  async function select(pool, seed, winners, extras) {
    const exact = pool.total < 1n << 53n;
    const weights = pool.candidates.map(function (c) {
      return exact ? Number(c.weight) : c.weight;
    });
    const zero = exact ? 0 : 0n;
    let remaining = pool.total;
    const wanted = winners + extras;
    const picks = [];
    const rng = randomStream(seed);
    while (picks.length < wanted && remaining > 0n) {
      const big = await rng.below(remaining);
      const r = exact ? Number(big) : big;
      let running = zero;
      for (let i = 0; i < weights.length; i++) {
        running += weights[i];
        if (running > r) {
          picks.push(pool.candidates[i].id);
          remaining -= BigInt(weights[i]);
          weights[i] = zero;
          break;
        }
      }
    }
    const k = Math.min(winners, picks.length);
    return { winners: picks.slice(0, k), extras: picks.slice(k) };
  }

  async function resultHash(seed, poolHashBytes, winners, extras) {
    const parts = [tag('fairdraw/result/v1'), seed, poolHashBytes];
    parts.push(u32be(winners.length), u32be(extras.length), u32be(winners.length + extras.length));
    for (const id of winners.concat(extras)) {
      const b = encoder.encode(id);
      parts.push(u32be(b.length), b);
    }
    return sha256(concat(parts));
  }

  // The whole protocol: {pool: [{id, weight}], server_seed (hex), winners, extras, round,
  // beacon} in, every derived value (hex, counts, ids) out.
  // `onStep(text)`, when given, hears what is being done (large pools take seconds).
  async function runDraw(input, onStep) {
    const step = onStep || function () {};
    const pool = canonicalPool(input.pool);
    const seed = fromHex(input.server_seed);
    if (seed.length !== 32) throw new Error('the server seed must be 32 bytes');
    step('Fingerprinting ' + pool.candidates.length.toLocaleString('en') + ' entrants…');
    const root = await merkleRoot(pool.candidates.map(leaf));
    const ph = await poolHash(pool.candidates.length, pool.total, root);
    const ds = await drawSeed(seed, ph, input.round, input.beacon || '');
    step('Drawing the winners again…');
    const picked = await select(pool, ds, input.winners, input.extras);
    const rh = await resultHash(ds, ph, picked.winners, picked.extras);
    return {
      pool_root: toHex(root),
      pool_hash: toHex(ph),
      pool_size: pool.candidates.length,
      total_weight: pool.total.toString(),
      commitment: toHex(await commitment(seed)),
      draw_seed: toHex(ds),
      winners: picked.winners,
      extras: picked.extras,
      result_hash: toHex(rh),
    };
  }

  // The pool download: RFC 4180 CSV with the header `id,weight` (quoted fields may hold
  // commas, quotes and line breaks).
  function parseCsv(text) {
    const rows = [];
    let row = [];
    let field = '';
    let quoted = false;
    let i = 0;
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    for (; i < text.length; i++) {
      const ch = text[i];
      if (quoted) {
        if (ch === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i++;
          } else {
            quoted = false;
          }
        } else {
          field += ch;
        }
      } else if (ch === '"') {
        quoted = true;
      } else if (ch === ',') {
        row.push(field);
        field = '';
      } else if (ch === '\n' || ch === '\r') {
        if (ch === '\r' && text[i + 1] === '\n') i++;
        row.push(field);
        rows.push(row);
        row = [];
        field = '';
      } else {
        field += ch;
      }
    }
    if (quoted) throw new Error('the pool file ends inside a quoted field');
    if (field !== '' || row.length > 0) {
      row.push(field);
      rows.push(row);
    }
    return rows;
  }

  function poolFromCsv(text) {
    const rows = parseCsv(text);
    if (rows.length === 0 || rows[0].length !== 2 || rows[0][0] !== 'id' || rows[0][1] !== 'weight') {
      throw new Error('the pool file does not start with the header id,weight');
    }
    return rows.slice(1).map(function (r, i) {
      if (r.length !== 2 || !/^[0-9]+$/.test(r[1])) {
        throw new Error('the pool file has a malformed line ' + (i + 2));
      }
      return { id: r[0], weight: r[1] };
    });
  }

  // JSON numbers lose precision past 2^53, and a total weight may reach 2^63 - 1: read the
  // two integer fields from the text itself, as decimal strings.
  function parseCertificate(text) {
    const cert = JSON.parse(text);
    for (const key of ['pool_size', 'total_weight']) {
      const m = new RegExp('"' + key + '"\\s*:\\s*([0-9]+)').exec(text);
      // Only the top-level field can equal the parsed value (to the precision of a double).
      if (m && Number(m[1]) === cert[key]) cert[key] = m[1];
    }
    return cert;
  }

  function sameList(a, b) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every(function (x, i) {
      return x === b[i];
    });
  }

  // Ed25519 in WebCrypto is recent: when this browser lacks it the signature is reported as
  // "not checked" rather than failed, since the draw itself does not depend on it.
  async function checkSignature(cert) {
    if (!cert.signature) return { state: 'absent' };
    if (!cert.public_key) return { state: 'fail' };
    let key;
    try {
      key = await subtle().importKey('raw', fromHex(cert.public_key), { name: 'Ed25519' }, false, ['verify']);
    } catch (e) {
      return { state: 'unsupported' };
    }
    try {
      const ok = await subtle().verify({ name: 'Ed25519' }, key, fromHex(cert.signature), fromHex(cert.result_hash));
      return { state: ok ? 'ok' : 'fail' };
    } catch (e) {
      return { state: 'fail' };
    }
  }

  // Compares a re-run with a certificate, and with what the page itself shows when given
  // (`shown`: the address's hash and the listed winners). Each check: {field, label, ok,
  // expected, got}.
  async function verifyCertificate(cert, candidates, shown, onStep) {
    shown = shown || {};
    const counts = function (requested, picks) {
      return typeof requested === 'number' ? requested : (picks || []).length;
    };
    const run = await runDraw({
      pool: candidates,
      server_seed: cert.server_seed,
      winners: counts(cert.requested_winners, cert.winners),
      extras: counts(cert.requested_extras, cert.extras),
      round: cert.round,
      beacon: cert.beacon || '',
    }, onStep);
    const checks = [];
    function check(field, label, expected, got, ok) {
      checks.push({ field: field, label: label, expected: expected, got: got, ok: ok });
    }
    function same(field, label, got) {
      const expected = cert[field];
      check(field, label, expected, got, String(expected) === String(got));
    }
    check('protocol', 'Protocol version', cert.protocol, PROTOCOL, cert.protocol === PROTOCOL);
    same('commitment', 'The revealed secret seed matches the commitment published in advance', run.commitment);
    same('pool_size', 'Number of entrants', run.pool_size);
    same('total_weight', 'Total tickets', run.total_weight);
    same('pool_root', 'Pool fingerprint (Merkle root)', run.pool_root);
    same('pool_hash', 'Pool hash', run.pool_hash);
    same('draw_seed', 'Draw seed', run.draw_seed);
    check('winners', 'Winners, in order', cert.winners, run.winners, sameList(cert.winners, run.winners));
    if ((cert.extras || []).length > 0 || run.extras.length > 0) {
      check('extras', 'Alternates, in order', cert.extras, run.extras, sameList(cert.extras || [], run.extras));
    }
    same('result_hash', 'Result hash', run.result_hash);
    if (shown.hash) {
      check('address', 'The result hash is the one in this page’s address', shown.hash, run.result_hash, shown.hash === run.result_hash);
    }
    if (shown.winners) {
      check('page', 'The winners listed on this page', shown.winners, run.winners, sameList(shown.winners, run.winners));
    }
    return { run: run, checks: checks, ok: checks.every(function (c) { return c.ok; }) };
  }

  // §1, an entrant's inclusion proof (RFC 9162 §2.1.3.2): the root that one leaf and its audit
  // path lead to. Leaf hash SHA-256(0x00 ‖ leaf), node hash SHA-256(0x01 ‖ left ‖ right).
  async function rootFromPath(id, weight, index, size, path) {
    let fn = BigInt(index);
    let sn = BigInt(size) - 1n;
    if (fn > sn) throw new Error('the leaf index is outside the pool');
    let r = await sha256(concat([Uint8Array.of(0), leaf({ bytes: encoder.encode(id), weight: BigInt(weight) })]));
    for (const hex of path) {
      const p = fromHex(hex);
      if (sn === 0n) throw new Error('the audit path is too long');
      if ((fn & 1n) === 1n || fn === sn) {
        r = await sha256(concat([Uint8Array.of(1), p, r]));
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      } else {
        r = await sha256(concat([Uint8Array.of(1), r, p]));
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    if (sn !== 0n) throw new Error('the audit path is too short');
    return r;
  }

  // Numbers past 2^53 would lose digits in JSON.parse: keep the proof's as the text wrote them.
  function parseProof(text) {
    const proof = JSON.parse(text);
    for (const key of ['weight', 'index', 'pool_size', 'total_weight']) {
      const m = new RegExp('"' + key + '"\\s*:\\s*([0-9]+)').exec(text);
      if (m && Number(m[1]) === proof[key]) proof[key] = m[1];
    }
    return proof;
  }

  // Checks an inclusion proof for `id` against the certificate: the path must lead to the
  // certificate's pool_root, and that root with the pool's size and total weight must hash to
  // its pool_hash (which the draw itself was seeded with). Returns {ok, reason}.
  async function checkInclusion(proof, cert, id) {
    if (proof.id !== id) return { ok: false, reason: 'the proof is for another id' };
    if (String(proof.pool_size) !== String(cert.pool_size) || String(proof.total_weight) !== String(cert.total_weight)) {
      return { ok: false, reason: 'the proof is for a pool of another size' };
    }
    const root = await rootFromPath(proof.id, proof.weight, proof.index, proof.pool_size, proof.path);
    if (toHex(root) !== String(cert.pool_root).toLowerCase()) {
      return { ok: false, reason: 'the proof does not lead to the certificate’s pool root' };
    }
    const hash = await poolHash(BigInt(cert.pool_size), BigInt(cert.total_weight), root);
    if (toHex(hash) !== String(cert.pool_hash).toLowerCase()) {
      return { ok: false, reason: 'the pool root does not match the certificate’s pool hash' };
    }
    return { ok: true };
  }

  const api = {
    sha256: sha256,
    toHex: toHex,
    fromHex: fromHex,
    canonicalPool: canonicalPool,
    merkleRoot: merkleRoot,
    randomStream: randomStream,
    runDraw: runDraw,
    parseCsv: parseCsv,
    poolFromCsv: poolFromCsv,
    parseCertificate: parseCertificate,
    checkSignature: checkSignature,
    verifyCertificate: verifyCertificate,
    rootFromPath: rootFromPath,
    parseProof: parseProof,
    checkInclusion: checkInclusion,
  };

  if (typeof module !== 'undefined' && module.exports) {
    module.exports = api;
    return;
  }

  // ---- In the page ----

  function text(el, value) {
    el.textContent = value;
    return el;
  }

  function make(tagName, className, value) {
    const el = document.createElement(tagName);
    if (className) el.className = className;
    if (value !== undefined) el.textContent = value;
    return el;
  }

  function show(value) {
    return Array.isArray(value) ? (value.length ? value.join(', ') : '(none)') : String(value);
  }

  async function fetchOk(url, what) {
    const response = await fetch(url, { headers: { accept: what === 'certificate' ? 'application/json' : 'text/csv' } });
    if (!response.ok) throw new Error('could not download the ' + what + ' (HTTP ' + response.status + ')');
    return response;
  }

  // The server's published key, or null when it cannot be read (the check is then skipped).
  async function publishedKey(url) {
    if (!url) return null;
    try {
      const response = await fetch(url, { headers: { accept: 'application/json' } });
      if (!response.ok) return null;
      const body = await response.json();
      return typeof body.public_key === 'string' ? body.public_key : null;
    } catch (e) {
      return null;
    }
  }

  // What the page shows, read back from the page itself rather than trusted: the code in the
  // address and the winners as listed.
  function shownOnPage(root) {
    const last = decodeURIComponent(location.pathname.split('/').pop() || '').toLowerCase();
    const hash = /^[0-9a-f]{64}$/.test(last) ? last : root.getAttribute('data-hash');
    const listed = document.querySelectorAll('ol.winners code');
    const winners = Array.prototype.map.call(listed, function (el) { return el.textContent; });
    return { hash: hash, winners: winners };
  }

  async function main(root) {
    const status = root.querySelector('[data-role=status]');
    const list = root.querySelector('[data-role=checks]');
    root.setAttribute('data-state', 'running');
    try {
      text(status, 'Downloading the certificate and the list of entrants…');
      const certResponse = await fetchOk(root.getAttribute('data-certificate-url'), 'certificate');
      const poolResponse = await fetchOk(root.getAttribute('data-pool-url'), 'list of entrants');
      const cert = parseCertificate(await certResponse.text());
      const candidates = poolFromCsv(await poolResponse.text());
      const outcome = await verifyCertificate(cert, candidates, shownOnPage(root), function (step) {
        text(status, step);
      });
      const signature = await checkSignature(cert);
      const published = await publishedKey(root.getAttribute('data-key-url'));
      list.textContent = '';
      for (const c of outcome.checks) {
        const li = make('li', c.ok ? 'ok' : 'bad');
        li.appendChild(make('span', 'mark', c.ok ? '✓' : '✗'));
        li.appendChild(make('span', 'label', c.label));
        if (!c.ok) {
          li.appendChild(make('span', 'detail', 'certificate: ' + show(c.expected) + ' — recomputed: ' + show(c.got)));
        }
        list.appendChild(li);
      }
      const sig = {
        ok: ['ok', '✓', 'The server’s signature on the result is valid'],
        fail: ['bad', '✗', 'The server’s signature on the result is NOT valid'],
        unsupported: ['skip', '–', 'Signature not checked: this browser cannot check Ed25519 signatures'],
        absent: ['skip', '–', 'This certificate carries no signature'],
      }[signature.state];
      const li = make('li', sig[0]);
      li.appendChild(make('span', 'mark', sig[1]));
      li.appendChild(make('span', 'label', sig[2]));
      list.appendChild(li);
      // A valid signature only means something if the key is the one this server publishes.
      const keyMatches = !published || !cert.public_key || published === cert.public_key;
      if (published && cert.public_key) {
        const kli = make('li', keyMatches ? 'ok' : 'bad');
        kli.appendChild(make('span', 'mark', keyMatches ? '✓' : '✗'));
        kli.appendChild(make('span', 'label', keyMatches
          ? 'The signing key is the one this server publishes'
          : 'The signing key is NOT the one this server publishes (' + published + ')'));
        list.appendChild(kli);
      }
      const failed = outcome.checks.filter(function (c) { return !c.ok; }).map(function (c) { return c.field; });
      if (signature.state === 'fail') failed.push('signature');
      if (!keyMatches) failed.push('public_key');
      if (failed.length === 0) {
        root.setAttribute('data-state', 'verified');
        text(status, 'Verified ✓ — your browser re-ran the draw and got exactly these winners.');
      } else {
        root.setAttribute('data-state', 'failed');
        text(status, 'Not verified ✗ — these values differ: ' + failed.join(', ') + '.');
      }
    } catch (e) {
      root.setAttribute('data-state', 'error');
      text(status, 'Could not verify: ' + (e && e.message ? e.message : String(e)) + '.');
    }
  }

  // "Was I in this draw?": an entrant's participant id (or the participant token from their
  // confirmation e-mail, which the server turns into that id and nothing else) is looked up in
  // the pool, and the proof that comes back is checked here against the certificate.
  const TOKEN = /^[0-9a-f]{64}$/i;

  async function idForToken(url, token) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ participant_token: token }),
    });
    if (response.status === 404) return null;
    if (!response.ok) throw new Error('could not look the token up (HTTP ' + response.status + ')');
    const body = await response.json();
    return typeof body.id === 'string' ? body.id : null;
  }

  async function selfCheck(root, verifyRoot, value) {
    const status = root.querySelector('[data-role=self-status]');
    root.setAttribute('data-state', 'running');
    root.removeAttribute('data-tickets');
    root.removeAttribute('data-position');
    text(status, 'Checking…');
    try {
      let id = value;
      if (TOKEN.test(value)) {
        const resolved = await idForToken(root.getAttribute('data-token-url'), value);
        if (resolved !== null) id = resolved;
      }
      const response = await fetch(root.getAttribute('data-proof-url') + encodeURIComponent(id), {
        headers: { accept: 'application/json' },
      });
      if (response.status === 404 || response.status === 400) {
        root.setAttribute('data-state', 'absent');
        text(status, 'Not in this draw: no entrant of this draw has that id or token. Check that you copied it whole.');
        return;
      }
      if (!response.ok) throw new Error('could not download the proof (HTTP ' + response.status + ')');
      const proof = parseProof(await response.text());
      const certResponse = await fetchOk(verifyRoot.getAttribute('data-certificate-url'), 'certificate');
      const cert = parseCertificate(await certResponse.text());
      const outcome = await checkInclusion(proof, cert, id);
      if (!outcome.ok) {
        root.setAttribute('data-state', 'failed');
        text(status, 'The server’s answer did NOT check out: ' + outcome.reason + '.');
        return;
      }
      const tickets = String(proof.weight);
      root.setAttribute('data-state', 'included');
      root.setAttribute('data-tickets', tickets);
      root.setAttribute('data-position', String(BigInt(proof.index) + 1n));
      text(
        status,
        'Included ✓ — ' + id + ' was in this draw with ' + tickets + (tickets === '1' ? ' ticket' : ' tickets') +
          ', entrant ' + (BigInt(proof.index) + 1n) + ' of ' + proof.pool_size +
          ' in the pool’s published order. Your browser checked the proof against the certificate’s pool root.',
      );
    } catch (e) {
      root.setAttribute('data-state', 'error');
      text(status, 'Could not check: ' + (e && e.message ? e.message : String(e)) + '.');
    }
  }

  function startSelfCheck(verifyRoot) {
    const root = document.getElementById('fd-self');
    if (!root || !verifyRoot) return;
    const form = root.querySelector('[data-role=self-form]');
    const input = root.querySelector('input');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      const value = input.value.trim();
      if (value) selfCheck(root, verifyRoot, value);
    });
    root.setAttribute('data-ready', 'true');
  }

  function start() {
    const root = document.getElementById('fd-verify');
    startSelfCheck(root);
    if (root) main(root);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
