//! `/v2/giveaways`: lifecycle, validation, status over time and zones, listing.

use crate::scenarios;
use crate::support::{DAY, HOUR, T0, TestApp};
use serde_json::{Value, json};

scenarios!(
    create_answers_as_documented,
    details_have_every_field,
    every_validation_error_is_reported,
    status_follows_the_clock,
    status_uses_the_giveaways_own_time_zone,
    publish_commits_once,
    list_filters_sorts_and_searches,
    update_is_partial,
    delete_is_soft,
    duplicate_makes_a_fresh_draft,
    duplicate_copies_the_configuration,
    stats_and_embed_code,
    another_brand_sees_nothing,
);

const PUBLIC: &str = "https://fairdraw.test";

async fn create_answers_as_documented(app: TestApp) {
    let acct = app.account().await;
    let r = app
        .post(
            &acct.key,
            "/v2/giveaways",
            json!({
                "title": "Holiday Giveaway 2026",
                "start_time": "2026-12-01 00:00:00",
                "end_time": "2026-12-25 23:59:59",
                "description": "Enter to win holiday prizes!",
                "number_of_winners": 5,
                "is_draft": true,
                "rules_config": { "security_level": 2, "block_vpns": true, "countries_allowed": ["US", "CA", "GB"] }
            }),
        )
        .await;
    r.expect(201);
    let d = r.data();
    let id = d["id"].as_i64().unwrap();
    let slug = d["url"].as_str().unwrap();
    assert!(
        slug.starts_with("holiday-giveaway-2026-") && slug.len() == "holiday-giveaway-2026-".len() + 8,
        "{slug}"
    );
    assert_eq!(d["status"], json!("draft"));
    assert_eq!(d["title"], json!("Holiday Giveaway 2026"));
    assert_eq!(d["start_time"], json!("2026-12-01 00:00:00"));
    assert_eq!(d["end_time"], json!("2026-12-25 23:59:59"));
    assert_eq!(d["time_zone"], json!("America/New_York"));
    assert_eq!(
        d["embed_code"],
        json!(format!(
            "<div id=\"{id}-{slug}\" class=\"sw_container\"></div><script src=\"{PUBLIC}/w/j/w_init.js\"></script>"
        ))
    );
    assert_eq!(d["view_url"], json!(format!("{PUBLIC}/view/{id}-{slug}")));
    // Two giveaways with one title still get different slugs.
    let other = app.create_giveaway(&acct.key, json!({})).await;
    let other_slug = app.get(&acct.key, &format!("/v2/giveaways/{other}")).await.data()["url"].clone();
    assert_ne!(other_slug, json!(slug));
}

async fn details_have_every_field(app: TestApp) {
    let acct = app.account().await;
    let id = app
        .create_giveaway(
            &acct.key,
            json!({ "rules": "Must be 18+.", "image_url": "https://cdn.example/b.jpg" }),
        )
        .await;
    let r = app.get(&acct.key, &format!("/v2/giveaways/{id}")).await;
    r.expect(200);
    let d = r.data();
    for field in [
        "id",
        "url",
        "status",
        "title",
        "description",
        "rules",
        "start_time",
        "end_time",
        "time_zone",
        "language",
        "number_of_winners",
        "image_url",
        "is_draft",
        "public_or_private",
        "competition_type",
        "total_entries",
        "total_participants",
        "total_actions",
        "entry_method_count",
        "embed_code",
        "view_url",
        "settings",
        "rules_config",
        "created_at",
    ] {
        assert!(d.get(field).is_some(), "missing {field}: {}", r.text);
    }
    assert_eq!(d["rules"], json!("Must be 18+."));
    assert_eq!(d["language"], json!("en"));
    assert_eq!(d["number_of_winners"], json!(5));
    assert_eq!(d["is_draft"], json!(true));
    assert_eq!(d["public_or_private"], json!("public"));
    assert_eq!(d["competition_type"], json!("standard"));
    assert_eq!(
        (
            d["total_entries"].clone(),
            d["total_participants"].clone(),
            d["total_actions"].clone()
        ),
        (json!(0), json!(0), json!(0))
    );
    // "User Details" comes with every giveaway.
    assert_eq!(d["entry_method_count"], json!(1));
    assert_eq!(
        d["settings"],
        json!({
            "entries_or_points": "entries", "if_leaderboard": false, "leaderboard_display_amount": 10,
            "if_unlock_rewards": false, "show_prizes": true, "show_rules_expanded": false,
            "require_captcha": false, "show_cookies_consent_form": false,
            "gallery_votes": "most_voted"
        })
    );
    let rc = &d["rules_config"];
    assert_eq!(rc["security_level"], json!(2));
    assert_eq!(rc["block_vpns"], json!(true));
    assert_eq!(rc["countries_allowed"], json!(["US", "CA", "GB"]));
    assert_eq!(rc["allowed_world_wide"], json!(false));
    assert_eq!(rc["age_limit"], json!(0));
    assert_eq!(rc["age_limit_type"], json!("minimum"));
    assert_eq!(d["created_at"], json!("2026-06-15 12:00:00"));
    // A draft has not committed to a draw seed yet.
    assert!(d["fairness"].is_null());
}

async fn every_validation_error_is_reported(app: TestApp) {
    let acct = app.account().await;
    let cases: Vec<(Value, &str)> = vec![
        (json!({ "title": "" }), "title"),
        (json!({ "title": "x".repeat(256) }), "title"),
        (json!({ "start_time": "2026-12-01" }), "start_time"),
        (json!({ "start_time": "2026-02-30 00:00:00" }), "start_time"),
        (json!({ "end_time": "12/25/2026 23:59" }), "end_time"),
        (json!({ "end_time": "2026-11-30 00:00:00" }), "end_time"),
        (json!({ "time_zone": "Mars/Olympus" }), "time_zone"),
        (json!({ "number_of_winners": 0 }), "number_of_winners"),
        (json!({ "image_url": "http://insecure.example/a.png" }), "image_url"),
        (json!({ "public_or_private": "secret" }), "public_or_private"),
        (json!({ "competition_type": "lottery" }), "competition_type"),
        (json!({ "language": "english!" }), "language"),
        (
            json!({ "settings": { "entries_or_points": "tickets" } }),
            "settings.entries_or_points",
        ),
        (
            json!({ "rules_config": { "security_level": 4 } }),
            "rules_config.security_level",
        ),
        (
            json!({ "rules_config": { "age_limit_type": "exact" } }),
            "rules_config.age_limit_type",
        ),
        (
            json!({ "rules_config": { "countries_allowed": ["US", "XX"] } }),
            "rules_config.countries_allowed",
        ),
        (
            json!({ "rules_config": { "max_entries_per_user": -1 } }),
            "rules_config.max_entries_per_user",
        ),
    ];
    let base = json!({ "title": "t", "start_time": "2026-12-01 00:00:00", "end_time": "2026-12-25 23:59:59" });
    for (patch, field) in cases {
        let mut body = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = app.post(&acct.key, "/v2/giveaways", body).await;
        r.expect_error(422);
        assert!(r.body["error"]["details"][field].is_string(), "{field}: {}", r.text);
    }
    let r = app.post(&acct.key, "/v2/giveaways", json!({})).await;
    r.expect_error(422);
    let details = r.body["error"]["details"].as_object().unwrap();
    assert_eq!(details.len(), 3, "{}", r.text);
    // Wrong JSON types are 400, never a 500.
    for body in [
        json!({ "title": 5 }),
        json!({ "number_of_winners": "five" }),
        json!({ "is_draft": "yes" }),
        json!({ "settings": [] }),
    ] {
        app.post(&acct.key, "/v2/giveaways", body).await.expect_error(400);
    }
}

async fn status_follows_the_clock(app: TestApp) {
    let acct = app.account().await;
    // T0 is 2026-06-15 12:00 UTC.
    let id = app
        .create_giveaway(
            &acct.key,
            json!({ "is_draft": false, "time_zone": "UTC", "start_time": "2026-06-15 13:00:00", "end_time": "2026-06-15 14:00:00" }),
        )
        .await;
    let status = |r: crate::support::Reply| r.data()["status"].clone();
    let path = format!("/v2/giveaways/{id}");
    assert_eq!(status(app.get(&acct.key, &path).await), json!("scheduled"));
    app.clock.advance(HOUR);
    assert_eq!(status(app.get(&acct.key, &path).await), json!("live"));
    app.clock.advance(HOUR - 1);
    assert_eq!(status(app.get(&acct.key, &path).await), json!("live"));
    app.clock.advance(1);
    assert_eq!(status(app.get(&acct.key, &path).await), json!("expired"));
    let expired = app.get(&acct.key, "/v2/giveaways?status=expired").await;
    assert_eq!(expired.body["pagination"]["total"], json!(1));
    assert_eq!(
        app.get(&acct.key, "/v2/giveaways?status=live").await.body["pagination"]["total"],
        json!(0)
    );
}

async fn status_uses_the_giveaways_own_time_zone(app: TestApp) {
    let acct = app.account().await;
    // The same wall-clock hour, 21:00 on 15 June, in three zones; T0 is 12:00 UTC.
    let make = |zone: &'static str| json!({ "is_draft": false, "time_zone": zone, "start_time": "2026-06-15 21:00:00", "end_time": "2026-06-16 21:00:00" });
    let tokyo = app.create_giveaway(&acct.key, make("Asia/Tokyo")).await; // 12:00 UTC: starts now
    let new_york = app.create_giveaway(&acct.key, make("America/New_York")).await; // 01:00 UTC on the 16th
    let kolkata = app.create_giveaway(&acct.key, make("Asia/Kolkata")).await; // 15:30 UTC
    let status = |id: i64| {
        let app = app.clone();
        let key = acct.key.clone();
        async move { app.get(&key, &format!("/v2/giveaways/{id}")).await.data()["status"].clone() }
    };
    assert_eq!(status(tokyo).await, json!("live"));
    assert_eq!(status(new_york).await, json!("scheduled"));
    assert_eq!(status(kolkata).await, json!("scheduled"));
    app.clock.advance(3 * HOUR + 30 * 60_000);
    assert_eq!(status(kolkata).await, json!("live"));
    assert_eq!(status(new_york).await, json!("scheduled"));
    let live = app.get(&acct.key, "/v2/giveaways?status=live&sort=id_asc").await;
    let ids: Vec<i64> = live
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [tokyo, kolkata]);
    // Across the autumn DST change in New York: 01:30 on 1 November happens twice; the giveaway
    // ends at the first one (05:30 UTC).
    let dst = app
        .create_giveaway(
            &acct.key,
            json!({ "is_draft": false, "start_time": "2026-10-31 00:00:00", "end_time": "2026-11-01 01:30:00" }),
        )
        .await;
    app.clock.set(T0 + 138 * DAY + 17 * HOUR + 29 * 60_000); // 2026-11-01 05:29 UTC
    assert_eq!(status(dst).await, json!("live"));
    app.clock.advance(60_000);
    assert_eq!(status(dst).await, json!("expired"));
}

async fn publish_commits_once(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    let r = app
        .post(&acct.key, &format!("/v2/giveaways/{id}/publish"), json!({}))
        .await;
    r.expect(200);
    assert_eq!(r.data()["id"], json!(id));
    assert_eq!(r.data()["status"], json!("scheduled"));
    let details = app.get(&acct.key, &format!("/v2/giveaways/{id}")).await;
    let fairness = details.data()["fairness"].clone();
    let commitment = fairness["commitment"].as_str().unwrap().to_owned();
    assert_eq!(commitment.len(), 64);
    assert!(commitment.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(fairness["committed_at"], json!("2026-06-15T12:00:00Z"));
    // Publishing again, editing, or drafting and publishing again never changes it.
    app.clock.advance(HOUR);
    app.post(&acct.key, &format!("/v2/giveaways/{id}/publish"), json!({}))
        .await
        .expect(200);
    app.put(
        &acct.key,
        &format!("/v2/giveaways/{id}"),
        json!({ "title": "Renamed", "is_draft": true }),
    )
    .await
    .expect(200);
    app.put(&acct.key, &format!("/v2/giveaways/{id}"), json!({ "is_draft": false }))
        .await
        .expect(200);
    let again = app.get(&acct.key, &format!("/v2/giveaways/{id}")).await;
    assert_eq!(again.data()["fairness"], fairness);
    // A draft whose start has passed goes live at once.
    let past = app
        .create_giveaway(
            &acct.key,
            json!({ "time_zone": "UTC", "start_time": "2026-06-01 00:00:00" }),
        )
        .await;
    let r = app
        .post(&acct.key, &format!("/v2/giveaways/{past}/publish"), json!({}))
        .await;
    assert_eq!(r.data()["status"], json!("live"));
    // Creating with is_draft false publishes at once, with a commitment.
    let direct = app.create_giveaway(&acct.key, json!({ "is_draft": false })).await;
    let d = app.get(&acct.key, &format!("/v2/giveaways/{direct}")).await;
    assert_eq!(d.data()["status"], json!("scheduled"));
    assert!(d.data()["fairness"]["commitment"].is_string());
    assert_ne!(d.data()["fairness"]["commitment"], json!(commitment));
}

async fn list_filters_sorts_and_searches(app: TestApp) {
    let acct = app.account().await;
    let a = app
        .create_giveaway(
            &acct.key,
            json!({ "title": "Alpha Spring", "start_time": "2026-12-03 00:00:00", "end_time": "2026-12-10 00:00:00" }),
        )
        .await;
    let b = app
        .create_giveaway(&acct.key, json!({ "title": "Beta Summer", "start_time": "2026-12-01 00:00:00", "end_time": "2026-12-20 00:00:00", "is_draft": false }))
        .await;
    let c = app
        .create_giveaway(
            &acct.key,
            json!({ "title": "Gamma 50% off", "start_time": "2026-12-02 00:00:00", "end_time": "2026-12-05 00:00:00" }),
        )
        .await;
    let ids = |r: &crate::support::Reply| -> Vec<i64> {
        r.data()
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["id"].as_i64().unwrap())
            .collect()
    };
    let get = |q: &'static str| {
        let app = app.clone();
        let key = acct.key.clone();
        async move { app.get(&key, &format!("/v2/giveaways{q}")).await }
    };
    assert_eq!(ids(&get("").await), [c, b, a]);
    assert_eq!(ids(&get("?sort=id_asc").await), [a, b, c]);
    assert_eq!(ids(&get("?sort=start_time_asc").await), [b, c, a]);
    assert_eq!(ids(&get("?sort=start_time_desc").await), [a, c, b]);
    assert_eq!(ids(&get("?sort=end_time_asc").await), [c, a, b]);
    assert_eq!(ids(&get("?sort=end_time_desc").await), [b, a, c]);
    assert_eq!(ids(&get("?status=draft&sort=id_asc").await), [a, c]);
    assert_eq!(ids(&get("?status=scheduled").await), [b]);
    assert_eq!(ids(&get("?status=all&sort=id_asc").await), [a, b, c]);
    assert_eq!(ids(&get("?search=summer").await), [b]);
    assert_eq!(ids(&get("?search=50%25").await), [c]);
    assert_eq!(ids(&get("?search=%25").await), [c]);
    let slug = get("?search=alpha").await.data()[0]["url"].as_str().unwrap().to_owned();
    let by_slug = app
        .get(&acct.key, &format!("/v2/giveaways?search={}", &slug[slug.len() - 8..]))
        .await;
    assert_eq!(ids(&by_slug), [a]);
    get("?status=running").await.expect_error(400);
    get("?sort=title").await.expect_error(400);
}

async fn update_is_partial(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    let path = format!("/v2/giveaways/{id}");
    let r = app
        .put(
            &acct.key,
            &path,
            json!({ "title": "Updated Summer Giveaway", "number_of_winners": 5 }),
        )
        .await;
    r.expect(200);
    assert_eq!(
        r.data(),
        &json!({ "id": id, "message": "Giveaway updated successfully." })
    );
    app.put(
        &acct.key,
        &path,
        json!({ "settings": { "if_leaderboard": true }, "rules_config": { "age_limit": 18 } }),
    )
    .await
    .expect(200);
    let d = app.get(&acct.key, &path).await;
    let d = d.data();
    assert_eq!(d["title"], json!("Updated Summer Giveaway"));
    assert_eq!(d["description"], json!("Enter to win holiday prizes!"));
    assert_eq!(d["settings"]["if_leaderboard"], json!(true));
    assert_eq!(d["settings"]["show_prizes"], json!(true));
    assert_eq!(d["rules_config"]["age_limit"], json!(18));
    assert_eq!(d["rules_config"]["countries_allowed"], json!(["US", "CA", "GB"]));
    let r = app
        .put(&acct.key, &path, json!({ "end_time": "2026-11-01 00:00:00" }))
        .await;
    r.expect_error(422);
    assert_eq!(
        r.body["error"]["details"]["end_time"],
        json!("End time must be after start time.")
    );
    app.put(&acct.key, &path, json!({ "title": "" }))
        .await
        .expect_error(422);
    app.put(&acct.key, &path, json!({ "title": ["x"] }))
        .await
        .expect_error(400);
    app.put(&acct.key, "/v2/giveaways/987654", json!({ "title": "x" }))
        .await
        .expect_error(404);
    // Nothing was half-applied by the refused updates.
    assert_eq!(
        app.get(&acct.key, &path).await.data()["title"],
        json!("Updated Summer Giveaway")
    );
}

async fn delete_is_soft(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    let r = app.delete(&acct.key, &format!("/v2/giveaways/{id}")).await;
    r.expect(204);
    assert!(r.text.is_empty());
    for path in ["", "/stats", "/embed-code"] {
        app.get(&acct.key, &format!("/v2/giveaways/{id}{path}"))
            .await
            .expect_error(404);
    }
    for path in ["/publish", "/duplicate"] {
        app.post(&acct.key, &format!("/v2/giveaways/{id}{path}"), json!({}))
            .await
            .expect_error(404);
    }
    app.put(&acct.key, &format!("/v2/giveaways/{id}"), json!({ "title": "x" }))
        .await
        .expect_error(404);
    app.delete(&acct.key, &format!("/v2/giveaways/{id}"))
        .await
        .expect_error(404);
    assert_eq!(
        app.get(&acct.key, "/v2/giveaways").await.body["pagination"]["total"],
        json!(0)
    );
    assert_eq!(
        app.get(&acct.key, "/v2/account").await.data()["total_giveaways"],
        json!(0)
    );
    // Still in storage.
    let (kept,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM giveaways WHERE id = $1 AND deleted_at IS NOT NULL")
        .bind(id)
        .fetch_one(app.engine.db().reader())
        .await
        .unwrap();
    assert_eq!(kept, 1);
}

async fn duplicate_makes_a_fresh_draft(app: TestApp) {
    let acct = app.account().await;
    let id = app
        .create_giveaway(
            &acct.key,
            json!({ "is_draft": false, "settings": { "if_leaderboard": true }, "rules": "Official rules" }),
        )
        .await;
    let r = app
        .post(&acct.key, &format!("/v2/giveaways/{id}/duplicate"), json!({}))
        .await;
    r.expect(201);
    let copy = r.data()["id"].as_i64().unwrap();
    assert_ne!(copy, id);
    assert_eq!(r.data()["status"], json!("draft"));
    let slug = r.data()["url"].as_str().unwrap();
    assert!(slug.starts_with("holiday-giveaway-2026-copy-"), "{slug}");
    assert_eq!(r.data()["view_url"], json!(format!("{PUBLIC}/view/{copy}-{slug}")));
    let original = app.get(&acct.key, &format!("/v2/giveaways/{id}")).await;
    let d = app.get(&acct.key, &format!("/v2/giveaways/{copy}")).await;
    let (o, d) = (original.data(), d.data());
    for field in [
        "description",
        "rules",
        "start_time",
        "end_time",
        "time_zone",
        "number_of_winners",
        "settings",
        "rules_config",
    ] {
        assert_eq!(d[field], o[field], "{field}");
    }
    assert_eq!(d["title"], json!("Holiday Giveaway 2026 (copy)"));
    assert_eq!(d["is_draft"], json!(true));
    assert!(d["fairness"].is_null(), "a copy has no commitment of its own yet");
    assert_eq!(d["entry_method_count"], o["entry_method_count"]);
}

async fn stats_and_embed_code(app: TestApp) {
    let acct = app.account().await;
    let id = app
        .create_giveaway(&acct.key, json!({ "is_draft": false, "time_zone": "UTC", "start_time": "2026-06-01 00:00:00", "end_time": "2026-06-25 18:00:00" }))
        .await;
    let r = app.get(&acct.key, &format!("/v2/giveaways/{id}/stats")).await;
    r.expect(200);
    assert_eq!(
        r.data(),
        &json!({
            "competition_id": id, "status": "live", "days_remaining": 10, "total_entries": 0,
            "total_participants": 0, "total_actions": 0, "total_page_views": 0, "unique_page_views": 0,
            "entries_today": 0, "participants_today": 0, "conversion_rate": 0.0
        })
    );
    let r = app.get(&acct.key, &format!("/v2/giveaways/{id}/embed-code")).await;
    r.expect(200);
    let slug = app.get(&acct.key, &format!("/v2/giveaways/{id}")).await.data()["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let key = format!("{id}-{slug}");
    assert_eq!(
        r.data(),
        &json!({
            "competition_id": id,
            "embed_code": format!("<div id=\"{key}\" class=\"sw_container\"></div><script src=\"{PUBLIC}/w/j/w_init.js\"></script>"),
            "direct_link": format!("{PUBLIC}/view/{key}"),
            "iframe_code": format!("<iframe src=\"{PUBLIC}/view/{key}\" width=\"100%\" height=\"800\" frameborder=\"0\"></iframe>"),
        })
    );
}

async fn another_brand_sees_nothing(app: TestApp) {
    let owner = app.account().await;
    let stranger = app.account().await;
    let id = app.create_giveaway(&owner.key, json!({})).await;
    for path in ["", "/stats", "/embed-code"] {
        app.get(&stranger.key, &format!("/v2/giveaways/{id}{path}"))
            .await
            .expect_error(404);
    }
    for path in ["/publish", "/duplicate"] {
        app.post(&stranger.key, &format!("/v2/giveaways/{id}{path}"), json!({}))
            .await
            .expect_error(404);
    }
    app.put(
        &stranger.key,
        &format!("/v2/giveaways/{id}"),
        json!({ "title": "Mine now" }),
    )
    .await
    .expect_error(404);
    app.delete(&stranger.key, &format!("/v2/giveaways/{id}"))
        .await
        .expect_error(404);
    assert_eq!(
        app.get(&stranger.key, "/v2/giveaways").await.body["pagination"]["total"],
        json!(0)
    );
    // A second brand of the same account is another brand too.
    let sibling = app
        .engine
        .create_brand(owner.account_id, "Sibling", None)
        .await
        .unwrap();
    let sibling_key = app
        .engine
        .issue_key(sibling, fairdraw_core::apikey::KeyKind::Secret, None)
        .await
        .unwrap();
    app.get(sibling_key.key.expose(), &format!("/v2/giveaways/{id}"))
        .await
        .expect_error(404);
    // And the owner still has it, untouched.
    let d = app.get(&owner.key, &format!("/v2/giveaways/{id}")).await;
    assert_eq!(d.data()["title"], json!("Holiday Giveaway 2026"));
}

async fn duplicate_copies_the_configuration(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    let base = format!("/v2/giveaways/{id}");
    app.post(
        &acct.key,
        &format!("{base}/entry-methods"),
        json!({ "entry_method": 14, "entry_amount": 3, "entry_title": "Follow @mycompany", "entry_link": "https://twitter.com/mycompany" }),
    )
    .await
    .expect(201);
    app.post(
        &acct.key,
        &format!("{base}/prizes"),
        json!({ "prize_name": "Gift card", "prize_winners_allowed": 2, "redemption_switch": true, "redemption_codes": "A1\nB2" }),
    )
    .await
    .expect(201);
    app.post(
        &acct.key,
        &format!("{base}/rewards"),
        json!({ "type": 2, "title": "Coupon", "entries_required": 5, "coupon_code": "SAVE10" }),
    )
    .await
    .expect(201);
    // Entries are not copied.
    let who = app.engine.authenticate_secret(&acct.key).await.unwrap();
    let g = app.engine.owned_giveaway(&who, id).await.unwrap();
    let entrant = fairdraw_store::entries::Entrant {
        email: "jane@example.com".into(),
        name: "Jane".into(),
        country: None,
        birthday: None,
        ip: None,
        referred_by_code: None,
        verified: true,
    };
    let one = fairdraw_store::entries::NewEntry {
        entry_method_id: None,
        method_type: 1,
        amount: 1,
        value: None,
    };
    app.engine
        .record_entries(&g, entrant, vec![one])
        .await
        .unwrap()
        .unwrap();

    let copy = app
        .post(&acct.key, &format!("{base}/duplicate"), json!({}))
        .await
        .data()["id"]
        .as_i64()
        .unwrap();
    let strip = |v: &Value, keys: &[&str]| -> Vec<Value> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|item| {
                let mut item = item.clone();
                for k in keys {
                    item.as_object_mut().unwrap().remove(*k);
                }
                item
            })
            .collect()
    };
    for (path, ids) in [
        ("entry-methods", &["id"][..]),
        ("prizes", &["id"][..]),
        ("rewards", &["id"][..]),
    ] {
        let a = app.get(&acct.key, &format!("{base}/{path}")).await;
        let b = app.get(&acct.key, &format!("/v2/giveaways/{copy}/{path}")).await;
        assert_eq!(strip(b.data(), ids), strip(a.data(), ids), "{path}");
        assert!(!b.data().as_array().unwrap().is_empty(), "{path}");
    }
    let d = app.get(&acct.key, &format!("/v2/giveaways/{copy}")).await;
    assert_eq!(d.data()["total_entries"], json!(0));
    assert_eq!(d.data()["total_participants"], json!(0));
    assert_eq!(
        app.get(&acct.key, &format!("/v2/giveaways/{copy}/participants"))
            .await
            .body["pagination"]["total"],
        json!(0)
    );
}
