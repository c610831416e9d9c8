//! Every draw of one giveaway, post or chat giveaway, in log order (`GET /v1/log/draws`), the
//! verify page's "draw N of M" with links to the others, and the names the page and the PDF
//! show beside participant ids: first name and initial on `/v2`, the handle on `/v1`, the chat
//! name on `/external`, never an e-mail address.

use crate::scenarios;
use crate::support::{Reply, TestAccount, TestApp};
use crate::v1_support::upload_csv;
use fairdraw_store::entries::{Entrant, NewEntry};
use serde_json::{Value, json};

scenarios!(
    a_redrawn_giveaway_lists_both_draws_in_log_order,
    the_verify_page_and_pdf_show_the_names_the_giveaway_allows,
    every_draw_of_a_v1_post_is_listed_with_handles,
    a_chat_giveaway_lists_its_draw_with_chat_names,
    draw_lists_check_their_question,
    a_token_names_its_holder_in_a_draw_of_their_giveaway,
);

const HOUR: i64 = 3_600_000;

/// A published giveaway whose entrants have these names (e-mails `e{i}@example.com`), entry
/// amounts 1, 2, 3, …
async fn giveaway_with(app: &TestApp, acct: &TestAccount, names: &[&str]) -> i64 {
    let id = app
        .create_giveaway(&acct.key, json!({ "title": "Names", "is_draft": false }))
        .await;
    let who = app.engine.authenticate_secret(&acct.key).await.unwrap();
    let g = app.engine.owned_giveaway(&who, id).await.unwrap();
    for (i, name) in names.iter().enumerate() {
        let entrant = Entrant {
            email: format!("e{i}.{id}@example.com"),
            name: (*name).to_owned(),
            country: Some("US".to_owned()),
            birthday: None,
            ip: Some("203.0.113.9".to_owned()),
            referred_by_code: None,
            verified: true,
        };
        let entry = NewEntry {
            entry_method_id: None,
            method_type: 1,
            amount: i as i64 + 1,
            value: None,
        };
        app.engine
            .record_entries(&g, entrant, vec![entry])
            .await
            .unwrap()
            .unwrap();
    }
    id
}

/// Draws `count` winners of the giveaway; its result hash and winners (user id, full name).
async fn draw_v2(app: &TestApp, key: &str, id: i64, body: Value) -> (String, Vec<(String, String)>) {
    let reply = app.post(key, &format!("/v2/giveaways/{id}/winners/random"), body).await;
    reply.expect(201);
    let d = reply.data();
    let winners = d["winners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["user_id"].as_str().unwrap().to_owned(),
                w["name"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    (d["verification"]["sha256"].as_str().unwrap().to_owned(), winners)
}

async fn list(app: &TestApp, query: &str) -> Reply {
    app.call(reqwest::Method::GET, &format!("/v1/log/draws?{query}"), None, None)
        .await
}

async fn page(app: &TestApp, hash: &str) -> String {
    let r = app.http.get(app.url(&format!("/verify/{hash}"))).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    r.text().await.unwrap()
}

fn hashes(r: &Reply) -> Vec<String> {
    r.body["draws"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["result_hash"].as_str().unwrap().to_owned())
        .collect()
}

async fn log_index(app: &TestApp, hash: &str) -> i64 {
    let r = app
        .call(
            reqwest::Method::GET,
            &format!("/v1/log/proof/inclusion?hash={hash}"),
            None,
            None,
        )
        .await;
    r.expect(200);
    r.body["log_index"].as_i64().unwrap()
}

/// The PDF certificate's text, as `pdftotext` reads it.
async fn pdf_text(app: &TestApp, draw_id: &str) -> String {
    let r = app
        .http
        .get(app.url(&format!("/cert/{draw_id}.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let bytes = r.bytes().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cert.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

async fn a_redrawn_giveaway_lists_both_draws_in_log_order(app: TestApp) {
    let acct = app.account().await;
    let id = giveaway_with(&app, &acct, &["Ana Souza", "Bo", "Cy Twombly", "Di Prima"]).await;
    let (h1, first) = draw_v2(&app, &acct.key, id, json!({ "count": 1 })).await;
    // Another giveaway's draw in between: serials are the log's, not the giveaway's.
    let other = giveaway_with(&app, &acct, &["Solo Entrant"]).await;
    let (h_other, _) = draw_v2(&app, &acct.key, other, json!({ "count": 1 })).await;
    app.clock.advance(60_000);
    let (h2, second) = draw_v2(&app, &acct.key, id, json!({ "count": 1 })).await;
    assert_ne!(first, second, "the re-draw left the first winner out");

    let r = list(&app, &format!("giveaway_id={id}")).await;
    r.expect(200);
    assert_eq!(r.body["subject"], json!({ "type": "giveaway", "giveaway_id": id }));
    assert_eq!(hashes(&r), [h1.clone(), h2.clone()]);
    let draws = r.body["draws"].as_array().unwrap();
    assert_eq!(draws[0]["number"], 1);
    assert_eq!(draws[1]["number"], 2);
    assert_eq!(draws[0]["log_index"].as_i64().unwrap(), log_index(&app, &h1).await);
    assert_eq!(draws[1]["log_index"].as_i64().unwrap(), log_index(&app, &h2).await);
    assert_eq!(
        (draws[0]["log_index"].as_i64(), draws[1]["log_index"].as_i64()),
        (Some(0), Some(2))
    );
    assert_eq!(
        (draws[0]["round"].as_i64(), draws[1]["round"].as_i64()),
        (Some(0), Some(1))
    );
    assert!(draws[1]["drawn_at"].as_i64().unwrap() >= draws[0]["drawn_at"].as_i64().unwrap() + 60_000);
    assert_eq!(
        draws[1]["verify_url"],
        json!(format!("https://fairdraw.test/verify/{h2}"))
    );
    let published = app
        .engine
        .published_draw_by_hash("https://fairdraw.test", &h1)
        .await
        .unwrap();
    assert_eq!(draws[0]["draw_id"], json!(published.public_id));

    // Asked by either draw's hash, the same list.
    for h in [&h1, &h2] {
        let by_hash = list(&app, &format!("hash={}", h.to_uppercase())).await;
        by_hash.expect(200);
        assert_eq!(by_hash.body, r.body);
    }
    let o = list(&app, &format!("giveaway_id={other}")).await;
    assert_eq!(hashes(&o), std::slice::from_ref(&h_other));
    assert_eq!(o.body["draws"][0]["log_index"], 1);

    // Each page says which draw it is and links the other.
    let p1 = page(&app, &h1).await;
    assert!(
        p1.contains("This is <strong>draw 1 of 2</strong> for this giveaway."),
        "{p1}"
    );
    assert!(p1.contains("<strong>Draw 1 of 2</strong> (this draw)"));
    assert!(p1.contains(&format!("<a href=\"{h2}\">Draw 2 of 2</a>")));
    assert!(!p1.contains(&h_other), "another giveaway's draw is not listed");
    let p2 = page(&app, &h2).await;
    assert!(p2.contains("This is <strong>draw 2 of 2</strong> for this giveaway."));
    assert!(p2.contains(&format!("<a href=\"{h1}\">Draw 1 of 2</a>")));
    assert!(p2.contains("<strong>Draw 2 of 2</strong> (this draw)"));
    assert!(p2.contains("log serial 0") && p2.contains("log serial 2"));
    let p_other = page(&app, &h_other).await;
    assert!(p_other.contains("This is <strong>draw 1 of 1</strong> for this giveaway."));
}

async fn the_verify_page_and_pdf_show_the_names_the_giveaway_allows(app: TestApp) {
    let acct = app.account().await;
    // Full name → what may be shown. An e-mail typed into the name is never shown.
    let shown = [
        ("Ana Maria Souza", Some("Ana S.")),
        ("Bo", Some("Bo")),
        ("carl@example.com Jones", Some("Jones")),
        ("dee@example.com", None),
        ("<i>Eve</i> Li", Some("&lt;i&gt;Eve&lt;/i&gt; L.")),
    ];
    let names: Vec<&str> = shown.iter().map(|(n, _)| *n).collect();
    let id = giveaway_with(&app, &acct, &names).await;
    let (hash, winners) = draw_v2(&app, &acct.key, id, json!({ "count": 5 })).await;
    assert_eq!(winners.len(), 5);
    let html = page(&app, &hash).await;
    for (user_id, full) in &winners {
        let expected = shown.iter().find(|(n, _)| n == full).unwrap().1;
        match expected {
            Some(name) => assert!(
                html.contains(&format!("<code>{user_id}</code> <span class=\"name\">{name}</span>")),
                "{full} should show as {name}: {html}"
            ),
            None => assert!(html.contains(&format!("<code>{user_id}</code></li>"))),
        }
    }
    assert!(!html.contains("@example.com"), "no e-mail address is shown");
    assert!(
        !html.contains("Souza") && !html.contains("Maria"),
        "no full name is shown"
    );
    assert!(!html.contains("<i>"), "names are escaped");
    assert!(html.contains("with the first name and initial the giveaway's public pages show"));

    let published = app
        .engine
        .published_draw_by_hash("https://fairdraw.test", &hash)
        .await
        .unwrap();
    let text = pdf_text(&app, &published.public_id).await;
    for (user_id, full) in &winners {
        if let Some(name) = shown.iter().find(|(n, _)| n == full).unwrap().1 {
            let name = name.replace("&lt;", "<").replace("&gt;", ">");
            assert!(
                text.contains(&format!("{user_id} — {name}")),
                "the PDF names {user_id} as {name}: {text}"
            );
        }
    }
    assert!(text.contains("draw 1 of 1 for this giveaway"), "{text}");
    assert!(!text.contains("@example.com") && !text.contains("Souza"), "{text}");
}

const CSV: &str = "username,comment,timestamp,parent_id\n\
maria_silva,Love this! @ana_costa,2026-04-28T10:00:00Z,\n\
joao_p,yes please @luis123,2026-04-28T10:02:00Z,\n\
carla.dev,@bia_xyz this is for us,2026-04-28T10:03:00Z,\n";

async fn every_draw_of_a_v1_post_is_listed_with_handles(app: TestApp) {
    let acct = app.account().await;
    let url = upload_csv(&app, &acct.key, CSV).await;
    let other_url = upload_csv(&app, &acct.key, CSV).await;
    let draw = |url: String| {
        let app = &app;
        let key = acct.key.clone();
        async move {
            let r = app
                .post(&key, "/v1/draws", json!({ "url": url, "winners": 1, "extras": 1 }))
                .await;
            r.expect(200);
            r.body.clone()
        }
    };
    let first = draw(url.clone()).await;
    draw(other_url.clone()).await;
    app.clock.advance(60_000);
    let second = draw(url.clone()).await;
    let h1 = first["verification"]["sha256"].as_str().unwrap().to_owned();
    let h2 = second["verification"]["sha256"].as_str().unwrap().to_owned();

    // The URL as typed, with spaces around it, names the same post.
    let r = list(&app, &format!("url=%20{}%20", url.replace("://", "%3A%2F%2F"))).await;
    r.expect(200);
    assert_eq!(r.body["subject"]["type"], "post");
    assert_eq!(r.body["subject"]["url"], json!(url));
    let upload_id = url.strip_prefix("upload://").unwrap();
    assert_eq!(r.body["subject"]["post"], json!(format!("upload:{upload_id}")));
    assert_eq!(hashes(&r), [h1.clone(), h2.clone()]);
    let draws = r.body["draws"].as_array().unwrap();
    assert_eq!(
        (draws[0]["log_index"].as_i64(), draws[1]["log_index"].as_i64()),
        (Some(0), Some(2))
    );
    // The round is the account's serial.
    assert_eq!(
        (draws[0]["round"].as_i64(), draws[1]["round"].as_i64()),
        (Some(1), Some(3))
    );
    assert_eq!(list(&app, &format!("hash={h2}")).await.body, r.body);

    let html = page(&app, &h1).await;
    assert!(
        html.contains("This is <strong>draw 1 of 2</strong> for this post."),
        "{html}"
    );
    assert!(html.contains(&format!("<a href=\"{h2}\">Draw 2 of 2</a>")));
    for who in first["winners"]
        .as_array()
        .unwrap()
        .iter()
        .chain(first["extras"].as_array().unwrap())
    {
        let handle = who["username"].as_str().unwrap();
        let id = handle.trim_start_matches('@');
        assert!(
            html.contains(&format!("<code>{id}</code> <span class=\"name\">{handle}</span>")),
            "{handle}: {html}"
        );
    }
    assert!(html.contains("with the commenter's public handle"));
}

async fn ext(app: &TestApp, acct: &TestAccount, path: &str, body: Value) -> Reply {
    let req = app
        .http
        .post(app.url(path))
        .header("x-api-key", &acct.public_key)
        .header("Authorization", format!("Bearer {}", acct.key))
        .json(&body);
    TestApp::read(req).await
}

async fn a_chat_giveaway_lists_its_draw_with_chat_names(app: TestApp) {
    let acct = app.account().await;
    let created = ext(
        &app,
        &acct,
        "/external/giveaway",
        json!({
            "title": "Chat Cup", "roomIds": ["r1"], "maxWinners": 3,
            "endTime": fairdraw_core::time::format_rfc3339(app.clock.now_ms() + HOUR),
        }),
    )
    .await;
    created.expect(201);
    let id = created.body["id"].as_i64().unwrap();
    let people = [
        ("u1", "Zed  Zebra", Some("Zed Zebra")),
        ("u2", "mail me z@example.com", Some("mail me")),
        ("u3", "q@example.com", None),
    ];
    for (user, name, _) in people {
        ext(
            &app,
            &acct,
            &format!("/external/giveaway/{id}/participants"),
            json!({ "userId": user, "roomId": "r1", "name": name }),
        )
        .await
        .expect(201);
    }
    app.clock.advance(HOUR);
    assert_eq!(app.engine.queue_due_chat_draws().await.unwrap(), 1);
    app.engine.run_chat_draw(id, "https://fairdraw.test").await.unwrap();

    let r = list(&app, &format!("chat_giveaway_id={id}")).await;
    r.expect(200);
    assert_eq!(
        r.body["subject"],
        json!({ "type": "chat_giveaway", "chat_giveaway_id": id })
    );
    let found = hashes(&r);
    assert_eq!(found.len(), 1, "{}", r.text);
    assert_eq!(r.body["draws"][0]["number"], 1);
    let html = page(&app, &found[0]).await;
    assert!(
        html.contains("This is <strong>draw 1 of 1</strong> for this chat giveaway."),
        "{html}"
    );
    for (user, _, shown) in people {
        match shown {
            Some(name) => assert!(
                html.contains(&format!("<code>{user}</code> <span class=\"name\">{name}</span>")),
                "{user}: {html}"
            ),
            None => assert!(html.contains(&format!("<code>{user}</code></li>")), "{user}: {html}"),
        }
    }
    assert!(!html.contains("@example.com"));
}

async fn draw_lists_check_their_question(app: TestApp) {
    for bad in [
        "",
        "giveaway_id=1&url=upload://upload_x",
        "giveaway_id=abc",
        "giveaway_id=0",
        "chat_giveaway_id=-3",
        "url=ftp://example.com/post",
        "hash=xyz",
    ] {
        let r = list(&app, bad).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.text);
        assert!(
            r.body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{bad}: {}",
            r.text
        );
    }
    let r = list(&app, &format!("hash={}", "ab".repeat(32))).await;
    assert_eq!(r.status, 404, "{}", r.text);
    // A giveaway with no draw (or none at all) has an empty list: nothing the log does not tell.
    let r = list(&app, "giveaway_id=987654").await;
    r.expect(200);
    assert_eq!(r.body["draws"], json!([]));
    let r = list(&app, "chat_giveaway_id=987654").await;
    r.expect(200);
    assert_eq!(r.body["draws"], json!([]));
    // The route is in the OpenAPI document with its parameters.
    let doc = app.call(reqwest::Method::GET, "/openapi.json", None, None).await;
    let op = &doc.body["paths"]["/v1/log/draws"]["get"];
    let params: Vec<&str> = op["parameters"]
        .as_array()
        .expect("documented parameters")
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(params, ["giveaway_id", "url", "chat_giveaway_id", "hash"]);
}

/// A giveaway entered through the public API by three people (3 tickets each), drawn once.
pub(crate) struct Entered {
    pub hash: String,
    /// One entrant's pool id, their participant token and their tickets.
    pub user_id: String,
    pub token: String,
    pub tickets: u64,
}

pub(crate) async fn entered_and_drawn(app: &TestApp) -> Entered {
    let acct = app.account().await;
    let id = app
        .create_giveaway(
            &acct.key,
            json!({
                "start_time": "2026-06-01 00:00:00",
                "end_time": "2026-12-31 23:59:59",
                "time_zone": "America/New_York",
                "is_draft": false,
                "rules_config": {},
            }),
        )
        .await;
    let methods = app.get(&acct.key, &format!("/v2/giveaways/{id}/entry-methods")).await;
    let details = methods.data()[0]["id"].as_i64().unwrap();
    app.put(
        &acct.key,
        &format!("/v2/giveaways/{id}/entry-methods/{details}"),
        json!({ "entry_amount": 3 }),
    )
    .await
    .expect(200);
    let mut entered = Vec::new();
    for who in ["Pat One", "Sam Two", "Kim Three"] {
        let email = format!("{}@example.com", who.replace(' ', ".").to_lowercase());
        let r = app
            .call(
                reqwest::Method::POST,
                &format!("/api/public/giveaways/{id}/entries"),
                None,
                Some(&json!({ "name": who, "email": email, "consent": true })),
            )
            .await;
        r.expect(201);
        entered.push((
            r.data()["user_id"].as_str().unwrap().to_owned(),
            r.data()["participant_token"].as_str().unwrap().to_owned(),
            r.data()["total_entries"].as_u64().unwrap(),
        ));
    }
    let (hash, _) = draw_v2(app, &acct.key, id, json!({ "count": 1 })).await;
    let (user_id, token, tickets) = entered.swap_remove(1);
    Entered {
        hash,
        user_id,
        token,
        tickets,
    }
}

async fn who_holds(app: &TestApp, hash: &str, body: Value) -> Reply {
    app.call(
        reqwest::Method::POST,
        &format!("/v1/verify/{hash}/participant"),
        None,
        Some(&body),
    )
    .await
}

async fn a_token_names_its_holder_in_a_draw_of_their_giveaway(app: TestApp) {
    let e = entered_and_drawn(&app).await;
    assert_eq!(e.tickets, 3);
    let r = who_holds(&app, &e.hash, json!({ "participant_token": e.token })).await;
    r.expect(200);
    assert_eq!(r.body, json!({ "id": e.user_id }), "the id and nothing else");
    // With that id, the entrant's inclusion proof: their tickets, checked against the certificate.
    let proof = app
        .call(
            reqwest::Method::GET,
            &format!("/v1/verify/{}/proof/{}", e.hash, e.user_id),
            None,
            None,
        )
        .await;
    proof.expect(200);
    assert_eq!(proof.body["weight"], 3);
    let proof: fairdraw_core::draw::InclusionProof = serde_json::from_value(proof.body.clone()).unwrap();
    let published = app
        .engine
        .published_draw_by_hash("https://fairdraw.test", &e.hash)
        .await
        .unwrap();
    fairdraw_core::draw::verify_proof(&proof, &published.certificate.pool_hash).unwrap();

    // A token nobody holds, a missing one, a body that is not JSON.
    let unknown = who_holds(&app, &e.hash, json!({ "participant_token": "ab".repeat(32) })).await;
    assert_eq!(unknown.status, 404, "{}", unknown.text);
    let missing = who_holds(&app, &e.hash, json!({})).await;
    assert_eq!(missing.status, 400, "{}", missing.text);
    let r = app
        .http
        .post(app.url(&format!("/v1/verify/{}/participant", e.hash)))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    // The token is of this giveaway only: another giveaway's draw does not know it.
    let other = entered_and_drawn(&app).await;
    let r = who_holds(&app, &other.hash, json!({ "participant_token": e.token })).await;
    assert_eq!(r.status, 404, "{}", r.text);
    let r = who_holds(&app, &"cd".repeat(32), json!({ "participant_token": e.token })).await;
    assert_eq!(r.status, 404, "an unknown draw: {}", r.text);
    let r = who_holds(&app, "nope", json!({ "participant_token": e.token })).await;
    assert_eq!(r.status, 400, "{}", r.text);
}
