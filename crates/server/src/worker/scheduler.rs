//! The scheduler: timed work that no request causes. Each tick announces giveaways that have
//! gone live or ended since the last one (see `Engine::announce_due_giveaways`). Every instance
//! with workers ticks; the announcements are claimed in the database, so none is made twice.

use crate::app::AppState;
use crate::engine::EngineResult;

/// One pass; safe to run on every instance at once.
pub async fn tick(state: &AppState) -> EngineResult<()> {
    let done = state.engine.announce_due_giveaways().await?;
    if done.published > 0 || done.expired > 0 {
        tracing::info!(
            published = done.published,
            expired = done.expired,
            "announced giveaway transitions"
        );
    }
    // Claim deadlines have their own jobs; the sweep catches any whose job is still queued
    // behind others, and is safe beside them (a win is forfeited once).
    match state.engine.expire_due_claims().await {
        Ok(0) => {}
        Ok(expired) => tracing::info!(expired, "expired unclaimed wins"),
        Err(e) => tracing::warn!(error = %e, "expiring unclaimed wins failed"),
    }
    // The same for chat giveaways and comment draws (engine/result_claims.rs).
    match state.engine.expire_due_result_claims().await {
        Ok(0) => {}
        Ok(expired) => tracing::info!(expired, "expired unclaimed result wins"),
        Err(e) => tracing::warn!(error = %e, "expiring unclaimed result wins failed"),
    }
    let draws = state.engine.queue_due_chat_draws().await?;
    if draws > 0 {
        tracing::info!(draws, "queued chat giveaway draws");
    }
    Ok(())
}
