//! Instagram Graph API: the post is found by its shortcode among the connected business
//! account's media (`GET /{account_id}/media`, paged), and its comments read from
//! `GET /{media_id}/comments` with their replies, following `paging.next` to the end. Graph
//! writes times as `2026-04-28T14:23:11+0000`.

use super::http::{Http, Refusal, same_origin, with_query};
use crate::engine::comment_draws::{CommentPages, Credentials, FetchError, Page, PageFuture, Platform, PostRef};
use fairdraw_core::comments::{Comment, parse_instant};
use serde_json::Value;

const PLATFORM: Platform = Platform::Instagram;

enum Stage {
    /// Looking for the media; the next URL of the media list.
    FindMedia(String),
    /// Reading comments; the next URL of the comment list.
    Comments(String),
    Done,
}

pub struct InstagramPages {
    http: Http,
    base: String,
    shortcode: String,
    token: String,
    owner: Option<String>,
    stage: Stage,
}

impl InstagramPages {
    pub fn new(http: Http, base: &str, post: &PostRef, creds: Credentials) -> InstagramPages {
        let account = creds.account_id.clone().unwrap_or_default();
        InstagramPages {
            http,
            base: base.to_owned(),
            shortcode: post.id.clone(),
            stage: Stage::FindMedia(format!(
                "{base}/{account}/media?fields=id,shortcode,permalink,username,timestamp&limit=100"
            )),
            token: creds.access_token,
            owner: None,
        }
    }

    async fn get(&self, url: &str) -> Result<Value, FetchError> {
        if !same_origin(&self.base, url) {
            return Err(fail(
                true,
                "the API answered a next page on another host; it was not followed".to_owned(),
            ));
        }
        let token = self.token.clone();
        match self
            .http
            .json(PLATFORM, |c| c.get(with_query(url, &[("access_token", &token)])))
            .await?
        {
            Ok(v) => Ok(v),
            Err(refusal) => Err(explain(&refusal)),
        }
    }

    fn matches(&self, media: &Value) -> bool {
        let code = &self.shortcode;
        media["shortcode"].as_str() == Some(code.as_str())
            || media["permalink"].as_str().is_some_and(|p| {
                ["/p/", "/reel/", "/tv/"]
                    .iter()
                    .any(|k| p.contains(&format!("{k}{code}/")) || p.ends_with(&format!("{k}{code}")))
            })
    }

    async fn step(&mut self) -> Result<Option<Page>, FetchError> {
        loop {
            match &self.stage {
                Stage::Done => return Ok(None),
                Stage::FindMedia(url) => {
                    let v = self.get(&url.clone()).await?;
                    let found = v["data"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .find(|m| self.matches(m))
                        .cloned();
                    if let Some(media) = found {
                        let id = media["id"].as_str().unwrap_or_default().to_owned();
                        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                            return Err(fail(true, "the media has no usable id".to_owned()));
                        }
                        self.owner = media["username"].as_str().map(str::to_owned);
                        self.stage = Stage::Comments(format!(
                            "{}/{id}/comments?fields=id,text,timestamp,username,replies{{id,text,timestamp,username}}&limit=50",
                            self.base
                        ));
                        continue;
                    }
                    match v["paging"]["next"].as_str() {
                        Some(next) => self.stage = Stage::FindMedia(next.to_owned()),
                        None => {
                            return Err(fail(
                                true,
                                format!(
                                    "the post {} is not among the connected account's media; connect the account \
                                     that published it",
                                    self.shortcode
                                ),
                            ));
                        }
                    }
                }
                Stage::Comments(url) => {
                    let v = self.get(&url.clone()).await?;
                    let mut comments = Vec::new();
                    for c in v["data"].as_array().into_iter().flatten() {
                        comments.push(comment(c, None));
                        let parent = c["id"].as_str().map(str::to_owned);
                        for r in c["replies"]["data"].as_array().into_iter().flatten() {
                            comments.push(comment(r, parent.clone()));
                        }
                        // A comment with many replies carries their first page only.
                        let mut next = c["replies"]["paging"]["next"].as_str().map(str::to_owned);
                        while let Some(url) = next {
                            let page = self.get(&url).await?;
                            for r in page["data"].as_array().into_iter().flatten() {
                                comments.push(comment(r, parent.clone()));
                            }
                            next = page["paging"]["next"].as_str().map(str::to_owned);
                        }
                    }
                    self.stage = match v["paging"]["next"].as_str() {
                        Some(next) => Stage::Comments(next.to_owned()),
                        None => Stage::Done,
                    };
                    return Ok(Some(Page {
                        comments,
                        owner: self.owner.clone(),
                    }));
                }
            }
        }
    }
}

fn comment(v: &Value, parent_id: Option<String>) -> Comment {
    Comment {
        id: v["id"].as_str().map(str::to_owned),
        username: v["username"].as_str().unwrap_or_default().to_owned(),
        text: v["text"].as_str().unwrap_or_default().to_owned(),
        timestamp: v["timestamp"].as_str().and_then(parse_instant),
        parent_id,
        by_owner: false,
    }
}

fn fail(permanent: bool, message: String) -> FetchError {
    FetchError {
        platform: PLATFORM,
        permanent,
        message,
    }
}

/// Graph's error object in words: code 190 is an expired or revoked token.
fn explain(r: &Refusal) -> FetchError {
    let e = &r.body["error"];
    let said = e["message"].as_str().unwrap_or("no message");
    match e["code"].as_i64() {
        Some(190) => fail(
            true,
            format!(
                "the access token has expired or was revoked (Graph API error 190: {said}); reconnect the account with \
                 POST /v1/connections"
            ),
        ),
        Some(10 | 200..=299) => fail(
            true,
            format!("the token lacks a permission this needs (instagram_basic, instagram_manage_comments): {said}"),
        ),
        Some(code) => fail(true, format!("Graph API error {code} (HTTP {}): {said}", r.status)),
        None => fail(true, format!("HTTP {}: {said}", r.status)),
    }
}

impl CommentPages for InstagramPages {
    fn next_page(&mut self) -> PageFuture<'_> {
        Box::pin(self.step())
    }
}
