// "Was I in this draw?" on the verify page: an entrant types their participant id or pastes
// their participant token; the page fetches their inclusion proof and checks it in the browser
// against the certificate's pool root. A wrong value says "not in this draw"; a proof changed on
// the way does not check out.
// Usage: node self_check.mjs <base> <result-hash> <participant-id> <tickets> <participant-token>
import { args, base, check, phonePage, run, screenshot } from './lib.mjs';

const [hash, id, tickets, token] = args;

async function ask(page, value) {
  const root = page.locator('#fd-self');
  await page.waitForSelector('#fd-self[data-ready=true]', { timeout: 20000 });
  await page.fill('#fd-self-input', value);
  // A new answer replaces the last one: wait for this one.
  await page.evaluate(() => document.getElementById('fd-self').setAttribute('data-state', 'asked'));
  await page.click('#fd-self button[type=submit]');
  await page.waitForFunction(
    () => ['included', 'absent', 'failed', 'error'].includes(document.getElementById('fd-self')?.dataset.state),
    null,
    { timeout: 20000 },
  );
  return {
    state: await root.getAttribute('data-state'),
    tickets: await root.getAttribute('data-tickets'),
    status: await root.locator('[data-role=self-status]').innerText(),
  };
}

await run(async (browser) => {
  const page = await phonePage(browser);
  await page.goto(`${base}/verify/${hash}`);

  const byId = await ask(page, id);
  console.log('by id:', byId.state, '-', byId.status);
  check(byId.state === 'included', `the entrant's id is included (${byId.status})`);
  check(byId.tickets === tickets, `with ${tickets} tickets (${byId.tickets})`);
  check(byId.status.includes(`with ${tickets} tickets`), `the tickets are shown (${byId.status})`);
  check(page.errors.length === 0, `no script errors: ${page.errors}`);
  await screenshot(page, 'verify-page-self-check-included');

  const byToken = await ask(page, `  ${token}  `);
  console.log('by token:', byToken.state, '-', byToken.status);
  check(byToken.state === 'included', `the entrant's token finds them (${byToken.status})`);
  check(byToken.tickets === tickets, `with ${tickets} tickets by token (${byToken.tickets})`);
  check(byToken.status.includes(id), `the token led to the entrant's id (${byToken.status})`);
  check(!byToken.status.includes(token), 'the token is not echoed back');
  check(page.errors.length === 0, `no script errors: ${page.errors}`);

  for (const wrong of ['somebody-else', 'f'.repeat(64)]) {
    const absent = await ask(page, wrong);
    console.log('wrong:', absent.state, '-', absent.status);
    check(absent.state === 'absent', `${wrong} is not in the draw (${absent.status})`);
    check(absent.status.includes('Not in this draw'), `and the page says so (${absent.status})`);
  }
  await screenshot(page, 'verify-page-self-check-absent');
  // The only failures were the 404s of the wrong values.
  check(page.errors.every((e) => e.startsWith('404 ')), `no other errors: ${page.errors}`);

  // Someone in the middle claims an extra ticket for the entrant: the browser's check refuses it.
  const tampered = await phonePage(browser);
  await tampered.route(`**/v1/verify/${hash}/proof/**`, async (route) => {
    const response = await route.fetch();
    const proof = await response.json();
    proof.weight = Number(proof.weight) + 1;
    await route.fulfill({ response, body: JSON.stringify(proof) });
  });
  await tampered.goto(`${base}/verify/${hash}`);
  const bad = await ask(tampered, id);
  console.log('tampered:', bad.state, '-', bad.status);
  check(bad.state === 'failed', `a changed proof does not check out (${bad.status})`);
});
