//! E-mail delivery: each `email.*` job sent through a real SMTP server (Python's aiosmtpd, started
//! by the test), the messages it received decoded with mail-parser and checked: the verification
//! link that works when followed, reward coupon codes, winner codes and instructions, the
//! confirmation e-mail following its setting, user content escaped in HTML, retries while the
//! server is down, permanent and transient refusals, and the outbox folder without SMTP (which
//! an erasure empties of the person's e-mails).

use crate::scenarios;
use crate::support::{self, Reply, Running, TestAccount, TestApp};
use fairdraw_core::secret::Secret;
use fairdraw_server::config::ConfigLayer;
use fairdraw_store::entries::{Entrant, NewEntry};
use fairdraw_store::jobs::{JobRow, NewJob};
use fairdraw_testkit::smtp::{SmtpSink, free_port, smtp_url};
use mail_parser::{MessageParser, PartType};
use serde_json::{Value, json};

scenarios!(
    verification_email_arrives_and_its_link_verifies,
    reward_email_carries_the_coupon_code,
    winner_email_has_code_and_instructions,
    confirmation_email_follows_its_setting,
    user_content_is_escaped_in_html,
    a_server_that_is_down_means_a_retry,
    refusals_are_permanent_or_transient_by_code,
    without_smtp_an_eml_lands_in_the_outbox,
    an_erasure_empties_the_outbox_of_the_person_and_stops_their_mail,
);

/// The message-ID domain: that of the default From address.
const ID_DOMAIN: &str = "fairdraw.localhost";

/// A server of the scenario's backend that sends e-mail to `url`.
async fn with_smtp(harness: &TestApp, url: String) -> (TestApp, Running) {
    support::start_with(
        harness.backend,
        ConfigLayer {
            smtp_url: Some(Secret::new(url)),
            ..ConfigLayer::default()
        },
    )
    .await
}

/// A decoded message.
#[derive(Debug)]
struct Mail {
    rcpt_to: Vec<String>,
    to: String,
    from: String,
    subject: String,
    message_id: String,
    reply_to: Option<String>,
    text: String,
    html: String,
}

fn decode(raw: &[u8]) -> Mail {
    let m = MessageParser::default().parse(raw).expect("a parsable message");
    let text = match m.text_part(0).map(|p| &p.body) {
        Some(PartType::Text(t)) => t.to_string(),
        other => panic!("no text/plain part: {other:?}"),
    };
    let html = match m.html_part(0).map(|p| &p.body) {
        Some(PartType::Html(h)) => h.to_string(),
        other => panic!("no text/html part: {other:?}"),
    };
    Mail {
        rcpt_to: Vec::new(),
        to: first(m.to()).expect("To"),
        from: first(m.from()).expect("From"),
        subject: m.subject().unwrap_or_default().to_owned(),
        message_id: m.message_id().unwrap_or_default().to_owned(),
        reply_to: first(m.reply_to()),
        text,
        html,
    }
}

fn first(a: Option<&mail_parser::Address<'_>>) -> Option<String> {
    a.and_then(|a| a.first()).and_then(|a| a.address()).map(str::to_owned)
}

fn received(sink: &SmtpSink) -> Vec<Mail> {
    sink.messages()
        .iter()
        .map(|r| Mail {
            rcpt_to: r.rcpt_to.clone(),
            ..decode(&r.data)
        })
        .collect()
}

/// A giveaway taking entries at `T0`, with `overrides` merged in.
async fn live_giveaway(app: &TestApp, acct: &TestAccount, overrides: Value) -> i64 {
    let mut body = json!({
        "title": "Summer Giveaway",
        "start_time": "2026-06-01 00:00:00",
        "end_time": "2026-12-31 23:59:59",
        "time_zone": "America/New_York",
        "is_draft": false,
        "rules_config": {},
    });
    if let (Some(b), Some(o)) = (body.as_object_mut(), overrides.as_object()) {
        b.extend(o.clone());
    }
    app.create_giveaway(&acct.key, body).await
}

async fn enter(app: &TestApp, id: i64, name: &str, email: &str) -> Reply {
    let body = json!({ "name": name, "email": email, "consent": true });
    app.call(
        reqwest::Method::POST,
        &format!("/api/public/giveaways/{id}/entries"),
        None,
        Some(&body),
    )
    .await
}

async fn jobs(app: &TestApp, kind: &str) -> Vec<JobRow> {
    app.engine.db().jobs_of_kind(Some(kind)).await.unwrap()
}

fn payload(job: &JobRow) -> Value {
    serde_json::from_str(&job.payload).unwrap()
}

async fn verification_email_arrives_and_its_link_verifies(harness: TestApp) {
    let sink = SmtpSink::start().await;
    let (app, running) = with_smtp(&harness, sink.url()).await;
    let acct = app.account().await;
    let id = live_giveaway(
        &app,
        &acct,
        json!({ "rules_config": { "require_email_verification": true } }),
    )
    .await;
    app.put(
        &acct.key,
        &format!("/v2/giveaways/{id}/emails"),
        json!({ "verification_email": { "enabled": true, "body": "Hello {name}!\n\nOne click left for {giveaway_title}: {link}" } }),
    )
    .await
    .expect(200);
    let entered = enter(&app, id, "Ana Lucía", "ana@example.com").await;
    entered.expect(201);
    assert_eq!(entered.data()["email_verification_required"], json!(true));
    assert!(sink.messages().is_empty(), "nothing is sent inside the request");

    assert_eq!(app.run_jobs().await, 1);
    let mails = received(&sink);
    assert_eq!(mails.len(), 1);
    let m = &mails[0];
    assert_eq!(m.rcpt_to, ["ana@example.com"]);
    assert_eq!(m.to, "ana@example.com");
    assert_eq!(m.from, "no-reply@fairdraw.localhost");
    assert_eq!(m.subject, "Confirm your e-mail address for Summer Giveaway");
    let job = &jobs(&app, "email.verification").await[0];
    assert_eq!(m.message_id, format!("email.verification.job.{}@{ID_DOMAIN}", job.id));
    assert_eq!(job.state, "done");
    let link = payload(job)["link"].as_str().unwrap().to_owned();
    assert!(m.text.contains("Hello Ana Lucía!"), "{}", m.text);
    assert!(
        m.text.contains(&format!("One click left for Summer Giveaway: {link}")),
        "{}",
        m.text
    );
    assert!(m.html.contains(&format!("href=\"{link}\"")), "{}", m.html);

    // Following the link from the e-mail verifies the entry.
    let path = link
        .strip_prefix("https://fairdraw.test")
        .expect("a link to this server");
    let verified = app.call(reqwest::Method::GET, path, None, None).await;
    verified.expect(200);
    assert_eq!(verified.data()["verified"], json!(true));
    let again = enter(&app, id, "Ana Lucía", "ana@example.com").await;
    assert_eq!(again.data()["email_verification_required"], json!(false));
    assert_eq!(app.run_jobs().await, 0, "nothing more to send");
    assert_eq!(sink.messages().len(), 1);
    running.stop().await;
}

async fn reward_email_carries_the_coupon_code(harness: TestApp) {
    let sink = SmtpSink::start().await;
    let (app, running) = with_smtp(&harness, sink.url()).await;
    let acct = app.account().await;
    let id = live_giveaway(&app, &acct, json!({ "settings": { "if_unlock_rewards": true } })).await;
    // Only the reward e-mails are under test here.
    app.put(
        &acct.key,
        &format!("/v2/giveaways/{id}/emails"),
        json!({ "confirmation_email": { "status": 0 } }),
    )
    .await
    .expect(200);
    let rewards = format!("/v2/giveaways/{id}/rewards");
    let shown = app
        .post(
            &acct.key,
            &rewards,
            json!({ "type": 2, "title": "10% off", "entries_required": 1, "coupon_code": "SAVE10",
                    "coupon_directions": "Use {code} at checkout before July.", "send_email": 1,
                    "email_subject": "{name}, your {reward_title} is here",
                    "email_reply_to_email": "help@brand.test", "email_reply_to_name": "Brand Help" }),
        )
        .await;
    shown.expect(201);
    let shown_id = shown.data()["id"].as_i64().unwrap();
    app.post(
        &acct.key,
        &rewards,
        json!({ "type": 2, "title": "Mystery box", "entries_required": 1, "coupon_code": "HIDDEN-77",
                "coupon_if_coupon_code": 0, "send_email": 1 }),
    )
    .await
    .expect(201);
    app.post(
        &acct.key,
        &rewards,
        json!({ "type": 2, "title": "Quiet one", "entries_required": 1, "coupon_code": "NOMAIL", "send_email": 0 }),
    )
    .await
    .expect(201);
    let entered = enter(&app, id, "Kim", "kim@example.com").await;
    entered.expect(201);
    let user_id = entered.data()["user_id"].as_str().unwrap().to_owned();
    assert_eq!(app.run_jobs().await, 2, "one e-mail per reward that sends one");

    let mails = received(&sink);
    assert_eq!(mails.len(), 2);
    let coupon = mails
        .iter()
        .find(|m| m.subject == "Kim, your 10% off is here")
        .expect("the coupon e-mail");
    assert_eq!(coupon.to, "kim@example.com");
    assert_eq!(coupon.reply_to.as_deref(), Some("help@brand.test"));
    assert_eq!(
        coupon.message_id,
        format!("email.reward.{user_id}.{shown_id}@{ID_DOMAIN}")
    );
    assert!(coupon.text.contains("Your coupon code: SAVE10"), "{}", coupon.text);
    assert!(
        coupon.text.contains("Use SAVE10 at checkout before July."),
        "{}",
        coupon.text
    );
    assert!(coupon.html.contains("SAVE10"));
    let hidden = mails
        .iter()
        .find(|m| m.subject == "You unlocked a reward: Mystery box")
        .expect("the hidden one");
    assert!(!hidden.text.contains("HIDDEN-77") && !hidden.html.contains("HIDDEN-77"));
    assert!(hidden.text.contains("unlocked Mystery box"), "{}", hidden.text);
    assert!(mails.iter().all(|m| !m.text.contains("NOMAIL")));
    running.stop().await;
}

/// The draw queues one `email.winner` job per winner, in its own transaction.
async fn assert_winner_job(app: &TestApp, giveaway_id: i64, winner_id: i64) {
    let queued = jobs(app, "email.winner").await;
    let job = queued
        .iter()
        .find(|j| payload(j)["winner_id"] == json!(winner_id))
        .expect("the draw queued the winner e-mail");
    assert_eq!(payload(job)["giveaway_id"], json!(giveaway_id));
    assert_eq!(job.state, "pending");
}

async fn winner_email_has_code_and_instructions(harness: TestApp) {
    let sink = SmtpSink::start().await;
    let (app, running) = with_smtp(&harness, sink.url()).await;
    let (acct, id, g) = crate::winners::published(&app, json!({ "title": "Big Draw" })).await;
    for email in ["w1@example.com", "w2@example.com"] {
        crate::winners::enter(&app, &g, email, 1, true).await;
    }
    app.post(
        &acct.key,
        &format!("/v2/giveaways/{id}/prizes"),
        json!({ "prize_name": "Gift Card", "prize_value": "$50", "prize_winners_allowed": 2,
                "redemption_switch": true, "redemption_codes": "GC-111\nGC-222",
                "redemption_instructions": "Redeem {code} at shop.example, {name}.",
                "redemption_subject": "{prize_name} for you",
                "redemption_reply_to_email": "prizes@brand.test", "redemption_reply_to_name": "Prize Desk" }),
    )
    .await
    .expect(201);
    app.post(
        &acct.key,
        &format!("/v2/giveaways/{id}/winners/random"),
        json!({ "count": 2 }),
    )
    .await
    .expect(201);
    let list = app.get(&acct.key, &format!("/v2/giveaways/{id}/winners")).await;
    let rows = list.data().as_array().unwrap().clone();
    assert_eq!(rows.len(), 2);
    let (kept, removed) = (&rows[0], &rows[1]);
    let kept_id = kept["entry_id"].as_i64().unwrap();
    let removed_id = removed["entry_id"].as_i64().unwrap();
    assert_winner_job(&app, id, kept_id).await;
    assert_winner_job(&app, id, removed_id).await;
    // Removed before its e-mail went out: the job completes without sending.
    app.delete(&acct.key, &format!("/v2/giveaways/{id}/winners/{removed_id}"))
        .await
        .expect(204);
    app.run_jobs().await;

    let mails = received(&sink);
    assert_eq!(mails.len(), 1, "only the winner who still is one");
    let m = &mails[0];
    assert_eq!(m.to, kept["email"].as_str().unwrap());
    assert_eq!(m.subject, "Gift Card for you");
    assert_eq!(m.reply_to.as_deref(), Some("prizes@brand.test"));
    assert_eq!(m.message_id, format!("email.winner.{kept_id}@{ID_DOMAIN}"));
    let code: (String,) = sqlx::query_as("SELECT code FROM prize_codes WHERE winner_id = $1")
        .bind(kept_id)
        .fetch_one(app.engine.db().reader())
        .await
        .unwrap();
    let name = kept["name"].as_str().unwrap();
    assert!(
        m.text.contains(&format!("Your redemption code: {}", code.0)),
        "{}",
        m.text
    );
    assert!(
        m.text.contains(&format!("Redeem {} at shop.example, {name}.", code.0)),
        "{}",
        m.text
    );
    assert!(m.text.contains("Your prize: Gift Card ($50)"), "{}", m.text);
    assert!(m.html.contains(&code.0));
    let done = jobs(&app, "email.winner").await;
    assert_eq!(done.len(), 2);
    assert!(
        done.iter().all(|j| j.state == "done"),
        "both are done, one without an e-mail"
    );
    running.stop().await;
}

/// Whether entering queued the entrant's `email.confirmation` job.
async fn confirmation_queued(app: &TestApp, user_id: &str) -> bool {
    jobs(app, "email.confirmation")
        .await
        .iter()
        .any(|j| payload(j)["user_id"] == json!(user_id))
}

/// Queues a confirmation as the public endpoint does, for entrants recorded another way (or a
/// job queued before the setting changed).
async fn queue_confirmation(app: &TestApp, giveaway_id: i64, user_id: &str) {
    let job = NewJob::new(
        "email.confirmation",
        json!({ "giveaway_id": giveaway_id, "user_id": user_id }),
    );
    app.engine.db().enqueue(&job, app.clock.now_ms()).await.unwrap();
}

async fn confirmation_email_follows_its_setting(harness: TestApp) {
    let sink = SmtpSink::start().await;
    let (app, running) = with_smtp(&harness, sink.url()).await;
    let acct = app.account().await;
    let id = live_giveaway(&app, &acct, json!({})).await;
    let emails = format!("/v2/giveaways/{id}/emails");
    app.put(
        &acct.key,
        &emails,
        json!({ "confirmation_email": { "status": 1, "subject": "Thanks, {name}!",
                "reply_to_email": "Team@Brand.test", "reply_to_name": "Brand Team",
                "body": "You are in {giveaway_title}.\n\nSee it at {link}",
                "logo_image_url": "https://brand.test/logo.png" } }),
    )
    .await
    .expect(200);
    let first = enter(&app, id, "Lee", "lee@example.com").await;
    first.expect(201);
    let user_id = first.data()["user_id"].as_str().unwrap().to_owned();
    assert!(
        confirmation_queued(&app, &user_id).await,
        "entering queues the confirmation"
    );
    // Entering again is no new participant: no second confirmation.
    enter(&app, id, "Lee", "lee@example.com").await.expect(200);
    app.run_jobs().await;
    let mails = received(&sink);
    assert_eq!(mails.len(), 1);
    let m = &mails[0];
    assert_eq!(m.to, "lee@example.com");
    assert_eq!(m.subject, "Thanks, Lee!");
    assert_eq!(m.reply_to.as_deref(), Some("team@brand.test"));
    let view = format!("https://fairdraw.test/view/{id}-");
    assert!(m.text.contains("You are in Summer Giveaway."), "{}", m.text);
    assert!(m.text.contains(&format!("See it at {view}")), "{}", m.text);
    assert!(m.html.contains("src=\"https://brand.test/logo.png\""), "{}", m.html);

    // Switched off: a confirmation queued earlier is done without a message.
    app.put(&acct.key, &emails, json!({ "confirmation_email": { "status": 0 } }))
        .await
        .expect(200);
    let second = enter(&app, id, "Max", "max@example.com").await;
    second.expect(201);
    let user_id = second.data()["user_id"].as_str().unwrap().to_owned();
    assert!(
        !confirmation_queued(&app, &user_id).await,
        "nothing queued while switched off"
    );
    queue_confirmation(&app, id, &user_id).await;
    app.run_jobs().await;
    assert_eq!(sink.messages().len(), 1, "no confirmation while switched off");
    assert!(jobs(&app, "email.confirmation").await.iter().all(|j| j.state == "done"));
    running.stop().await;
}

async fn user_content_is_escaped_in_html(harness: TestApp) {
    let sink = SmtpSink::start().await;
    let (app, running) = with_smtp(&harness, sink.url()).await;
    let acct = app.account().await;
    let id = live_giveaway(&app, &acct, json!({ "title": "Win <b>big</b> & more" })).await;
    app.put(
        &acct.key,
        &format!("/v2/giveaways/{id}/emails"),
        json!({ "confirmation_email": { "custom_html": "<html><body><p class=\"hi\">Welcome {name} to {giveaway_title}</p></body></html>" } }),
    )
    .await
    .expect(200);
    let who = app.engine.authenticate_secret(&acct.key).await.unwrap();
    let g = app.engine.owned_giveaway(&who, id).await.unwrap();
    let evil = "<script>alert(1)</script> {link}";
    let entrant = Entrant {
        email: "evil@example.com".to_owned(),
        name: evil.to_owned(),
        country: None,
        birthday: None,
        ip: None,
        referred_by_code: None,
        verified: true,
    };
    let entry = NewEntry {
        entry_method_id: None,
        method_type: 1,
        amount: 1,
        value: None,
    };
    let recorded = app
        .engine
        .record_entries(&g, entrant, vec![entry])
        .await
        .unwrap()
        .unwrap();
    queue_confirmation(&app, id, &recorded.user_id).await;
    let verification = NewJob::new(
        "email.verification",
        json!({ "giveaway_id": id, "giveaway_title": "t", "email": "evil@example.com", "name": evil,
                "link": "https://fairdraw.test/api/public/verify-email/abc?x=1&y=2" }),
    );
    app.engine
        .db()
        .enqueue(&verification, app.clock.now_ms())
        .await
        .unwrap();
    app.run_jobs().await;

    let mails = received(&sink);
    assert_eq!(mails.len(), 2);
    for m in &mails {
        assert!(!m.html.contains("<script>"), "{}", m.html);
        assert!(!m.html.contains("<b>big</b>"), "{}", m.html);
        assert!(
            m.html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "{}",
            m.html
        );
        assert!(
            m.html.contains("Win &#60;b&#62;big&#60;/b&#62; &#38; more"),
            "{}",
            m.html
        );
        // The plain-text part carries the text as it is; a name is not expanded as a placeholder.
        assert!(m.text.contains("<script>alert(1)</script> {link}"), "{}", m.text);
    }
    let custom = mails
        .iter()
        .find(|m| m.html.contains("class=\"hi\""))
        .expect("the custom HTML");
    assert!(custom.html.contains("Welcome &#60;script&#62;"), "{}", custom.html);
    let link = mails
        .iter()
        .find(|m| m.subject.starts_with("Confirm"))
        .expect("the verification");
    assert!(
        link.html
            .contains("href=\"https://fairdraw.test/api/public/verify-email/abc?x=1&#38;y=2\"")
    );
    running.stop().await;
}

async fn a_server_that_is_down_means_a_retry(harness: TestApp) {
    let port = free_port();
    let (app, running) = with_smtp(&harness, smtp_url(port)).await;
    let acct = app.account().await;
    let id = live_giveaway(
        &app,
        &acct,
        json!({ "rules_config": { "require_email_verification": true } }),
    )
    .await;
    enter(&app, id, "Sam", "sam@example.com").await.expect(201);
    let start = app.clock.now_ms();
    assert_eq!(app.run_jobs().await, 1);
    let job = &jobs(&app, "email.verification").await[0];
    assert_eq!((job.state.as_str(), job.attempts), ("pending", 1));
    assert!(job.run_at > start, "retried later, not at once");
    let error = job.last_error.clone().unwrap_or_default();
    assert!(error.contains("could not be reached"), "{error}");
    assert!(!error.contains("sam@"), "no address in the error: {error}");

    let sink = SmtpSink::start_on(port).await;
    assert_eq!(app.run_jobs().await, 0, "not due yet");
    assert!(sink.messages().is_empty());
    app.clock.advance(job.run_at - start);
    assert_eq!(app.run_jobs().await, 1);
    let mails = received(&sink);
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, "sam@example.com");
    let job = app.engine.db().job(job.id).await.unwrap();
    assert_eq!((job.state.as_str(), job.attempts), ("done", 2));
    running.stop().await;
}

async fn refusals_are_permanent_or_transient_by_code(harness: TestApp) {
    let sink = SmtpSink::start().await;
    let (app, running) = with_smtp(&harness, sink.url()).await;
    let acct = app.account().await;
    let id = live_giveaway(
        &app,
        &acct,
        json!({ "rules_config": { "require_email_verification": true } }),
    )
    .await;
    enter(&app, id, "No One", "reject-me@example.com").await.expect(201);
    enter(&app, id, "Later", "defer-me@example.com").await.expect(201);
    app.run_jobs().await;
    assert!(sink.messages().is_empty());
    let rows = jobs(&app, "email.verification").await;
    let of = |email: &str| rows.iter().find(|j| payload(j)["email"] == json!(email)).unwrap();
    let rejected = of("reject-me@example.com");
    assert_eq!(
        (rejected.state.as_str(), rejected.attempts),
        ("failed", 1),
        "550 is final"
    );
    let deferred = of("defer-me@example.com");
    assert_eq!(
        (deferred.state.as_str(), deferred.attempts),
        ("pending", 1),
        "451 is retried"
    );
    for (job, code) in [(rejected, "550"), (deferred, "451")] {
        let error = job.last_error.clone().unwrap_or_default();
        assert!(error.contains(code), "{error}");
        assert!(!error.contains('@'), "no address in the error: {error}");
    }
    running.stop().await;
}

/// A server of the scenario's backend with no SMTP server (e-mails go to `dir/outbox`), and a
/// live giveaway of a new account that asks entrants to verify their address.
async fn without_smtp(harness: &TestApp) -> (tempfile::TempDir, TestApp, Running, TestAccount, i64) {
    let dir = tempfile::tempdir().unwrap();
    let (app, running) = support::start_with(
        harness.backend,
        ConfigLayer {
            data_dir: Some(dir.path().to_owned()),
            ..ConfigLayer::default()
        },
    )
    .await;
    let acct = app.account().await;
    let id = live_giveaway(
        &app,
        &acct,
        json!({ "rules_config": { "require_email_verification": true } }),
    )
    .await;
    (dir, app, running, acct, id)
}

async fn without_smtp_an_eml_lands_in_the_outbox(harness: TestApp) {
    let (dir, app, running, _, id) = without_smtp(&harness).await;
    enter(&app, id, "Oli", "oli@example.com").await.expect(201);
    assert_eq!(app.run_jobs().await, 1);
    let outbox = dir.path().join("outbox");
    let files: Vec<_> = std::fs::read_dir(&outbox)
        .expect("the outbox exists")
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].extension().and_then(|x| x.to_str()), Some("eml"));
    let m = decode(&std::fs::read(&files[0]).unwrap());
    assert_eq!(m.to, "oli@example.com");
    let job = &jobs(&app, "email.verification").await[0];
    assert_eq!(job.state, "done");
    let link = payload(job)["link"].as_str().unwrap().to_owned();
    assert!(m.text.contains(&link), "{}", m.text);
    running.stop().await;
}

/// The recipients of the outbox's e-mails, sorted.
fn outbox_recipients(dir: &std::path::Path) -> Vec<String> {
    let mut to: Vec<String> = std::fs::read_dir(dir.join("outbox"))
        .map(|files| {
            files
                .map(|f| decode(&std::fs::read(f.unwrap().path()).unwrap()).to)
                .collect()
        })
        .unwrap_or_default();
    to.sort();
    to
}

async fn an_erasure_empties_the_outbox_of_the_person_and_stops_their_mail(harness: TestApp) {
    let (dir, app, running, acct, id) = without_smtp(&harness).await;
    // Two verification e-mails land in the outbox, one for the person to erase (typed in
    // capitals: the outbox holds what was sent, matched by the canonical address).
    enter(&app, id, "Ida", "IDA@example.com").await.expect(201);
    enter(&app, id, "Bo", "bo@example.com").await.expect(201);
    assert_eq!(app.run_jobs().await, 2);
    assert_eq!(outbox_recipients(dir.path()), ["bo@example.com", "ida@example.com"]);
    // A third entrant's e-mail is still queued when they are erased: it is never sent.
    enter(&app, id, "Cy", "cy@example.com").await.expect(201);

    for who in ["ida@example.com", "cy@example.com"] {
        app.delete(&acct.key, &format!("/v2/participants/{who}"))
            .await
            .expect(200);
    }
    // The erasure's own job names the address by its digest alone.
    let erasures = jobs(&app, "privacy.outbox").await;
    assert_eq!(erasures.len(), 2);
    for job in &erasures {
        assert!(!job.payload.contains('@'), "{}", job.payload);
    }
    app.run_jobs().await;
    assert_eq!(outbox_recipients(dir.path()), ["bo@example.com"]);
    let cy = jobs(&app, "email.verification").await;
    assert!(cy.iter().all(|j| j.state == "done"), "{cy:?}");
    assert!(cy.iter().all(|j| !j.payload.contains("cy@example.com")), "{cy:?}");
    running.stop().await;
}
