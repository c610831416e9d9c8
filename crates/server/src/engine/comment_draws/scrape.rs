//! `POST /v1/comments/scrape`: the comments and the pool a draw would use, without drawing.

use super::run::{NoProgress, RunFailure};
use super::{DrawEnv, parse_url_and_filters};
use crate::engine::{Engine, EngineResult, Principal};
use fairdraw_core::comments::{FiltersInput, normalize_handle};
use fairdraw_core::validation::FieldErrors;
use serde::Deserialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// Comments shown per person on a preview page.
const COMMENTS_PER_PERSON: usize = 20;

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct ScrapeInput {
    pub url: Option<String>,
    #[schema(value_type = Object)]
    pub filters: Option<FiltersInput>,
}

/// One person of the pool.
#[derive(Clone, Debug)]
pub struct PoolEntry {
    pub id: String,
    pub qualifying_comments: u64,
    pub weight: u64,
    /// Their qualifying comments, first ones first (at most 20).
    pub comments: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Preview {
    pub url: String,
    pub comments_processed: u64,
    pub pool_size: u64,
    pub total_weight: u64,
    /// This page, by pool id.
    pub entries: Vec<PoolEntry>,
    pub has_more: bool,
}

impl Engine {
    /// The pool page after `cursor` (a pool id), `limit` people long.
    pub async fn scrape(
        &self,
        who: &Principal,
        input: &ScrapeInput,
        cursor: Option<&str>,
        limit: usize,
        env: &DrawEnv<'_>,
    ) -> EngineResult<Result<Preview, RunFailure>> {
        let mut errors = FieldErrors::new();
        let parsed = parse_url_and_filters(input.url.as_deref(), input.filters.as_ref(), &mut errors);
        errors.into_result()?;
        let (url, source, filters) = parsed.expect("no errors means every part parsed");
        self.check_source(who.brand_id, &source).await?;
        let (tally, set) = match self
            .read_comments(who.brand_id, &source, filters, env, NoProgress)
            .await
        {
            Ok(read) => read,
            Err(RunFailure::Internal(e)) => return Err(e),
            Err(failure) => return Ok(Err(failure)),
        };
        let cursor = cursor.map(normalize_handle);
        let mut ids: Vec<(&str, u64)> = tally
            .counts()
            .filter(|(id, _)| cursor.as_deref().is_none_or(|c| *id > c))
            .collect();
        ids.sort_unstable();
        let has_more = ids.len() > limit;
        ids.truncate(limit);
        let mut comments: HashMap<String, Vec<String>> =
            ids.iter().map(|(id, _)| ((*id).to_owned(), Vec::new())).collect();
        let uploads_dir = env.uploads_dir.to_owned();
        set.for_each(&uploads_dir, |c| {
            if let Some(list) = comments.get_mut(&normalize_handle(&c.username))
                && list.len() < COMMENTS_PER_PERSON
                && tally.qualifying_handle(c).is_some()
            {
                list.push(c.text.clone());
            }
        });
        let entries = ids
            .iter()
            .map(|(id, n)| PoolEntry {
                id: (*id).to_owned(),
                qualifying_comments: *n,
                weight: tally.weight_of(*n),
                comments: comments.remove(*id).unwrap_or_default(),
            })
            .collect();
        let total_weight = tally.counts().map(|(_, n)| tally.weight_of(n)).sum();
        Ok(Ok(Preview {
            url,
            comments_processed: tally.processed(),
            pool_size: tally.people() as u64,
            total_weight,
            entries,
            has_more,
        }))
    }
}
