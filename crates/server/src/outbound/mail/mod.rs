//! E-mail: the `email.*` jobs of the queue, sent over SMTP with lettre, or, with no SMTP server
//! configured, written as `.eml` files to `data_dir/outbox` so a newcomer sees what would have
//! gone out.
//!
//! Every message carries a Message-ID derived from what the job is about (the winner, the reward
//! and participant, or the job), so a job run again after a crash between sending and recording
//! sends a message the receiver can recognise as the same one. Addresses and bodies are never
//! logged, nor are SMTP replies (which often quote the address).

mod kinds;
pub mod templates;

use crate::app::AppState;
use crate::config::Config;
use crate::worker::{Job, JobError};
use fairdraw_core::validation::Email;
use kinds::Outcome;
use lettre::message::Mailbox;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;
use templates::Letter;

/// How long one SMTP conversation step may take; well inside the worker's per-job timeout.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// The folder under the data dir that holds e-mails when no SMTP server is configured.
pub const OUTBOX_DIR: &str = "outbox";

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(PathBuf),
}

/// Sends e-mails. Built once from the configuration.
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    /// The right-hand side of Message-IDs: the domain of the From address.
    id_domain: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let transport = match &self.transport {
            Transport::Smtp(_) => "smtp".to_owned(),
            Transport::Outbox(dir) => format!("outbox {}", dir.display()),
        };
        f.debug_struct("Mailer")
            .field("transport", &transport)
            .field("from", &self.from.to_string())
            .finish()
    }
}

impl Mailer {
    /// Checks the From address and the SMTP URL (`smtp://`, `smtps://`, `smtp://…?tls=required`,
    /// optional `user:password@`); the URL is never part of an error, since it may hold a password.
    pub fn new(config: &Config) -> Result<Mailer, String> {
        let from: Mailbox = config
            .outbound
            .mail_from
            .parse()
            .map_err(|e| format!("FAIRDRAW_MAIL_FROM is not a valid mailbox: {e}"))?;
        let id_domain = from.email.domain().to_owned();
        let transport = match &config.outbound.smtp_url {
            Some(url) => {
                let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose()).map_err(|_| {
                    "FAIRDRAW_SMTP_URL is not a valid smtp://, smtps:// or smtp://…?tls=required URL".to_owned()
                })?;
                Transport::Smtp(builder.timeout(Some(SMTP_TIMEOUT)).build())
            }
            None => Transport::Outbox(config.data_dir.join(OUTBOX_DIR)),
        };
        Ok(Mailer {
            transport,
            from,
            id_domain,
        })
    }

    /// Whether e-mails go to an SMTP server (rather than the outbox folder).
    pub fn is_smtp(&self) -> bool {
        matches!(self.transport, Transport::Smtp(_))
    }

    /// Sends one letter. SMTP refusals with a 5xx code are permanent; everything else (4xx, a
    /// server that is down or slow, TLS trouble, a full disk) may pass and is retried.
    pub async fn send(&self, letter: &Letter, now_ms: i64) -> Result<(), JobError> {
        let message = letter
            .message(&self.from, &self.id_domain, now_ms)
            .map_err(|e| JobError::permanent(e.to_string()))?;
        self.send_message(message).await
    }

    /// Removes the outbox's e-mails addressed to the address with digest `digest` (see
    /// [`Email::digest`]); an erasure queues this. Nothing to do when mail goes over SMTP: what
    /// was handed to a mail server is beyond reach. Returns how many e-mails were removed.
    pub async fn erase_from_outbox(&self, digest: &str) -> Result<usize, JobError> {
        let Transport::Outbox(dir) = &self.transport else {
            return Ok(0);
        };
        let (dir, digest) = (dir.clone(), digest.to_owned());
        tokio::task::spawn_blocking(move || remove_addressed(&dir, &digest))
            .await
            .map_err(|e| JobError::retry(format!("the outbox task failed: {e}")))?
    }

    async fn send_message(&self, message: Message) -> Result<(), JobError> {
        match &self.transport {
            Transport::Smtp(smtp) => match smtp.send(message).await {
                Ok(_) => Ok(()),
                Err(e) => Err(smtp_error(&e)),
            },
            Transport::Outbox(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| JobError::retry(format!("creating the outbox {}: {e}", dir.display())))?;
                let id = AsyncFileTransport::<Tokio1Executor>::new(dir)
                    .send(message)
                    .await
                    .map_err(|e| JobError::retry(format!("writing to the outbox {}: {e}", dir.display())))?;
                let path = dir.join(format!("{id}.eml"));
                tracing::info!(
                    path = %path.display(),
                    "no SMTP server is configured (FAIRDRAW_SMTP_URL): an e-mail was written to the outbox"
                );
                Ok(())
            }
        }
    }
}

/// What went wrong, in words that hold no address: the reply code, not the server's text.
fn smtp_error(e: &lettre::transport::smtp::Error) -> JobError {
    match e.status() {
        Some(code) if e.is_permanent() => JobError::permanent(format!("the SMTP server refused the message ({code})")),
        Some(code) => JobError::retry(format!("the SMTP server deferred the message ({code})")),
        None if e.is_timeout() => JobError::retry("the SMTP server did not answer in time"),
        None if e.is_tls() => JobError::retry("TLS with the SMTP server failed"),
        None => {
            let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
            while let Some(s) = source {
                if let Some(io) = s.downcast_ref::<std::io::Error>() {
                    return JobError::retry(format!("the SMTP server could not be reached: {}", io.kind()));
                }
                source = s.source();
            }
            JobError::retry("the SMTP conversation failed")
        }
    }
}

/// The `.eml` files of `dir` with a recipient whose address has digest `digest`, removed.
fn remove_addressed(dir: &std::path::Path, digest: &str) -> Result<usize, JobError> {
    let failed = |what: &str, e: std::io::Error| JobError::retry(format!("{what} the outbox {}: {e}", dir.display()));
    let listing = match std::fs::read_dir(dir) {
        Ok(listing) => listing,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(failed("listing", e)),
    };
    let mut removed = 0;
    for file in listing {
        let path = file.map_err(|e| failed("listing", e))?.path();
        if path.extension().and_then(|x| x.to_str()) != Some("eml") {
            continue;
        }
        let raw = match std::fs::read(&path) {
            Ok(raw) => raw,
            // Removed meanwhile (by a second run of this job, or by hand).
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(failed("reading", e)),
        };
        if !recipients(&raw).iter().any(|address| address.digest() == digest) {
            continue;
        }
        match std::fs::remove_file(&path) {
            Ok(()) => removed += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(failed("removing from", e)),
        }
    }
    Ok(removed)
}

/// The To, Cc and Bcc addresses of a message, canonical; those that are not addresses are left out.
fn recipients(raw: &[u8]) -> Vec<Email> {
    let Some(m) = mail_parser::MessageParser::default().parse_headers(raw) else {
        return Vec::new();
    };
    [m.to(), m.cc(), m.bcc()]
        .into_iter()
        .flatten()
        .flat_map(|list| list.iter())
        .filter_map(|a| Email::parse(a.address()?).ok())
        .collect()
}

#[derive(serde::Deserialize)]
struct OutboxErasure {
    address_sha256: String,
}

/// Runs the outbox erasure an erasure queued (`engine::privacy::OUTBOX_ERASURE_JOB`).
pub async fn erase_job(state: &AppState, job: &Job) -> Result<(), JobError> {
    let p: OutboxErasure = job.payload()?;
    let removed = state.outbound.mail.erase_from_outbox(&p.address_sha256).await?;
    if removed > 0 {
        tracing::info!(
            job = job.id(),
            removed,
            "e-mails of an erased person removed from the outbox"
        );
    }
    Ok(())
}

/// Runs an `email.*` job.
pub async fn send_job(state: &AppState, job: &Job) -> Result<(), JobError> {
    let kind = job.claimed.kind.as_str();
    let outcome = match kind {
        kinds::VERIFICATION => kinds::verification(state, job).await?,
        kinds::CONFIRMATION => kinds::confirmation(state, job).await?,
        kinds::REWARD => kinds::reward(state, job).await?,
        kinds::WINNER => kinds::winner(state, job).await?,
        _ => return Err(JobError::permanent(format!("no e-mail is sent for job kind {kind:?}"))),
    };
    match outcome {
        // Queued before the person was erased: the address left in its place reaches nobody.
        Outcome::Send(letter) if Email::is_erased(&letter.to_email) => {
            tracing::info!(
                job = job.id(),
                kind,
                reason = "the recipient was erased",
                "e-mail not sent"
            );
        }
        Outcome::Send(letter) => {
            let mailer = &state.outbound.mail;
            mailer.send(&letter, state.engine.now_ms()).await?;
            if mailer.is_smtp() {
                tracing::info!(job = job.id(), kind, "e-mail sent");
            }
        }
        Outcome::Skip(why) => tracing::info!(job = job.id(), kind, reason = why, "e-mail not sent"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConfigLayer;
    use fairdraw_core::secret::Secret;

    fn mailer(smtp_url: Option<&str>, mail_from: Option<&str>) -> Result<Mailer, String> {
        crate::tls::install_tls_provider();
        let config = ConfigLayer {
            database_url: Some(Secret::new("sqlite::memory:".to_owned())),
            data_dir: Some("/srv/fairdraw".into()),
            smtp_url: smtp_url.map(|u| Secret::new(u.to_owned())),
            mail_from: mail_from.map(str::to_owned),
            ..ConfigLayer::default()
        }
        .resolve()
        .expect("config");
        Mailer::new(&config)
    }

    #[test]
    fn smtp_urls_of_every_documented_form_are_accepted() {
        for url in [
            "smtp://127.0.0.1:2525",
            "smtp://mail.example.com",
            "smtps://user:p%40ss@mail.example.com:465",
            "smtp://user:secret@mail.example.com:587?tls=required",
        ] {
            let m = mailer(Some(url), None).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert!(m.is_smtp(), "{url}");
            assert!(!format!("{m:?}").contains("secret"), "{m:?}");
        }
        let m = mailer(None, Some("Brand <hello@brand.example>")).unwrap();
        assert!(!m.is_smtp());
        assert_eq!(m.id_domain, "brand.example");
        assert!(format!("{m:?}").contains("/srv/fairdraw/outbox"), "{m:?}");
    }

    #[test]
    fn bad_settings_are_refused_without_echoing_the_password() {
        let e = mailer(Some("smtp://user:secret@mail.example.com?tls=sometimes"), None).unwrap_err();
        assert!(e.contains("FAIRDRAW_SMTP_URL") && !e.contains("secret"), "{e}");
        let e = mailer(Some("smtp://"), None).unwrap_err();
        assert!(e.contains("FAIRDRAW_SMTP_URL"), "{e}");
        let e = mailer(None, Some("not a mailbox")).unwrap_err();
        assert!(e.contains("FAIRDRAW_MAIL_FROM"), "{e}");
    }
}
