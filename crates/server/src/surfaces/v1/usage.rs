//! `GET /v1/usage?month=YYYY-MM[&format=csv]`: completed draws and their amount per tier, or
//! the invoice lines as CSV. Failed draws are never billed.

use super::{Caller, ErrorBody, Query, V1Error, V1Result};
use crate::app::AppState;
use crate::engine::EngineError;
use crate::engine::comment_draws::usage::dollars;
use crate::surfaces::enums::string_enum;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use fairdraw_core::time::format_rfc3339;
use serde::Deserialize;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_usage))
}

string_enum!(
    /// The formats of the usage report.
    UsageFormat => ["json", "csv"]
);

#[derive(Deserialize)]
pub struct UsageQuery {
    month: Option<String>,
    format: Option<String>,
}

#[utoipa::path(get, path = "/usage", tag = "Draw usage", summary = "Billed draws of a month",
    params(("month" = Option<String>, Query, description = "YYYY-MM (UTC); default this month"),
        ("format" = inline(Option<UsageFormat>), Query, description = "json (default) or csv: the invoice lines")),
    responses((status = 200, description = "The month's draws: JSON, or with `format=csv` the invoice lines",
            content((Object = "application/json"), (String = "text/csv"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn get_usage(State(state): State<AppState>, Caller(who): Caller, Query(q): Query<UsageQuery>) -> V1Result {
    let csv = match q.format.as_deref().map(str::trim) {
        None | Some("" | "json") => false,
        Some("csv") => true,
        Some(_) => return Err(V1Error(EngineError::BadRequest("format is json or csv.".to_owned()))),
    };
    let (month, lines) = state.engine.comment_draw_usage(&who, q.month.as_deref()).await?;
    if csv {
        let mut out = csv::Writer::from_writer(Vec::new());
        let fail = |e: csv::Error| V1Error(EngineError::Internal(Box::new(e)));
        out.write_record(["date", "draw_id", "url", "tier", "amount_usd"])
            .map_err(fail)?;
        for l in &lines {
            out.write_record([
                format_rfc3339(l.completed_at).as_str(),
                &l.public_id,
                &l.url,
                &l.tier,
                &dollars(l.price_cents),
            ])
            .map_err(fail)?;
        }
        let bytes = out
            .into_inner()
            .map_err(|e| V1Error(EngineError::Internal(e.to_string().into())))?;
        let disposition = format!("attachment; filename=\"usage-{}.csv\"", month.label());
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            bytes,
        )
            .into_response());
    }
    let tier = |name: &str| {
        let (n, cents) = lines
            .iter()
            .filter(|l| l.tier == name)
            .fold((0i64, 0i64), |(n, c), l| (n + 1, c + l.price_cents));
        json!({ "draws": n, "amount": dollars(cents), "amount_cents": cents })
    };
    let total: i64 = lines.iter().map(|l| l.price_cents).sum();
    Ok(Json(json!({
        "month": month.label(),
        "currency": "usd",
        "tiers": { "standard": tier("standard"), "premium": tier("premium") },
        "total": { "draws": lines.len(), "amount": dollars(total), "amount_cents": total },
    }))
    .into_response())
}
