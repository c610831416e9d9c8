//! Contract scenarios for a giveaway's rules, design and e-mail settings, and for what
//! duplicating a giveaway copies of them and of its lists.

use crate::scenarios;
use crate::support::{Method, TestApp};
use serde_json::{Value, json};

scenarios!(
    rules_follow_the_reference,
    rules_updates_show_in_giveaway_details,
    rules_validation,
    design_defaults_are_the_reference_example,
    design_updates_merge_per_field,
    design_validation,
    custom_css_round_trips_exactly,
    email_settings_follow_the_reference,
    email_settings_round_trip_any_text,
    email_settings_validation,
    duplicate_copies_lists_and_settings,
    another_brands_key_is_404_on_every_settings_route,
);

fn path(id: i64, what: &str) -> String {
    format!("/v2/giveaways/{id}/{what}")
}

/// The 422 details' field names, sorted.
fn error_fields(body: &Value) -> Vec<String> {
    let mut fields: Vec<String> = body["error"]["details"]
        .as_object()
        .expect("details")
        .keys()
        .cloned()
        .collect();
    fields.sort();
    fields
}

async fn rules_follow_the_reference(app: TestApp) {
    let acct = app.account().await;
    let id = app
        .create_giveaway(
            &acct.key,
            json!({ "rules_config": {
                "security_level": 2, "check_for_duplicate_ip": true, "block_vpns": true,
                "age_limit": 18, "age_limit_type": "minimum", "countries_allowed": ["US", "CA", "GB"]
            } }),
        )
        .await;
    let r = app.get(&acct.key, &path(id, "rules")).await;
    r.expect(200);
    assert_eq!(
        r.data(),
        &json!({
            "security_level": 2,
            "check_for_duplicate_ip": true,
            "block_vpns": true,
            "block_high_risk_email_tld": false,
            "require_email_verification": false,
            "age_limit": 18,
            "age_limit_type": "minimum",
            "max_entries_per_user": 0,
            "max_total_participants": 0,
            "countries_allowed": ["US", "CA", "GB"],
            "allowed_world_wide": false,
            "social_login_required": false
        })
    );
    // In the documented order, too.
    let keys: Vec<&String> = r.data().as_object().unwrap().keys().collect();
    assert_eq!(keys[0], "security_level");
    assert_eq!(keys[11], "social_login_required");

    let r = app
        .put(
            &acct.key,
            &path(id, "rules"),
            json!({ "security_level": 3, "block_vpns": true, "require_email_verification": true }),
        )
        .await;
    r.expect(200);
    assert_eq!(
        r.data(),
        &json!({ "competition_id": id, "message": "Rules updated successfully." })
    );
    let r = app.get(&acct.key, &path(id, "rules")).await;
    assert_eq!(r.data()["security_level"], json!(3));
    assert_eq!(r.data()["require_email_verification"], json!(true));
    // Fields not sent are kept.
    assert_eq!(r.data()["age_limit"], json!(18));
    assert_eq!(r.data()["countries_allowed"], json!(["US", "CA", "GB"]));

    // An empty list of countries means the whole world.
    app.put(
        &acct.key,
        &path(id, "rules"),
        json!({ "countries_allowed": [], "age_limit": 0, "age_limit_type": "maximum", "max_entries_per_user": 5,
                "max_total_participants": 1000, "check_for_duplicate_ip": false, "social_login_required": true,
                "block_high_risk_email_tld": true, "not_a_rule": "ignored" }),
    )
    .await
    .expect(200);
    let r = app.get(&acct.key, &path(id, "rules")).await;
    assert_eq!(
        r.data(),
        &json!({
            "security_level": 3,
            "check_for_duplicate_ip": false,
            "block_vpns": true,
            "block_high_risk_email_tld": true,
            "require_email_verification": true,
            "age_limit": 0,
            "age_limit_type": "maximum",
            "max_entries_per_user": 5,
            "max_total_participants": 1000,
            "countries_allowed": [],
            "allowed_world_wide": true,
            "social_login_required": true
        })
    );
    app.put(
        &acct.key,
        &path(id, "rules"),
        json!({ "countries_allowed": ["de", "FR"] }),
    )
    .await
    .expect(200);
    let r = app.get(&acct.key, &path(id, "rules")).await;
    assert_eq!(r.data()["countries_allowed"], json!(["DE", "FR"]));
    assert_eq!(r.data()["allowed_world_wide"], json!(false));
    app.put(&acct.key, &path(id, "rules"), json!({ "allowed_world_wide": true }))
        .await
        .expect(200);
    let r = app.get(&acct.key, &path(id, "rules")).await;
    assert_eq!(r.data()["countries_allowed"], json!([]));
    // An empty body changes nothing.
    app.put(&acct.key, &path(id, "rules"), json!({})).await.expect(200);
    assert_eq!(app.get(&acct.key, &path(id, "rules")).await.data(), r.data());
}

async fn rules_updates_show_in_giveaway_details(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    app.put(
        &acct.key,
        &path(id, "rules"),
        json!({ "security_level": 3, "age_limit": 21, "countries_allowed": ["NZ"] }),
    )
    .await
    .expect(200);
    let r = app.get(&acct.key, &format!("/v2/giveaways/{id}")).await;
    r.expect(200);
    let rc = &r.data()["rules_config"];
    assert_eq!(rc["security_level"], json!(3));
    assert_eq!(rc["age_limit"], json!(21));
    assert_eq!(rc["countries_allowed"], json!(["NZ"]));
    assert_eq!(rc["allowed_world_wide"], json!(false));
    assert_eq!(rc["block_vpns"], json!(true));
    // And a giveaway update's rules_config shows in GET /rules.
    app.put(
        &acct.key,
        &format!("/v2/giveaways/{id}"),
        json!({ "rules_config": { "max_entries_per_user": 7 } }),
    )
    .await
    .expect(200);
    let r = app.get(&acct.key, &path(id, "rules")).await;
    assert_eq!(r.data()["max_entries_per_user"], json!(7));
    assert_eq!(r.data()["security_level"], json!(3));
}

async fn rules_validation(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    let before = app.get(&acct.key, &path(id, "rules")).await.data().clone();
    let r = app
        .put(
            &acct.key,
            &path(id, "rules"),
            json!({ "security_level": 4, "age_limit_type": "exact", "countries_allowed": ["US", "XX"],
                    "age_limit": -1, "max_entries_per_user": -5, "max_total_participants": -1, "block_vpns": false }),
        )
        .await;
    r.expect_error(422);
    assert_eq!(r.body["error"]["message"], json!("Validation failed."));
    assert_eq!(
        error_fields(&r.body),
        [
            "age_limit",
            "age_limit_type",
            "countries_allowed",
            "max_entries_per_user",
            "max_total_participants",
            "security_level"
        ]
    );
    assert!(
        r.body["error"]["details"]["countries_allowed"]
            .as_str()
            .unwrap()
            .contains("XX"),
        "{}",
        r.text
    );
    for (body, field) in [
        (json!({ "security_level": 0 }), "security_level"),
        (json!({ "age_limit": 151 }), "age_limit"),
        (json!({ "countries_allowed": ["USA"] }), "countries_allowed"),
    ] {
        let r = app.put(&acct.key, &path(id, "rules"), body).await;
        r.expect_error(422);
        assert_eq!(error_fields(&r.body), [field]);
    }
    // Nothing was changed by the refused requests, not even their valid fields.
    assert_eq!(app.get(&acct.key, &path(id, "rules")).await.data(), &before);
    let r = app.put(&acct.key, &path(id, "rules"), json!([3])).await;
    r.expect_error(400);
    for body in [
        json!({ "security_level": "3" }),
        json!({ "block_vpns": "yes" }),
        json!({ "countries_allowed": "US" }),
        json!({ "age_limit": 1.5 }),
    ] {
        let field = body.as_object().unwrap().keys().next().unwrap().clone();
        let r = app.put(&acct.key, &path(id, "rules"), body).await;
        r.expect_error(400);
        assert!(
            r.body["error"]["message"].as_str().unwrap().contains(&field),
            "{}",
            r.text
        );
    }
}

fn reference_design() -> Value {
    json!({
        "title": { "font_color": "#333333", "font_size": "24" },
        "body": { "font_color": "#555555", "background_color": "#ffffff", "description_background_color": null, "font_size": null },
        "input": { "border_color": null, "border_width": null, "border_radius": null },
        "links": { "font_color": null },
        "unlock": { "font_color": null, "font_size": null },
        "form": { "font_family": "Rubik", "border_color": null, "border_width": null, "border_radius": null, "box_shadow": null, "max_width": "600" },
        "top_section": { "numbers_font_color": null, "numbers_font_size": null, "text_font_color": null, "text_font_size": null, "background_color": null },
        "buttons": { "font_color": "#ffffff", "background_color": "#4a3aff", "font_size": null, "width": null, "padding": null, "border_radius": "8", "enter_text": null },
        "display": { "hide_title": false, "hide_description": false, "hide_top_bottom_lines": false },
        "landing_page": { "background_type": null, "background_color": null },
        "entry_methods_view": null,
        "custom_css": { "enabled": false, "css": null },
        "default_css": null
    })
}

async fn design_defaults_are_the_reference_example(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    let r = app.get(&acct.key, &path(id, "design")).await;
    r.expect(200);
    assert_eq!(r.data(), &reference_design());
    // Sections in the documented order.
    let keys: Vec<&String> = r.data().as_object().unwrap().keys().collect();
    let expected = reference_design();
    let documented: Vec<&String> = expected.as_object().unwrap().keys().collect();
    assert_eq!(keys, documented);
}

async fn design_updates_merge_per_field(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    let r = app
        .put(
            &acct.key,
            &path(id, "design"),
            json!({ "buttons": { "background_color": "#ff6600", "border_radius": "20" } }),
        )
        .await;
    r.expect(200);
    assert_eq!(
        r.data(),
        &json!({ "competition_id": id, "message": "Design updated successfully." })
    );
    let mut expected = reference_design();
    expected["buttons"]["background_color"] = json!("#ff6600");
    expected["buttons"]["border_radius"] = json!("20");
    assert_eq!(app.get(&acct.key, &path(id, "design")).await.data(), &expected);

    // Another section, numbers for sizes, unknown keys ignored, the buttons kept.
    app.put(
        &acct.key,
        &path(id, "design"),
        json!({
            "title": { "font_size": 30, "font_color": "#000" },
            "form": { "font_family": "'Open Sans', Arial, sans-serif", "box_shadow": "0 2px 8px #00000033", "max_width": 720.5 },
            "display": { "hide_title": true },
            "landing_page": { "background_type": "color", "background_color": "#FAFAFA" },
            "top_section": { "numbers_font_size": "18" },
            "entry_methods_view": "grid",
            "default_css": true,
            "sparkles": { "enabled": true },
            "buttons": { "enter_text": "Enter now ✨", "shine": true }
        }),
    )
    .await
    .expect(200);
    expected["title"] = json!({ "font_color": "#000", "font_size": "30" });
    expected["form"]["font_family"] = json!("'Open Sans', Arial, sans-serif");
    expected["form"]["box_shadow"] = json!("0 2px 8px #00000033");
    expected["form"]["max_width"] = json!("720.5");
    expected["display"]["hide_title"] = json!(true);
    expected["landing_page"] = json!({ "background_type": "color", "background_color": "#FAFAFA" });
    expected["top_section"]["numbers_font_size"] = json!("18");
    expected["entry_methods_view"] = json!("grid");
    expected["default_css"] = json!(true);
    expected["buttons"]["enter_text"] = json!("Enter now ✨");
    assert_eq!(app.get(&acct.key, &path(id, "design")).await.data(), &expected);

    // null restores a field's default; a null section changes nothing.
    app.put(
        &acct.key,
        &path(id, "design"),
        json!({ "buttons": { "background_color": null, "enter_text": null }, "title": null, "entry_methods_view": null }),
    )
    .await
    .expect(200);
    expected["buttons"]["background_color"] = json!("#4a3aff");
    expected["buttons"]["enter_text"] = json!(null);
    expected["entry_methods_view"] = json!(null);
    assert_eq!(app.get(&acct.key, &path(id, "design")).await.data(), &expected);
}

async fn design_validation(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    let r = app
        .put(
            &acct.key,
            &path(id, "design"),
            json!({
                "title": { "font_color": "red", "font_size": "24px" },
                "body": { "background_color": "#12345", "font_size": -2 },
                "input": { "border_width": "" },
                "links": { "font_color": "#ggg" },
                "unlock": { "font_size": "1e3" },
                "form": { "font_family": "Arial; } body { display:none", "max_width": "123456", "box_shadow": "0 0 1px red; x: y" },
                "top_section": { "background_color": "blue" },
                "buttons": { "background_color": "#ff6600", "enter_text": "x".repeat(101) },
                "landing_page": { "background_type": "not allowed!" },
                "custom_css": { "css": "a".repeat(65_537) },
                "entry_methods_view": ""
            }),
        )
        .await;
    r.expect_error(422);
    assert_eq!(
        error_fields(&r.body),
        [
            "body.background_color",
            "body.font_size",
            "buttons.enter_text",
            "custom_css.css",
            "entry_methods_view",
            "form.box_shadow",
            "form.font_family",
            "form.max_width",
            "input.border_width",
            "landing_page.background_type",
            "links.font_color",
            "title.font_color",
            "title.font_size",
            "top_section.background_color",
            "unlock.font_size"
        ]
    );
    // The valid field of a refused request was not applied.
    assert_eq!(
        app.get(&acct.key, &path(id, "design")).await.data(),
        &reference_design()
    );
    let long_font = "A".repeat(101);
    let r = app
        .put(
            &acct.key,
            &path(id, "design"),
            json!({ "form": { "font_family": long_font } }),
        )
        .await;
    r.expect_error(422);
    assert_eq!(error_fields(&r.body), ["form.font_family"]);
    for (body, field) in [
        (
            json!({ "buttons": { "background_color": 255 } }),
            "buttons.background_color",
        ),
        (json!({ "display": { "hide_title": "yes" } }), "display.hide_title"),
        (json!({ "title": { "font_size": true } }), "title.font_size"),
        (json!({ "custom_css": { "css": ["a"] } }), "custom_css.css"),
        (json!({ "buttons": "orange" }), "buttons"),
        (json!({ "default_css": "yes" }), "default_css"),
        (json!({ "buttons": ["#ffffff"] }), "buttons"),
    ] {
        let r = app.put(&acct.key, &path(id, "design"), body).await;
        r.expect_error(400);
        assert!(
            r.body["error"]["message"].as_str().unwrap().contains(field),
            "{}",
            r.text
        );
    }
    for body in [json!([]), json!("design"), json!(null)] {
        app.put(&acct.key, &path(id, "design"), body).await.expect_error(400);
    }
}

async fn custom_css_round_trips_exactly(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    let css = "/* Ünïcødé 🎉 العربية 中文 */\n.sw-title::before { content: \"\\201C «»\"; }\r\n\t@media (max-width: 600px) { .x { color: #fff } }  ";
    app.put(
        &acct.key,
        &path(id, "design"),
        json!({ "custom_css": { "enabled": true, "css": css } }),
    )
    .await
    .expect(200);
    let r = app.get(&acct.key, &path(id, "design")).await;
    assert_eq!(r.data()["custom_css"], json!({ "enabled": true, "css": css }));
    // The limit is 65,536 bytes: exactly that is kept, one more byte is refused.
    let at_limit = format!("{}{}", "é".repeat(32_767), "ab");
    assert_eq!(at_limit.len(), 65_536);
    app.put(
        &acct.key,
        &path(id, "design"),
        json!({ "custom_css": { "css": at_limit } }),
    )
    .await
    .expect(200);
    let r = app.get(&acct.key, &path(id, "design")).await;
    assert_eq!(r.data()["custom_css"]["css"], json!(at_limit));
    assert_eq!(r.data()["custom_css"]["enabled"], json!(true));
    let over = format!("{at_limit}c");
    let r = app
        .put(&acct.key, &path(id, "design"), json!({ "custom_css": { "css": over } }))
        .await;
    r.expect_error(422);
    assert_eq!(error_fields(&r.body), ["custom_css.css"]);
}

async fn email_settings_follow_the_reference(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    let r = app.get(&acct.key, &path(id, "emails")).await;
    r.expect(200);
    assert_eq!(
        r.data(),
        &json!({
            "confirmation_email": {
                "status": 1, "subject": null, "reply_to_email": null, "reply_to_name": null,
                "body": null, "custom_html": null, "logo_image_url": null
            },
            "verification_email": { "enabled": false, "body": null }
        })
    );
    let r = app
        .put(
            &acct.key,
            &path(id, "emails"),
            json!({ "confirmation_email": { "status": 1, "subject": "You are entered!" } }),
        )
        .await;
    r.expect(200);
    assert_eq!(
        r.data(),
        &json!({ "competition_id": id, "message": "Email settings updated successfully." })
    );
    // The reference's GET example, built with PUTs of its own structure.
    app.put(
        &acct.key,
        &path(id, "emails"),
        json!({ "confirmation_email": { "subject": "Thanks for entering!", "reply_to_email": "Support@MyCompany.com", "reply_to_name": "My Company" } }),
    )
    .await
    .expect(200);
    let r = app.get(&acct.key, &path(id, "emails")).await;
    assert_eq!(
        r.data(),
        &json!({
            "confirmation_email": {
                "status": 1,
                "subject": "Thanks for entering!",
                "reply_to_email": "support@mycompany.com",
                "reply_to_name": "My Company",
                "body": null,
                "custom_html": null,
                "logo_image_url": null
            },
            "verification_email": { "enabled": false, "body": null }
        })
    );
    app.put(
        &acct.key,
        &path(id, "emails"),
        json!({ "verification_email": { "enabled": true, "body": "Click to verify" }, "confirmation_email": { "status": 0, "logo_image_url": "https://cdn.example.com/logo.png" } }),
    )
    .await
    .expect(200);
    let r = app.get(&acct.key, &path(id, "emails")).await;
    let c = &r.data()["confirmation_email"];
    assert_eq!(c["status"], json!(0));
    assert_eq!(c["subject"], json!("Thanks for entering!"));
    assert_eq!(c["logo_image_url"], json!("https://cdn.example.com/logo.png"));
    assert_eq!(
        r.data()["verification_email"],
        json!({ "enabled": true, "body": "Click to verify" })
    );
    // null restores defaults; an empty reply-to clears it.
    app.put(
        &acct.key,
        &path(id, "emails"),
        json!({ "confirmation_email": { "status": null, "subject": null, "reply_to_email": "" } }),
    )
    .await
    .expect(200);
    let r = app.get(&acct.key, &path(id, "emails")).await;
    let c = &r.data()["confirmation_email"];
    assert_eq!(
        (&c["status"], &c["subject"], &c["reply_to_email"]),
        (&json!(1), &json!(null), &json!(null))
    );
    assert_eq!(c["reply_to_name"], json!("My Company"));
}

async fn email_settings_round_trip_any_text(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    let subject = "🎉 ¡Ganaste! — مبروك 你中奖了 <b>&amp;</b>";
    let body = "<div dir=\"rtl\">שלום {{name}}! 👋🏽</div>\n<p>日本語テキスト &nbsp; \u{200d}\u{1F469}\u{200D}\u{1F4BB}</p>\r\n\t<script>alert('x')</script>";
    let html = "<!DOCTYPE html><html><body style=\"font-family:'Noto Sans'\">Ωμέγα ✓ \\ \"quotes\" \u{1}</body></html>";
    let settings = json!({
        "confirmation_email": {
            "status": 1,
            "subject": subject,
            "reply_to_email": "hello@example.com",
            "reply_to_name": "Équipe ✨",
            "body": body,
            "custom_html": html,
            "logo_image_url": "https://cdn.example.com/logo.png?v=1"
        },
        "verification_email": { "enabled": true, "body": "Vérifiez: 🔗 {{link}}" }
    });
    app.put(&acct.key, &path(id, "emails"), settings.clone())
        .await
        .expect(200);
    let r = app.get(&acct.key, &path(id, "emails")).await;
    assert_eq!(r.data(), &settings);
    // Any text but NUL, which no field takes (PostgreSQL cannot store it in text).
    let r = app
        .put(
            &acct.key,
            &path(id, "emails"),
            json!({ "confirmation_email": { "custom_html": "<p>\u{0}</p>" } }),
        )
        .await;
    r.expect_error(400);
    // Limits are in characters: 255 four-byte characters are a valid subject.
    let emoji_subject = "🎉".repeat(255);
    app.put(
        &acct.key,
        &path(id, "emails"),
        json!({ "confirmation_email": { "subject": emoji_subject } }),
    )
    .await
    .expect(200);
    let r = app.get(&acct.key, &path(id, "emails")).await;
    assert_eq!(r.data()["confirmation_email"]["subject"], json!(emoji_subject));
    assert_eq!(r.data()["confirmation_email"]["body"], json!(body));
}

async fn email_settings_validation(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    let r = app
        .put(
            &acct.key,
            &path(id, "emails"),
            json!({
                "confirmation_email": {
                    "status": 2,
                    "subject": "s".repeat(256),
                    "reply_to_email": "not-an-email",
                    "reply_to_name": "n".repeat(256),
                    "body": "b".repeat(100_001),
                    "custom_html": "h".repeat(100_001),
                    "logo_image_url": "http://example.com/logo.png"
                },
                "verification_email": { "enabled": true, "body": "v".repeat(100_001) }
            }),
        )
        .await;
    r.expect_error(422);
    assert_eq!(
        error_fields(&r.body),
        [
            "confirmation_email.body",
            "confirmation_email.custom_html",
            "confirmation_email.logo_image_url",
            "confirmation_email.reply_to_email",
            "confirmation_email.reply_to_name",
            "confirmation_email.status",
            "confirmation_email.subject",
            "verification_email.body"
        ]
    );
    let r = app.get(&acct.key, &path(id, "emails")).await;
    assert_eq!(r.data()["verification_email"]["enabled"], json!(false));
    // Exactly at the limits is fine.
    app.put(
        &acct.key,
        &path(id, "emails"),
        json!({ "confirmation_email": { "subject": "s".repeat(255), "body": "b".repeat(100_000) } }),
    )
    .await
    .expect(200);
    for (body, field) in [
        (
            json!({ "confirmation_email": { "status": "1" } }),
            "confirmation_email.status",
        ),
        (
            json!({ "confirmation_email": { "subject": 42 } }),
            "confirmation_email.subject",
        ),
        (
            json!({ "verification_email": { "enabled": 1 } }),
            "verification_email.enabled",
        ),
        (json!({ "confirmation_email": [] }), "confirmation_email"),
        (json!({ "verification_email": "on" }), "verification_email"),
    ] {
        let r = app.put(&acct.key, &path(id, "emails"), body).await;
        r.expect_error(400);
        assert!(
            r.body["error"]["message"].as_str().unwrap().contains(field),
            "{}",
            r.text
        );
    }
    app.put(&acct.key, &path(id, "emails"), json!([]))
        .await
        .expect_error(400);
}

async fn duplicate_copies_lists_and_settings(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    app.post(
        &acct.key,
        &path(id, "whitelist"),
        json!({ "emails": ["a@example.com", "b@example.com"] }),
    )
    .await
    .expect(201);
    app.post(
        &acct.key,
        &path(id, "blacklist"),
        json!({ "values": ["cheat@example.com", "10.0.0.0/8", "2001:db8::1"] }),
    )
    .await
    .expect(201);
    app.put(
        &acct.key,
        &path(id, "rules"),
        json!({ "security_level": 3, "age_limit": 21 }),
    )
    .await
    .expect(200);
    app.put(
        &acct.key,
        &path(id, "design"),
        json!({ "buttons": { "background_color": "#ff6600" }, "custom_css": { "enabled": true, "css": ".a { color: red } /* ✓ */" } }),
    )
    .await
    .expect(200);
    app.put(
        &acct.key,
        &path(id, "emails"),
        json!({ "confirmation_email": { "subject": "Merci ✨" }, "verification_email": { "enabled": true } }),
    )
    .await
    .expect(200);

    let r = app
        .post(&acct.key, &format!("/v2/giveaways/{id}/duplicate"), json!({}))
        .await;
    r.expect(201);
    let copy = r.data()["id"].as_i64().unwrap();
    assert_ne!(copy, id);
    for what in ["rules", "design", "emails"] {
        let original = app.get(&acct.key, &path(id, what)).await;
        let copied = app.get(&acct.key, &path(copy, what)).await;
        copied.expect(200);
        assert_eq!(copied.data(), original.data(), "{what}");
    }
    for (what, field) in [("whitelist", "email"), ("blacklist", "value")] {
        let original = app.get(&acct.key, &path(id, what)).await;
        let copied = app.get(&acct.key, &path(copy, what)).await;
        let list = |r: &crate::support::Reply| -> Vec<String> {
            let mut items: Vec<String> = r
                .data()
                .as_array()
                .unwrap()
                .iter()
                .map(|i| format!("{} {}", i[field], i["type"]))
                .collect();
            items.sort();
            items
        };
        assert_eq!(list(&copied), list(&original), "{what}");
        assert_eq!(copied.body["pagination"]["total"], original.body["pagination"]["total"]);
    }
    assert!(
        app.engine
            .blacklist_matches(copy, None, Some("10.1.1.1".parse().unwrap()))
            .await
            .unwrap()
    );
    assert!(app.engine.whitelist_contains(copy, "b@example.com").await.unwrap());
    // The copy is independent of the original.
    app.put(
        &acct.key,
        &path(copy, "design"),
        json!({ "title": { "font_size": "40" } }),
    )
    .await
    .expect(200);
    app.delete_with(
        &acct.key,
        &path(copy, "whitelist"),
        json!({ "emails": ["a@example.com"] }),
    )
    .await
    .expect(204);
    assert_eq!(
        app.get(&acct.key, &path(id, "design")).await.data()["title"]["font_size"],
        json!("24")
    );
    assert_eq!(
        app.get(&acct.key, &path(id, "whitelist")).await.body["pagination"]["total"],
        json!(2)
    );
}

async fn another_brands_key_is_404_on_every_settings_route(app: TestApp) {
    let owner = app.account().await;
    let stranger = app.account().await;
    let id = app.create_giveaway(&owner.key, json!({})).await;
    let calls = [
        (Method::GET, "rules", None),
        (Method::PUT, "rules", Some(json!({ "security_level": 3 }))),
        (Method::PUT, "rules", Some(json!({ "security_level": 9 }))),
        (Method::GET, "design", None),
        (
            Method::PUT,
            "design",
            Some(json!({ "buttons": { "background_color": "#000000" } })),
        ),
        (Method::GET, "emails", None),
        (
            Method::PUT,
            "emails",
            Some(json!({ "confirmation_email": { "status": 0 } })),
        ),
    ];
    let before: Vec<Value> = settings_snapshot(&app, &owner.key, id).await;
    for (method, what, body) in calls {
        let r = app
            .call(method.clone(), &path(id, what), Some(&stranger.key), body.as_ref())
            .await;
        r.expect_error(404);
        assert_eq!(
            r.body["error"]["message"],
            json!("Giveaway not found."),
            "{method} {what}"
        );
    }
    assert_eq!(settings_snapshot(&app, &owner.key, id).await, before);
    // A missing giveaway is the same 404 for its owner.
    for what in ["rules", "design", "emails"] {
        app.get(&owner.key, &path(987_654_321, what)).await.expect_error(404);
    }
    app.delete(&owner.key, &format!("/v2/giveaways/{id}")).await.expect(204);
    app.put(&owner.key, &path(id, "design"), json!({}))
        .await
        .expect_error(404);
}

/// The owner's view of all three documents.
async fn settings_snapshot(app: &TestApp, key: &str, id: i64) -> Vec<Value> {
    let mut out = Vec::new();
    for what in ["rules", "design", "emails"] {
        out.push(app.get(key, &path(id, what)).await.data().clone());
    }
    out
}
