//! The hosted giveaway page and the embed widget over plain HTTP, as a browser without
//! JavaScript uses them: addresses and redirects, the form posts that enter and complete entry
//! methods (the same rules as `/api/public`), refusals that keep what was typed, the cookie of a
//! returning entrant, escaping, the security headers, and 404s for what the public must not see.
//! (What needs a real browser is in `tests/browser`.)

use crate::scenarios;
use crate::support::{DAY, TestAccount, TestApp, start_with};
use fairdraw_server::config::{CaptchaProvider, ConfigLayer};
use serde_json::{Value, json};

scenarios!(
    the_page_has_one_address_and_hides_drafts_and_deleted_giveaways,
    the_page_sends_its_security_headers_and_assets,
    a_form_post_enters_and_a_returning_entrant_sees_their_entries,
    entry_methods_are_completed_from_the_page_once,
    a_refusal_keeps_what_was_typed_with_the_message_next_to_the_field,
    refusals_are_worded_in_the_page_language,
    posts_from_other_sites_are_refused,
    a_referral_link_credits_the_first_entrant,
    what_owners_and_entrants_type_is_shown_as_text,
    winners_and_the_verify_link_appear_after_a_draw,
    the_design_and_custom_css_are_served_for_the_page_only,
    the_widget_script_mounts_the_documented_embed_code,
    the_captcha_widget_and_cookie_notice_show_when_the_giveaway_asks,
    the_page_says_when_a_giveaway_has_not_started_or_has_ended,
);

/// A client that shows redirects instead of following them, like a test of a form post must.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// A published giveaway that is live at the test clock's time, with `overrides` merged in.
async fn live(app: &TestApp, acct: &TestAccount, overrides: Value) -> (i64, String) {
    let mut body = json!({
        "title": "Summer Giveaway",
        "start_time": "2026-06-01 00:00:00",
        "end_time": "2026-12-31 23:59:59",
        "time_zone": "UTC",
        "is_draft": false,
        "rules_config": { "security_level": 1 },
    });
    for (k, v) in overrides.as_object().expect("object") {
        body[k] = v.clone();
    }
    let id = app.create_giveaway(&acct.key, body).await;
    let g = app.get(&acct.key, &format!("/v2/giveaways/{id}")).await;
    let url = g.data()["view_url"].as_str().expect("view_url").to_owned();
    let key = url.rsplit('/').next().expect("key").to_owned();
    (id, key)
}

async fn get(app: &TestApp, path: &str, cookie: Option<&str>) -> reqwest::Response {
    let mut req = client().get(app.url(path));
    if let Some(c) = cookie {
        req = req.header("Cookie", c);
    }
    req.send().await.expect("GET")
}

async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> reqwest::Response {
    let mut req = client().post(app.url(path)).form(form);
    if let Some(c) = cookie {
        req = req.header("Cookie", c);
    }
    req.send().await.expect("POST")
}

/// `name=value` of the response's participant cookie.
fn cookie_of(r: &reqwest::Response) -> String {
    let set = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a Set-Cookie header");
    assert!(set.contains("HttpOnly"), "{set}");
    set.split(';').next().expect("pair").to_owned()
}

async fn enter(app: &TestApp, key: &str, name: &str, email: &str, extra: &[(&str, &str)]) -> String {
    let mut form = vec![("do", "enter"), ("name", name), ("email", email), ("consent", "true")];
    form.extend_from_slice(extra);
    let r = post_form(app, &format!("/view/{key}"), &form, None).await;
    assert_eq!(r.status(), 303, "{:?}", r.text().await);
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        format!("/view/{key}?done=entered#fd-entry")
    );
    cookie_of(&r)
}

async fn add_method(app: &TestApp, acct: &TestAccount, id: i64, body: Value) -> i64 {
    let reply = app
        .post(&acct.key, &format!("/v2/giveaways/{id}/entry-methods"), body)
        .await;
    reply.expect(201);
    reply.data()["id"].as_i64().expect("method id")
}

async fn participant_total(app: &TestApp, acct: &TestAccount, id: i64, email: &str) -> i64 {
    let r = app
        .get(&acct.key, &format!("/v2/giveaways/{id}/participants/search?q={email}"))
        .await;
    r.expect(200);
    let found = &r.data()[0];
    found["total_entries"].as_i64().unwrap_or_else(|| panic!("{}", r.text))
}

async fn the_page_has_one_address_and_hides_drafts_and_deleted_giveaways(app: TestApp) {
    let acct = app.account().await;
    let (id, key) = live(&app, &acct, json!({})).await;
    assert!(key.starts_with(&format!("{id}-summer-giveaway")), "{key}");

    for path in [format!("/view/{id}"), format!("/view/{id}-old-slug")] {
        let r = get(&app, &format!("{path}?ref=abc"), None).await;
        assert_eq!(r.status(), 301, "{path}");
        assert_eq!(r.headers()["location"], format!("/view/{key}?ref=abc").as_str());
    }
    let r = get(&app, &format!("/view/{key}"), None).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = r.text().await.unwrap();
    assert!(html.contains("<h1 class=\"fd-title\">Summer Giveaway</h1>"), "{html}");
    assert!(html.contains("name=\"email\""));
    assert!(html.contains("<label for=\"fd-email\">"), "every field is labelled");

    let draft = app.create_giveaway(&acct.key, json!({ "title": "Secret plans" })).await;
    for path in [format!("/view/{draft}"), format!("/view/{draft}-holiday-giveaway-2026")] {
        let r = get(&app, &path, None).await;
        assert_eq!(r.status(), 404, "{path}");
        assert!(!r.text().await.unwrap().contains("Secret plans"));
    }
    app.delete(&acct.key, &format!("/v2/giveaways/{id}")).await.expect(204);
    let r = get(&app, &format!("/view/{key}"), None).await;
    assert_eq!(r.status(), 404);
    assert!(!r.text().await.unwrap().contains("Summer Giveaway"));
    for path in ["/view/nope", "/view/-1", "/view/99999999-x"] {
        assert_eq!(get(&app, path, None).await.status(), 404, "{path}");
    }
}

async fn the_page_sends_its_security_headers_and_assets(app: TestApp) {
    let acct = app.account().await;
    let (_, key) = live(&app, &acct, json!({})).await;
    let r = get(&app, &format!("/view/{key}"), None).await;
    let csp = r.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(csp.contains("script-src 'self';"), "{csp}");
    assert!(csp.contains("style-src 'self';"), "{csp}");
    assert!(csp.contains("form-action 'self'"), "{csp}");
    assert!(
        csp.contains("frame-ancestors *"),
        "the page may be framed by the widget: {csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(r.headers().get("x-frame-options").is_none());
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let html = r.text().await.unwrap();
    assert!(!html.contains("<script>"), "no inline script");
    assert!(!html.contains("style="), "no inline style");

    for (path, kind) in [
        ("/view-assets/page.css", "text/css"),
        ("/view-assets/page.js", "text/javascript"),
        ("/w/j/w_init.js", "text/javascript"),
    ] {
        let r = get(&app, path, None).await;
        assert_eq!(r.status(), 200, "{path}");
        assert!(
            r.headers()["content-type"].to_str().unwrap().starts_with(kind),
            "{path}"
        );
    }
    // Pages other than this one keep refusing to be framed.
    let verify = get(&app, "/verify/00", None).await;
    let policy = verify.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");

    let doc = app.call(reqwest::Method::GET, "/openapi.json", None, None).await;
    assert!(
        doc.body["paths"]["/view/{key}"]["post"].is_object(),
        "the page is documented"
    );
    assert!(doc.body["paths"]["/w/j/w_init.js"]["get"].is_object());
}

async fn a_form_post_enters_and_a_returning_entrant_sees_their_entries(app: TestApp) {
    let acct = app.account().await;
    let (id, key) = live(&app, &acct, json!({})).await;
    let cookie = enter(&app, &key, "Ana Souza", "ana@example.com", &[]).await;
    assert!(cookie.starts_with(&format!("fd_t{id}=")), "{cookie}");
    assert_eq!(participant_total(&app, &acct, id, "ana@example.com").await, 1);

    let html = get(&app, &format!("/view/{key}?done=entered"), Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Welcome back, Ana."), "{html}");
    assert!(html.contains("<strong id=\"fd-my-total\">1</strong>"), "{html}");
    assert!(html.contains("You are in!"), "{html}");
    assert!(!html.contains("name=\"email\""), "a returning entrant sees no new form");

    // Without the cookie it is a new visitor; a wrong cookie is no one.
    let fresh = get(&app, &format!("/view/{key}"), None).await.text().await.unwrap();
    assert!(fresh.contains("name=\"email\""));
    let forged = get(&app, &format!("/view/{key}"), Some(&format!("fd_t{id}=00ff"))).await;
    assert!(forged.text().await.unwrap().contains("name=\"email\""));

    // Entering again with the same e-mail finds the same participant (no second entry).
    enter(&app, &key, "Ana Souza", "ana@example.com", &[]).await;
    assert_eq!(participant_total(&app, &acct, id, "ana@example.com").await, 1);

    // The NUL character is refused, as everywhere (PostgreSQL cannot store it).
    let r = post_form(
        &app,
        &format!("/view/{key}"),
        &[
            ("do", "enter"),
            ("name", "B\u{0}o"),
            ("email", "bo@example.com"),
            ("consent", "true"),
        ],
        None,
    )
    .await;
    assert_eq!(r.status(), 400);
    let found = app
        .get(
            &acct.key,
            &format!("/v2/giveaways/{id}/participants/search?q=bo@example.com"),
        )
        .await;
    assert_eq!(found.data().as_array().map_or(0, Vec::len), 0, "{}", found.text);
}

async fn entry_methods_are_completed_from_the_page_once(app: TestApp) {
    let acct = app.account().await;
    let (id, key) = live(&app, &acct, json!({})).await;
    let visit = add_method(
        &app,
        &acct,
        id,
        json!({ "entry_method": 7, "entry_amount": 3, "entry_link": "https://example.com/shop" }),
    )
    .await;
    let question = add_method(
        &app,
        &acct,
        id,
        json!({ "entry_method": 9, "entry_amount": 2, "entry_title": "Favourite colour?", "daily": true }),
    )
    .await;

    // Before entering, the methods are listed but cannot be done; without a cookie a post is refused.
    let html = get(&app, &format!("/view/{key}"), None).await.text().await.unwrap();
    assert!(html.contains("Favourite colour?") && html.contains("Enter with your details first"));
    let r = post_form(
        &app,
        &format!("/view/{key}"),
        &[("do", "action"), ("entry_method_id", &visit.to_string())],
        None,
    )
    .await;
    assert_eq!(r.status(), 401);

    let cookie = enter(&app, &key, "Bo", "bo@example.com", &[]).await;
    let html = get(&app, &format!("/view/{key}"), Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    let visit_at = html.find(&format!("id=\"fd-m{visit}\"")).expect("visit method");
    let question_at = html.find(&format!("id=\"fd-m{question}\"")).expect("question method");
    assert!(visit_at < question_at, "methods in the owner's order");
    assert!(html.contains("href=\"https://example.com/shop\""));

    let r = post_form(
        &app,
        &format!("/view/{key}"),
        &[("do", "action"), ("entry_method_id", &visit.to_string())],
        Some(&cookie),
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        format!("/view/{key}?done=action#fd-m{visit}")
    );
    let r = post_form(
        &app,
        &format!("/view/{key}"),
        &[
            ("do", "action"),
            ("entry_method_id", &question.to_string()),
            ("value", "teal"),
        ],
        Some(&cookie),
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(participant_total(&app, &acct, id, "bo@example.com").await, 1 + 3 + 2);

    let html = get(&app, &format!("/view/{key}"), Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("<strong id=\"fd-my-total\">6</strong>"), "{html}");
    assert!(html.contains("Done for today, come back tomorrow"));

    // Done once is done: the page says so next to the method, with the answer kept.
    let r = post_form(
        &app,
        &format!("/view/{key}"),
        &[
            ("do", "action"),
            ("entry_method_id", &question.to_string()),
            ("value", "red"),
        ],
        Some(&cookie),
    )
    .await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    let err = format!(
        "<p class=\"fd-err\" role=\"alert\" id=\"fd-m{question}-err\">You already did this today. Come back tomorrow!</p>"
    );
    assert!(html.contains(&err), "{html}");
    assert_eq!(participant_total(&app, &acct, id, "bo@example.com").await, 6);
}

async fn a_refusal_keeps_what_was_typed_with_the_message_next_to_the_field(app: TestApp) {
    let acct = app.account().await;
    let (id, key) = live(
        &app,
        &acct,
        json!({ "rules_config": { "age_limit": 18, "countries_allowed": ["US", "CA"] } }),
    )
    .await;
    // No consent: 422, every typed value kept, the message next to the checkbox.
    let form = [
        ("do", "enter"),
        ("name", "Cy \"Quote\" Lee"),
        ("email", "cy@example.com"),
        ("birthday", "2001-02-03"),
        ("country", "CA"),
    ];
    let r = post_form(&app, &format!("/view/{key}"), &form, None).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("value=\"Cy &#34;Quote&#34; Lee\""), "{html}");
    assert!(html.contains("value=\"cy@example.com\""));
    assert!(html.contains("value=\"2001-02-03\""));
    assert!(html.contains("<option value=\"CA\" selected>"), "{html}");
    assert!(
        html.contains("<p class=\"fd-err\" id=\"fd-consent-err\">Please accept the rules to enter.</p>"),
        "{html}"
    );
    assert!(html.contains("aria-describedby=\"fd-consent-err\""));

    // Too young: 403, the message next to the birthday, the rest kept.
    let mut form = form.to_vec();
    form.push(("consent", "true"));
    form[3] = ("birthday", "2015-01-01");
    let r = post_form(&app, &format!("/view/{key}"), &form, None).await;
    assert_eq!(r.status(), 403);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("<p class=\"fd-err\" id=\"fd-birthday-err\">You must be at least 18 years old to enter.</p>"),
        "{html}"
    );
    assert!(html.contains("value=\"cy@example.com\"") && html.contains("checked"));

    // A country not allowed: next to the country field.
    form[3] = ("birthday", "2001-02-03");
    form[4] = ("country", "FR");
    let r = post_form(&app, &format!("/view/{key}"), &form, None).await;
    assert_eq!(r.status(), 403);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("id=\"fd-country-err\">Entries from your country are not accepted")
    );

    // A bad e-mail address.
    form[4] = ("country", "US");
    form[2] = ("email", "not-an-address");
    let r = post_form(&app, &format!("/view/{key}"), &form, None).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"fd-email-err\">Please enter a valid e-mail address."),
        "{html}"
    );
    assert!(html.contains("value=\"not-an-address\""));

    let participants = app.get(&acct.key, &format!("/v2/giveaways/{id}/participants")).await;
    assert_eq!(participants.data().as_array().map(Vec::len), Some(0), "nobody entered");
}

async fn refusals_are_worded_in_the_page_language(app: TestApp) {
    let acct = app.account().await;
    let (_, key) = live(&app, &acct, json!({ "language": "es" })).await;
    let html = get(&app, &format!("/view/{key}"), None).await.text().await.unwrap();
    assert!(html.contains("<html lang=\"es\">"));
    assert!(html.contains(">Participar</button>"), "{html}");
    let r = post_form(&app, &format!("/view/{key}"), &[("do", "enter"), ("name", "Ana")], None).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Escribe un correo electrónico válido."), "{html}");
    for (lang, word) in [
        ("pt", "Participar"),
        ("fr", "Participer"),
        ("de", "Teilnehmen"),
        ("it", "Partecipa"),
        ("en", "Enter the giveaway"),
    ] {
        let html = get(&app, &format!("/view/{key}?lang={lang}"), None)
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{lang}");
        assert!(html.contains(&format!(">{word}</button>")), "{lang}");
    }
}

async fn posts_from_other_sites_are_refused(app: TestApp) {
    let acct = app.account().await;
    let (id, key) = live(&app, &acct, json!({})).await;
    let form = [
        ("do", "enter"),
        ("name", "Eve"),
        ("email", "eve@example.com"),
        ("consent", "true"),
    ];
    for (header, value) in [("Origin", "https://evil.example"), ("Sec-Fetch-Site", "cross-site")] {
        let r = client()
            .post(app.url(&format!("/view/{key}")))
            .header(header, value)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{header}");
        assert!(r.headers().get("set-cookie").is_none());
    }
    let participants = app.get(&acct.key, &format!("/v2/giveaways/{id}/participants")).await;
    assert_eq!(participants.data().as_array().map(Vec::len), Some(0));
    // The page's own origin is fine.
    let r = client()
        .post(app.url(&format!("/view/{key}")))
        .header("Origin", app.base.clone())
        .header("Sec-Fetch-Site", "same-origin")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
}

async fn a_referral_link_credits_the_first_entrant(app: TestApp) {
    let acct = app.account().await;
    let (id, key) = live(&app, &acct, json!({})).await;
    add_method(&app, &acct, id, json!({ "entry_method": 5, "entry_amount": 4 })).await;
    let cookie = enter(&app, &key, "Ana", "ana@example.com", &[]).await;
    let html = get(&app, &format!("/view/{key}"), Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    let start = html
        .find(&format!("https://fairdraw.test/view/{key}?ref="))
        .expect("a referral link");
    let link = &html[start..];
    let link = &link[..link.find('"').unwrap()];
    let code = link.rsplit('=').next().unwrap().to_owned();
    assert!(html.contains("earns you 4 entries"), "{html}");
    assert!(html.contains("https://twitter.com/intent/tweet?url="), "share buttons");

    // The friend opens the link: the form carries the code, and their entry credits Ana.
    let page = get(&app, &format!("/view/{key}?ref={code}"), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("name=\"referral_code\" value=\"{code}\"")),
        "{page}"
    );
    enter(&app, &key, "Bo", "bo@example.com", &[("referral_code", &code)]).await;
    assert_eq!(participant_total(&app, &acct, id, "ana@example.com").await, 1 + 4);
    assert_eq!(participant_total(&app, &acct, id, "bo@example.com").await, 1);
}

async fn what_owners_and_entrants_type_is_shown_as_text(app: TestApp) {
    let acct = app.account().await;
    let (id, key) = live(
        &app,
        &acct,
        json!({
            "title": "<script>alert('t')</script>",
            "description": "<img src=x onerror=alert(1)>",
            "settings": { "if_leaderboard": true },
        }),
    )
    .await;
    add_method(
        &app,
        &acct,
        id,
        json!({ "entry_method": 7, "entry_amount": 1, "entry_title": "<b>bold</b>", "entry_link": "https://example.com/\"><script>x</script>" }),
    )
    .await;
    enter(&app, &key, "<script>alert(2)</script> Evil", "evil@example.com", &[]).await;
    let html = get(&app, &format!("/view/{key}"), None).await.text().await.unwrap();
    for raw in ["<script>alert", "<img src=x", "<b>bold</b>", "\"><script>x"] {
        assert!(!html.contains(raw), "{raw} appears raw: {html}");
    }
    // Askama writes `<` and `>` as numeric references.
    assert!(html.contains("&#60;script&#62;alert("), "{html}");
    assert!(html.contains("&#60;img src=x onerror=alert(1)&#62;"));
    // The leaderboard shows a short name, escaped.
    assert!(html.contains("&#60;script&#62;alert(2)&#60;/script&#62; E."), "{html}");
    assert!(!html.contains("evil@example.com"), "no e-mail of anyone on the page");
}

async fn winners_and_the_verify_link_appear_after_a_draw(app: TestApp) {
    let acct = app.account().await;
    let (id, key) = live(&app, &acct, json!({})).await;
    for who in ["ana", "bo", "cy"] {
        enter(&app, &key, &format!("{who} Tester"), &format!("{who}@example.com"), &[]).await;
    }
    let html = get(&app, &format!("/view/{key}"), None).await.text().await.unwrap();
    assert!(!html.contains("fd-winners"));
    assert!(
        html.contains("Commitment"),
        "the fairness commitment is shown before the draw"
    );
    let g = app.get(&acct.key, &format!("/v2/giveaways/{id}")).await;
    let commitment = g.data()["fairness"]["commitment"]
        .as_str()
        .expect("commitment")
        .to_owned();
    assert!(html.contains(&commitment));

    let drawn = app
        .post(
            &acct.key,
            &format!("/v2/giveaways/{id}/winners/random"),
            json!({ "count": 1 }),
        )
        .await;
    drawn.expect(201);
    let hash = drawn
        .text
        .split("\"sha256\":\"")
        .nth(1)
        .map(|s| s[..64].to_owned())
        .expect("hash");
    let html = get(&app, &format!("/view/{key}"), None).await.text().await.unwrap();
    assert!(html.contains("fd-winners"), "{html}");
    assert!(
        html.contains(&format!("href=\"https://fairdraw.test/verify/{hash}\"")),
        "{html}"
    );
    assert!(html.contains(" Tester") || html.contains(" T."), "{html}");
}

async fn the_design_and_custom_css_are_served_for_the_page_only(app: TestApp) {
    let acct = app.account().await;
    let (id, key) = live(&app, &acct, json!({})).await;
    app.put(
        &acct.key,
        &format!("/v2/giveaways/{id}/design"),
        json!({ "buttons": { "background_color": "#ff0066" },
                "custom_css": { "enabled": true, "css": ".fd-title{letter-spacing:3px}" } }),
    )
    .await
    .expect(200);
    let html = get(&app, &format!("/view/{key}"), None).await.text().await.unwrap();
    let start = html
        .find(&format!("/view/{id}/design.css?v="))
        .expect("the design stylesheet");
    let href = &html[start..];
    let href = &href[..href.find('"').unwrap()];
    let r = get(&app, href, None).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
    let css = r.text().await.unwrap();
    assert!(css.contains("--fd-btn-bg:#ff0066;"), "{css}");
    assert!(
        css.contains("@scope (.fd-page) {\n.fd-title{letter-spacing:3px}\n}"),
        "{css}"
    );

    // CSS that would break out of its scope is not served at all.
    app.put(
        &acct.key,
        &format!("/v2/giveaways/{id}/design"),
        json!({ "custom_css": { "css": "} body{display:none}" } }),
    )
    .await
    .expect(200);
    let css = get(&app, &format!("/view/{id}/design.css"), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(!css.contains("display:none"), "{css}");

    let draft = app.create_giveaway(&acct.key, json!({})).await;
    assert_eq!(
        get(&app, &format!("/view/{draft}/design.css"), None).await.status(),
        404
    );
}

async fn the_widget_script_mounts_the_documented_embed_code(app: TestApp) {
    let acct = app.account().await;
    let (id, key) = live(&app, &acct, json!({})).await;
    let embed = app.get(&acct.key, &format!("/v2/giveaways/{id}/embed-code")).await;
    embed.expect(200);
    let code = embed.data()["embed_code"].as_str().unwrap();
    assert!(
        code.contains(&format!("<div id=\"{key}\" class=\"sw_container\"></div>")),
        "{code}"
    );
    assert!(code.contains("/w/j/w_init.js\"></script>"), "{code}");
    let js = get(&app, "/w/j/w_init.js", None).await.text().await.unwrap();
    assert!(js.contains("div.sw_container") && js.contains("postMessage") || js.contains("fairdraw:height"));
}

/// The browser half (`tests/browser/hosted_page.mjs`, run from `browser.rs`): every scenario of
/// the script runs in one Chromium against this server, with a key to set up its giveaways.
pub(crate) async fn the_hosted_page_and_widget_work_in_the_browser(app: TestApp) {
    let acct = app.account().await;
    let filter = std::env::var("FAIRDRAW_BROWSER_ONLY").unwrap_or_default();
    let out = fairdraw_testkit::browser::run("hosted_page", &app.base, &[&acct.key, &filter]).await;
    println!("{out}");
    for scenario in [
        "a_person_enters_on_a_phone_and_completes_two_methods",
        "a_refusal_shows_its_message_and_keeps_the_input",
        "a_referral_link_brings_a_friend_who_credits_the_first_person",
        "the_widget_mounts_on_another_site_and_resizes",
        "winners_and_the_verify_link_appear_after_a_draw",
        "a_person_enters_with_the_keyboard_only",
        "a_title_that_is_a_script_stays_text",
    ] {
        if filter.is_empty() || scenario.contains(&filter) {
            assert!(
                out.contains(&format!("ok {scenario}")),
                "{scenario} did not pass:\n{out}"
            );
        }
    }
}

async fn the_captcha_widget_and_cookie_notice_show_when_the_giveaway_asks(harness: TestApp) {
    // A server of its own, with a captcha provider configured (never reached: no token is sent).
    let layer = ConfigLayer {
        captcha_provider: Some(CaptchaProvider::Turnstile),
        captcha_secret: Some(fairdraw_core::secret::Secret::new("provider-secret".to_owned())),
        captcha_verify_url: Some("http://127.0.0.1:9/siteverify".to_owned()),
        captcha_site_key: Some("site-key-1".to_owned()),
        ..ConfigLayer::default()
    };
    let (app, running) = start_with(harness.backend, layer).await;
    let acct = app.account().await;
    let (_, plain) = live(&app, &acct, json!({})).await;
    let (_, key) = live(
        &app,
        &acct,
        json!({ "settings": { "require_captcha": true, "show_cookies_consent_form": true } }),
    )
    .await;

    let r = get(&app, &format!("/view/{plain}"), None).await;
    let csp = r.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(
        !csp.contains("cloudflare"),
        "no captcha, no provider in the policy: {csp}"
    );
    let html = r.text().await.unwrap();
    assert!(!html.contains("cf-turnstile") && !html.contains("fd-cookie"));

    let r = get(&app, &format!("/view/{key}"), None).await;
    let csp = r.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(
        csp.contains("script-src 'self' https://challenges.cloudflare.com;"),
        "{csp}"
    );
    assert!(csp.contains("frame-src https://challenges.cloudflare.com;"), "{csp}");
    let html = r.text().await.unwrap();
    assert!(
        html.contains("<script src=\"https://challenges.cloudflare.com/turnstile/v0/api.js\""),
        "{html}"
    );
    assert!(
        html.contains("<div class=\"cf-turnstile\" data-sitekey=\"site-key-1\"></div>"),
        "{html}"
    );
    assert!(html.contains("id=\"fd-cookie\""), "the cookie notice");

    // Without the widget's token the entry is refused, the message where the widget is.
    let form = [
        ("do", "enter"),
        ("name", "Di"),
        ("email", "di@example.com"),
        ("consent", "true"),
    ];
    let r = post_form(&app, &format!("/view/{key}"), &form, None).await;
    assert_eq!(r.status(), 403);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"fd-captcha-err\">Please complete the captcha.</p>"),
        "{html}"
    );
    assert!(html.contains("value=\"di@example.com\""));
    running.stop().await;
}

async fn the_page_says_when_a_giveaway_has_not_started_or_has_ended(app: TestApp) {
    let acct = app.account().await;
    let (_, key) = live(
        &app,
        &acct,
        json!({ "start_time": "2026-07-01 00:00:00", "end_time": "2026-07-31 23:59:59" }),
    )
    .await;
    let form = [
        ("do", "enter"),
        ("name", "Flo"),
        ("email", "flo@example.com"),
        ("consent", "true"),
    ];

    let html = get(&app, &format!("/view/{key}"), None).await.text().await.unwrap();
    assert!(html.contains("fd-badge-upcoming\">Starts soon<"), "{html}");
    assert!(html.contains("This giveaway has not started yet."));
    assert!(!html.contains("name=\"email\""), "no form before the start");
    let r = post_form(&app, &format!("/view/{key}"), &form, None).await;
    assert_eq!(r.status(), 403);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("This giveaway is not taking entries right now.")
    );

    app.clock.advance(60 * DAY);
    let html = get(&app, &format!("/view/{key}"), None).await.text().await.unwrap();
    assert!(html.contains("fd-badge-ended\">Ended<"), "{html}");
    assert!(html.contains("This giveaway has ended."));
    assert!(!html.contains("name=\"email\""));
    let r = post_form(&app, &format!("/view/{key}"), &form, None).await;
    assert_eq!(r.status(), 403);
}
