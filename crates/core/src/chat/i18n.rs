//! Our own words in the chat widget and in winner announcements, in every supported language.
//! The partner's title, text and button are shown as given.

use super::{ChatStatus, Refusal};

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

/// What the widget tells a viewer whose join was refused, in one language. `{hours}`, `{min}`
/// and `{max}` are filled in.
#[derive(Clone, Copy, Debug)]
struct RefusalStrings {
    lang: &'static str,
    not_live: &'static str,
    ended: &'static str,
    room: &'static str,
    user: &'static str,
    account_too_new: &'static str,
    too_few_messages: &'static str,
    no_badge: &'static str,
    full: &'static str,
    bad_link: &'static str,
}

const REFUSALS: [RefusalStrings; 12] = [
    RefusalStrings {
        lang: "en",
        not_live: "This giveaway is not open yet.",
        ended: "This giveaway has ended.",
        room: "This chat room is not part of this giveaway.",
        user: "This giveaway is only open to invited users.",
        account_too_new: "Your account must be at least {hours} hours old to join.",
        too_few_messages: "You need at least {min} chat messages to join.",
        no_badge: "You need one of the required badges to join.",
        full: "This giveaway is full ({max} participants).",
        bad_link: "This widget link was not made for you, so it cannot join.",
    },
    RefusalStrings {
        lang: "es",
        not_live: "Este sorteo aún no está abierto.",
        ended: "Este sorteo ha terminado.",
        room: "Esta sala de chat no participa en este sorteo.",
        user: "Este sorteo es solo para usuarios invitados.",
        account_too_new: "Tu cuenta debe tener al menos {hours} horas para participar.",
        too_few_messages: "Necesitas al menos {min} mensajes en el chat para participar.",
        no_badge: "Necesitas una de las insignias requeridas para participar.",
        full: "Este sorteo está completo ({max} participantes).",
        bad_link: "Este enlace del widget no se creó para ti; no puede participar.",
    },
    RefusalStrings {
        lang: "pt",
        not_live: "Este sorteio ainda não está aberto.",
        ended: "Este sorteio terminou.",
        room: "Esta sala de chat não faz parte deste sorteio.",
        user: "Este sorteio é só para usuários convidados.",
        account_too_new: "Sua conta precisa ter pelo menos {hours} horas para participar.",
        too_few_messages: "Você precisa de pelo menos {min} mensagens no chat para participar.",
        no_badge: "Você precisa de um dos emblemas exigidos para participar.",
        full: "Este sorteio está lotado ({max} participantes).",
        bad_link: "Este link do widget não foi feito para você; não é possível participar.",
    },
    RefusalStrings {
        lang: "fr",
        not_live: "Ce tirage au sort n’est pas encore ouvert.",
        ended: "Ce tirage au sort est terminé.",
        room: "Ce salon de discussion ne participe pas à ce tirage au sort.",
        user: "Ce tirage au sort est réservé aux utilisateurs invités.",
        account_too_new: "Votre compte doit avoir au moins {hours} heures pour participer.",
        too_few_messages: "Il vous faut au moins {min} messages dans le chat pour participer.",
        no_badge: "Il vous faut l’un des badges requis pour participer.",
        full: "Ce tirage au sort est complet ({max} participants).",
        bad_link: "Ce lien du widget n’a pas été créé pour vous : il ne permet pas de participer.",
    },
    RefusalStrings {
        lang: "de",
        not_live: "Dieses Gewinnspiel ist noch nicht geöffnet.",
        ended: "Dieses Gewinnspiel ist beendet.",
        room: "Dieser Chatraum nimmt an diesem Gewinnspiel nicht teil.",
        user: "Dieses Gewinnspiel ist nur für eingeladene Nutzer.",
        account_too_new: "Dein Konto muss mindestens {hours} Stunden alt sein, um mitzumachen.",
        too_few_messages: "Du brauchst mindestens {min} Chatnachrichten, um mitzumachen.",
        no_badge: "Du brauchst eines der verlangten Abzeichen, um mitzumachen.",
        full: "Dieses Gewinnspiel ist voll ({max} Teilnehmer).",
        bad_link: "Dieser Widget-Link wurde nicht für dich erstellt und kann nicht teilnehmen.",
    },
    RefusalStrings {
        lang: "it",
        not_live: "Questo giveaway non è ancora aperto.",
        ended: "Questo giveaway è terminato.",
        room: "Questa chat non partecipa a questo giveaway.",
        user: "Questo giveaway è riservato agli utenti invitati.",
        account_too_new: "Il tuo account deve avere almeno {hours} ore per partecipare.",
        too_few_messages: "Servono almeno {min} messaggi in chat per partecipare.",
        no_badge: "Serve uno dei badge richiesti per partecipare.",
        full: "Questo giveaway è al completo ({max} partecipanti).",
        bad_link: "Questo link del widget non è stato creato per te: non può partecipare.",
    },
    RefusalStrings {
        lang: "nl",
        not_live: "Deze winactie is nog niet geopend.",
        ended: "Deze winactie is afgelopen.",
        room: "Deze chatroom doet niet mee aan deze winactie.",
        user: "Deze winactie is alleen voor uitgenodigde gebruikers.",
        account_too_new: "Je account moet minstens {hours} uur oud zijn om mee te doen.",
        too_few_messages: "Je hebt minstens {min} chatberichten nodig om mee te doen.",
        no_badge: "Je hebt een van de vereiste badges nodig om mee te doen.",
        full: "Deze winactie is vol ({max} deelnemers).",
        bad_link: "Deze widgetlink is niet voor jou gemaakt en kan niet meedoen.",
    },
    RefusalStrings {
        lang: "pl",
        not_live: "To rozdanie nie jest jeszcze otwarte.",
        ended: "To rozdanie się zakończyło.",
        room: "Ten czat nie bierze udziału w tym rozdaniu.",
        user: "To rozdanie jest tylko dla zaproszonych użytkowników.",
        account_too_new: "Twoje konto musi mieć co najmniej {hours} godz., aby dołączyć.",
        too_few_messages: "Potrzebujesz co najmniej {min} wiadomości na czacie, aby dołączyć.",
        no_badge: "Potrzebujesz jednej z wymaganych odznak, aby dołączyć.",
        full: "To rozdanie jest pełne ({max} uczestników).",
        bad_link: "Ten link do widżetu nie został utworzony dla Ciebie i nie pozwala dołączyć.",
    },
    RefusalStrings {
        lang: "tr",
        not_live: "Bu çekiliş henüz açık değil.",
        ended: "Bu çekiliş sona erdi.",
        room: "Bu sohbet odası bu çekilişe dahil değil.",
        user: "Bu çekiliş yalnızca davet edilen kullanıcılara açık.",
        account_too_new: "Katılmak için hesabınız en az {hours} saatlik olmalı.",
        too_few_messages: "Katılmak için en az {min} sohbet mesajınız olmalı.",
        no_badge: "Katılmak için gerekli rozetlerden birine sahip olmalısınız.",
        full: "Bu çekiliş dolu ({max} katılımcı).",
        bad_link: "Bu widget bağlantısı sizin için oluşturulmadı; katılamazsınız.",
    },
    RefusalStrings {
        lang: "ru",
        not_live: "Этот розыгрыш ещё не открыт.",
        ended: "Этот розыгрыш завершён.",
        room: "Этот чат не участвует в розыгрыше.",
        user: "Этот розыгрыш только для приглашённых пользователей.",
        account_too_new: "Чтобы участвовать, аккаунту должно быть не меньше {hours} ч.",
        too_few_messages: "Чтобы участвовать, нужно не меньше {min} сообщений в чате.",
        no_badge: "Чтобы участвовать, нужен один из требуемых значков.",
        full: "В розыгрыше больше нет мест ({max} участников).",
        bad_link: "Эта ссылка виджета создана не для вас, участвовать по ней нельзя.",
    },
    RefusalStrings {
        lang: "uk",
        not_live: "Цей розіграш ще не відкрито.",
        ended: "Цей розіграш завершено.",
        room: "Цей чат не бере участі в розіграші.",
        user: "Цей розіграш лише для запрошених користувачів.",
        account_too_new: "Щоб узяти участь, акаунту має бути щонайменше {hours} год.",
        too_few_messages: "Щоб узяти участь, потрібно щонайменше {min} повідомлень у чаті.",
        no_badge: "Щоб узяти участь, потрібен один із вимаганих значків.",
        full: "У розіграші більше немає місць ({max} учасників).",
        bad_link: "Це посилання віджета створено не для вас, брати участь за ним не можна.",
    },
    RefusalStrings {
        lang: "ja",
        not_live: "このプレゼント企画はまだ始まっていません。",
        ended: "このプレゼント企画は終了しました。",
        room: "このチャットルームはこのプレゼント企画の対象外です。",
        user: "このプレゼント企画は招待されたユーザーのみ参加できます。",
        account_too_new: "参加するにはアカウント作成から{hours}時間以上が必要です。",
        too_few_messages: "参加するにはチャットで{min}件以上の発言が必要です。",
        no_badge: "参加するには指定のバッジのいずれかが必要です。",
        full: "このプレゼント企画は定員に達しました（{max}人）。",
        bad_link: "このウィジェットのリンクはあなた用ではないため、参加できません。",
    },
];

fn refusal_strings(lang: &str) -> &'static RefusalStrings {
    let lang = strings(lang).lang;
    REFUSALS.iter().find(|r| r.lang == lang).unwrap_or(&REFUSALS[0])
}

/// What the widget tells a viewer whose join `r` refused, in `lang` (English when unsupported).
/// The API's own message (`Refusal::message`) names the rule for developers; this one is for
/// the person in the chat.
pub fn refusal(lang: &str, r: &Refusal) -> String {
    let s = refusal_strings(lang);
    match r {
        Refusal::NotLive(ChatStatus::Finished | ChatStatus::Cancelled) | Refusal::Ended => s.ended.to_owned(),
        Refusal::NotLive(_) => s.not_live.to_owned(),
        Refusal::RoomNotAllowed => s.room.to_owned(),
        Refusal::UserNotInvited => s.user.to_owned(),
        Refusal::AccountTooNew { min_hours } => s.account_too_new.replace("{hours}", &min_hours.to_string()),
        Refusal::TooFewMessages { min } => s.too_few_messages.replace("{min}", &min.to_string()),
        Refusal::NoBadge => s.no_badge.to_owned(),
        Refusal::Full { max } => s.full.replace("{max}", &max.to_string()),
    }
}

/// What the widget says when its link's `sig` does not match its user, in `lang`.
pub fn bad_link(lang: &str) -> &'static str {
    refusal_strings(lang).bad_link
}

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

    #[test]
    fn refusals_in_every_language() {
        assert_eq!(REFUSALS.len(), LANGUAGES.len());
        for (r, code) in REFUSALS.iter().zip(LANGUAGES) {
            assert_eq!(r.lang, code);
            assert!(r.account_too_new.contains("{hours}"), "{code}");
            assert!(r.too_few_messages.contains("{min}"), "{code}");
            assert!(r.full.contains("{max}"), "{code}");
            let all = [r.not_live, r.ended, r.room, r.user, r.no_badge, r.bad_link];
            let distinct: std::collections::HashSet<_> = all.iter().collect();
            assert_eq!(distinct.len(), all.len(), "{code}: every refusal has its own words");
        }
        assert_eq!(
            refusal("de-DE", &Refusal::TooFewMessages { min: 5 }),
            "Du brauchst mindestens 5 Chatnachrichten, um mitzumachen."
        );
        assert_eq!(
            refusal("xx", &Refusal::Full { max: 3 }),
            "This giveaway is full (3 participants)."
        );
        assert_eq!(
            refusal("fr", &Refusal::NotLive(ChatStatus::Cancelled)),
            REFUSALS[3].ended
        );
        assert_eq!(bad_link("ja"), REFUSALS[11].bad_link);
    }
}
