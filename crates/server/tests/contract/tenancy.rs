//! Tenancy, from the router's own route table: every operation the OpenAPI document lists (it is
//! built from the same registrations as the router, `app::router`) is called with no key, and
//! those that ask for one are called again with brand B's keys on brand A's resources. Each
//! answers 403 or 404 when it names one of A's resources, never 5xx, and never returns a byte of
//! A's data; afterwards A's data is as it was. A new route is covered the day it is registered:
//! a path parameter this file cannot fill fails the test, naming the route.

use crate::scenarios;
use crate::support::{TestAccount, TestApp};
use crate::v1_support::upload_csv;
use serde_json::{Value, json};
use std::collections::BTreeMap;

scenarios!(no_route_gives_one_brand_anything_of_another);

const HOUR: i64 = 3_600_000;

/// Brand A's resources: what fills the path parameters, and what must never show up for B.
struct World {
    /// `(path prefix, parameter)` → value; the longest matching prefix wins.
    params: Vec<(&'static str, &'static str, String)>,
    /// Strings only A's data contains.
    markers: Vec<String>,
}

/// Path parameters that are search keys, not resources anyone owns: B may search its own data
/// by them (and finds nothing of A's).
const SEARCH_KEYS: &[&str] = &["{email}"];

impl World {
    fn fill(&self, path: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| format!("{path}: unclosed parameter"))?
                + open;
            let name = &rest[open + 1..close];
            let value = self
                .params
                .iter()
                .filter(|(prefix, param, _)| path.starts_with(prefix) && *param == name)
                .max_by_key(|(prefix, _, _)| prefix.len())
                .map(|(_, _, v)| v.clone())
                .ok_or_else(|| {
                    format!("{path}: no resource of brand A for {{{name}}}; add one to tenancy.rs's World")
                })?;
            out.push_str(&rest[..open]);
            out.push_str(&value);
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

#[track_caller]
fn id_of(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        other => panic!("not an id: {other}"),
    }
}

async fn ext(app: &TestApp, acct: &TestAccount, method: reqwest::Method, path: &str, body: Value) -> Value {
    let req = app
        .http
        .request(method, app.url(path))
        .header("x-api-key", &acct.public_key)
        .bearer_auth(&acct.key)
        .json(&body);
    let r = TestApp::read(req).await;
    assert!(r.status < 300, "{path}: {}", r.text);
    r.body
}

/// Brand A with something behind every kind of path parameter.
async fn brand_a(app: &TestApp, a: &TestAccount) -> World {
    let key = a.key.as_str();
    let title = crate::support::unique("TenantATitle");
    let email = format!("{}@tenant-a.example", crate::support::unique("person"));
    let name = crate::support::unique("Aperson");
    let gid = app
        .create_giveaway(
            key,
            json!({ "title": title, "start_time": "2026-01-01 00:00:00", "end_time": "2030-12-31 23:59:59",
                    "time_zone": "UTC", "is_draft": false, "rules_config": { "security_level": 1 } }),
        )
        .await;
    let entry = app
        .post(
            key,
            &format!("/v2/giveaways/{gid}/entries"),
            json!({ "user_email": email, "user_name": name, "entry_amount": 1 }),
        )
        .await;
    entry.expect(201);
    let user_id = entry.data()["user_id"].as_str().unwrap().to_owned();
    let entry_id = id_of(&entry.data()["id"]);
    let prize = app
        .post(
            key,
            &format!("/v2/giveaways/{gid}/prizes"),
            json!({ "prize_name": "A's prize", "prize_winners_allowed": 1 }),
        )
        .await;
    prize.expect(201);
    let reward = app
        .post(
            key,
            &format!("/v2/giveaways/{gid}/rewards"),
            json!({ "type": 2, "title": "A's reward", "entries_required": 2, "coupon_code": "ACOUPON" }),
        )
        .await;
    reward.expect(201);
    let methods = app.get(key, &format!("/v2/giveaways/{gid}/entry-methods")).await;
    methods.expect(200);
    let method_id = id_of(&methods.data()[0]["id"]);
    let ban = app
        .post(
            key,
            &format!("/v2/giveaways/{gid}/blacklist"),
            json!({ "values": ["banned@tenant-a.example"] }),
        )
        .await;
    ban.expect(201);
    let bans = app.get(key, &format!("/v2/giveaways/{gid}/blacklist")).await;
    bans.expect(200);
    let ban_id = id_of(&bans.data()[0]["id"]);
    let hook = app
        .post(
            key,
            "/v2/webhooks",
            json!({ "url": "https://hooks.tenant-a.example/in", "events": ["entry.created"] }),
        )
        .await;
    assert!(hook.status < 300, "webhook: {}", hook.text);
    let hook_id = id_of(&hook.data()["id"]);
    let won = app
        .post(
            key,
            &format!("/v2/giveaways/{gid}/winners/random"),
            json!({ "count": 1 }),
        )
        .await;
    assert!(won.status < 300, "draw: {}", won.text);
    let winners = app.get(key, &format!("/v2/giveaways/{gid}/winners")).await;
    winners.expect(200);
    let winner_id = id_of(&winners.data()[0]["entry_id"]);

    // /v1: a comment draw from an upload.
    let csv =
        "username,comment,timestamp,parent_id\nta_alpha,@x,2026-04-28T10:00:00Z,\nta_beta,@y,2026-04-28T10:01:00Z,\n";
    let url = upload_csv(app, key, csv).await;
    let draw = app.post(key, "/v1/draws", json!({ "url": url, "winners": 1 })).await;
    draw.expect(200);
    let draw_id = id_of(&draw.body["id"]);
    let handle = draw.body["winners"][0]["username"]
        .as_str()
        .or_else(|| draw.body["winners"][0]["handle"].as_str())
        .unwrap_or("ta_alpha")
        .to_owned();

    // /external: a live chat giveaway with a participant.
    let chat_title = crate::support::unique("TenantAChat");
    let chat = ext(
        app,
        a,
        reqwest::Method::POST,
        "/external/giveaway",
        json!({ "title": chat_title, "roomIds": ["r1"],
                "endTime": fairdraw_core::time::format_rfc3339(app.clock.now_ms() + HOUR) }),
    )
    .await;
    let chat_id = id_of(&chat["id"]);
    let chat_user = crate::support::unique("tenantAuser");
    ext(
        app,
        a,
        reqwest::Method::POST,
        &format!("/external/giveaway/{chat_id}/participants"),
        json!({ "userId": chat_user, "roomId": "r1", "name": "A chat person" }),
    )
    .await;

    World {
        params: vec![
            ("/v2/", "id", gid.to_string()),
            ("/v2/", "user_id", user_id.clone()),
            ("/v2/", "entry_id", entry_id),
            ("/v2/", "prize_id", id_of(&prize.data()["id"])),
            ("/v2/", "reward_id", id_of(&reward.data()["id"])),
            ("/v2/", "method_id", method_id),
            ("/v2/", "ban_id", ban_id),
            ("/v2/", "winner_id", winner_id),
            ("/v2/", "email", email.replace('@', "%40")),
            ("/v2/webhooks/", "id", hook_id),
            ("/v1/", "id", draw_id.clone()),
            ("/v1/", "handle", handle),
            ("/v1/connections/", "id", "1".to_owned()),
            ("/external/", "id", chat_id),
            ("/external/", "userId", chat_user.clone()),
        ],
        // Long enough to mean only these (a numeric id would match anything).
        markers: [
            title,
            email,
            name,
            user_id,
            chat_title,
            chat_user,
            draw_id,
            "ACOUPON".to_owned(),
        ]
        .into_iter()
        .filter(|m| m.len() >= 8)
        .collect(),
    }
}

async fn no_route_gives_one_brand_anything_of_another(app: TestApp) {
    let a = app.account().await;
    let b = app.account().await;
    let world = brand_a(&app, &a).await;
    let spec = TestApp::read(app.http.get(app.url("/openapi.json"))).await;
    spec.expect(200);
    let paths = spec.body["paths"].as_object().expect("paths").clone();
    let mut checked: BTreeMap<String, u16> = BTreeMap::new();
    let mut problems = Vec::new();
    for (template, ops) in &paths {
        for method in ["get", "post", "put", "patch", "delete"] {
            if ops.get(method).is_none() {
                continue;
            }
            let path = match world.fill(template) {
                Ok(p) => p,
                Err(e) => {
                    // Only routes that ask for a key need a resource of A; find out first.
                    let anonymous = call(&app, method, &template.replace(['{', '}'], "_"), None).await;
                    if anonymous.status == 401 {
                        problems.push(e);
                    }
                    continue;
                }
            };
            let anonymous = call(&app, method, &path, None).await;
            if anonymous.status != 401 {
                continue; // a public route: no tenant to cross
            }
            let r = call(&app, method, &path, Some(&b)).await;
            let label = format!("{} {template}", method.to_uppercase());
            checked.insert(label.clone(), r.status);
            if r.status >= 500 {
                problems.push(format!("{label}: {} {}", r.status, r.text));
            }
            let names_a_resource = template
                .split('/')
                .any(|s| s.starts_with('{') && !SEARCH_KEYS.contains(&s));
            if names_a_resource && !matches!(r.status, 403 | 404) {
                problems.push(format!("{label}: B got {} on A's resource: {}", r.status, r.text));
            }
            for marker in &world.markers {
                if r.text.contains(marker.as_str()) {
                    problems.push(format!("{label}: B's answer holds A's {marker:?}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Every surface that asks for keys was reached.
    for surface in ["/v2/", "/v1/", "/external/"] {
        assert!(
            checked.keys().any(|k| k.contains(surface)),
            "no authenticated {surface} route checked: {checked:?}"
        );
    }
    assert!(checked.len() >= 80, "only {} routes checked", checked.len());
    // A's data is as it was.
    let gid = &world.params[0].2;
    let g = app.get(&a.key, &format!("/v2/giveaways/{gid}")).await;
    g.expect(200);
    let p = app.get(&a.key, &format!("/v2/giveaways/{gid}/participants")).await;
    assert_eq!(p.body["pagination"]["total"], json!(1), "{}", p.text);
    let w = app.get(&a.key, &format!("/v2/giveaways/{gid}/winners")).await;
    assert_eq!(w.data().as_array().map(Vec::len), Some(1), "{}", w.text);
    let hooks = app.get(&a.key, "/v2/webhooks").await;
    assert_eq!(hooks.data().as_array().map(Vec::len), Some(1), "{}", hooks.text);
}

async fn call(app: &TestApp, method: &str, path: &str, who: Option<&TestAccount>) -> crate::support::Reply {
    let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    let writes = method != reqwest::Method::GET && method != reqwest::Method::DELETE;
    let mut req = app.http.request(method, app.url(path));
    if let Some(who) = who {
        req = req.header("x-api-key", &who.public_key).bearer_auth(&who.key);
    }
    if writes {
        req = req.json(&json!({}));
    }
    TestApp::read(req).await
}
