//! Pages driven in headless Chromium (`fairdraw_testkit::browser`). These run on SQLite only:
//! what they check is the page in a browser, and the pages read through the same engine calls
//! that the rest of the suite runs on both backends.

use crate::draw_history::entered_and_drawn;
use crate::hosted_page::the_hosted_page_and_widget_work_in_the_browser;
use crate::pages::drawn;
use crate::scenarios;
use crate::support::TestApp;

scenarios!(
    the_verify_page_reruns_the_draw_in_the_browser,
    the_hosted_page_and_widget_work_in_the_browser,
    // Photo contests (issue 14).
    a_photo_contest_works_in_the_browser,
    // Issue 15: "Was I in this draw?".
    an_entrant_finds_themself_in_the_draw_in_the_browser,
);

async fn the_verify_page_reruns_the_draw_in_the_browser(app: TestApp) {
    let d = drawn(&app).await;
    let mut args = vec![d.hash.as_str()];
    args.extend(d.winners.iter().map(String::as_str));
    let out = fairdraw_testkit::browser::run("verify_page", &app.base, &args).await;
    assert!(out.contains("genuine: verified"), "{out}");
    assert!(out.contains("tampered: failed"), "{out}");
}

/// Photo contests (issue 14): upload on the page, approval through /v2, the gallery, one vote
/// and a refused second vote the same day (`tests/browser/gallery.mjs`).
async fn a_photo_contest_works_in_the_browser(app: TestApp) {
    let acct = app.account().await;
    let out = fairdraw_testkit::browser::run("gallery", &app.base, &[&acct.key]).await;
    println!("{out}");
    for step in [
        "a_photo_is_uploaded_from_the_page",
        "the_photo_is_approved_through_v2",
        "a_person_votes_once",
        "a_second_vote_the_same_day_is_refused",
    ] {
        assert!(out.contains(&format!("ok {step}")), "{step} did not pass:\n{out}");
    }
}

/// Issue 15: an entrant pastes their participant id, then their token, and the page checks
/// their inclusion proof in the browser; a wrong value is "not in this draw", a changed proof
/// fails (`tests/browser/self_check.mjs`).
async fn an_entrant_finds_themself_in_the_draw_in_the_browser(app: TestApp) {
    let e = entered_and_drawn(&app).await;
    let tickets = e.tickets.to_string();
    let args = [e.hash.as_str(), e.user_id.as_str(), tickets.as_str(), e.token.as_str()];
    let out = fairdraw_testkit::browser::run("self_check", &app.base, &args).await;
    println!("{out}");
    assert!(out.contains("by id: included"), "{out}");
    assert!(out.contains("by token: included"), "{out}");
    assert!(out.contains("wrong: absent"), "{out}");
    assert!(out.contains("tampered: failed"), "{out}");
}
