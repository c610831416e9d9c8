//! TikTok Research API: `POST /v2/research/video/comment/list/` with cursor paging
//! (`cursor`, `has_more`), a client-credentials token from the brand's `tiktok` connection.
//!
//! TikTok's access rules: the Research API is granted only to approved non-profit researchers,
//! and its comment objects carry no commenter names (id, text, times and counts only). When a
//! comment has no `username`, it is entered under its comment id (`comment_<id>`), so the draw
//! can still be made and checked; brands that need named winners export the comments with
//! their names and draw from an upload (`POST /v1/comments/uploads`).

use super::http::{Http, Refusal, with_query};
use crate::engine::comment_draws::{CommentPages, Credentials, FetchError, Page, PageFuture, Platform, PostRef};
use fairdraw_core::comments::Comment;
use serde_json::{Value, json};

const PLATFORM: Platform = Platform::Tiktok;
const FIELDS: &str = "id,video_id,text,like_count,reply_count,parent_comment_id,create_time";

pub struct TiktokPages {
    http: Http,
    base: String,
    video: String,
    token: String,
    /// `None` after the last page.
    cursor: Option<i64>,
}

impl TiktokPages {
    pub fn new(http: Http, base: &str, post: &PostRef, creds: Credentials) -> TiktokPages {
        TiktokPages {
            http,
            base: base.to_owned(),
            video: post.id.clone(),
            token: creds.access_token,
            cursor: Some(0),
        }
    }

    async fn step(&mut self) -> Result<Option<Page>, FetchError> {
        let Some(cursor) = self.cursor else { return Ok(None) };
        let url = format!("{}/v2/research/video/comment/list/", self.base);
        let video: i64 = self.video.parse().map_err(|_| FetchError {
            platform: PLATFORM,
            permanent: true,
            message: "the video id is not a number".to_owned(),
        })?;
        let body = json!({ "video_id": video, "max_count": 100, "cursor": cursor });
        let token = self.token.clone();
        let v = match self
            .http
            .json(PLATFORM, |c| {
                c.post(with_query(&url, &[("fields", FIELDS)]))
                    .bearer_auth(&token)
                    .json(&body)
            })
            .await?
        {
            Ok(v) => v,
            Err(r) => return Err(explain(&r)),
        };
        let code = v["error"]["code"].as_str().unwrap_or("ok");
        if code != "ok" {
            return Err(explain(&Refusal { status: 200, body: v }));
        }
        let data = &v["data"];
        let comments = data["comments"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                let id = scalar(&c["id"]);
                let username = c["username"]
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("comment_{}", id.clone().unwrap_or_default()));
                Comment {
                    id,
                    username,
                    text: c["text"].as_str().unwrap_or_default().to_owned(),
                    timestamp: c["create_time"].as_i64().map(|s| s * 1000),
                    parent_id: scalar(&c["parent_comment_id"])
                        .filter(|p| Some(p.as_str()) != scalar(&c["video_id"]).as_deref() && p != "0"),
                    by_owner: false,
                }
            })
            .collect();
        self.cursor = if data["has_more"].as_bool() == Some(true) {
            data["cursor"].as_i64()
        } else {
            None
        };
        Ok(Some(Page { comments, owner: None }))
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn explain(r: &Refusal) -> FetchError {
    let e = &r.body["error"];
    let code = e["code"].as_str().unwrap_or_default();
    let said = e["message"].as_str().unwrap_or("no message");
    let message = match code {
        "access_token_invalid" => format!(
            "the access token is invalid or has expired ({said}); client-credentials tokens last two hours: \
             reconnect with POST /v1/connections"
        ),
        "scope_not_authorized" | "scope_permission_missed" => format!(
            "this app has no Research API access ({said}); without it, export the comments and use \
             POST /v1/comments/uploads"
        ),
        _ => format!("HTTP {} {code}: {said}", r.status),
    };
    FetchError {
        platform: PLATFORM,
        permanent: true,
        message,
    }
}

impl CommentPages for TiktokPages {
    fn next_page(&mut self) -> PageFuture<'_> {
        Box::pin(self.step())
    }
}
