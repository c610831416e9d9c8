//! The page's security headers. Scripts and styles come from this server only, plus the
//! configured captcha provider's script and frame when the giveaway asks for a captcha; images
//! from this server and the host of the giveaway's banner. The page may be framed by any site
//! (that is what the embed widget does), so `frame-ancestors *` here and nowhere else.

use crate::config::CaptchaProvider;

/// Where a captcha provider's widget loads from.
pub struct CaptchaAssets {
    /// The script the page includes.
    pub script: &'static str,
    /// The origins its script, frames and calls need.
    pub origins: &'static str,
    /// The class of the element the widget renders into.
    pub class: &'static str,
}

pub fn captcha_assets(provider: CaptchaProvider) -> CaptchaAssets {
    match provider {
        CaptchaProvider::Hcaptcha => CaptchaAssets {
            script: "https://js.hcaptcha.com/1/api.js",
            origins: "https://hcaptcha.com https://*.hcaptcha.com",
            class: "h-captcha",
        },
        CaptchaProvider::Turnstile => CaptchaAssets {
            script: "https://challenges.cloudflare.com/turnstile/v0/api.js",
            origins: "https://challenges.cloudflare.com",
            class: "cf-turnstile",
        },
        CaptchaProvider::Recaptcha => CaptchaAssets {
            script: "https://www.google.com/recaptcha/api.js",
            origins: "https://www.google.com/recaptcha/ https://www.gstatic.com/recaptcha/",
            class: "g-recaptcha",
        },
    }
}

/// The Content-Security-Policy of one page: `image_origin` is the banner's host (already
/// reduced to `https://host[:port]`), `captcha` the provider's origins when the widget is shown.
pub fn policy(image_origin: Option<&str>, captcha: Option<&CaptchaAssets>) -> String {
    let extra_img = image_origin.map(|o| format!(" {o}")).unwrap_or_default();
    let (script, frame, connect) = match captcha {
        Some(c) => (
            format!(" {}", c.origins),
            format!("frame-src {}; ", c.origins),
            format!(" {}", c.origins),
        ),
        None => (String::new(), String::new(), String::new()),
    };
    format!(
        "default-src 'none'; script-src 'self'{script}; style-src 'self'; img-src 'self' data:{extra_img}; \
         connect-src 'self'{connect}; {frame}base-uri 'none'; form-action 'self'; frame-ancestors *"
    )
}

/// `https://host[:port]` of an image URL, or `None` when it is not an https URL (then the
/// banner is not shown: the page never loads anything over plain http).
pub fn https_origin(url: &str) -> Option<String> {
    let parsed = reqwest::Url::parse(url).ok()?;
    if parsed.scheme() != "https" {
        return None;
    }
    let host = parsed.host_str()?;
    Some(match parsed.port() {
        Some(port) => format!("https://{host}:{port}"),
        None => format!("https://{host}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_allows_only_what_the_page_uses() {
        let p = policy(None, None);
        assert!(p.contains("script-src 'self';"), "{p}");
        assert!(p.contains("style-src 'self';"), "{p}");
        assert!(p.contains("frame-ancestors *"), "{p}");
        assert!(!p.contains("unsafe"), "{p}");
        let c = captcha_assets(CaptchaProvider::Turnstile);
        let p = policy(Some("https://cdn.example"), Some(&c));
        assert!(
            p.contains("script-src 'self' https://challenges.cloudflare.com;"),
            "{p}"
        );
        assert!(p.contains("frame-src https://challenges.cloudflare.com;"), "{p}");
        assert!(p.contains("img-src 'self' data: https://cdn.example;"), "{p}");
    }

    #[test]
    fn only_https_images_get_an_origin() {
        assert_eq!(
            https_origin("https://cdn.example:8443/a.png?x=1").as_deref(),
            Some("https://cdn.example:8443")
        );
        assert_eq!(https_origin("http://cdn.example/a.png"), None);
        assert_eq!(https_origin("javascript:alert(1)"), None);
    }
}
