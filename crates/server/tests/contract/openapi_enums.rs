//! Issue 16: the OpenAPI document declares every closed set of values as an `enum`, with
//! exactly the values the code takes and gives. The expected values come from the code where
//! it lists them (core's `EventKind::ALL`, `Plan::ALL`, `COMPETITION_TYPES`, the `/v1` event
//! lists, …), so a value added there without reaching the document fails here; where the code
//! only spells its values in a `match`, they are written out and each is checked against the
//! code's own parser. A last check walks the whole document, so that a new field named like a
//! closed set (`status`, `kind`, `sort`, …) cannot arrive without its enum.

use crate::scenarios;
use crate::support::{Method, TestApp};
use fairdraw_core::account::Plan;
use fairdraw_core::beacon::BeaconKind;
use fairdraw_core::chat::ChatStatus;
use fairdraw_core::claims::ClaimStatus;
use fairdraw_core::events::EventKind;
use fairdraw_core::gallery::Status as PhotoStatus;
use fairdraw_core::giveaway::definition::COMPETITION_TYPES;
use fairdraw_core::giveaway::status::Status as GiveawayStatus;
use fairdraw_server::engine::comment_draws::source::Platform;
use fairdraw_server::engine::comment_draws::webhooks::{CLAIM_EVENTS, EVENTS};
use fairdraw_server::engine::rewards::{COUPON_CODE, PRIZE_ENTRY};
use serde_json::{Value, json};
use std::collections::BTreeSet;

scenarios!(
    closed_sets_are_declared_with_the_codes_values,
    every_field_named_like_a_closed_set_declares_one,
    responses_keep_to_the_declared_values,
);

/// Where a closed set sits in the document.
enum At {
    /// A property of a component schema (`[]` after the name: the items of an array).
    Field(&'static str, &'static str),
    /// A query parameter of an operation.
    Param(&'static str, &'static str, &'static str),
}

fn strings<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<Value> {
    values.into_iter().map(Value::from).collect()
}

/// Values written out because the code spells them only in a `match`: each must parse.
fn parsed<T>(values: &[&'static str], parse: impl Fn(&str) -> Option<T>) -> Vec<Value> {
    for v in values {
        assert!(parse(v).is_some(), "{v:?} is not a value the code accepts");
    }
    strings(values.iter().copied())
}

fn expected() -> Vec<(At, Vec<Value>)> {
    use At::{Field, Param};
    let giveaway_status = parsed(&["draft", "scheduled", "live", "expired"], GiveawayStatus::parse);
    let claim_status = parsed(&["pending", "claimed", "expired", "disqualified"], ClaimStatus::parse);
    let photo_status = parsed(&["pending", "approved", "rejected"], PhotoStatus::parse);
    let participant_status = strings(["active", "banned", "disqualified"]);
    let events = strings(EventKind::ALL.map(EventKind::as_str));
    let mut deliveries = events.clone();
    deliveries.push(json!("test"));
    let selection = strings(["random", "manual"]);
    let mut giveaway_filter = strings(["live", "scheduled", "expired", "draft"]);
    giveaway_filter.push(json!("all"));
    vec![
        // /v2 giveaways.
        (Field("GiveawaySummary", "status"), giveaway_status.clone()),
        (Field("GiveawayDetails", "status"), giveaway_status.clone()),
        (Field("CreatedGiveaway", "status"), giveaway_status),
        (Param("get", "/v2/giveaways", "status"), giveaway_filter),
        (
            Param("get", "/v2/giveaways", "sort"),
            strings([
                "id_desc",
                "id_asc",
                "start_time_desc",
                "start_time_asc",
                "end_time_desc",
                "end_time_asc",
            ]),
        ),
        (Field("GiveawayDetails", "competition_type"), strings(COMPETITION_TYPES)),
        (Field("GiveawayBody", "competition_type"), strings(COMPETITION_TYPES)),
        (
            Field("GiveawayDetails", "public_or_private"),
            strings(["public", "private"]),
        ),
        (
            Field("GiveawayBody", "public_or_private"),
            strings(["public", "private"]),
        ),
        (Field("GiveawayDetails", "claim_notify"), claim_notify()),
        (Field("GiveawayBody", "claim_notify"), claim_notify()),
        (Field("RulesView", "age_limit_type"), strings(["minimum", "maximum"])),
        (Field("RulesBody", "age_limit_type"), strings(["minimum", "maximum"])),
        // Participants, entries, lists.
        (Field("ParticipantItem", "status"), participant_status.clone()),
        (Field("ParticipantDetails", "status"), participant_status.clone()),
        (Field("ExportedParticipant", "status"), participant_status.clone()),
        (Param("get", "/v2/giveaways/{id}/participants", "status"), {
            let mut v = participant_status;
            v.push(json!("all"));
            v
        }),
        (
            Param("get", "/v2/giveaways/{id}/participants", "sort"),
            strings(["total_entries_desc", "total_entries_asc", "name_asc"]),
        ),
        (
            Param("get", "/v2/giveaways/{id}/entries", "sort"),
            strings(["timestamp_desc", "timestamp_asc", "entries_desc", "entries_asc"]),
        ),
        (
            Param("get", "/v2/giveaways/{id}/entries/export", "format"),
            strings(["json", "csv", "ndjson"]),
        ),
        (Field("BlacklistItem", "type"), strings(["email", "ip", "cidr"])),
        // Winners and claims.
        (Field("WinnerItem", "selection"), selection.clone()),
        (Field("ExportedWin", "kind"), selection.clone()),
        (Field("MostVotedWinner", "selection"), selection),
        (Field("WinnerItem", "claim_status"), claim_status.clone()),
        (Field("WinnerClaim", "claim_status"), claim_status.clone()),
        (Field("ExportedWin", "claim_status"), claim_status.clone()),
        (Field("ClaimOut", "claim_status"), claim_status),
        (
            Field("QuestionOut", "kind"),
            strings(["text", "long_text", "checkbox", "date"]),
        ),
        // Photo contests.
        (Field("SubmissionItem", "status"), photo_status.clone()),
        (Field("ExportedPhoto", "status"), photo_status.clone()),
        (Param("get", "/v2/giveaways/{id}/gallery", "status"), photo_status),
        // Webhooks and the account.
        (Field("WebhookInput", "events[]"), events.clone()),
        (Field("WebhookItem", "events[]"), events.clone()),
        (Field("CreatedWebhook", "events[]"), events),
        (Field("DeliveryItem", "event"), deliveries),
        (
            Field("AccountData", "plan_name"),
            strings(Plan::ALL.map(Plan::display_name)),
        ),
        (
            Field("BrandData", "plan_name"),
            strings(Plan::ALL.map(Plan::display_name)),
        ),
        (Field("AccountData", "plan"), Plan::ALL.map(|p| json!(p.id())).to_vec()),
        (Field("BrandData", "plan"), Plan::ALL.map(|p| json!(p.id())).to_vec()),
        (
            Field("RewardInput", "type"),
            vec![json!(PRIZE_ENTRY), json!(COUPON_CODE)],
        ),
        (
            Field("RewardItem", "type"),
            vec![json!(PRIZE_ENTRY), json!(COUPON_CODE)],
        ),
        (
            Field("CreatedReward", "type"),
            vec![json!(PRIZE_ENTRY), json!(COUPON_CODE)],
        ),
        // /v1.
        (
            Field("ConnectionInput", "platform"),
            strings(Platform::ALL.map(Platform::as_str)),
        ),
        (Field("CreateDrawInput", "tier"), strings(["standard", "premium"])),
        (
            Field("CreateDrawInput", "beacon"),
            parsed(&["none", "drand"], BeaconKind::parse),
        ),
        (
            Field("V1WebhookInput", "events[]"),
            strings(EVENTS.into_iter().chain(CLAIM_EVENTS)),
        ),
        (
            Field("DrawSubjectBody", "type"),
            strings(["giveaway", "post", "chat_giveaway"]),
        ),
        (Field("SigningKey", "algorithm"), strings(["ed25519"])),
        (Param("get", "/v1/usage", "format"), strings(["json", "csv"])),
        (
            Field("V1Draw", "status"),
            strings(["processing", "completed", "failed"]),
        ),
        // /external.
        (
            Param("get", "/external/giveaways", "status"),
            parsed(&["SOON", "LIVE", "FINISHED", "CANCELLED"], ChatStatus::parse),
        ),
        (
            Field("ChatGiveawayView", "status"),
            parsed(&["SOON", "LIVE", "FINISHED", "CANCELLED"], ChatStatus::parse),
        ),
        (
            Field("ChatFairness", "beacon"),
            parsed(&["none", "drand"], BeaconKind::parse),
        ),
    ]
}

fn claim_notify() -> Vec<Value> {
    // The core enum names its values only through serde.
    use fairdraw_core::claims::ClaimNotify;
    [ClaimNotify::Email, ClaimNotify::Webhook, ClaimNotify::EmailAndWebhook]
        .into_iter()
        .map(|n| serde_json::to_value(n).unwrap())
        .collect()
}

/// The schema at `at`.
fn locate<'a>(doc: &'a Value, at: &At) -> Result<&'a Value, String> {
    match *at {
        At::Field(schema, field) => {
            let (field, items) = match field.strip_suffix("[]") {
                Some(f) => (f, true),
                None => (field, false),
            };
            let prop = doc["components"]["schemas"][schema]["properties"]
                .get(field)
                .ok_or_else(|| format!("{schema}.{field} is not in the document"))?;
            if items {
                let array = branches(doc, prop)
                    .into_iter()
                    .find(|b| b.get("items").is_some())
                    .ok_or_else(|| format!("{schema}.{field} is not an array"))?;
                Ok(&array["items"])
            } else {
                Ok(prop)
            }
        }
        At::Param(method, path, name) => doc["paths"][path][method]["parameters"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["name"] == name))
            .map(|p| &p["schema"])
            .ok_or_else(|| format!("{method} {path} has no parameter {name}")),
    }
}

/// The alternatives of a schema with its references followed (`oneOf`/`anyOf`, or itself).
fn branches<'a>(doc: &'a Value, schema: &'a Value) -> Vec<&'a Value> {
    let schema = resolve(doc, schema);
    match schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
    {
        Some(list) => list.iter().map(|s| resolve(doc, s)).collect(),
        None => vec![schema],
    }
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        Some(name) => resolve(doc, &doc["components"]["schemas"][name]),
        None => schema,
    }
}

/// The values the schema allows besides `null`; `None` when it is not a closed set.
fn declared(doc: &Value, schema: &Value) -> Option<Vec<Value>> {
    let mut out = Vec::new();
    let mut open = false;
    for b in branches(doc, schema) {
        match b.get("enum").and_then(Value::as_array) {
            Some(values) => out.extend(values.iter().filter(|v| !v.is_null()).cloned()),
            None if b["type"] == "null" => {}
            None => open = true,
        }
    }
    (!open && !out.is_empty()).then_some(out)
}

async fn openapi(app: &TestApp) -> Value {
    let doc = app.call(Method::GET, "/openapi.json", None, None).await;
    doc.expect(200);
    doc.body
}

async fn closed_sets_are_declared_with_the_codes_values(app: TestApp) {
    let doc = openapi(&app).await;
    let mut problems = Vec::new();
    for (at, want) in expected() {
        let label = match at {
            At::Field(s, f) => format!("{s}.{f}"),
            At::Param(m, p, n) => format!("{} {p} ?{n}", m.to_uppercase()),
        };
        match locate(&doc, &at).map(|s| declared(&doc, s)) {
            Err(e) => problems.push(e),
            Ok(None) => problems.push(format!("{label} declares no enum")),
            Ok(Some(got)) if got != want => problems.push(format!("{label}: {got:?}, the code says {want:?}")),
            Ok(Some(_)) => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Names that mean a closed set wherever a string or integer field carries them.
const CLOSED_NAMES: [&str; 16] = [
    "status",
    "claim_status",
    "kind",
    "type",
    "sort",
    "format",
    "selection",
    "event",
    "events",
    "platform",
    "tier",
    "beacon",
    "claim_notify",
    "plan_name",
    "age_limit_type",
    "algorithm",
];

async fn every_field_named_like_a_closed_set_declares_one(app: TestApp) {
    let doc = openapi(&app).await;
    let mut open = Vec::new();
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        // The envelopes repeat their data's fields inline; those are checked where defined.
        if name.starts_with("Envelope_") || name.starts_with("ListEnvelope_") {
            continue;
        }
        for (field, prop) in schema["properties"].as_object().into_iter().flatten() {
            if CLOSED_NAMES.contains(&field.as_str()) && is_open_scalar(&doc, prop) {
                open.push(format!("{name}.{field}"));
            }
        }
    }
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap_or_default();
                if CLOSED_NAMES.contains(&name) && is_open_scalar(&doc, &p["schema"]) {
                    open.push(format!("{} {path} ?{name}", method.to_uppercase()));
                }
            }
        }
    }
    assert!(open.is_empty(), "closed sets without an enum:\n{}", open.join("\n"));
}

/// A string or integer (or an array of them) that allows any value.
fn is_open_scalar(doc: &Value, schema: &Value) -> bool {
    branches(doc, schema).into_iter().any(|b| {
        let target = b.get("items").map_or(b, |items| resolve(doc, items));
        let types: Vec<&str> = match &target["type"] {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        types.iter().any(|t| *t == "string" || *t == "integer")
            && target.get("enum").is_none()
            && declared(doc, target).is_none()
    })
}

/// The values the server sends stay inside the declared sets (Schemathesis checks this on
/// random requests; this holds it for the states a fresh giveaway goes through).
async fn responses_keep_to_the_declared_values(app: TestApp) {
    let doc = openapi(&app).await;
    let acct = app.account().await;
    let allowed = |schema: &'static str, field: &'static str| -> BTreeSet<String> {
        let s = locate(&doc, &At::Field(schema, field)).unwrap();
        declared(&doc, s)
            .unwrap()
            .into_iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    let body = json!({
        "title": "Enums", "start_time": "2030-01-01 00:00:00", "end_time": "2030-02-01 00:00:00",
        "time_zone": "UTC", "is_draft": true, "competition_type": "photo_contest",
        "public_or_private": "private", "claim_notify": "email_and_webhook"
    });
    let created = app.post(&acct.key, "/v2/giveaways", body).await;
    created.expect(201);
    let id = created.data()["id"].as_i64().unwrap();
    let details = app.get(&acct.key, &format!("/v2/giveaways/{id}")).await;
    details.expect(200);
    let d = details.data();
    for (field, schema) in [
        ("status", "GiveawayDetails"),
        ("competition_type", "GiveawayDetails"),
        ("public_or_private", "GiveawayDetails"),
        ("claim_notify", "GiveawayDetails"),
    ] {
        let value = d[field].as_str().unwrap_or_default();
        assert!(allowed(schema, field).contains(value), "{field} = {value:?}");
    }
    let list = app.get(&acct.key, "/v2/giveaways").await;
    list.expect(200);
    for g in list.data().as_array().unwrap() {
        assert!(allowed("GiveawaySummary", "status").contains(g["status"].as_str().unwrap()));
    }
    let account = app.get(&acct.key, "/v2/account").await;
    account.expect(200);
    let plan_name = account.data()["plan_name"].as_str().unwrap().to_owned();
    assert!(allowed("AccountData", "plan_name").contains(&plan_name), "{plan_name}");
}
