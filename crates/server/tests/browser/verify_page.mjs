// The verify page re-runs a draw in the visitor's browser: with the real downloads it says
// "Verified"; with a pool whose weights were changed on the way it says "Not verified".
// Usage: node verify_page.mjs <base> <result-hash> <winner-id>…
import { args, base, check, phonePage, run, screenshot } from './lib.mjs';

const [hash, ...winners] = args;

async function verdict(page) {
  const root = page.locator('#fd-verify');
  await page.waitForFunction(
    () => ['verified', 'failed', 'error'].includes(document.getElementById('fd-verify')?.dataset.state),
    null,
    { timeout: 20000 },
  );
  return { state: await root.getAttribute('data-state'), status: await root.locator('[data-role=status]').innerText() };
}

await run(async (browser) => {
  const page = await phonePage(browser);
  await page.goto(`${base}/verify/${hash}`);
  const ok = await verdict(page);
  console.log('genuine:', ok.state, '-', ok.status);
  check(ok.state === 'verified', `the genuine draw verifies (${ok.status})`);
  const listed = await page.locator('ol.winners code').allInnerTexts();
  for (const w of winners) check(listed.includes(w), `winner ${w} is listed (${listed})`);
  check(page.errors.length === 0, `no script errors: ${page.errors}`);
  await screenshot(page, 'verify-page-verified');

  // Someone in the middle gives the browser a pool with one weight changed.
  const tampered = await phonePage(browser);
  await tampered.route(`**/v1/verify/${hash}/pool`, async (route) => {
    const response = await route.fetch();
    const lines = (await response.text()).trimEnd().split('\n');
    const [id, weight] = lines[1].split(',');
    lines[1] = `${id},${Number(weight) + 1}`;
    await route.fulfill({ response, body: lines.join('\n') + '\n' });
  });
  await tampered.goto(`${base}/verify/${hash}`);
  const bad = await verdict(tampered);
  console.log('tampered:', bad.state, '-', bad.status);
  check(bad.state === 'failed', `a changed pool does not verify (${bad.status})`);
  await screenshot(tampered, 'verify-page-tampered');
});
