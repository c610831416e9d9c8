//! Uploaded comment files: checked whole on upload (a bad row is refused with its line), then
//! kept as sent in the data dir, where each draw of `upload://<id>` reads it again as a stream.

use super::run::RunFailure;
use crate::engine::{Engine, EngineError, EngineResult, Principal, random_bytes};
use fairdraw_core::comments::time_ordered_id;
use fairdraw_core::comments::upload::{self, Format, UploadError};
use fairdraw_store::comment_draws::UploadRow;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The largest file accepted.
pub const MAX_UPLOAD_BYTES: usize = 50 * 1024 * 1024;

pub fn file_path(uploads_dir: &Path, upload: &UploadRow) -> PathBuf {
    uploads_dir.join(format!("{}.{}", upload.public_id, upload.format))
}

pub fn format_of(upload: &UploadRow) -> Result<Format, RunFailure> {
    Format::parse(&upload.format).ok_or_else(|| {
        RunFailure::Internal(EngineError::Internal(
            format!("upload format {:?}", upload.format).into(),
        ))
    })
}

/// Why an upload was refused: a 400 naming the line.
#[derive(Debug)]
pub enum UploadRefused {
    Invalid(UploadError),
    Engine(EngineError),
}

impl From<EngineError> for UploadRefused {
    fn from(e: EngineError) -> Self {
        UploadRefused::Engine(e)
    }
}

impl Engine {
    /// Checks `bytes` as `format` (or what it looks like) and keeps it.
    pub async fn save_upload(
        &self,
        who: &Principal,
        bytes: std::sync::Arc<[u8]>,
        format: Option<Format>,
        uploads_dir: &Path,
    ) -> Result<UploadRow, UploadRefused> {
        let format = format.unwrap_or_else(|| Format::sniff(&bytes[..bytes.len().min(64)]));
        let checked = bytes.clone();
        let count = tokio::task::spawn_blocking(move || upload::read(format, &checked[..], |_| {}))
            .await
            .map_err(|e| EngineError::Internal(format!("the upload check failed: {e}").into()))?
            .map_err(UploadRefused::Invalid)?;
        if count == 0 {
            return Err(UploadRefused::Invalid(UploadError {
                line: None,
                message: "the file holds no comments".to_owned(),
            }));
        }
        let now = self.now_ms();
        let row = UploadRow {
            id: 0,
            public_id: format!("upload_{}", time_ordered_id(now, random_bytes())),
            brand_id: who.brand_id,
            format: format.as_str().to_owned(),
            comment_count: i64::try_from(count).unwrap_or(i64::MAX),
            byte_size: bytes.len() as i64,
            sha256: hex::encode(Sha256::digest(&bytes[..])),
            created_at: now,
        };
        let path = file_path(uploads_dir, &row);
        let dir = uploads_dir.to_owned();
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            std::fs::create_dir_all(&dir)?;
            // Written beside and renamed, so a draw never reads half a file.
            let tmp = path.with_extension("part");
            std::fs::write(&tmp, &bytes[..])?;
            std::fs::rename(&tmp, &path)
        })
        .await
        .map_err(|e| EngineError::Internal(format!("the upload write failed: {e}").into()))?
        .map_err(|e| EngineError::Internal(Box::new(e)))?;
        let id = self.db().insert_upload(&row).await.map_err(EngineError::from)?;
        Ok(UploadRow { id, ..row })
    }

    pub async fn upload(&self, who: &Principal, public_id: &str) -> EngineResult<UploadRow> {
        self.db()
            .upload(who.brand_id, public_id)
            .await?
            .ok_or(EngineError::NotFound("Upload"))
    }
}
