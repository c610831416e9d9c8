//! The `email.*` jobs: what each one reads when it runs and what its e-mail says. Each returns
//! the [`Letter`] to send, or `None` when there is nothing to send any more (a winner removed
//! since, a participant gone, the confirmation e-mail switched off), which completes the job.

use super::templates::{Action, Code, Letter, Placeholders, paragraphs};
use crate::app::AppState;
use crate::worker::{Job, JobError};
use fairdraw_core::giveaway::emails::EmailSettings;
use fairdraw_store::StoreError;
use fairdraw_store::mail::{GiveawayForMail, RecipientForMail};
use serde::Deserialize;

pub const VERIFICATION: &str = "email.verification";
pub const CONFIRMATION: &str = "email.confirmation";
pub const REWARD: &str = "email.reward";
pub const WINNER: &str = "email.winner";

/// What a job decided: a letter to send, or why there is none.
pub enum Outcome {
    Send(Box<Letter>),
    Skip(&'static str),
}

fn store(e: StoreError) -> JobError {
    JobError::retry(format!("reading the store: {e}"))
}

/// A Message-ID local part made only of characters RFC 5322 allows there.
fn message_id(parts: &[&str]) -> String {
    parts
        .join(".")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The giveaway (not deleted) and its e-mail settings.
async fn giveaway(state: &AppState, id: i64) -> Result<Option<(GiveawayForMail, EmailSettings)>, JobError> {
    let Some(g) = state.engine.db().giveaway_for_mail(id).await.map_err(store)? else {
        return Ok(None);
    };
    if g.deleted_at.is_some() {
        return Ok(None);
    }
    let settings = serde_json::from_str(&g.email_settings).unwrap_or_else(|e| {
        tracing::error!(giveaway = id, error = %e, "stored e-mail settings do not parse; using defaults");
        EmailSettings::default()
    });
    Ok(Some((g, settings)))
}

/// The giveaway's public page.
fn view_url(state: &AppState, g: &GiveawayForMail) -> String {
    format!("{}/view/{}-{}", state.config.public_url, g.id, g.slug)
}

/// A participant who is still there and in good standing.
async fn active_recipient(
    state: &AppState,
    giveaway_id: i64,
    user_id: &str,
) -> Result<Option<RecipientForMail>, JobError> {
    let r = state
        .engine
        .db()
        .recipient_for_mail(giveaway_id, user_id)
        .await
        .map_err(store)?;
    Ok(r.filter(|r| r.status == "active"))
}

fn reply_to(email: &Option<String>, name: &Option<String>) -> Option<(Option<String>, String)> {
    email
        .as_ref()
        .filter(|e| !e.trim().is_empty())
        .map(|e| (name.clone(), e.clone()))
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.trim().is_empty())
}

fn blank_letter(message_id: String, to_email: &str, to_name: &str) -> Letter {
    Letter {
        message_id,
        to_email: to_email.to_owned(),
        to_name: to_name.to_owned(),
        subject: String::new(),
        reply_to: None,
        heading: String::new(),
        paragraphs: Vec::new(),
        html_body: None,
        code: None,
        after_code: Vec::new(),
        action: None,
        logo_url: None,
        html_document: None,
    }
}

#[derive(Deserialize)]
struct VerificationPayload {
    giveaway_id: i64,
    giveaway_title: String,
    email: String,
    name: String,
    link: String,
}

/// The link that proves an entrant's address; sent whatever the settings say, since their
/// entries count only once they follow it.
pub async fn verification(state: &AppState, job: &Job) -> Result<Outcome, JobError> {
    let p: VerificationPayload = job.payload()?;
    let Some((g, settings)) = giveaway(state, p.giveaway_id).await? else {
        return Ok(Outcome::Skip("the giveaway is gone"));
    };
    let title = if g.title.is_empty() { p.giveaway_title } else { g.title };
    let values = Placeholders::new()
        .with("name", p.name.as_str())
        .with("giveaway_title", title.as_str())
        .with("link", p.link.as_str());
    let body = non_empty(&settings.verification_email.body).unwrap_or(
        "Hi {name},\n\nPlease confirm your e-mail address to complete your entry in {giveaway_title}. \
         Your entries count once you do.",
    );
    let mut letter = blank_letter(
        message_id(&[VERIFICATION, "job", &job.id().to_string()]),
        &p.email,
        &p.name,
    );
    letter.subject = values.text("Confirm your e-mail address for {giveaway_title}");
    letter.heading = "Confirm your e-mail address".to_owned();
    letter.paragraphs = paragraphs(&values.text(body));
    letter.after_code = vec!["If you did not enter this giveaway, ignore this e-mail.".to_owned()];
    letter.action = Some(Action {
        label: "Confirm my e-mail address".to_owned(),
        url: p.link,
    });
    Ok(Outcome::Send(Box::new(letter)))
}

#[derive(Deserialize)]
struct ConfirmationPayload {
    giveaway_id: i64,
    user_id: String,
}

/// "You are entered", per the giveaway's confirmation e-mail settings as they are at send time.
pub async fn confirmation(state: &AppState, job: &Job) -> Result<Outcome, JobError> {
    let p: ConfirmationPayload = job.payload()?;
    let Some((g, settings)) = giveaway(state, p.giveaway_id).await? else {
        return Ok(Outcome::Skip("the giveaway is gone"));
    };
    let c = settings.confirmation_email;
    if c.status == 0 {
        return Ok(Outcome::Skip("the confirmation e-mail is switched off"));
    }
    let Some(r) = active_recipient(state, g.id, &p.user_id).await? else {
        return Ok(Outcome::Skip("the participant is gone or not in good standing"));
    };
    // A signed link that signs the entrant back in on the page, on any device (see
    // `engine/public_entries/signin.rs`): they see their entries, not a new form.
    let link = format!(
        "{}/signin?{}",
        view_url(state, &g),
        state.engine.signin_query(g.id, &p.user_id)
    );
    let values = Placeholders::new()
        .with("name", r.name.as_str())
        .with("giveaway_title", g.title.as_str())
        .with("link", link.as_str());
    let body = non_empty(&c.body)
        .unwrap_or("Hi {name},\n\nThanks for entering {giveaway_title}! Your entry is recorded. Good luck!");
    let mut letter = blank_letter(
        message_id(&[CONFIRMATION, "job", &job.id().to_string()]),
        &r.email,
        &r.name,
    );
    letter.subject = values.text(non_empty(&c.subject).unwrap_or("You are entered: {giveaway_title}"));
    letter.reply_to = reply_to(&c.reply_to_email, &c.reply_to_name);
    letter.heading = "You are entered".to_owned();
    letter.paragraphs = paragraphs(&values.text(body));
    letter.action = Some(Action {
        label: "View the giveaway".to_owned(),
        url: link,
    });
    letter.logo_url = c.logo_image_url.clone();
    letter.html_document = non_empty(&c.custom_html).map(|html| values.html(html));
    Ok(Outcome::Send(Box::new(letter)))
}

#[derive(Deserialize)]
struct RewardPayload {
    giveaway_id: i64,
    reward_id: i64,
    user_id: String,
}

/// A milestone reward unlocked: its coupon code (unless the reward hides it) and directions.
pub async fn reward(state: &AppState, job: &Job) -> Result<Outcome, JobError> {
    let p: RewardPayload = job.payload()?;
    let Some((g, _)) = giveaway(state, p.giveaway_id).await? else {
        return Ok(Outcome::Skip("the giveaway is gone"));
    };
    let Some(reward) = state
        .engine
        .db()
        .reward_for_mail(g.id, p.reward_id)
        .await
        .map_err(store)?
    else {
        return Ok(Outcome::Skip("the reward is gone"));
    };
    let Some(r) = active_recipient(state, g.id, &p.user_id).await? else {
        return Ok(Outcome::Skip("the participant is gone or not in good standing"));
    };
    let code = non_empty(&reward.coupon_code)
        .filter(|_| reward.coupon_if_coupon_code != 0)
        .map(str::to_owned);
    let link = view_url(state, &g);
    let values = Placeholders::new()
        .with("name", r.name.as_str())
        .with("giveaway_title", g.title.as_str())
        .with("reward_title", reward.title.as_str())
        .with("link", link.as_str())
        .with("code", code.clone().unwrap_or_default());
    let id = message_id(&[REWARD, &p.user_id, &reward.id.to_string()]);
    let mut letter = blank_letter(id, &r.email, &r.name);
    letter.subject = values.text(non_empty(&reward.email_subject).unwrap_or("You unlocked a reward: {reward_title}"));
    letter.reply_to = reply_to(&reward.email_reply_to_email, &reward.email_reply_to_name);
    letter.heading = values.text("You unlocked {reward_title}");
    letter.paragraphs = paragraphs(
        &values.text("Hi {name},\n\nYou reached a milestone in {giveaway_title} and unlocked {reward_title}."),
    );
    // The reference documents a reward's e-mail body as HTML written by the brand.
    letter.html_body = non_empty(&reward.email_body).map(|html| values.html(html));
    letter.code = code.map(|value| Code {
        label: "Your coupon code".to_owned(),
        value,
    });
    letter.after_code = non_empty(&reward.coupon_directions)
        .map(|d| paragraphs(&values.text(d)))
        .unwrap_or_default();
    Ok(Outcome::Send(Box::new(letter)))
}

#[derive(Deserialize)]
struct WinnerPayload {
    giveaway_id: i64,
    winner_id: i64,
}

/// "You won": the prize, its redemption code and instructions; nothing if the win was taken back.
pub async fn winner(state: &AppState, job: &Job) -> Result<Outcome, JobError> {
    let p: WinnerPayload = job.payload()?;
    let Some((g, _)) = giveaway(state, p.giveaway_id).await? else {
        return Ok(Outcome::Skip("the giveaway is gone"));
    };
    let Some(w) = state
        .engine
        .db()
        .winner_for_mail(g.id, p.winner_id)
        .await
        .map_err(store)?
    else {
        return Ok(Outcome::Skip("the winner is gone"));
    };
    if w.removed_at.is_some() {
        return Ok(Outcome::Skip("the winner was removed"));
    }
    if w.status != "active" {
        return Ok(Outcome::Skip("the winner is no longer in good standing"));
    }
    let link = view_url(state, &g);
    let prize = w.prize_name.clone().unwrap_or_default();
    let values = Placeholders::new()
        .with("name", w.name.as_str())
        .with("giveaway_title", g.title.as_str())
        .with("prize_name", prize.as_str())
        .with("link", link.as_str())
        .with("code", w.code.clone().unwrap_or_default());
    let default_subject = if prize.is_empty() {
        "You are a winner of {giveaway_title}!"
    } else {
        "You won {prize_name} in {giveaway_title}!"
    };
    let mut letter = blank_letter(message_id(&[WINNER, &w.winner_id.to_string()]), &w.email, &w.name);
    letter.subject = values.text(non_empty(&w.redemption_subject).unwrap_or(default_subject));
    letter.reply_to = reply_to(&w.redemption_reply_to_email, &w.redemption_reply_to_name);
    letter.heading = values.text("Congratulations, {name}!");
    let mut text = vec![values.text("You have been drawn as a winner of {giveaway_title}.")];
    if !prize.is_empty() {
        let value = non_empty(&w.prize_value).map(|v| format!(" ({v})")).unwrap_or_default();
        text.push(format!("Your prize: {prize}{value}"));
    }
    letter.paragraphs = text;
    letter.code = w.code.clone().map(|value| Code {
        label: "Your redemption code".to_owned(),
        value,
    });
    letter.after_code = non_empty(&w.redemption_instructions)
        .map(|i| paragraphs(&values.text(i)))
        .unwrap_or_default();
    claim_action(state, &mut letter, w.winner_id).await?;
    Ok(Outcome::Send(Box::new(letter)))
}

/// Winners who must claim: the claim link and its deadline, when the giveaway notifies its
/// winners by e-mail and the win is still waiting for its claim.
async fn claim_action(state: &AppState, letter: &mut Letter, winner_id: i64) -> Result<(), JobError> {
    let Some(c) = state.engine.db().claim_of(winner_id).await.map_err(store)? else {
        return Ok(());
    };
    let notify = c
        .claim_config
        .as_deref()
        .and_then(|raw| serde_json::from_str::<fairdraw_core::claims::ClaimConfig>(raw).ok())
        .map(|config| config.notify)
        .unwrap_or_default();
    let (Some("pending"), Some(deadline), true) = (c.claim_status.as_deref(), c.claim_deadline, notify.by_email())
    else {
        return Ok(());
    };
    let url = state
        .engine
        .claim_url(winner_id)
        .map_err(|e| JobError::permanent(e.to_string()))?;
    letter.paragraphs.push(format!(
        "To receive your prize, claim it before {} UTC. If you do not, it goes to the next person drawn.",
        fairdraw_core::time::format_utc(deadline)
    ));
    letter.action = Some(Action {
        label: "Claim my prize".to_owned(),
        url,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::message_id;

    #[test]
    fn message_ids_use_only_safe_characters() {
        assert_eq!(
            message_id(&["email.reward", "u_9f<x>@", "12"]),
            "email.reward.u_9f-x--.12"
        );
    }
}
