//! Public pages for people rather than programs: the verify page and the PDF certificate.

mod certificate;
mod claim_page;
mod verify_page;

use crate::app::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(verify_page::routes())
        .merge(certificate::routes())
        .merge(claim_page::routes())
}
