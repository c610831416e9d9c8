//! `/v2/giveaways/{id}/participants` (list, details, search, bonus entries, ban, unban,
//! disqualify) and the lookups by e-mail across the caller's account,
//! `/v2/participants/{email}/entries` and `/v2/participants/{email}/giveaways`, and a person's
//! data across the caller's brand: `/v2/participants/{email}/export` and
//! `DELETE /v2/participants/{email}` (erasure).

use super::extract::{Body, Caller, Path, Query};
use super::response::{Envelope, ErrorEnvelope, ListEnvelope, V2Result, list, ok};
use crate::app::AppState;
use crate::engine::EngineError;
use crate::engine::participants::{BonusInput, ParticipantDetail, method_name};
use crate::surfaces::enums::{Choices, ClaimStatusName, PhotoStatusName, WinnerSelection, string_enum};
use axum::extract::State;
use fairdraw_core::page::PageRequest;
use fairdraw_core::time::format_utc;
use fairdraw_store::participants::{ParticipantEntryRow, ParticipantRow, ParticipantSort, StatusChange};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_participants))
        .routes(routes!(search_participants))
        .routes(routes!(get_participant))
        .routes(routes!(add_entries))
        .routes(routes!(ban_participant))
        .routes(routes!(unban_participant))
        .routes(routes!(disqualify_participant))
        .routes(routes!(entries_by_email))
        .routes(routes!(giveaways_by_email))
        .routes(routes!(export_person))
        .routes(routes!(erase_person))
}

/// A participant in a list.
#[derive(Serialize, ToSchema)]
pub struct ParticipantItem {
    user_id: String,
    name: String,
    email: String,
    country: Option<String>,
    birthday: Option<String>,
    total_entries: i64,
    /// active, banned or disqualified.
    #[schema(value_type = ParticipantStatus)]
    status: String,
}

fn participant_item(p: ParticipantRow) -> ParticipantItem {
    ParticipantItem {
        user_id: p.user_id,
        name: p.name,
        email: p.email,
        country: p.country,
        birthday: p.birthday,
        total_entries: p.total_entries,
        status: p.status,
    }
}

/// One of a participant's entries.
#[derive(Serialize, ToSchema)]
pub struct ParticipantEntry {
    id: i64,
    entry_method: i64,
    entry_method_name: &'static str,
    entry_amount: i64,
    entry_value: Option<String>,
    is_verified: bool,
    timestamp: String,
    /// False for entries invalidated by a ban.
    is_valid: bool,
}

fn participant_entry(e: ParticipantEntryRow) -> ParticipantEntry {
    ParticipantEntry {
        id: e.id,
        entry_method: e.method_type,
        entry_method_name: method_name(e.method_type),
        entry_amount: e.amount,
        entry_value: e.value,
        is_verified: e.is_verified != 0,
        timestamp: format_utc(e.created_at),
        is_valid: e.display_winner == 0,
    }
}

/// A participant with every entry they have earned in the giveaway.
#[derive(Serialize, ToSchema)]
pub struct ParticipantDetails {
    user_id: String,
    name: String,
    email: String,
    country: Option<String>,
    birthday: Option<String>,
    total_entries: i64,
    /// active, banned or disqualified.
    #[schema(value_type = ParticipantStatus)]
    status: String,
    entries: Vec<ParticipantEntry>,
}

fn details(d: ParticipantDetail) -> ParticipantDetails {
    let p = d.participant;
    ParticipantDetails {
        user_id: p.user_id,
        name: p.name,
        email: p.email,
        country: p.country,
        birthday: p.birthday,
        total_entries: p.total_entries,
        status: p.status,
        entries: d.entries.into_iter().map(participant_entry).collect(),
    }
}

/// A participant's standing in a giveaway, as the store writes it: `active` until banned
/// (`unban` makes them active again) or disqualified.
pub const PARTICIPANT_STATUSES: [&str; 3] = ["active", "banned", "disqualified"];

string_enum!(
    /// A participant's standing in a giveaway.
    ParticipantStatus => PARTICIPANT_STATUSES
);

const SORTS: Choices<ParticipantSort> = Choices {
    name: "sort",
    table: &[
        ("total_entries_desc", ParticipantSort::TotalEntriesDesc),
        ("total_entries_asc", ParticipantSort::TotalEntriesAsc),
        ("name_asc", ParticipantSort::NameAsc),
    ],
};

/// The `status` filter: one standing (`None`: all of them).
const STATUS_FILTERS: Choices<Option<&str>> = Choices {
    name: "status",
    table: &[
        ("active", Some(PARTICIPANT_STATUSES[0])),
        ("banned", Some(PARTICIPANT_STATUSES[1])),
        ("disqualified", Some(PARTICIPANT_STATUSES[2])),
        ("all", None),
    ],
};

string_enum!(
    /// The orders of the participant list.
    ParticipantOrder => SORTS.values()
);

string_enum!(
    /// The `status` filter of the participant list.
    ParticipantStatusFilter => STATUS_FILTERS.values()
);

#[derive(Deserialize, IntoParams)]
pub struct ListParams {
    /// total_entries_desc (default), total_entries_asc, name_asc.
    #[param(value_type = Option<ParticipantOrder>, inline)]
    sort: Option<String>,
    /// Not in the reference: active (default), banned, disqualified or all.
    #[param(value_type = Option<ParticipantStatusFilter>, inline)]
    status: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

#[utoipa::path(get, path = "/giveaways/{id}/participants", tag = "Participants", summary = "List all participants",
    description = "Verified participants, active ones unless `status` asks for another standing.",
    params(("id" = i64, Path, description = "The giveaway ID"), ListParams),
    responses((status = 200, body = ListEnvelope<ParticipantItem>), (status = 400, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn list_participants(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Query(p): Query<ListParams>,
) -> V2Result {
    let sort = SORTS
        .pick(p.sort.as_deref(), "total_entries_desc")
        .map_err(EngineError::BadRequest)?;
    let status = STATUS_FILTERS
        .pick(p.status.as_deref(), "active")
        .map_err(EngineError::BadRequest)?;
    let page = PageRequest::new(p.page, p.per_page);
    let (rows, info) = state.engine.list_participants(&who, id, status, sort, page).await?;
    Ok(list(rows.into_iter().map(participant_item).collect(), info))
}

#[utoipa::path(get, path = "/giveaways/{id}/participants/{user_id}", tag = "Participants", summary = "Get participant details",
    params(("id" = i64, Path, description = "The giveaway ID"), ("user_id" = String, Path, description = "The participant's user ID")),
    responses((status = 200, body = Envelope<ParticipantDetails>), (status = 404, body = ErrorEnvelope)))]
pub async fn get_participant(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, user_id)): Path<(i64, String)>,
) -> V2Result {
    Ok(ok(details(state.engine.participant(&who, id, &user_id).await?)))
}

#[derive(Deserialize, IntoParams)]
pub struct SearchParams {
    /// The e-mail address to look for (exact match, any case).
    q: Option<String>,
}

#[utoipa::path(get, path = "/giveaways/{id}/participants/search", tag = "Participants", summary = "Search by email",
    params(("id" = i64, Path, description = "The giveaway ID"), SearchParams),
    responses((status = 200, body = Envelope<Vec<ParticipantDetails>>), (status = 400, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn search_participants(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Query(p): Query<SearchParams>,
) -> V2Result {
    let found = state
        .engine
        .search_participants(&who, id, p.q.as_deref().unwrap_or(""))
        .await?;
    Ok(ok(found.into_iter().map(details).collect::<Vec<_>>()))
}

#[derive(Serialize, ToSchema)]
pub struct EntriesAdded {
    message: &'static str,
    entries_added: i64,
    total_entries: i64,
}

#[utoipa::path(post, path = "/giveaways/{id}/participants/{user_id}/add-entries", tag = "Participants", summary = "Add bonus entries",
    description = "Recorded as one \"Free Bonus Entries\" entry. 409 when the participant is banned or disqualified, or it would pass the giveaway's maximum entries per user.",
    params(("id" = i64, Path, description = "The giveaway ID"), ("user_id" = String, Path, description = "The participant's user ID")),
    request_body = BonusInput,
    responses((status = 200, body = Envelope<EntriesAdded>), (status = 400, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn add_entries(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, user_id)): Path<(i64, String)>,
    Body(input): Body<BonusInput>,
) -> V2Result {
    let amount = input.amount.unwrap_or_default();
    let total_entries = state.engine.add_bonus_entries(&who, id, &user_id, input).await?;
    Ok(ok(EntriesAdded {
        message: "Entries added successfully.",
        entries_added: amount,
        total_entries,
    }))
}

async fn change(state: &AppState, who: &crate::engine::Principal, id: i64, user_id: &str, c: StatusChange) -> V2Result {
    state.engine.change_participant_status(who, id, user_id, c).await?;
    let message = match c {
        StatusChange::Ban => "Participant banned.",
        StatusChange::Unban => "Participant unbanned.",
        StatusChange::Disqualify => "Participant disqualified.",
    };
    Ok(ok(json!({ "message": message })))
}

#[utoipa::path(post, path = "/giveaways/{id}/participants/{user_id}/ban", tag = "Participants", summary = "Ban a participant",
    description = "Blacklists the e-mail and invalidates every entry (display_winner = 5); the participant cannot enter again. Banning again changes nothing.",
    params(("id" = i64, Path, description = "The giveaway ID"), ("user_id" = String, Path, description = "The participant's user ID")),
    responses((status = 200, body = Envelope<Object>), (status = 404, body = ErrorEnvelope)))]
pub async fn ban_participant(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, user_id)): Path<(i64, String)>,
) -> V2Result {
    change(&state, &who, id, &user_id, StatusChange::Ban).await
}

#[utoipa::path(post, path = "/giveaways/{id}/participants/{user_id}/unban", tag = "Participants", summary = "Unban a participant",
    description = "Restores the entries, removes the e-mail from the blacklist and lets the participant enter again. Unbanning someone not banned changes nothing (a disqualified participant stays disqualified).",
    params(("id" = i64, Path, description = "The giveaway ID"), ("user_id" = String, Path, description = "The participant's user ID")),
    responses((status = 200, body = Envelope<Object>), (status = 404, body = ErrorEnvelope)))]
pub async fn unban_participant(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, user_id)): Path<(i64, String)>,
) -> V2Result {
    change(&state, &who, id, &user_id, StatusChange::Unban).await
}

#[utoipa::path(post, path = "/giveaways/{id}/participants/{user_id}/disqualify", tag = "Participants", summary = "Disqualify a participant",
    description = "Keeps the entries but excludes them from every count and draw; prizes the participant had won become available again. Disqualifying again changes nothing.",
    params(("id" = i64, Path, description = "The giveaway ID"), ("user_id" = String, Path, description = "The participant's user ID")),
    responses((status = 200, body = Envelope<Object>), (status = 404, body = ErrorEnvelope)))]
pub async fn disqualify_participant(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, user_id)): Path<(i64, String)>,
) -> V2Result {
    change(&state, &who, id, &user_id, StatusChange::Disqualify).await
}

/// An entry found across the account.
#[derive(Serialize, ToSchema)]
pub struct AccountEntry {
    giveaway_id: i64,
    giveaway_title: String,
    entry_method: i64,
    entry_method_name: &'static str,
    entry_amount: i64,
    timestamp: String,
}

#[utoipa::path(get, path = "/participants/{email}/entries", tag = "Participants", summary = "Cross-giveaway entry lookup",
    description = "Every entry made with this e-mail in the giveaways of your account (all of its brands; deleted giveaways excluded), oldest first.",
    params(("email" = String, Path, description = "The participant's e-mail address (URL-encoded)")),
    responses((status = 200, body = Envelope<Vec<AccountEntry>>)))]
pub async fn entries_by_email(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(email): Path<String>,
) -> V2Result {
    let rows = state.engine.entries_by_email(&who, &email).await?;
    Ok(ok(rows
        .into_iter()
        .map(|e| AccountEntry {
            giveaway_id: e.giveaway_id,
            giveaway_title: e.giveaway_title,
            entry_method: e.method_type,
            entry_method_name: method_name(e.method_type),
            entry_amount: e.amount,
            timestamp: format_utc(e.created_at),
        })
        .collect::<Vec<_>>()))
}

/// A giveaway the e-mail has entered.
#[derive(Serialize, ToSchema)]
pub struct AccountGiveaway {
    id: i64,
    title: String,
    /// The participant's total entries in that giveaway.
    total_entries: i64,
}

#[utoipa::path(get, path = "/participants/{email}/giveaways", tag = "Participants", summary = "Cross-giveaway lookup",
    description = "The giveaways of your account (all of its brands; deleted giveaways excluded) this e-mail has entered, most recently entered first.",
    params(("email" = String, Path, description = "The participant's e-mail address (URL-encoded)")),
    responses((status = 200, body = Envelope<Vec<AccountGiveaway>>)))]
pub async fn giveaways_by_email(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(email): Path<String>,
) -> V2Result {
    let rows = state.engine.giveaways_by_email(&who, &email).await?;
    Ok(ok(rows
        .into_iter()
        .map(|g| AccountGiveaway {
            id: g.id,
            title: g.title,
            total_entries: g.total_entries,
        })
        .collect::<Vec<_>>()))
}

/// A participant record, as held.
#[derive(Serialize, ToSchema)]
pub struct ExportedParticipant {
    giveaway_id: i64,
    giveaway_title: String,
    user_id: String,
    email: String,
    name: String,
    country: Option<String>,
    birthday: Option<String>,
    ip: Option<String>,
    referral_code: String,
    /// active, banned or disqualified.
    #[schema(value_type = ParticipantStatus)]
    status: String,
    is_verified: bool,
    total_entries: i64,
    created_at: String,
}

/// An entry, as held.
#[derive(Serialize, ToSchema)]
pub struct ExportedEntry {
    id: i64,
    giveaway_id: i64,
    user_id: String,
    entry_method_id: Option<i64>,
    entry_method: i64,
    entry_method_name: &'static str,
    entry_amount: i64,
    /// The answer or value given with the entry.
    entry_value: Option<String>,
    is_verified: bool,
    is_valid: bool,
    country: Option<String>,
    timestamp: String,
}

/// A win, as held.
#[derive(Serialize, ToSchema)]
pub struct ExportedWin {
    winner_id: i64,
    giveaway_id: i64,
    user_id: String,
    /// random or manual.
    #[schema(value_type = WinnerSelection)]
    kind: String,
    /// The draw that picked them (`drw_…`); null for a manual pick.
    draw_id: Option<String>,
    prize_id: Option<i64>,
    #[schema(value_type = Option<ClaimStatusName>)]
    claim_status: Option<String>,
    timestamp: String,
    removed_at: Option<String>,
}

/// A photo uploaded to a photo contest, as held (its bytes are at `/media/{media_id}` while approved).
#[derive(Serialize, ToSchema)]
pub struct ExportedPhoto {
    id: i64,
    giveaway_id: i64,
    user_id: String,
    entry_id: i64,
    media_id: String,
    caption: Option<String>,
    #[schema(value_type = PhotoStatusName)]
    status: String,
    votes: i64,
    timestamp: String,
}

/// Everything your brand holds about one e-mail address.
#[derive(Serialize, ToSchema)]
pub struct PersonExport {
    email: String,
    participants: Vec<ExportedParticipant>,
    entries: Vec<ExportedEntry>,
    wins: Vec<ExportedWin>,
    photos: Vec<ExportedPhoto>,
    /// Giveaways whose whitelist names the address.
    whitelisted_in: Vec<i64>,
    /// Giveaways whose blacklist names the address.
    blacklisted_in: Vec<i64>,
}

#[utoipa::path(get, path = "/participants/{email}/export", tag = "Participants", summary = "Export a person's data",
    description = "Everything your brand holds about this e-mail address, across its giveaways (deleted ones included): \
        participant records with name, country, birthday and IP address, every entry with its answer, wins, photos, \
        and the lists that name the address. 404 when the brand holds nothing under it.",
    params(("email" = String, Path, description = "The participant's e-mail address (URL-encoded)")),
    responses((status = 200, body = Envelope<PersonExport>), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn export_person(State(state): State<AppState>, Caller(who): Caller, Path(email): Path<String>) -> V2Result {
    let data = state.engine.export_person(&who, &email).await?;
    let user_of: std::collections::HashMap<i64, String> =
        data.participants.iter().map(|p| (p.id, p.user_id.clone())).collect();
    let user = |id: i64| user_of.get(&id).cloned().unwrap_or_default();
    let email = data
        .participants
        .first()
        .map(|p| p.email.clone())
        .unwrap_or_else(|| email.trim().to_lowercase());
    Ok(ok(PersonExport {
        email,
        entries: data
            .entries
            .into_iter()
            .map(|e| ExportedEntry {
                id: e.id,
                giveaway_id: e.giveaway_id,
                user_id: user(e.participant_id),
                entry_method_id: e.entry_method_id,
                entry_method: e.method_type,
                entry_method_name: method_name(e.method_type),
                entry_amount: e.amount,
                entry_value: e.value,
                is_verified: e.is_verified != 0,
                is_valid: e.display_winner == 0,
                country: e.country,
                timestamp: format_utc(e.created_at),
            })
            .collect(),
        wins: data
            .wins
            .into_iter()
            .map(|w| ExportedWin {
                winner_id: w.id,
                giveaway_id: w.giveaway_id,
                user_id: user(w.participant_id),
                kind: w.kind,
                draw_id: w.draw_public_id,
                prize_id: w.prize_id,
                claim_status: w.claim_status,
                timestamp: format_utc(w.created_at),
                removed_at: w.removed_at.map(format_utc),
            })
            .collect(),
        photos: data
            .photos
            .into_iter()
            .map(|p| ExportedPhoto {
                id: p.id,
                giveaway_id: p.giveaway_id,
                user_id: user(p.participant_id),
                entry_id: p.entry_id,
                media_id: p.media_id,
                caption: p.caption,
                status: p.status,
                votes: p.votes,
                timestamp: format_utc(p.created_at),
            })
            .collect(),
        participants: data
            .participants
            .into_iter()
            .map(|p| ExportedParticipant {
                giveaway_id: p.giveaway_id,
                giveaway_title: p.giveaway_title,
                user_id: p.user_id,
                email: p.email,
                name: p.name,
                country: p.country,
                birthday: p.birthday,
                ip: p.ip,
                referral_code: p.referral_code,
                status: p.status,
                is_verified: p.is_verified != 0,
                total_entries: p.total_entries,
                created_at: format_utc(p.created_at),
            })
            .collect(),
        whitelisted_in: data.whitelisted_in,
        blacklisted_in: data.blacklisted_in,
    }))
}

/// What an erasure did.
#[derive(Serialize, ToSchema)]
pub struct ErasureDone {
    message: &'static str,
    /// The participant records erased (their `user_id`s stay, so past draws still verify).
    user_ids: Vec<String>,
    /// Whitelist rows removed.
    whitelist_rows: usize,
}

#[utoipa::path(delete, path = "/participants/{email}", tag = "Participants", summary = "Erase a person's data",
    description = "Erases this e-mail address across your brand: each participant record keeps its random `user_id` and \
        standing, but its e-mail becomes a salted hash no one can reverse and its name, country, birthday and IP address \
        are removed; entry answers, claim answers, photo captions and photos are removed; the address leaves the \
        whitelists (a blacklist entry, an organiser's ban, stays). Past draws stay verifiable: pools and certificates name \
        participants by `user_id` only. Recorded in the audit log by ids, without the address. 404 when the brand holds \
        nothing under the address.",
    params(("email" = String, Path, description = "The participant's e-mail address (URL-encoded)")),
    responses((status = 200, body = Envelope<ErasureDone>), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn erase_person(State(state): State<AppState>, Caller(who): Caller, Path(email): Path<String>) -> V2Result {
    let erased = state.engine.erase_person(&who, &email).await?;
    Ok(ok(ErasureDone {
        message: "Personal data erased.",
        user_ids: erased.user_ids,
        whitelist_rows: erased.whitelist_rows,
    }))
}
