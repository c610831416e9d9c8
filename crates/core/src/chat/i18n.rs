//! Our own words in the chat widget and in winner announcements, in every supported language.
//! The partner's title, text and button are shown as given.

/// Supported languages, by their ISO 639-1 code; the first is the default.
pub const LANGUAGES: [&str; 12] = ["en", "es", "pt", "fr", "de", "it", "nl", "pl", "tr", "ru", "uk", "ja"];

/// One language's strings.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Strings {
    pub lang: &'static str,
    pub join: &'static str,
    pub joined: &'static str,
    pub participants: &'static str,
    pub starts_in: &'static str,
    pub ends_in: &'static str,
    pub drawing: &'static str,
    pub winners: &'static str,
    pub no_winners: &'static str,
    pub cancelled: &'static str,
    pub verify: &'static str,
    pub reward: &'static str,
    /// `{title}` and `{winners}` are filled in.
    pub announcement: &'static str,
}

const ALL: [Strings; 12] = [
    Strings {
        lang: "en",
        join: "Join",
        joined: "You are in!",
        participants: "participants",
        starts_in: "Starts in",
        ends_in: "Ends in",
        drawing: "Drawing winners…",
        winners: "Winners",
        no_winners: "No winners were drawn.",
        cancelled: "This giveaway was cancelled.",
        verify: "Verify the draw",
        reward: "Prize",
        announcement: "🎉 Winners of “{title}”: {winners}. Congratulations!",
    },
    Strings {
        lang: "es",
        join: "Participar",
        joined: "¡Ya participas!",
        participants: "participantes",
        starts_in: "Empieza en",
        ends_in: "Termina en",
        drawing: "Sorteando ganadores…",
        winners: "Ganadores",
        no_winners: "No se sorteó ningún ganador.",
        cancelled: "Este sorteo fue cancelado.",
        verify: "Verificar el sorteo",
        reward: "Premio",
        announcement: "🎉 Ganadores de «{title}»: {winners}. ¡Enhorabuena!",
    },
    Strings {
        lang: "pt",
        join: "Participar",
        joined: "Você está participando!",
        participants: "participantes",
        starts_in: "Começa em",
        ends_in: "Termina em",
        drawing: "Sorteando vencedores…",
        winners: "Vencedores",
        no_winners: "Nenhum vencedor foi sorteado.",
        cancelled: "Este sorteio foi cancelado.",
        verify: "Verificar o sorteio",
        reward: "Prêmio",
        announcement: "🎉 Vencedores de “{title}”: {winners}. Parabéns!",
    },
    Strings {
        lang: "fr",
        join: "Participer",
        joined: "Vous participez !",
        participants: "participants",
        starts_in: "Commence dans",
        ends_in: "Se termine dans",
        drawing: "Tirage des gagnants…",
        winners: "Gagnants",
        no_winners: "Aucun gagnant n’a été tiré.",
        cancelled: "Ce concours a été annulé.",
        verify: "Vérifier le tirage",
        reward: "Lot",
        announcement: "🎉 Gagnants de « {title} » : {winners}. Félicitations !",
    },
    Strings {
        lang: "de",
        join: "Mitmachen",
        joined: "Du bist dabei!",
        participants: "Teilnehmende",
        starts_in: "Beginnt in",
        ends_in: "Endet in",
        drawing: "Gewinner werden gezogen…",
        winners: "Gewinner",
        no_winners: "Es wurden keine Gewinner gezogen.",
        cancelled: "Dieses Gewinnspiel wurde abgesagt.",
        verify: "Ziehung prüfen",
        reward: "Preis",
        announcement: "🎉 Gewinner von „{title}“: {winners}. Herzlichen Glückwunsch!",
    },
    Strings {
        lang: "it",
        join: "Partecipa",
        joined: "Stai partecipando!",
        participants: "partecipanti",
        starts_in: "Inizia tra",
        ends_in: "Termina tra",
        drawing: "Estrazione dei vincitori…",
        winners: "Vincitori",
        no_winners: "Nessun vincitore è stato estratto.",
        cancelled: "Questo giveaway è stato annullato.",
        verify: "Verifica l’estrazione",
        reward: "Premio",
        announcement: "🎉 Vincitori di “{title}”: {winners}. Congratulazioni!",
    },
    Strings {
        lang: "nl",
        join: "Doe mee",
        joined: "Je doet mee!",
        participants: "deelnemers",
        starts_in: "Begint over",
        ends_in: "Eindigt over",
        drawing: "Winnaars worden getrokken…",
        winners: "Winnaars",
        no_winners: "Er zijn geen winnaars getrokken.",
        cancelled: "Deze winactie is geannuleerd.",
        verify: "Controleer de trekking",
        reward: "Prijs",
        announcement: "🎉 Winnaars van “{title}”: {winners}. Gefeliciteerd!",
    },
    Strings {
        lang: "pl",
        join: "Dołącz",
        joined: "Bierzesz udział!",
        participants: "uczestników",
        starts_in: "Start za",
        ends_in: "Koniec za",
        drawing: "Losowanie zwycięzców…",
        winners: "Zwycięzcy",
        no_winners: "Nie wylosowano zwycięzców.",
        cancelled: "To losowanie zostało anulowane.",
        verify: "Sprawdź losowanie",
        reward: "Nagroda",
        announcement: "🎉 Zwycięzcy „{title}”: {winners}. Gratulacje!",
    },
    Strings {
        lang: "tr",
        join: "Katıl",
        joined: "Katıldın!",
        participants: "katılımcı",
        starts_in: "Başlamasına",
        ends_in: "Bitmesine",
        drawing: "Kazananlar çekiliyor…",
        winners: "Kazananlar",
        no_winners: "Kazanan çekilmedi.",
        cancelled: "Bu çekiliş iptal edildi.",
        verify: "Çekilişi doğrula",
        reward: "Ödül",
        announcement: "🎉 “{title}” kazananları: {winners}. Tebrikler!",
    },
    Strings {
        lang: "ru",
        join: "Участвовать",
        joined: "Вы участвуете!",
        participants: "участников",
        starts_in: "Начало через",
        ends_in: "Конец через",
        drawing: "Выбираем победителей…",
        winners: "Победители",
        no_winners: "Победители не выбраны.",
        cancelled: "Этот розыгрыш отменён.",
        verify: "Проверить розыгрыш",
        reward: "Приз",
        announcement: "🎉 Победители «{title}»: {winners}. Поздравляем!",
    },
    Strings {
        lang: "uk",
        join: "Взяти участь",
        joined: "Ви берете участь!",
        participants: "учасників",
        starts_in: "Початок через",
        ends_in: "Кінець через",
        drawing: "Обираємо переможців…",
        winners: "Переможці",
        no_winners: "Переможців не обрано.",
        cancelled: "Цей розіграш скасовано.",
        verify: "Перевірити розіграш",
        reward: "Приз",
        announcement: "🎉 Переможці «{title}»: {winners}. Вітаємо!",
    },
    Strings {
        lang: "ja",
        join: "参加する",
        joined: "参加しました！",
        participants: "人が参加",
        starts_in: "開始まで",
        ends_in: "終了まで",
        drawing: "当選者を抽選中…",
        winners: "当選者",
        no_winners: "当選者はいません。",
        cancelled: "このプレゼント企画は中止されました。",
        verify: "抽選を検証",
        reward: "賞品",
        announcement: "🎉「{title}」の当選者: {winners}。おめでとうございます！",
    },
];

/// The strings of `lang` (its primary subtag, any case), or English.
pub fn strings(lang: &str) -> &'static Strings {
    let primary = lang.split(['-', '_']).next().unwrap_or("").trim().to_ascii_lowercase();
    ALL.iter().find(|s| s.lang == primary).unwrap_or(&ALL[0])
}

/// Whether `lang` (primary subtag) is supported.
pub fn supported(lang: &str) -> bool {
    let primary = lang.split(['-', '_']).next().unwrap_or("").trim().to_ascii_lowercase();
    LANGUAGES.contains(&primary.as_str())
}

/// The first supported language of an `Accept-Language` header, by quality.
pub fn from_accept_language(header: &str) -> Option<&'static str> {
    let mut tags: Vec<(f32, usize, &str)> = header
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut bits = part.split(';');
            let tag = bits.next()?.trim();
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (q > 0.0).then_some((q, i, tag))
        })
        .collect();
    tags.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    tags.into_iter()
        .find(|(_, _, t)| supported(t))
        .map(|(_, _, t)| strings(t).lang)
}

/// The chat announcement of the winners, in every supported language.
pub fn announcements(title: &str, winner_names: &[String]) -> serde_json::Map<String, serde_json::Value> {
    let names = winner_names.join(", ");
    ALL.iter()
        .map(|s| {
            let text = if winner_names.is_empty() {
                s.no_winners.to_owned()
            } else {
                s.announcement.replace("{title}", title).replace("{winners}", &names)
            };
            (s.lang.to_owned(), serde_json::Value::String(text))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_and_negotiation() {
        assert_eq!(ALL.len(), LANGUAGES.len());
        for (s, code) in ALL.iter().zip(LANGUAGES) {
            assert_eq!(s.lang, code);
            assert!(s.announcement.contains("{title}") && s.announcement.contains("{winners}"));
        }
        assert_eq!(strings("de-AT").join, "Mitmachen");
        assert_eq!(strings("xx").lang, "en");
        assert_eq!(from_accept_language("xx, fr-CH;q=0.5, de;q=0.9"), Some("de"));
        assert_eq!(from_accept_language("xx"), None);
        let a = announcements("Cup", &["Ann".to_owned(), "Bo".to_owned()]);
        assert_eq!(a.len(), 12);
        assert_eq!(a["en"], "🎉 Winners of “Cup”: Ann, Bo. Congratulations!");
    }
}
