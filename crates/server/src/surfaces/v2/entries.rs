//! `/v2/giveaways/{id}/entries`: list, get, create, bulk, delete and export, as the reference
//! documents them; plus two additions of ours: `POST …/entries/import` (up to 10,000 entries in
//! one all-or-nothing transaction) and `GET …/entries/export?format=csv|ndjson` (every entry,
//! streamed).

use super::extract::{Body, Caller, Path, Query};
use super::response::{Envelope, ErrorEnvelope, ListEnvelope, V2Result, created, list, no_content, ok};
use crate::app::AppState;
use crate::engine::EngineError;
use crate::engine::participants::{BulkInput, EntryExport, EntryFilterInput, EntryInput, method_name};
use crate::surfaces::enums::{Choices, string_enum};
use axum::BoxError;
use axum::body::{Bytes, HttpBody};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use fairdraw_core::page::PageRequest;
use fairdraw_core::time::format_utc;
use fairdraw_store::participants::{EntryRow, EntrySort};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::sync::mpsc;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// An import of 10,000 entries with long names and addresses is about 6 MB of JSON, more than
/// the default limit for other bodies.
const IMPORT_BODY_LIMIT: usize = 8 * 1024 * 1024;

pub fn routes() -> OpenApiRouter<AppState> {
    let import = OpenApiRouter::new()
        .routes(routes!(import_entries))
        .layer(DefaultBodyLimit::max(IMPORT_BODY_LIMIT));
    OpenApiRouter::new()
        .routes(routes!(list_entries, create_entry))
        .routes(routes!(get_entry, delete_entry))
        .routes(routes!(bulk_entries))
        .routes(routes!(export_entries))
        .merge(import)
}

/// One entry, with the participant who made it.
#[derive(Serialize, ToSchema)]
pub struct EntryItem {
    id: i64,
    user_id: String,
    user_name: String,
    user_email: String,
    /// The entry method type id (see `GET /v2/entry-method-types`).
    entry_method: i64,
    entry_method_name: &'static str,
    entry_amount: i64,
    entry_value: Option<String>,
    is_verified: bool,
    timestamp: String,
    country: Option<String>,
}

fn item(e: EntryRow) -> EntryItem {
    EntryItem {
        id: e.id,
        user_id: e.user_id,
        user_name: e.user_name,
        user_email: e.user_email,
        entry_method: e.method_type,
        entry_method_name: method_name(e.method_type),
        entry_amount: e.amount,
        entry_value: e.value,
        is_verified: e.is_verified != 0,
        timestamp: format_utc(e.created_at),
        country: e.country,
    }
}

const SORTS: Choices<EntrySort> = Choices {
    name: "sort",
    table: &[
        ("timestamp_desc", EntrySort::TimestampDesc),
        ("timestamp_asc", EntrySort::TimestampAsc),
        ("entries_desc", EntrySort::EntriesDesc),
        ("entries_asc", EntrySort::EntriesAsc),
    ],
};

string_enum!(
    /// The orders of the entry list.
    EntryOrder => SORTS.values()
);

#[derive(Deserialize, IntoParams)]
pub struct ListParams {
    /// Entry method type id.
    entry_method: Option<i64>,
    /// 0 or 1 (default: 1).
    #[param(minimum = 0, maximum = 1)]
    is_verified: Option<i64>,
    /// YYYY-MM-DD, UTC, inclusive.
    date_from: Option<String>,
    /// YYYY-MM-DD, UTC, inclusive.
    date_to: Option<String>,
    /// Part of the participant's e-mail, any case.
    search: Option<String>,
    /// timestamp_desc (default), timestamp_asc, entries_desc, entries_asc.
    #[param(value_type = Option<EntryOrder>, inline)]
    sort: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

#[utoipa::path(get, path = "/giveaways/{id}/entries", tag = "Entries", summary = "List all entries",
    description = "The valid entries of active participants. A banned or disqualified participant's entries are listed with the participant.",
    params(("id" = i64, Path, description = "The giveaway ID"), ListParams),
    responses((status = 200, body = ListEnvelope<EntryItem>), (status = 400, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn list_entries(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Query(p): Query<ListParams>,
) -> V2Result {
    let sort = SORTS
        .pick(p.sort.as_deref(), "timestamp_desc")
        .map_err(EngineError::BadRequest)?;
    let query = EntryFilterInput {
        entry_method: p.entry_method,
        is_verified: p.is_verified,
        date_from: p.date_from.as_deref(),
        date_to: p.date_to.as_deref(),
        search: p.search.as_deref(),
    }
    .parse(true)?;
    let page = PageRequest::new(p.page, p.per_page);
    let (rows, info) = state.engine.list_entries(&who, id, &query, sort, page).await?;
    Ok(list(rows.into_iter().map(item).collect(), info))
}

#[utoipa::path(get, path = "/giveaways/{id}/entries/{entry_id}", tag = "Entries", summary = "Get a single entry",
    params(("id" = i64, Path, description = "The giveaway ID"), ("entry_id" = i64, Path, description = "The entry ID")),
    responses((status = 200, body = Envelope<EntryItem>), (status = 404, body = ErrorEnvelope)))]
pub async fn get_entry(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, entry_id)): Path<(i64, i64)>,
) -> V2Result {
    Ok(ok(item(state.engine.get_entry(&who, id, entry_id).await?)))
}

#[derive(Serialize, ToSchema)]
pub struct CreatedEntry {
    id: i64,
    user_id: String,
    user_name: String,
    user_email: String,
    entry_method: i64,
    entry_method_name: &'static str,
    entry_amount: i64,
    is_verified: bool,
    /// Whether this entry created the participant.
    is_new_user: bool,
    timestamp: String,
}

#[utoipa::path(post, path = "/giveaways/{id}/entries", tag = "Entries", summary = "Create an entry manually",
    description = "A \"User Details\" entry. A new e-mail creates the participant; an existing participant keeps their name. 409 when the participant is banned or disqualified, or a limit of the giveaway refuses it.",
    params(("id" = i64, Path, description = "The giveaway ID")),
    request_body = EntryInput,
    responses((status = 201, body = Envelope<CreatedEntry>), (status = 400, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn create_entry(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Body(input): Body<EntryInput>,
) -> V2Result {
    let c = state.engine.create_entry(&who, id, input).await?;
    let e = c.entry;
    Ok(created(CreatedEntry {
        id: e.id,
        user_id: e.user_id,
        user_name: e.user_name,
        user_email: e.user_email,
        entry_method: e.method_type,
        entry_method_name: method_name(e.method_type),
        entry_amount: e.amount,
        is_verified: e.is_verified != 0,
        is_new_user: c.is_new_user,
        timestamp: format_utc(e.created_at),
    }))
}

/// What a bulk request did.
#[derive(Serialize, ToSchema)]
pub struct BulkResult {
    created: usize,
    failed: usize,
    total: usize,
    /// The items that failed, by their index in `entries`, with the reason.
    #[schema(value_type = Vec<Object>)]
    errors: Vec<serde_json::Value>,
}

#[utoipa::path(post, path = "/giveaways/{id}/entries/bulk", tag = "Entries", summary = "Create multiple entries at once",
    description = "Up to 100 entries, each created on its own: an invalid or refused item is counted in `failed` and described in `errors`; the others are created.",
    params(("id" = i64, Path, description = "The giveaway ID")),
    request_body = BulkInput,
    responses((status = 201, body = Envelope<BulkResult>), (status = 400, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn bulk_entries(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Body(input): Body<BulkInput>,
) -> V2Result {
    let o = state.engine.bulk_entries(&who, id, input).await?;
    let errors = o
        .errors
        .iter()
        .map(|e| match &e.details {
            Some(details) => json!({ "index": e.index, "message": e.message, "details": details }),
            None => json!({ "index": e.index, "message": e.message }),
        })
        .collect();
    Ok(created(BulkResult {
        created: o.created,
        failed: o.total - o.created,
        total: o.total,
        errors,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct ImportResult {
    created: usize,
    failed: usize,
    total: usize,
    /// Participants the import created.
    new_participants: usize,
}

#[utoipa::path(post, path = "/giveaways/{id}/entries/import", tag = "Entries", summary = "Import up to 10,000 entries in one transaction",
    description = "Not in the SweepWidget reference. The body of the bulk endpoint, with up to 10,000 entries (and up to 8 MB), written in one transaction: either every entry is created, or none is. Any invalid or refused item makes it a 422 whose details name each such item (`entries[3].user_email`).",
    params(("id" = i64, Path, description = "The giveaway ID")),
    request_body = BulkInput,
    responses((status = 201, body = Envelope<ImportResult>), (status = 400, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 413, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn import_entries(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Body(input): Body<BulkInput>,
) -> V2Result {
    let o = state.engine.import_entries(&who, id, input).await?;
    Ok(created(ImportResult {
        created: o.created,
        failed: 0,
        total: o.created,
        new_participants: o.new_participants,
    }))
}

#[utoipa::path(delete, path = "/giveaways/{id}/entries/{entry_id}", tag = "Entries", summary = "Delete an entry",
    description = "Deletes the entry for good; the participant's total and the giveaway's counters are recomputed in the same transaction.",
    params(("id" = i64, Path, description = "The giveaway ID"), ("entry_id" = i64, Path, description = "The entry ID")),
    responses((status = 204), (status = 404, body = ErrorEnvelope)))]
pub async fn delete_entry(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, entry_id)): Path<(i64, i64)>,
) -> V2Result {
    state.engine.delete_entry(&who, id, entry_id).await?;
    Ok(no_content())
}

#[derive(Deserialize, IntoParams)]
pub struct ExportParams {
    /// Entry method type id.
    entry_method: Option<i64>,
    /// YYYY-MM-DD, UTC, inclusive.
    date_from: Option<String>,
    /// YYYY-MM-DD, UTC, inclusive.
    date_to: Option<String>,
    /// json (default): the documented envelope, at most 10,000 entries. csv or ndjson (not in the
    /// reference): every entry, streamed.
    #[param(value_type = Option<ExportFormat>, inline)]
    format: Option<String>,
}

/// One exported entry.
#[derive(Serialize, ToSchema)]
pub struct ExportItem {
    user_id: String,
    name: String,
    email: String,
    entry_method: i64,
    entry_method_name: &'static str,
    entry_amount: i64,
    timestamp: String,
    is_verified: bool,
    country: Option<String>,
    /// The entry ID.
    id: i64,
    entry_value: Option<String>,
}

fn export_item(e: EntryRow) -> ExportItem {
    ExportItem {
        user_id: e.user_id,
        name: e.user_name,
        email: e.user_email,
        entry_method: e.method_type,
        entry_method_name: method_name(e.method_type),
        entry_amount: e.amount,
        timestamp: format_utc(e.created_at),
        is_verified: e.is_verified != 0,
        country: e.country,
        id: e.id,
        entry_value: e.value,
    }
}

/// Set on JSON exports: `true` when more entries matched than the 10,000 returned.
const TRUNCATED_HEADER: &str = "x-export-truncated";

#[utoipa::path(get, path = "/giveaways/{id}/entries/export", tag = "Entries", summary = "Export all entries",
    description = "Entries in time order. As JSON (the default), the first 10,000 in the documented envelope, with the header `X-Export-Truncated: true` when more matched. With `format=csv` (a header row, then one row per entry) or `format=ndjson` (one JSON object per line), every entry, streamed from the database page by page.",
    params(("id" = i64, Path, description = "The giveaway ID"), ExportParams),
    responses((status = 200, description = "The entries, in the format asked for",
            content((Envelope<Vec<ExportItem>> = "application/json"), (String = "text/csv"), (String = "application/x-ndjson")),
            headers(("X-Export-Truncated" = String, description = "JSON only: true when more than 10,000 entries matched"))),
        (status = 400, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn export_entries(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Query(p): Query<ExportParams>,
) -> V2Result {
    let format = FORMATS
        .pick(p.format.as_deref(), "json")
        .map_err(EngineError::BadRequest)?;
    let query = EntryFilterInput {
        entry_method: p.entry_method,
        date_from: p.date_from.as_deref(),
        date_to: p.date_to.as_deref(),
        ..EntryFilterInput::default()
    }
    .parse(false)?;
    let Some(format) = format else {
        let (rows, truncated) = state.engine.export_entries(&who, id, &query).await?;
        let mut response = ok(rows.into_iter().map(export_item).collect::<Vec<_>>());
        response.headers_mut().insert(
            TRUNCATED_HEADER,
            HeaderValue::from_static(if truncated { "true" } else { "false" }),
        );
        return Ok(response);
    };
    let export = state.engine.stream_entries(&who, id, query).await?;
    let disposition = format!("attachment; filename=\"giveaway-{id}-entries.{}\"", format.extension());
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(format.content_type())),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).expect("a header-safe file name"),
            ),
        ],
        axum::body::Body::new(stream(export, format)),
    )
        .into_response())
}

/// The export's formats: `None` is the JSON envelope.
const FORMATS: Choices<Option<Format>> = Choices {
    name: "format",
    table: &[
        ("json", None),
        ("csv", Some(Format::Csv)),
        ("ndjson", Some(Format::Ndjson)),
    ],
};

string_enum!(
    /// The formats of the entry export.
    ExportFormat => FORMATS.values()
);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Csv,
    Ndjson,
}

impl Format {
    fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Ndjson => "application/x-ndjson",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Ndjson => "ndjson",
        }
    }
}

const CSV_HEADER: [&str; 11] = [
    "id",
    "user_id",
    "name",
    "email",
    "entry_method",
    "entry_method_name",
    "entry_amount",
    "entry_value",
    "timestamp",
    "is_verified",
    "country",
];

/// One page of rows, encoded.
fn encode(rows: Vec<EntryRow>, format: Format) -> Result<Bytes, BoxError> {
    match format {
        Format::Ndjson => {
            let mut out = Vec::with_capacity(rows.len() * 256);
            for row in rows {
                serde_json::to_writer(&mut out, &export_item(row))?;
                out.push(b'\n');
            }
            Ok(out.into())
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 160));
            for e in rows {
                w.write_record([
                    e.id.to_string().as_str(),
                    &e.user_id,
                    &spreadsheet_safe(&e.user_name),
                    &spreadsheet_safe(&e.user_email),
                    &e.method_type.to_string(),
                    method_name(e.method_type),
                    &e.amount.to_string(),
                    &spreadsheet_safe(e.value.as_deref().unwrap_or("")),
                    &format_utc(e.created_at),
                    if e.is_verified != 0 { "1" } else { "0" },
                    e.country.as_deref().unwrap_or(""),
                ])?;
            }
            Ok(w.into_inner().map_err(|e| e.into_error())?.into())
        }
    }
}

/// Participants type their own names: a cell that a spreadsheet would read as a formula gets a
/// leading apostrophe (OWASP's advice against CSV injection), so opening an export runs nothing.
fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Pages encoded ahead of the client: a producer that outruns a slow reader waits, so memory
/// holds at most this many pages however long the export.
const PAGES_AHEAD: usize = 2;

/// Streams the export: a task reads page after page and hands each, encoded, to the response
/// body. If the client goes away, the next hand-over fails and the task stops. A database error
/// midway aborts the body, so the client sees a broken transfer rather than a short file.
fn stream(mut export: EntryExport, format: Format) -> ChannelBody {
    let (tx, rx) = mpsc::channel::<Result<Bytes, BoxError>>(PAGES_AHEAD);
    tokio::spawn(async move {
        if format == Format::Csv {
            let mut w = csv::Writer::from_writer(Vec::new());
            let header = w
                .write_record(CSV_HEADER)
                .map_err(BoxError::from)
                .and_then(|()| w.into_inner().map_err(|e| BoxError::from(e.into_error())));
            if tx.send(header.map(Bytes::from)).await.is_err() {
                return;
            }
        }
        loop {
            let chunk = match export.next_page().await {
                Ok(None) => return,
                Ok(Some(rows)) => encode(rows, format),
                Err(e) => {
                    tracing::error!(error = %e, "entry export failed midway");
                    Err(e.into())
                }
            };
            let failed = chunk.is_err();
            if tx.send(chunk).await.is_err() || failed {
                return;
            }
        }
    });
    ChannelBody { rx }
}

/// A response body fed by a channel. (With `tokio-stream` this would be
/// `Body::from_stream(ReceiverStream::new(rx))`; the crate is not a dependency of ours.)
struct ChannelBody {
    rx: mpsc::Receiver<Result<Bytes, BoxError>>,
}

/// `http_body::Frame<Bytes>`, named through `http-body-util` (which we depend on) since
/// `http-body` itself is not a direct dependency.
type Frame =
    <<http_body_util::combinators::Frame<'static, http_body_util::Full<Bytes>> as Future>::Output as NextFrame>::Frame;

trait NextFrame {
    type Frame;
}

impl<F, E> NextFrame for Option<Result<F, E>> {
    type Frame = F;
}

impl HttpBody for ChannelBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame, BoxError>>> {
        self.rx
            .poll_recv(cx)
            .map(|next| next.map(|chunk| chunk.map(Frame::data)))
    }
}
