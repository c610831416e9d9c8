// The hosted giveaway page and the embed widget in a real browser (headless Chromium through
// playwright-core), against the server the contract scenario started: entering on a phone and
// completing two entry methods, a refusal that keeps the input, a referral, the widget on a page
// of the test's own, the winners after a draw, keyboard-only entering, and a title that tries
// to be a script. Screenshots of each state (docs/screenshots/ with FAIRDRAW_SCREENSHOTS=1).
// Usage: node hosted_page.mjs <base> <secret-api-key> [scenario-name-filter]
import http from 'node:http';
import { args, base, check, phonePage, run, screenshot } from './lib.mjs';

const BASE = base;
const [KEY, only] = args;

/** The server's public URL, as its links carry it. */
let PUBLIC = '';

/** The server's links carry its public URL; the test reaches it at `base`. */
function local(url) {
  const u = new URL(url);
  return BASE + u.pathname + u.search;
}

const assert = {
  equal: (a, b, m) => check(a === b, `${m || 'equal'}: ${JSON.stringify(a)} !== ${JSON.stringify(b)}`),
  ok: (a, m) => check(Boolean(a), m || 'ok'),
  match: (a, re, m) => check(re.test(a), `${m || 'match'}: ${a} !~ ${re}`),
};

async function api(method, p, body) {
  const r = await fetch(BASE + p, {
    method,
    headers: { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${p}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

let serial = 0;
/** A live giveaway (open since 2020, until 2099) with `extra` merged in; returns its id and page path. */
async function giveaway(extra = {}) {
  serial += 1;
  const g = await api("POST", "/v2/giveaways", {
    title: `Browser test ${serial}`,
    description: "Win a weekend for two in Lisbon.\n\nThe winner is drawn fairly and can check it.",
    rules: "Open to adults. One entry per person. The draw follows the Fairdraw protocol v1.",
    start_time: "2020-01-01 00:00:00",
    end_time: "2099-12-31 23:59:59",
    time_zone: "UTC",
    is_draft: false,
    ...extra,
  });
  const id = g.data.id;
  const view = new URL(g.data.view_url).pathname;
  PUBLIC = new URL(g.data.view_url).origin;
  return { id, view };
}

async function method(id, body) {
  return (await api("POST", `/v2/giveaways/${id}/entry-methods`, body)).data.id;
}

async function shot(page, name) {
  await screenshot(page, name.replace(/\.png$/, ''));
}

async function fillEntry(page, name, email) {
  await page.getByLabel(/Full name/).fill(name);
  await page.getByLabel(/E-mail address/).fill(email);
  await page.getByLabel(/I accept the official rules/).check();
}

async function total(page) {
  return Number(await page.locator("#fd-my-total").textContent());
}

const scenarios = {
  async a_person_enters_on_a_phone_and_completes_two_methods(browser) {
    const { id, view } = await giveaway({ settings: { if_leaderboard: true } });
    await method(id, { entry_method: 7, entry_amount: 3, entry_link: "https://example.com/shop", entry_title: "Visit our shop" });
    await method(id, { entry_method: 9, entry_amount: 2, entry_title: "What is your favourite colour?", daily: true });
    await method(id, { entry_method: 5, entry_amount: 5 });
    await api("POST", `/v2/giveaways/${id}/prizes`, { prize_name: "Weekend in Lisbon", prize_value: "900", prize_currency: "EUR", prize_winners_allowed: 1 });
    await api("POST", `/v2/giveaways/${id}/rewards`, { type: 2, title: "10% off coupon", entries_required: 5, coupon_code: "SAVE10" });
    const page = await phonePage(browser);
    await page.goto(BASE + view);
    await page.locator(".fd-countdown").filter({ hasText: /\d\d:\d\d:\d\d/ }).waitFor();
    await shot(page, "page-form.png");
    await fillEntry(page, "Ana Souza", "ana@example.com");
    await page.getByRole("button", { name: "Enter the giveaway" }).click();
    await page.locator("#fd-my-total").waitFor();
    assert.equal(await total(page), 1);
    await page.locator("li", { hasText: "Visit our shop" }).getByRole("button", { name: "Done" }).click();
    await page.waitForURL(/done=action/);
    assert.equal(await total(page), 4);
    const colour = page.locator("li", { hasText: "favourite colour" });
    await colour.getByLabel("Your answer").fill("teal");
    await colour.getByRole("button", { name: "Done" }).click();
    await page.waitForURL(/done=action/);
    assert.equal(await total(page), 6);
    await page.getByText("Done for today, come back tomorrow").waitFor();
    await page.getByText("Unlocked").waitFor();
    assert.ok(await page.locator("#fd-ref-link").inputValue(), "a referral link");
    await shot(page, "page-entered.png");
    // The page reported its view through the public view endpoint.
    const stats = await api("GET", `/v2/giveaways/${id}/stats`);
    assert.ok(stats.data.total_page_views >= 1, JSON.stringify(stats.data));
    check(page.errors.length === 0, `no script errors, CSP violations or failed loads: ${page.errors}`);
    await page.context().close();
  },

  async a_refusal_shows_its_message_and_keeps_the_input(browser) {
    const { view } = await giveaway({ rules_config: { age_limit: 18 } });
    const page = await phonePage(browser);
    await page.goto(BASE + view);
    await fillEntry(page, "Young Person", "young@example.com");
    await page.getByLabel("Date of birth").fill("2015-05-05");
    await page.getByRole("button", { name: "Enter the giveaway" }).click();
    const message = page.locator("#fd-birthday-err");
    await message.waitFor();
    assert.equal(await message.textContent(), "You must be at least 18 years old to enter.");
    assert.equal(await page.getByLabel(/Full name/).inputValue(), "Young Person");
    assert.equal(await page.getByLabel(/E-mail address/).inputValue(), "young@example.com");
    assert.equal(await page.getByLabel("Date of birth").inputValue(), "2015-05-05");
    assert.ok(await page.getByLabel(/I accept the official rules/).isChecked());
    assert.equal(await page.getByLabel("Date of birth").getAttribute("aria-invalid"), "true");
    await shot(page, "page-refused.png");
    await page.context().close();
  },

  async a_referral_link_brings_a_friend_who_credits_the_first_person(browser) {
    const { id, view } = await giveaway();
    await method(id, { entry_method: 5, entry_amount: 5 });
    const a = await phonePage(browser);
    await a.goto(BASE + view);
    await fillEntry(a, "Ana First", "ana.first@example.com");
    await a.getByRole("button", { name: "Enter the giveaway" }).click();
    const link = await a.locator("#fd-ref-link").inputValue();
    assert.match(link, /\?ref=[a-z0-9]+$/);
    const b = await phonePage(browser);
    await b.goto(local(link));
    await fillEntry(b, "Bo Friend", "bo.friend@example.com");
    await b.getByRole("button", { name: "Enter the giveaway" }).click();
    await b.locator("#fd-my-total").waitFor();
    await a.reload();
    assert.equal(await total(a), 1 + 5);
    await a.context().close();
    await b.context().close();
  },

  async the_widget_mounts_on_another_site_and_resizes(browser) {
    const one = await giveaway({ title: "Widget one" });
    const two = await giveaway({ title: "Widget two" });
    // The documented embed code, pointed at the server under test.
    const embed = (await api("GET", `/v2/giveaways/${one.id}/embed-code`)).data.embed_code.replaceAll(PUBLIC, BASE);
    const embed2 = (await api("GET", `/v2/giveaways/${two.id}/embed-code`)).data.embed_code.replaceAll(PUBLIC, BASE);
    const html = `<!doctype html><html><head><meta name="viewport" content="width=device-width"><title>A shop</title></head>
<body style="margin:0;font-family:sans-serif"><h1 style="padding:8px">Our shop</h1>${embed}<p>Between the widgets</p>${embed2}<p id="after">After</p></body></html>`;
    const site = http.createServer((req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end(html);
    });
    await new Promise((r) => site.listen(0, "127.0.0.1", r));
    // Another origin: "localhost" is a different host from the server's 127.0.0.1.
    const url = `http://localhost:${site.address().port}/`;
    const page = await phonePage(browser);
    await page.goto(url);
    const frames = page.locator("div.sw_container iframe");
    await frames.nth(1).waitFor();
    assert.equal(await frames.count(), 2);
    // Resized to its content: no longer the initial 640 px, and as tall as the page inside.
    await page.waitForFunction(() =>
      [...document.querySelectorAll("div.sw_container iframe")].every((f) => f.style.height && f.style.height !== "640px"));
    const frame = page.frameLocator("div.sw_container iframe").first();
    await frame.locator("h1").filter({ hasText: "Widget one" }).waitFor();
    const inner = await frame.locator("#fd-page").evaluate((e) => Math.ceil(e.getBoundingClientRect().height));
    const outer = await frames.first().evaluate((f) => parseInt(f.style.height, 10));
    assert.ok(Math.abs(inner - outer) <= 2, `frame ${outer}px for content ${inner}px`);
    // Entering inside the frame works and the frame follows the longer page.
    await fillEntry(frame, "Framed Person", "framed@example.com");
    await frame.getByRole("button", { name: "Enter the giveaway" }).click();
    await frame.locator("#fd-my-total").waitFor();
    await page.waitForTimeout(300);
    const heights = await frames.evaluateAll((fs) => fs.map((f) => f.style.height));
    const body = await page.evaluate(() => document.documentElement.scrollHeight);
    console.log(`widget frames ${heights} in a page of ${body}px`);
    // Frames of another site are painted only inside the viewport: show the whole page at once.
    await page.setViewportSize({ width: 375, height: body });
    await page.waitForTimeout(300);
    await shot(page, "widget.png");
    await page.context().close();
    site.close();
  },

  async winners_and_the_verify_link_appear_after_a_draw(browser) {
    const { id, view } = await giveaway({ title: "Drawn giveaway" });
    for (const who of ["ana", "bo", "cy"]) {
      await fetch(`${BASE}/api/public/giveaways/${id}/entries`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ name: `${who} Winner`, email: `${who}.w@example.com`, consent: true }),
      });
    }
    await api("POST", `/v2/giveaways/${id}/winners/random`, { count: 1 });
    const page = await phonePage(browser);
    await page.goto(BASE + view);
    const winners = page.locator(".fd-winners");
    await winners.waitFor();
    const link = winners.getByRole("link", { name: "Verify the draw" });
    assert.match(await link.getAttribute("href"), /\/verify\/[0-9a-f]{64}$/);
    await shot(page, "page-winners.png");
    await page.goto(local(await link.getAttribute("href")));
    await page.locator("h1").waitFor();
    await page.context().close();
  },

  async a_person_enters_with_the_keyboard_only(browser) {
    const { view } = await giveaway();
    const page = await phonePage(browser);
    await page.goto(BASE + view);
    // Tab from the top of the page to the name field, then through the form in order.
    for (let i = 0; i < 20; i += 1) {
      await page.keyboard.press("Tab");
      if (await page.evaluate(() => document.activeElement && document.activeElement.id === "fd-name")) break;
    }
    assert.equal(await page.evaluate(() => document.activeElement.id), "fd-name");
    await page.keyboard.type("Kim Keys");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.id), "fd-email");
    await page.keyboard.type("kim@example.com");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.id), "fd-consent");
    await page.keyboard.press("Space");
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.activeElement.textContent);
    if (focused !== "Enter the giveaway") {
      // The rules link inside the consent label comes first.
      await page.keyboard.press("Tab");
    }
    assert.equal(await page.evaluate(() => document.activeElement.textContent), "Enter the giveaway");
    await shot(page, "page-keyboard.png");
    await page.keyboard.press("Enter");
    await page.locator("#fd-my-total").waitFor();
    assert.equal(await total(page), 1);
    await page.context().close();
  },

  async a_title_that_is_a_script_stays_text(browser) {
    const title = `<script>window.__xss=1</script><img src=x onerror="window.__xss=2">`;
    const { view } = await giveaway({ title, description: `<b onclick="x()">bold?</b>` });
    const page = await phonePage(browser);
    await page.goto(BASE + view);
    assert.equal(await page.locator("h1.fd-title").textContent(), title);
    assert.equal(await page.title(), title);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    assert.equal(await page.locator(".fd-description b").count(), 0);
    await shot(page, "page-xss-title.png");
    await page.context().close();
  },
};

await run(async (browser) => {
  let failed = 0;
  for (const [name, scenario] of Object.entries(scenarios)) {
    if (only && !name.includes(only)) continue;
    try {
      await scenario(browser);
      console.log(`ok ${name}`);
    } catch (e) {
      failed += 1;
      console.log(`FAIL ${name}\n${e.stack}`);
    }
  }
  check(failed === 0, `${failed} scenario(s) failed`);
});
