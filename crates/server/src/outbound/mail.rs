//! E-mail (being built).

use crate::app::AppState;
use crate::config::Config;
use crate::worker::{Job, JobError};

#[derive(Debug)]
pub struct Mailer {}

impl Mailer {
    pub fn new(config: &Config) -> Result<Mailer, String> {
        let _ = config;
        Ok(Mailer {})
    }
}

/// Runs an `email.*` job.
pub async fn send_job(state: &AppState, job: &Job) -> Result<(), JobError> {
    let _ = (state, job);
    Err(JobError::retry("e-mail is not available yet"))
}
