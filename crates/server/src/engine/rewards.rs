//! Milestone rewards: what a participant unlocks on reaching a number of entries, either an
//! extra prize entry (type 1) or a coupon code (type 2).

use super::audit::{audit_event, changed_fields};
use super::prizes::{non_empty, reply_to};
use super::{Engine, EngineError, EngineResult, Principal};
use fairdraw_core::validation::{FieldErrors, max_len, text};
use fairdraw_store::StoreError;
use fairdraw_store::rewards::{RewardFields, RewardRow};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

pub const PRIZE_ENTRY: i64 = 1;
pub const COUPON_CODE: i64 = 2;
pub const MAX_ENTRIES_REQUIRED: i64 = 1_000_000;
const MAX_DIRECTIONS_LEN: usize = 5_000;
const MAX_EMAIL_BODY_LEN: usize = 100_000;

/// The body of a create or update request. Every field is optional here; creation checks the
/// required ones. Unknown fields are ignored.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct RewardInput {
    /// 1 = prize entry, 2 = coupon code. Required on create.
    #[serde(rename = "type")]
    pub reward_type: Option<i64>,
    /// Required on create; at most 255 characters.
    pub title: Option<String>,
    /// Required on create; 1 to 1,000,000.
    pub entries_required: Option<i64>,
    /// Required for type 2.
    pub coupon_code: Option<String>,
    pub coupon_directions: Option<String>,
    pub hide_progress: Option<bool>,
    /// 1 = guaranteed, 2 = random chance (default: 1).
    pub prize_random_or_guaranteed: Option<i64>,
    /// 1 = show the coupon code, 0 = hide it (default: 1).
    pub coupon_if_coupon_code: Option<i64>,
    /// 1 = e-mail the reward to the participant, 0 = do not (default: 1).
    pub send_email: Option<i64>,
    /// HTML, kept as given.
    pub email_body: Option<String>,
    pub email_subject: Option<String>,
    pub email_reply_to_email: Option<String>,
    pub email_reply_to_name: Option<String>,
}

pub type Reward = RewardRow;

fn not_found(e: StoreError) -> EngineError {
    match e {
        StoreError::NotFound => EngineError::NotFound("Reward"),
        other => other.into(),
    }
}

fn fields_of(r: &RewardRow) -> RewardFields {
    RewardFields {
        reward_type: r.reward_type,
        title: r.title.clone(),
        entries_required: r.entries_required,
        prize_random_or_guaranteed: r.prize_random_or_guaranteed,
        coupon_if_coupon_code: r.coupon_if_coupon_code,
        coupon_code: r.coupon_code.clone(),
        coupon_directions: r.coupon_directions.clone(),
        hide_progress: r.hide_progress != 0,
        send_email: r.send_email,
        email_body: r.email_body.clone(),
        email_subject: r.email_subject.clone(),
        email_reply_to_email: r.email_reply_to_email.clone(),
        email_reply_to_name: r.email_reply_to_name.clone(),
    }
}

impl Engine {
    pub async fn list_rewards(&self, who: &Principal, giveaway_id: i64) -> EngineResult<Vec<Reward>> {
        let g = self.owned_giveaway(who, giveaway_id).await?;
        Ok(self.db().list_rewards(g.id()).await?)
    }

    pub async fn create_reward(&self, who: &Principal, giveaway_id: i64, input: RewardInput) -> EngineResult<Reward> {
        let g = self.owned_giveaway(who, giveaway_id).await?;
        let mut errors = FieldErrors::new();
        if input.reward_type.is_none() {
            errors.add("type", "Type is required.");
        }
        if input.title.is_none() {
            errors.add("title", "Title is required.");
        }
        if input.entries_required.is_none() {
            errors.add("entries_required", "Entries required is required.");
        }
        let base = RewardFields {
            reward_type: PRIZE_ENTRY,
            title: String::new(),
            entries_required: 1,
            prize_random_or_guaranteed: 1,
            coupon_if_coupon_code: 1,
            coupon_code: None,
            coupon_directions: None,
            hide_progress: false,
            send_email: 1,
            email_body: None,
            email_subject: None,
            email_reply_to_email: None,
            email_reply_to_name: None,
        };
        let fields = apply(base, input, &mut errors);
        errors.into_result()?;
        let audit = audit_event(
            who,
            "reward.created",
            Some(g.id()),
            json!({ "type": fields.reward_type }),
        );
        let id = self.db().insert_reward(g.id(), &fields, &audit, self.now_ms()).await?;
        Ok(self.db().reward(g.id(), id).await?)
    }

    /// Changes the fields given; the result must still be a complete reward (a coupon reward
    /// keeps needing its code).
    pub async fn update_reward(
        &self,
        who: &Principal,
        giveaway_id: i64,
        id: i64,
        input: RewardInput,
    ) -> EngineResult<Reward> {
        let g = self.owned_giveaway(who, giveaway_id).await?;
        let current = self.db().reward(g.id(), id).await.map_err(not_found)?;
        let mut errors = FieldErrors::new();
        let before = fields_of(&current);
        let fields = apply(before.clone(), input, &mut errors);
        errors.into_result()?;
        let changed = changed_fields([
            ("type", fields.reward_type != before.reward_type),
            ("title", fields.title != before.title),
            ("entries_required", fields.entries_required != before.entries_required),
            (
                "prize_random_or_guaranteed",
                fields.prize_random_or_guaranteed != before.prize_random_or_guaranteed,
            ),
            (
                "coupon_if_coupon_code",
                fields.coupon_if_coupon_code != before.coupon_if_coupon_code,
            ),
            ("coupon_code", fields.coupon_code != before.coupon_code),
            (
                "coupon_directions",
                fields.coupon_directions != before.coupon_directions,
            ),
            ("hide_progress", fields.hide_progress != before.hide_progress),
            ("send_email", fields.send_email != before.send_email),
            ("email_body", fields.email_body != before.email_body),
            ("email_subject", fields.email_subject != before.email_subject),
            (
                "email_reply_to_email",
                fields.email_reply_to_email != before.email_reply_to_email,
            ),
            (
                "email_reply_to_name",
                fields.email_reply_to_name != before.email_reply_to_name,
            ),
        ]);
        let audit = audit_event(
            who,
            "reward.updated",
            Some(g.id()),
            json!({ "reward_id": id, "changed": changed }),
        );
        self.db()
            .update_reward(g.id(), id, &fields, &audit, self.now_ms())
            .await
            .map_err(not_found)?;
        self.db().reward(g.id(), id).await.map_err(not_found)
    }

    /// Removes a reward from the giveaway; participants who unlocked it keep it.
    pub async fn delete_reward(&self, who: &Principal, giveaway_id: i64, id: i64) -> EngineResult<()> {
        let g = self.owned_giveaway(who, giveaway_id).await?;
        let audit = audit_event(who, "reward.deleted", Some(g.id()), json!({ "reward_id": id }));
        self.db()
            .soft_delete_reward(g.id(), id, &audit, self.now_ms())
            .await
            .map_err(not_found)
    }
}

/// Validates the fields present in `input` onto `f`, collecting every problem, then checks the
/// result as a whole.
fn apply(mut f: RewardFields, input: RewardInput, errors: &mut FieldErrors) -> RewardFields {
    if let Some(t) = input.reward_type {
        match t {
            PRIZE_ENTRY | COUPON_CODE => f.reward_type = t,
            _ => errors.add("type", "Must be 1 (prize entry) or 2 (coupon code)."),
        }
    }
    if let Some(title) = input.title {
        text(errors, "title", "Title", &title, 255);
        f.title = title.trim().to_owned();
    }
    if let Some(n) = input.entries_required {
        if (1..=MAX_ENTRIES_REQUIRED).contains(&n) {
            f.entries_required = n;
        } else {
            errors.add(
                "entries_required",
                format!("Must be between 1 and {MAX_ENTRIES_REQUIRED}."),
            );
        }
    }
    if let Some(v) = input.prize_random_or_guaranteed {
        match v {
            1 | 2 => f.prize_random_or_guaranteed = v,
            _ => errors.add(
                "prize_random_or_guaranteed",
                "Must be 1 (guaranteed) or 2 (random chance).",
            ),
        }
    }
    if let Some(v) = input.coupon_if_coupon_code {
        match v {
            0 | 1 => f.coupon_if_coupon_code = v,
            _ => errors.add("coupon_if_coupon_code", "Must be 0 (hide) or 1 (show)."),
        }
    }
    if let Some(v) = input.send_email {
        match v {
            0 | 1 => f.send_email = v,
            _ => errors.add("send_email", "Must be 0 (do not e-mail) or 1 (e-mail)."),
        }
    }
    if let Some(v) = input.hide_progress {
        f.hide_progress = v;
    }
    let coupon_given = input.coupon_code.is_some();
    if let Some(v) = input.coupon_code {
        max_len(errors, "coupon_code", "Coupon code", Some(&v), 255);
        f.coupon_code = non_empty(v.trim());
    }
    if let Some(v) = input.coupon_directions {
        max_len(
            errors,
            "coupon_directions",
            "Coupon directions",
            Some(&v),
            MAX_DIRECTIONS_LEN,
        );
        f.coupon_directions = non_empty(&v);
    }
    if let Some(v) = input.email_body {
        max_len(errors, "email_body", "E-mail body", Some(&v), MAX_EMAIL_BODY_LEN);
        f.email_body = non_empty(&v);
    }
    if let Some(v) = input.email_subject {
        max_len(errors, "email_subject", "E-mail subject", Some(&v), 255);
        f.email_subject = non_empty(&v);
    }
    if let Some(v) = input.email_reply_to_email {
        f.email_reply_to_email = reply_to(errors, "email_reply_to_email", &v);
    }
    if let Some(v) = input.email_reply_to_name {
        max_len(errors, "email_reply_to_name", "Reply-to name", Some(&v), 255);
        f.email_reply_to_name = non_empty(v.trim());
    }
    if f.reward_type == COUPON_CODE && f.coupon_code.is_none() {
        let message = if coupon_given {
            "Coupon code must not be empty for a coupon reward (type 2)."
        } else {
            "Coupon code is required for a coupon reward (type 2)."
        };
        errors.add("coupon_code", message);
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create(v: serde_json::Value) -> Result<RewardFields, FieldErrors> {
        let base = RewardFields {
            reward_type: PRIZE_ENTRY,
            title: String::new(),
            entries_required: 1,
            prize_random_or_guaranteed: 1,
            coupon_if_coupon_code: 1,
            coupon_code: None,
            coupon_directions: None,
            hide_progress: false,
            send_email: 1,
            email_body: None,
            email_subject: None,
            email_reply_to_email: None,
            email_reply_to_name: None,
        };
        let mut e = FieldErrors::new();
        let f = apply(base, serde_json::from_value(v).unwrap(), &mut e);
        e.into_result().map(|()| f)
    }

    #[test]
    fn the_reference_example_is_valid() {
        let f = create(serde_json::json!({
            "type": 2, "title": "Free Shipping Code", "entries_required": 10, "coupon_code": "FREESHIP"
        }))
        .unwrap();
        assert_eq!((f.reward_type, f.coupon_code.as_deref()), (2, Some("FREESHIP")));
        assert_eq!(
            (f.prize_random_or_guaranteed, f.coupon_if_coupon_code, f.send_email),
            (1, 1, 1)
        );
    }

    #[test]
    fn a_coupon_reward_needs_a_code() {
        let e = create(serde_json::json!({ "type": 2, "title": "t", "entries_required": 1 })).unwrap_err();
        assert!(e.iter().any(|(f, _)| f == "coupon_code"));
        let e = create(serde_json::json!({ "type": 2, "title": "t", "entries_required": 1, "coupon_code": "  " }))
            .unwrap_err();
        assert!(e.iter().any(|(f, _)| f == "coupon_code"));
        assert!(create(serde_json::json!({ "type": 1, "title": "t", "entries_required": 1 })).is_ok());
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let e = create(serde_json::json!({
            "type": 3, "title": "", "entries_required": 0, "prize_random_or_guaranteed": 0,
            "coupon_if_coupon_code": 2, "send_email": 5, "coupon_code": "c".repeat(256),
            "coupon_directions": "d".repeat(5_001), "email_subject": "s".repeat(256),
            "email_body": "b".repeat(100_001), "email_reply_to_email": "nope",
            "email_reply_to_name": "n".repeat(256)
        }))
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            [
                "coupon_code",
                "coupon_directions",
                "coupon_if_coupon_code",
                "email_body",
                "email_reply_to_email",
                "email_reply_to_name",
                "email_subject",
                "entries_required",
                "prize_random_or_guaranteed",
                "send_email",
                "title",
                "type",
            ]
        );
    }
}
