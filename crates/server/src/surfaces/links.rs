//! The public URLs a giveaway is reached by, built on the configured public URL.

use crate::engine::Giveaway;

pub struct Links {
    pub view_url: String,
    pub embed_code: String,
    pub iframe_code: String,
}

pub fn links(public_url: &str, g: &Giveaway) -> Links {
    let key = g.public_key();
    let view_url = format!("{public_url}/view/{key}");
    Links {
        embed_code: format!(
            "<div id=\"{key}\" class=\"sw_container\"></div><script src=\"{public_url}/w/j/w_init.js\"></script>"
        ),
        iframe_code: format!("<iframe src=\"{view_url}\" width=\"100%\" height=\"800\" frameborder=\"0\"></iframe>"),
        view_url,
    }
}
