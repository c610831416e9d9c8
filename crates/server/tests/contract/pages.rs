//! The verify page and the PDF certificate: a real draw through `/v2`, then the pages a
//! person sees, without any key.

use crate::scenarios;
use crate::support::TestApp;
use fairdraw_store::entries::{Entrant, NewEntry};
use serde_json::json;

scenarios!(
    the_verify_page_explains_the_draw_and_escapes_what_it_shows,
    the_verify_script_and_style_are_served,
    a_removed_winner_stays_listed_and_is_marked,
    the_certificate_is_a_one_page_pdf_with_embedded_fonts,
    unknown_draws_get_a_friendly_404
);

const TITLE: &str = r#"Prize <b>&"quoted"</b>"#;
const PUBLIC_URL: &str = "https://fairdraw.test";

/// A published giveaway with five entrants (names with markup in them), drawn once.
pub(crate) struct Drawn {
    pub key: String,
    pub giveaway_id: i64,
    pub hash: String,
    pub draw_id: String,
    pub winners: Vec<String>,
}

pub(crate) async fn drawn(app: &TestApp) -> Drawn {
    let acct = app.account().await;
    let id = app
        .create_giveaway(&acct.key, json!({ "title": TITLE, "is_draft": false }))
        .await;
    let who = app.engine.authenticate_secret(&acct.key).await.unwrap();
    let g = app.engine.owned_giveaway(&who, id).await.unwrap();
    for i in 0..5_i64 {
        let entrant = Entrant {
            email: format!("person{i}@example.com"),
            name: format!("<script>alert({i})</script> Person{i}"),
            country: Some("US".to_owned()),
            birthday: None,
            ip: Some("203.0.113.9".to_owned()),
            referred_by_code: None,
            verified: true,
        };
        let entry = NewEntry {
            entry_method_id: None,
            method_type: 1,
            amount: i + 1,
            value: None,
        };
        app.engine
            .record_entries(&g, entrant, vec![entry])
            .await
            .unwrap()
            .unwrap();
    }
    let reply = app
        .post(
            &acct.key,
            &format!("/v2/giveaways/{id}/winners/random"),
            json!({ "count": 2 }),
        )
        .await;
    reply.expect(201);
    let d = reply.data();
    Drawn {
        key: acct.key.clone(),
        giveaway_id: id,
        hash: d["verification"]["sha256"].as_str().unwrap().to_owned(),
        draw_id: d["draw_id"].as_str().unwrap().to_owned(),
        winners: d["winners"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["user_id"].as_str().unwrap().to_owned())
            .collect(),
    }
}

/// A GET without a key: status, content type, body bytes.
async fn fetch(app: &TestApp, path: &str) -> (u16, String, Vec<u8>) {
    let resp = app.http.get(app.url(path)).send().await.expect("request");
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, content_type, resp.bytes().await.expect("body").to_vec())
}

async fn the_verify_page_explains_the_draw_and_escapes_what_it_shows(app: TestApp) {
    let d = drawn(&app).await;
    assert_eq!(d.winners.len(), 2);
    let (status, content_type, body) = fetch(&app, &format!("/verify/{}", d.hash)).await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "text/html; charset=utf-8");
    let page = String::from_utf8(body).unwrap();

    let published = app.engine.published_draw_by_hash(PUBLIC_URL, &d.hash).await.unwrap();
    let cert = &published.certificate;
    assert_eq!(cert.winners, d.winners);
    for winner in &d.winners {
        assert!(
            page.contains(&format!("<code>{winner}</code>")),
            "winner {winner} missing"
        );
    }
    assert!(page.contains(&d.hash));
    assert!(page.contains(&cert.commitment.to_hex()));
    assert!(page.contains(&cert.server_seed.to_hex()));
    assert!(page.contains(&cert.public_key.as_ref().unwrap().to_hex()));
    assert!(page.contains(&d.draw_id));
    assert!(page.contains("<script src=\"assets/verify.js\" defer></script>"));
    assert!(page.contains(&format!("data-certificate-url=\"../v1/verify/{}\"", d.hash)));
    assert!(page.contains(&format!("data-pool-url=\"../v1/verify/{}/pool\"", d.hash)));
    assert!(page.contains(&format!("href=\"{PUBLIC_URL}/cert/{}.pdf\"", d.draw_id)));
    assert!(page.contains("5</strong> entrants holding <strong>15</strong> tickets"));
    assert!(page.contains("before the draw"), "the commitment is explained");
    assert!(page.contains("none — this draw mixed in no outside randomness"));

    // The title is escaped wherever it appears; entrants' names show only as first name and
    // initial (escaped: they carry markup here), and e-mails never appear.
    assert!(page.contains("Prize &lt;b&gt;&amp;&quot;quoted&quot;&lt;/b&gt;"));
    assert!(!page.contains("<b>"));
    assert!(!page.contains("<script>alert("));
    assert!(page.contains("&lt;script&gt;alert("));
    assert!(!page.contains("Person"), "no whole name");
    assert!(!page.contains("@example.com"));
    // Only our own script runs.
    assert_eq!(page.matches("<script").count(), 1);

    // The hash is read in any case, as the JSON endpoints read it.
    let (status, _, _) = fetch(&app, &format!("/verify/{}", d.hash.to_uppercase())).await;
    assert_eq!(status, 200);
}

async fn the_verify_script_and_style_are_served(app: TestApp) {
    let (status, content_type, body) = fetch(&app, "/verify/assets/verify.js").await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "text/javascript; charset=utf-8");
    let script = String::from_utf8(body).unwrap();
    for needle in [
        ".digest('SHA-256'",
        "'SHA-256'",
        "fairdraw/pool/v1",
        "fairdraw/commit/v1",
        "fairdraw/seed/v1",
        "fairdraw/rng/v1",
        "fairdraw/result/v1",
        "Verified ✓",
    ] {
        assert!(script.contains(needle), "{needle} missing from verify.js");
    }
    let (status, content_type, _) = fetch(&app, "/verify/assets/verify.css").await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "text/css; charset=utf-8");
}

async fn a_removed_winner_stays_listed_and_is_marked(app: TestApp) {
    let d = drawn(&app).await;
    let marker = "removed as a winner by the organiser after the draw";
    let (_, _, before) = fetch(&app, &format!("/verify/{}", d.hash)).await;
    assert!(!String::from_utf8(before).unwrap().contains(marker));

    let list = app
        .get(&d.key, &format!("/v2/giveaways/{}/winners", d.giveaway_id))
        .await;
    list.expect(200);
    let first = &list.data()[0];
    let entry_id = first["entry_id"].as_i64().unwrap();
    let removed = first["user_id"].as_str().unwrap().to_owned();
    let removal = app
        .delete(&d.key, &format!("/v2/giveaways/{}/winners/{entry_id}", d.giveaway_id))
        .await;
    assert!((200..300).contains(&removal.status), "{}", removal.text);

    let (status, _, after) = fetch(&app, &format!("/verify/{}", d.hash)).await;
    assert_eq!(status, 200);
    let page = String::from_utf8(after).unwrap();
    // The draw stands as drawn: both winners are still listed, the removed one marked.
    for winner in &d.winners {
        assert!(page.contains(&format!("<code>{winner}</code>")));
    }
    assert_eq!(page.matches(marker).count(), 1);
    // The mark follows the removed winner's id (and the name shown beside it).
    let item = page
        .split(&format!("<li><code>{removed}</code>"))
        .nth(1)
        .and_then(|rest| rest.split("</li>").next())
        .expect("the removed winner is listed");
    assert!(
        item.contains(&format!("<span class=\"removed\">{marker}</span>")),
        "{item}"
    );
    let (status, _, pdf) = fetch(&app, &format!("/cert/{}.pdf", d.draw_id)).await;
    assert_eq!(status, 200);
    assert!(pdf.starts_with(b"%PDF-"));
}

async fn the_certificate_is_a_one_page_pdf_with_embedded_fonts(app: TestApp) {
    let d = drawn(&app).await;
    let (status, content_type, pdf) = fetch(&app, &format!("/cert/{}.pdf", d.draw_id)).await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&pdf);
    assert_eq!(page_objects(&text), 1, "one page");
    assert!(text.contains("FontFile2"), "the fonts are embedded");
    assert!(pdf.ends_with(b"%%EOF") || pdf.ends_with(b"%%EOF\n"));

    // The id without its suffix is not a certificate.
    let (status, _, _) = fetch(&app, &format!("/cert/{}", d.draw_id)).await;
    assert_eq!(status, 404);
}

/// Page objects: `/Type /Page` (with or without the space), not `/Type /Pages`.
fn page_objects(pdf: &str) -> usize {
    ["/Type /Page", "/Type/Page"]
        .iter()
        .map(|form| pdf.matches(form).count() - pdf.matches(&format!("{form}s")).count())
        .sum()
}

async fn unknown_draws_get_a_friendly_404(app: TestApp) {
    let unknown = "0".repeat(64);
    for path in [
        format!("/verify/{unknown}"),
        "/verify/not-a-hash".to_owned(),
        "/cert/drw_00000000000000000000.pdf".to_owned(),
        "/cert/nothing.txt".to_owned(),
    ] {
        let (status, content_type, body) = fetch(&app, &path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(content_type, "text/html; charset=utf-8", "{path}");
        assert!(
            String::from_utf8(body).unwrap().contains("We could not find this draw"),
            "{path}"
        );
    }
    // What the visitor typed is shown back, escaped.
    let (status, _, body) = fetch(&app, "/verify/%3Cscript%3Ex%3C%2Fscript%3E").await;
    assert_eq!(status, 404);
    let page = String::from_utf8(body).unwrap();
    assert!(page.contains("&lt;script&gt;x&lt;/script&gt;"));
    assert!(!page.contains("<script"));
}
