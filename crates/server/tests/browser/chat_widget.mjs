// The chat widget in a phone-sized Chromium: the countdown runs, the button joins a signed user,
// a refused join says why in the widget's language, our words follow lang / Accept-Language, and once
// drawn the winners and the verify link appear.
// Usage: node chat_widget.mjs <base> join <id> <sig-alice> <sig-eve>
//        node chat_widget.mjs <base> winners <id> <sig-alice> <winner-name>…
import { args, base, check, phonePage, run, screenshot } from './lib.mjs';

const [mode, id, sigAlice, ...rest] = args;
const url = (user, sig, room, extra = '') =>
  `${base}/external/widget/${id}?roomId=${room}&userId=${user}&sig=${sig}${extra}`;

await run(async (browser) => {
  if (mode === 'join') {
    const [sigEve] = rest;
    const page = await phonePage(browser);
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(url('alice', sigAlice, 'r1', '&lang=de'));
    const root = page.locator('#fd-widget');
    check((await root.getAttribute('data-state')) === 'LIVE', 'live');
    const label = await page.locator('[data-role=timer-label]').innerText();
    check(label === 'Endet in', `German countdown label (${label})`);
    const first = await page.locator('[data-role=countdown]').innerText();
    check(/^00:5\d:\d\d$|^01:00:00$/.test(first), `an hour to go (${first})`);
    await page.waitForTimeout(2100);
    const later = await page.locator('[data-role=countdown]').innerText();
    check(later < first, `the countdown runs (${first} → ${later})`);
    console.log('countdown:', first, '→', later);
    const before = Number(await page.locator('[data-role=count]').innerText());
    await page.locator('[data-role=join]').click();
    await page.waitForFunction(() => document.querySelector('[data-role=message]').textContent !== '');
    const joined = await page.locator('[data-role=message]').innerText();
    console.log('join:', joined);
    check(joined === 'Du bist dabei!', `joined, in German (${joined})`);
    check(await page.locator('[data-role=join]').isDisabled(), 'the button is off once joined');
    const after = Number(await page.locator('[data-role=count]').innerText());
    check(after === before + 1, `the count moved (${before} → ${after})`);
    await screenshot(page, 'chat-widget-joined');
    // Reloaded, the widget knows alice is in.
    await page.reload();
    check(await page.locator('[data-role=join]').isDisabled(), 'still joined after a reload');

    // Eve writes from a room the giveaway does not run in: refused, and told why.
    const eve = await phonePage(browser, { locale: 'fr-FR', extraHTTPHeaders: { 'Accept-Language': 'fr-FR,fr;q=0.9' } });
    await eve.goto(url('eve', sigEve, 'r9'));
    const eveLabel = await eve.locator('[data-role=timer-label]').innerText();
    check(eveLabel === 'Se termine dans', `French from Accept-Language (${eveLabel})`);
    await eve.locator('[data-role=join]').click();
    await eve.waitForFunction(() => document.querySelector('[data-role=message]').textContent !== '');
    const refused = await eve.locator('[data-role=message]').innerText();
    console.log('refused:', refused);
    check(refused === 'Ce salon de discussion ne participe pas à ce tirage au sort.', `refused in French (${refused})`);
    await screenshot(eve, 'chat-widget-refused');

    // A forged link cannot join as alice's neighbour.
    const forged = await phonePage(browser);
    await forged.goto(url('mallory', sigAlice, 'r1'));
    await forged.locator('[data-role=join]').click();
    await forged.waitForFunction(() => document.querySelector('[data-role=message]').textContent !== '');
    const forgedMessage = await forged.locator('[data-role=message]').innerText();
    console.log('forged:', forgedMessage);
    check(forgedMessage === 'This widget link was not made for you, so it cannot join.', `a wrong sig is refused (${forgedMessage})`);

    const foreign = requests.filter((r) => !r.startsWith(base));
    check(foreign.length === 0, `no request leaves the server: ${foreign}`);
    check(page.errors.length === 0, `no script errors: ${page.errors}`);
  } else {
    const names = rest;
    const page = await phonePage(browser);
    await page.goto(url('alice', sigAlice, 'r1'));
    check((await page.locator('#fd-widget').getAttribute('data-state')) === 'FINISHED', 'finished');
    const winners = page.locator('[data-role=winners]');
    check(await winners.isVisible(), 'the winners are shown');
    const listed = await winners.locator('li').allInnerTexts();
    console.log('winners:', listed.join(', '));
    for (const n of names) check(listed.includes(n), `${n} is listed (${listed})`);
    const href = await page.locator('[data-role=verify]').getAttribute('href');
    check(/\/verify\/[0-9a-f]{64}$/.test(href), `the verify link (${href})`);
    const announcement = await page.locator('[data-role=message]').innerText();
    console.log('announcement:', announcement);
    check(announcement.includes('Widget Cup'), `the announcement is shown (${announcement})`);
    check(await page.locator('[data-role=join]').isDisabled(), 'no joining once drawn');
    await screenshot(page, 'chat-widget-winners');
    check(page.errors.length === 0, `no script errors: ${page.errors}`);
  }
});
