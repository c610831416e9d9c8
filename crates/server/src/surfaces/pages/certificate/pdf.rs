//! Turns the laid-out page into PDF bytes with krilla: fonts embedded (subset), the QR code as
//! filled squares, and the verify URL clickable.

use super::fonts::Face;
use super::layout::{INK, Op, Rgb};
use super::page::{self, PAGE_H, PAGE_W};
use crate::surfaces::pages::verify_page::view::DrawView;
use krilla::Document;
use krilla::action::LinkAction;
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use qrcode::{Color, EcLevel, QrCode};

/// The one-page certificate of `view`, as PDF bytes.
pub fn render(view: &DrawView) -> Result<Vec<u8>, String> {
    let fonts = Fonts::load().ok_or("the embedded fonts could not be read")?;
    let layout = page::compose(view);
    let qr = QrCode::with_error_correction_level(view.verify_url.as_bytes(), EcLevel::M)
        .map_err(|e| format!("QR code: {e}"))?;

    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(format!("Draw certificate: {}", view.heading()))
            .description(format!("Fairdraw draw {}", view.certificate.result_hash.to_hex()))
            .creator("Fairdraw".to_owned())
            .language("en".to_owned()),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or("page size")?;
    let mut pdf_page = document.start_page_with(settings);
    let mut links = Vec::new();
    {
        let mut surface = pdf_page.surface();
        for op in &layout.ops {
            match op {
                Op::Text {
                    face,
                    size,
                    x,
                    y,
                    color,
                    text,
                } => {
                    fill(&mut surface, *color);
                    let font = fonts.get(*face);
                    surface.draw_text(Point::from_xy(*x, *y), font, *size, text, false, TextDirection::Auto);
                }
                Op::Rect { x, y, w, h, color } => {
                    fill(&mut surface, *color);
                    if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                        let mut path = PathBuilder::new();
                        path.push_rect(rect);
                        if let Some(path) = path.finish() {
                            surface.draw_path(&path);
                        }
                    }
                }
                Op::Link { x, y, w, h, url } => links.push((*x, *y, *w, *h, url.clone())),
            }
        }
        let (x, y, size) = page::qr_box();
        draw_qr(&mut surface, &qr, x, y, size);
        links.push((x, y, size, size, view.verify_url.clone()));
        surface.finish();
    }
    for (x, y, w, h, url) in links {
        if let Some(rect) = Rect::from_xywh(x, y, w, h) {
            let target = Target::Action(LinkAction::new(url).into());
            let alt = "Open the verify page of this draw".to_owned();
            pdf_page.add_annotation(Annotation::new_link(LinkAnnotation::new(rect, target), Some(alt)));
        }
    }
    pdf_page.finish();
    document.finish().map_err(|e| format!("{e:?}"))
}

struct Fonts {
    sans: Font,
    bold: Font,
    mono: Font,
}

impl Fonts {
    fn load() -> Option<Fonts> {
        let font = |face: Face| Font::new(face.bytes().into(), 0);
        Some(Fonts {
            sans: font(Face::Sans)?,
            bold: font(Face::Bold)?,
            mono: font(Face::Mono)?,
        })
    }

    fn get(&self, face: Face) -> Font {
        match face {
            Face::Sans => self.sans.clone(),
            Face::Bold => self.bold.clone(),
            Face::Mono => self.mono.clone(),
        }
    }
}

fn fill(surface: &mut Surface<'_>, (r, g, b): Rgb) {
    surface.set_fill(Some(Fill {
        paint: rgb::Color::new(r, g, b).into(),
        ..Fill::default()
    }));
}

/// Draws the code with its four-module quiet zone inside `size`, dark modules as one path.
fn draw_qr(surface: &mut Surface<'_>, qr: &QrCode, left: f32, top: f32, size: f32) {
    let modules = qr.width();
    let unit = size / (modules + 8) as f32;
    let mut path = PathBuilder::new();
    for (i, color) in qr.to_colors().into_iter().enumerate() {
        if color == Color::Dark {
            let (col, row) = ((i % modules + 4) as f32, (i / modules + 4) as f32);
            // A hair of overlap so viewers do not show seams between neighbouring modules.
            if let Some(rect) = Rect::from_xywh(left + col * unit, top + row * unit, unit + 0.05, unit + 0.05) {
                path.push_rect(rect);
            }
        }
    }
    fill(surface, INK);
    if let Some(path) = path.finish() {
        surface.draw_path(&path);
    }
}
