//! Pages driven in headless Chromium (`fairdraw_testkit::browser`). These run on SQLite only:
//! what they check is the page in a browser, and the pages read through the same engine calls
//! that the rest of the suite runs on both backends.

use crate::hosted_page::the_hosted_page_and_widget_work_in_the_browser;
use crate::pages::drawn;
use crate::scenarios;
use crate::support::TestApp;

scenarios!(
    the_verify_page_reruns_the_draw_in_the_browser,
    the_hosted_page_and_widget_work_in_the_browser
);

async fn the_verify_page_reruns_the_draw_in_the_browser(app: TestApp) {
    let d = drawn(&app).await;
    let mut args = vec![d.hash.as_str()];
    args.extend(d.winners.iter().map(String::as_str));
    let out = fairdraw_testkit::browser::run("verify_page", &app.base, &args).await;
    assert!(out.contains("genuine: verified"), "{out}");
    assert!(out.contains("tampered: failed"), "{out}");
}
