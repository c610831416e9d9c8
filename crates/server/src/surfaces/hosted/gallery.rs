//! Photo contests on the hosted page: the photo upload of an "Upload a Photo" method (a
//! multipart form post, so it works without JavaScript), the votes (a plain form post per
//! photo), and the gallery as the template shows it. Both posts call the engine
//! ([`Engine::submit_photo`], [`Engine::vote_photo`]) and answer like the page's other posts: a
//! 303 back to the page, or the page again with the message next to the method or the photo.
//!
//! [`Engine::submit_photo`]: crate::engine::Engine::submit_photo
//! [`Engine::vote_photo`]: crate::engine::Engine::vote_photo

use super::forms::{self, Shown};
use super::i18n::{Strings, with_n};
use super::view::{Outcome, short_name};
use super::{csp, html, not_found, query, redirect, render, server_error, strings, token_cookie};
use crate::app::AppState;
use crate::engine::EngineError;
use crate::engine::public_entries::gallery::{PHOTO_FIELD, PhotoUpload, VoteInput};
use crate::engine::public_entries::page::PublicPage;
use crate::engine::public_entries::{PublicError, Rule};
use crate::surfaces::public::ClientOrigin;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, RawQuery, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        // The photo's size is checked as it is read, against the configured limit.
        .routes(routes!(post_photo))
        .layer(DefaultBodyLimit::disable())
        .routes(routes!(post_vote))
}

/// The gallery's words, in the page's languages.
pub struct GalleryStrings {
    pub gallery: &'static str,
    pub photo: &'static str,
    pub caption: &'static str,
    pub upload: &'static str,
    pub photo_hint: &'static str,
    pub photo_invalid: &'static str,
    pub caption_invalid: &'static str,
    pub uploaded: &'static str,
    pub vote: &'static str,
    pub votes: &'static str,
    pub one_vote: &'static str,
    pub voted: &'static str,
    pub vote_counted: &'static str,
    pub already_voted: &'static str,
    pub enter_to_vote: &'static str,
    pub no_photos: &'static str,
    pub by: &'static str,
    pub most_voted: &'static str,
}

static EN: GalleryStrings = GalleryStrings {
    gallery: "Gallery",
    photo: "Your photo",
    caption: "Caption",
    upload: "Upload photo",
    photo_hint: "PNG, JPEG or WebP, up to {n} MB. Location and camera data are removed.",
    photo_invalid: "Please choose a PNG, JPEG or WebP photo of at most {n} MB.",
    caption_invalid: "The caption is too long.",
    uploaded: "Thanks! Your photo is waiting for approval.",
    vote: "Vote",
    votes: "{n} votes",
    one_vote: "1 vote",
    voted: "You voted today",
    vote_counted: "Your vote was counted.",
    already_voted: "You already voted for this photo today. You can vote again tomorrow.",
    enter_to_vote: "Enter the giveaway to vote.",
    no_photos: "No photos yet.",
    by: "by",
    most_voted: "Most voted: winner",
};

static ES: GalleryStrings = GalleryStrings {
    gallery: "Galería",
    photo: "Tu foto",
    caption: "Descripción",
    upload: "Subir foto",
    photo_hint: "PNG, JPEG o WebP, hasta {n} MB. Se eliminan los datos de ubicación y de cámara.",
    photo_invalid: "Elige una foto PNG, JPEG o WebP de {n} MB como máximo.",
    caption_invalid: "La descripción es demasiado larga.",
    uploaded: "¡Gracias! Tu foto está pendiente de aprobación.",
    vote: "Votar",
    votes: "{n} votos",
    one_vote: "1 voto",
    voted: "Ya votaste hoy",
    vote_counted: "Tu voto se ha contado.",
    already_voted: "Ya votaste por esta foto hoy. Podrás votar de nuevo mañana.",
    enter_to_vote: "Participa en el sorteo para votar.",
    no_photos: "Todavía no hay fotos.",
    by: "de",
    most_voted: "Más votada: ganadora",
};

static PT: GalleryStrings = GalleryStrings {
    gallery: "Galeria",
    photo: "Sua foto",
    caption: "Legenda",
    upload: "Enviar foto",
    photo_hint: "PNG, JPEG ou WebP, até {n} MB. Dados de localização e da câmera são removidos.",
    photo_invalid: "Escolha uma foto PNG, JPEG ou WebP de no máximo {n} MB.",
    caption_invalid: "A legenda é longa demais.",
    uploaded: "Obrigado! Sua foto aguarda aprovação.",
    vote: "Votar",
    votes: "{n} votos",
    one_vote: "1 voto",
    voted: "Você votou hoje",
    vote_counted: "Seu voto foi contado.",
    already_voted: "Você já votou nesta foto hoje. Poderá votar de novo amanhã.",
    enter_to_vote: "Participe do sorteio para votar.",
    no_photos: "Ainda não há fotos.",
    by: "por",
    most_voted: "Mais votada: vencedora",
};

static FR: GalleryStrings = GalleryStrings {
    gallery: "Galerie",
    photo: "Votre photo",
    caption: "Légende",
    upload: "Envoyer la photo",
    photo_hint: "PNG, JPEG ou WebP, jusqu'à {n} Mo. Les données de lieu et d'appareil sont retirées.",
    photo_invalid: "Choisissez une photo PNG, JPEG ou WebP de {n} Mo au plus.",
    caption_invalid: "La légende est trop longue.",
    uploaded: "Merci ! Votre photo attend d'être approuvée.",
    vote: "Voter",
    votes: "{n} votes",
    one_vote: "1 vote",
    voted: "Vous avez voté aujourd'hui",
    vote_counted: "Votre vote a été compté.",
    already_voted: "Vous avez déjà voté pour cette photo aujourd'hui. Vous pourrez revoter demain.",
    enter_to_vote: "Participez au concours pour voter.",
    no_photos: "Pas encore de photos.",
    by: "par",
    most_voted: "La plus votée : gagnante",
};

static DE: GalleryStrings = GalleryStrings {
    gallery: "Galerie",
    photo: "Dein Foto",
    caption: "Bildunterschrift",
    upload: "Foto hochladen",
    photo_hint: "PNG, JPEG oder WebP, bis {n} MB. Standort- und Kameradaten werden entfernt.",
    photo_invalid: "Bitte wähle ein PNG-, JPEG- oder WebP-Foto mit höchstens {n} MB.",
    caption_invalid: "Die Bildunterschrift ist zu lang.",
    uploaded: "Danke! Dein Foto wartet auf Freigabe.",
    vote: "Abstimmen",
    votes: "{n} Stimmen",
    one_vote: "1 Stimme",
    voted: "Heute abgestimmt",
    vote_counted: "Deine Stimme wurde gezählt.",
    already_voted: "Du hast heute schon für dieses Foto gestimmt. Morgen kannst du wieder abstimmen.",
    enter_to_vote: "Nimm am Gewinnspiel teil, um abzustimmen.",
    no_photos: "Noch keine Fotos.",
    by: "von",
    most_voted: "Meiste Stimmen: Gewinner",
};

static IT: GalleryStrings = GalleryStrings {
    gallery: "Galleria",
    photo: "La tua foto",
    caption: "Didascalia",
    upload: "Carica la foto",
    photo_hint: "PNG, JPEG o WebP, fino a {n} MB. I dati di posizione e della fotocamera vengono rimossi.",
    photo_invalid: "Scegli una foto PNG, JPEG o WebP di al massimo {n} MB.",
    caption_invalid: "La didascalia è troppo lunga.",
    uploaded: "Grazie! La tua foto è in attesa di approvazione.",
    vote: "Vota",
    votes: "{n} voti",
    one_vote: "1 voto",
    voted: "Hai votato oggi",
    vote_counted: "Il tuo voto è stato contato.",
    already_voted: "Hai già votato questa foto oggi. Potrai votare di nuovo domani.",
    enter_to_vote: "Partecipa al concorso per votare.",
    no_photos: "Ancora nessuna foto.",
    by: "di",
    most_voted: "La più votata: vincitrice",
};

impl GalleryStrings {
    pub fn of(code: &str) -> &'static GalleryStrings {
        match code {
            "es" => &ES,
            "pt" => &PT,
            "fr" => &FR,
            "de" => &DE,
            "it" => &IT,
            _ => &EN,
        }
    }

    fn votes_text(&self, n: i64) -> String {
        if n == 1 {
            self.one_vote.to_owned()
        } else {
            with_n(self.votes, n)
        }
    }
}

/// The confirmation after a successful upload or vote (`?done=`).
pub fn notice(t: &Strings, done: &str) -> Option<String> {
    let g = GalleryStrings::of(t.code);
    match done {
        "photo" => Some(g.uploaded.to_owned()),
        "vote" => Some(g.vote_counted.to_owned()),
        _ => None,
    }
}

/// An approved photo as the template shows it.
pub struct PhotoView {
    pub entry_id: i64,
    pub src: String,
    pub caption: Option<String>,
    pub author: String,
    pub votes: String,
    pub width: i64,
    pub height: i64,
    /// The entrant voted for it today.
    pub voted: bool,
    pub picked: bool,
    pub error: Option<String>,
}

pub fn photo_views(page: &PublicPage, gs: &GalleryStrings, outcome: &Outcome) -> Vec<PhotoView> {
    let voted = page.entrant.as_ref().map(|e| e.voted_today.as_slice()).unwrap_or(&[]);
    page.extras
        .gallery
        .iter()
        .map(|p| PhotoView {
            entry_id: p.entry_id,
            src: format!("/media/{}.{}", p.media_id, p.ext),
            caption: p.caption.clone(),
            author: short_name(&p.name),
            votes: gs.votes_text(p.votes),
            width: p.width,
            height: p.height,
            voted: voted.contains(&p.entry_id),
            picked: p.picked_votes.is_some(),
            error: match &outcome.gallery_error {
                Some((id, m)) if *id == p.entry_id => Some(m.clone()),
                _ => None,
            },
        })
        .collect()
}

/// The answer to a post from another site (CSRF) or with a NUL.
fn refused_post(status: StatusCode, text: &str) -> Response {
    let mut r = html(
        status,
        format!("<!doctype html><title>Refused</title><p>{text}</p>"),
        &csp::policy(None, None),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    r
}

/// The page's key, as it may appear in a redirect.
fn safe_key(key: &str) -> String {
    key.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect()
}

fn lang_tail(raw: Option<&str>) -> String {
    query(raw)
        .lang
        .as_deref()
        .filter(|l| Strings::is_known(l))
        .map(|l| format!("&lang={l}"))
        .unwrap_or_default()
}

/// What a multipart photo post carried.
#[derive(Default)]
struct PhotoForm {
    entry_method_id: Option<i64>,
    caption: Option<String>,
    bytes: Vec<u8>,
    /// The body went past the limit while it was read.
    too_large: bool,
}

/// Longest text field of the photo form, in bytes.
const MAX_TEXT_FIELD: usize = 8 * 1024;

/// Most fields a photo form may have (it has three, and a captcha's).
const MAX_FIELDS: usize = 8;

async fn read_photo_form(mut multipart: Multipart, max_bytes: usize) -> Result<PhotoForm, ()> {
    let mut form = PhotoForm::default();
    let mut fields = 0;
    while let Some(mut field) = multipart.next_field().await.map_err(|_| ())? {
        fields += 1;
        if fields > MAX_FIELDS {
            return Err(());
        }
        let name = field.name().unwrap_or("").to_owned();
        let limit = if name == PHOTO_FIELD { max_bytes } else { MAX_TEXT_FIELD };
        let mut data = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|_| ())? {
            if data.len() + chunk.len() > limit {
                if name == PHOTO_FIELD {
                    form.too_large = true;
                    return Ok(form);
                }
                return Err(());
            }
            data.extend_from_slice(&chunk);
        }
        match name.as_str() {
            PHOTO_FIELD => form.bytes = data,
            "caption" => form.caption = Some(String::from_utf8(data).map_err(|_| ())?),
            "entry_method_id" => {
                form.entry_method_id = std::str::from_utf8(&data).ok().and_then(|s| s.trim().parse().ok());
            }
            _ => {}
        }
    }
    Ok(form)
}

#[utoipa::path(post, path = "/view/{key}/photo", tag = "Pages", summary = "Upload a contest photo from the page",
    description = "The page's photo form (multipart/form-data, for browsers without JavaScript too): `entry_method_id` \
        of an \"Upload a Photo\" method, `photo` (PNG, JPEG or WebP, checked from its bytes; at most the configured \
        size and pixels; its metadata, GPS position included, is removed before it is stored) and `caption`. It \
        completes the method for the participant of the page's cookie and leaves a pending submission. Success is \
        a 303 back to the page; a refusal is the page again with the message next to the method.",
    params(("key" = String, Path, description = "`{id}-{slug}`")),
    request_body(content = String, content_type = "multipart/form-data", description = "entry_method_id, photo, caption"),
    responses((status = 303, description = "Uploaded; back to the page"),
        (status = 401, description = "No participant cookie: enter first", content_type = "text/html"),
        (status = 403, description = "Refused by a rule, or posted from another site", content_type = "text/html"),
        (status = 404, description = "No public giveaway with this id", content_type = "text/html"),
        (status = 409, description = "A photo was already uploaded (today, for a daily method)", content_type = "text/html"),
        (status = 413, description = "The photo is larger than the limit", content_type = "text/html"),
        (status = 422, description = "Not a PNG, JPEG or WebP photo, too many pixels, or a bad caption", content_type = "text/html")))]
async fn post_photo(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    Path(key): Path<String>,
    RawQuery(raw): RawQuery,
    request: Request,
) -> Response {
    let q = query(raw.as_deref());
    let Some((id, _)) = super::parse_key(&key) else {
        return not_found(strings(None, &q));
    };
    let headers = request.headers().clone();
    if !forms::same_origin(&headers, &state.config.public_url) {
        return refused_post(StatusCode::FORBIDDEN, "This form can only be sent from its own page.");
    }
    let max_bytes = state.config.public.photo_max_bytes;
    let form = match Multipart::from_request(request, &state).await {
        Ok(m) => read_photo_form(m, max_bytes).await,
        Err(_) => Err(()),
    };
    let Ok(form) = form else {
        return refused_post(StatusCode::BAD_REQUEST, "The form could not be read.");
    };
    let method_id = form.entry_method_id;
    let caption = form.caption.clone().unwrap_or_default();
    let token = token_cookie(&headers, id);
    let result = match (&token, form.too_large) {
        (None, _) => Err(PublicError::from(EngineError::Unauthorized(
            "no participant cookie".to_owned(),
        ))),
        (Some(_), true) => Err(PublicError::from(fairdraw_core::validation::FieldErrors::one(
            PHOTO_FIELD,
            "too large",
        ))),
        (Some(token), false) => {
            state
                .engine
                .submit_photo(
                    &state.config,
                    &origin,
                    id,
                    PhotoUpload {
                        participant_token: token.clone(),
                        entry_method_id: method_id,
                        caption: form.caption,
                        bytes: form.bytes,
                    },
                )
                .await
        }
    };
    let anchor = method_id.map_or_else(|| "fd-gallery".to_owned(), |m| format!("fd-m{m}"));
    match result {
        Ok(_) => redirect(
            &format!(
                "/view/{}?done=photo{}#{anchor}",
                safe_key(&key),
                lang_tail(raw.as_deref())
            ),
            StatusCode::SEE_OTHER,
        ),
        Err(e) => {
            let page = match state.engine.public_page(id, token.as_deref()).await {
                Ok(page) => page,
                Err(EngineError::NotFound(_)) => return not_found(strings(None, &q)),
                Err(e) => return server_error(strings(None, &q), &e),
            };
            let t = strings(Some(&page), &q);
            let gs = GalleryStrings::of(t.code);
            let max_mb = max_bytes.div_ceil(1024 * 1024);
            let (status, shown) = match e {
                PublicError::Engine(EngineError::Validation(fields)) => {
                    let photo = fields.iter().any(|(f, _)| f == PHOTO_FIELD);
                    let status = if form.too_large {
                        StatusCode::PAYLOAD_TOO_LARGE
                    } else {
                        StatusCode::UNPROCESSABLE_ENTITY
                    };
                    let message = if photo {
                        with_n(gs.photo_invalid, max_mb)
                    } else if fields.iter().any(|(f, _)| f == "caption") {
                        gs.caption_invalid.to_owned()
                    } else {
                        t.err_value.to_owned()
                    };
                    (status, Shown::Form(message))
                }
                other => forms::action_refusal(t, &page.config.giveaway.rules_config, other),
            };
            match shown {
                Shown::NotFound => return not_found(t),
                Shown::Internal => return server_error(t, &"see the log line above"),
                _ => {}
            }
            let mut outcome = Outcome::default();
            forms::place(&mut outcome, shown, Some((method_id.unwrap_or(0), caption)));
            render(&state, &page, t, outcome, status)
        }
    }
}

/// The body of a vote.
#[derive(Debug, Default, Deserialize)]
struct VoteForm {
    entry_id: Option<String>,
    #[serde(rename = "h-captcha-response")]
    hcaptcha: Option<String>,
    #[serde(rename = "cf-turnstile-response")]
    turnstile: Option<String>,
    #[serde(rename = "g-recaptcha-response")]
    recaptcha: Option<String>,
}

#[utoipa::path(post, path = "/view/{key}/vote", tag = "Pages", summary = "Vote for a contest photo from the page",
    description = "A form post (application/x-www-form-urlencoded) with the `entry_id` of an approved photo, by the \
        participant of the page's cookie: one vote per person per photo per day (the giveaway's day), under the \
        same VPN, blacklist, captcha and duplicate-IP rules as entries. Success is a 303 back to the page; a \
        refusal (a second vote the same day is a 409) is the page again with the message next to the photo.",
    params(("key" = String, Path, description = "`{id}-{slug}`")),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "entry_id=…"),
    responses((status = 303, description = "Counted; back to the page"),
        (status = 401, description = "No participant cookie: enter first", content_type = "text/html"),
        (status = 403, description = "Refused by a rule, or posted from another site", content_type = "text/html"),
        (status = 404, description = "No such giveaway or approved photo", content_type = "text/html"),
        (status = 409, description = "Already voted for this photo today", content_type = "text/html")))]
async fn post_vote(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    Path(key): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let q = query(raw.as_deref());
    let Some((id, _)) = super::parse_key(&key) else {
        return not_found(strings(None, &q));
    };
    if !forms::same_origin(&headers, &state.config.public_url) {
        return refused_post(StatusCode::FORBIDDEN, "This form can only be sent from its own page.");
    }
    let form: VoteForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let entry_id = form.entry_id.as_deref().and_then(|v| v.trim().parse::<i64>().ok());
    let token = token_cookie(&headers, id);
    let result = state
        .engine
        .vote_photo(
            &state.config,
            &origin,
            id,
            VoteInput {
                participant_token: token.clone(),
                entry_id,
                captcha_token: form.hcaptcha.or(form.turnstile).or(form.recaptcha),
            },
        )
        .await;
    let anchor = entry_id.map_or_else(|| "fd-gallery".to_owned(), |e| format!("fd-p{e}"));
    let e = match result {
        Ok(_) => {
            return redirect(
                &format!(
                    "/view/{}?done=vote{}#{anchor}",
                    safe_key(&key),
                    lang_tail(raw.as_deref())
                ),
                StatusCode::SEE_OTHER,
            );
        }
        Err(e) => e,
    };
    let page = match state.engine.public_page(id, token.as_deref()).await {
        Ok(page) => page,
        Err(EngineError::NotFound(_)) => return not_found(strings(None, &q)),
        Err(e) => return server_error(strings(None, &q), &e),
    };
    let t = strings(Some(&page), &q);
    let gs = GalleryStrings::of(t.code);
    let (status, shown) = match e {
        PublicError::Refused { rule: Rule::Daily, .. } => {
            (StatusCode::CONFLICT, Shown::Form(gs.already_voted.to_owned()))
        }
        PublicError::Engine(EngineError::Unauthorized(_)) => {
            (StatusCode::UNAUTHORIZED, Shown::Form(gs.enter_to_vote.to_owned()))
        }
        other => forms::action_refusal(t, &page.config.giveaway.rules_config, other),
    };
    let mut outcome = Outcome::default();
    match shown {
        Shown::NotFound => return not_found(t),
        Shown::Internal => return server_error(t, &"see the log line above"),
        Shown::Form(m) => match entry_id {
            Some(e) => outcome.gallery_error = Some((e, m)),
            None => outcome.form_error = Some(m),
        },
        Shown::Fields(_) => outcome.form_error = Some(t.server_error.to_owned()),
    }
    render(&state, &page, t, outcome, status)
}
