// A photo contest in a real browser (headless Chromium through playwright-core), against the
// server the contract scenario started: a person enters on a phone and uploads a photo (with a GPS
// position in its EXIF) from the page; the owner approves it through /v2; it shows in the
// gallery; a second person votes for it once, and a second vote the same day (from a tab still
// showing the Vote button) is refused with a readable message. Screenshots of each state
// (docs/screenshots/ with FAIRDRAW_SCREENSHOTS=1).
// Usage: node gallery.mjs <base> <secret-api-key>
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { args, base, check, phonePage, run, screenshot } from './lib.mjs';

const [KEY] = args;
const PHOTO = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'dog.jpg');

async function api(method, p, body) {
  const r = await fetch(base + p, {
    method,
    headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${p}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function enter(page, view, name, email) {
  await page.goto(base + view);
  await page.getByLabel(/Full name/).fill(name);
  await page.getByLabel(/E-mail address/).fill(email);
  await page.getByLabel(/I accept the official rules/).check();
  await Promise.all([page.waitForURL(/done=entered/), page.getByRole('button', { name: 'Enter the giveaway' }).click()]);
}

await run(async (browser) => {
  const g = await api('POST', '/v2/giveaways', {
    title: 'Best Dog Photo 2026',
    description: 'Upload a photo of your dog. The most voted photo wins a year of dog food.',
    start_time: '2020-01-01 00:00:00',
    end_time: '2099-12-31 23:59:59',
    time_zone: 'UTC',
    is_draft: false,
  });
  const id = g.data.id;
  const view = new URL(g.data.view_url).pathname;
  const method = (
    await api('POST', `/v2/giveaways/${id}/entry-methods`, {
      entry_method: 10,
      entry_amount: 5,
      entry_title: 'Upload a photo of your dog',
    })
  ).data.id;

  // The author uploads from the page, the way a phone's file picker hands the file over.
  const author = await phonePage(browser);
  await enter(author, view, 'Ana Souza', 'ana@example.com');
  const file = author.locator(`#fd-photo${method}`);
  check(await file.isVisible(), 'the photo field is shown once entered');
  await file.setInputFiles(PHOTO);
  await author.getByLabel('Caption').fill('Rex after his bath');
  await Promise.all([author.waitForURL(/done=photo/), author.getByRole('button', { name: 'Upload photo' }).click()]);
  check((await author.locator('#fd-notice').textContent()).includes('waiting for approval'), 'the upload is confirmed');
  check((await author.locator('#fd-my-total').textContent()).trim() === '6', 'the photo earned its 5 entries');
  check(!(await author.locator('.fd-photo').count()), 'a pending photo is not in the gallery');
  await screenshot(author, 'gallery-photo-uploaded');
  console.log('ok a_photo_is_uploaded_from_the_page');

  // The owner reviews it through /v2: the stored photo has no EXIF (no GPS position), and approves.
  const pending = await api('GET', `/v2/giveaways/${id}/gallery?status=pending`);
  check(pending.data.length === 1, `one pending submission: ${JSON.stringify(pending)}`);
  const entry = pending.data[0].entry_id;
  check(pending.data[0].caption === 'Rex after his bath', 'the caption is kept');
  const review = await fetch(base + `/v2/giveaways/${id}/gallery/${entry}/photo`, { headers: { Authorization: `Bearer ${KEY}` } });
  const stored = Buffer.from(await review.arrayBuffer());
  const sent = readFileSync(PHOTO);
  check(sent.includes('Exif\0') && !stored.includes('Exif\0'), 'the EXIF block (with the GPS position) is removed');
  await api('POST', `/v2/giveaways/${id}/gallery/${entry}/approve`);
  console.log('ok the_photo_is_approved_through_v2');

  // A second person sees it in the gallery and votes once.
  const voter = await phonePage(browser);
  await enter(voter, view, 'Vic Moreau', 'vic@example.com');
  const photo = voter.locator(`#fd-p${entry}`);
  await photo.scrollIntoViewIfNeeded();
  const img = photo.locator('img');
  await img.evaluate((el) => (el.complete ? null : new Promise((ok) => el.addEventListener('load', ok))));
  check((await img.evaluate((el) => el.naturalWidth)) === 480, 'the approved photo loads from /media');
  check((await photo.textContent()).includes('by Ana S.'), 'the author by short name');
  check((await photo.textContent()).includes('0 votes'), 'no votes yet');
  // A second tab of the same person, still showing the Vote button.
  const stale = await voter.context().newPage();
  await stale.goto(base + view + '#fd-gallery');
  await screenshot(voter, 'gallery-approved-photo');
  await Promise.all([voter.waitForURL(/done=vote/), photo.getByRole('button', { name: 'Vote' }).click()]);
  check((await voter.locator(`#fd-p${entry}`).textContent()).includes('1 vote'), 'the vote is counted');
  check((await voter.locator(`#fd-p${entry}`).textContent()).includes('You voted today'), 'the button gives way to a note');
  await voter.locator(`#fd-p${entry}`).scrollIntoViewIfNeeded();
  await screenshot(voter, 'gallery-voted');
  console.log('ok a_person_votes_once');

  // The same day, again: refused, with a message next to the photo.
  await Promise.all([stale.waitForLoadState('load'), stale.locator(`#fd-p${entry}`).getByRole('button', { name: 'Vote' }).click()]);
  await stale.waitForSelector(`#fd-p${entry}-err`);
  const message = await stale.locator(`#fd-p${entry}-err`).textContent();
  check(message.includes('You already voted for this photo today'), `a readable refusal: ${message}`);
  check((await stale.locator(`#fd-p${entry}`).textContent()).includes('1 vote'), 'still one vote');
  await stale.locator(`#fd-p${entry}`).scrollIntoViewIfNeeded();
  await screenshot(stale, 'gallery-second-vote-refused');
  const list = await api('GET', `/v2/giveaways/${id}/gallery?status=approved`);
  check(list.data[0].votes === 1, `one vote on record: ${JSON.stringify(list.data[0])}`);
  console.log('ok a_second_vote_the_same_day_is_refused');

  // (The second tab expects its 409; the two phone pages must have no errors.)
  const errors = [...author.errors, ...voter.errors];
  check(errors.length === 0, `no script errors or failed loads: ${errors.join('; ')}`);
});
