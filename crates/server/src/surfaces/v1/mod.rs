//! The draws API on `/v1`, shaped like the PickAWin reference: plain JSON objects (no envelope),
//! cursor pagination, Bearer keys. For now: public verification of draws.

mod verify;

use crate::app::AppState;
use utoipa_axum::router::OpenApiRouter;

pub fn router(_state: AppState) -> OpenApiRouter<AppState> {
    OpenApiRouter::new().merge(verify::routes())
}
