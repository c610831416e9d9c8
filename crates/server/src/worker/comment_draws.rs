//! The `comment_draw.run` job: a draw whose request stopped waiting (or whose instance went
//! away) is read and drawn here, from the first page again. A platform failure that may pass
//! is retried with the queue's backoff; one that will not, or the last attempt, fails the draw
//! and sends `draw.failed`.

use super::{Job, JobError};
use crate::app::AppState;
use crate::engine::comment_draws::RunFailure;

#[derive(serde::Deserialize)]
struct Payload {
    comment_draw_id: i64,
}

pub async fn run_job(state: &AppState, job: &Job) -> Result<(), JobError> {
    let p: Payload = job.payload()?;
    let engine = &state.engine;
    let row = engine
        .db()
        .comment_draw_by_id(p.comment_draw_id)
        .await
        .map_err(|e| JobError::retry(format!("comment draw store: {e}")))?;
    let Some(row) = row.filter(|r| r.status == "processing") else {
        // Finished by its request, or by an earlier run.
        return Ok(());
    };
    let env = crate::connectors::draw_env(state);
    let failure = match engine.run_comment_draw(&row, &env, false).await {
        Ok(()) => return Ok(()),
        Err(f) => f,
    };
    let passing = match &failure {
        RunFailure::Platform(e) => !e.permanent,
        RunFailure::Internal(_) => true,
        RunFailure::Unprocessable { .. } => false,
        RunFailure::Beacon(w) => {
            tracing::info!(draw = %row.public_id, reason = %w, "comment draw waits for its drand round");
            true
        }
    };
    if passing && !job.is_last_attempt() {
        return Err(JobError::retry(failure.message_for_log()));
    }
    engine
        .fail_comment_draw(&row, &failure)
        .await
        .map_err(|e| JobError::retry(format!("recording the failure: {e}")))?;
    Ok(())
}
