//! Every string the console shows, in English and Japanese. A [`Key`] names a string;
//! [`text`] answers it in a [`Lang`]. Both tables are exhaustive `match`es, so a key
//! without a translation does not compile, and the tests below fail on an empty one.

/// The console's languages: Japanese when the browser prefers it, English otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ja,
}

impl Lang {
    /// The language for a BCP 47 tag (`navigator.language` or what was remembered).
    pub fn from_tag(tag: &str) -> Lang {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("ja") { Lang::Ja } else { Lang::En }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }

    /// The language the switch offers.
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Ja,
            Lang::Ja => Lang::En,
        }
    }
}

/// The name of a visible string. Add a variant, then its English and Japanese text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Product,
    SignInTitle,
    SignInLead,
    Email,
    Password,
    SignIn,
    SigningIn,
    /// The language switch's label: the other language, in that language.
    OtherLanguage,
    HomeTitle,
    SignedInAs,
    SignOut,
    YourChannels,
    NoChannels,
    RoleOwner,
    RoleMember,
    Loading,
    NotFoundTitle,
    NotFoundLead,
    GoHome,
    GoToSignIn,
    EmailMissing,
    EmailInvalid,
    PasswordMissing,
    PasswordInvalid,
    TooLong,
    FieldRejected,
    WrongCredentials,
    RateLimited,
    RateLimitedLater,
    Forbidden,
    ServiceMissing,
    ServerError,
    /// `{code}` is replaced by the error code the server answered.
    Unexpected,
    Offline,
}

impl Key {
    /// Every key, for the tests.
    pub const ALL: [Key; 34] = [
        Key::Product,
        Key::SignInTitle,
        Key::SignInLead,
        Key::Email,
        Key::Password,
        Key::SignIn,
        Key::SigningIn,
        Key::OtherLanguage,
        Key::HomeTitle,
        Key::SignedInAs,
        Key::SignOut,
        Key::YourChannels,
        Key::NoChannels,
        Key::RoleOwner,
        Key::RoleMember,
        Key::Loading,
        Key::NotFoundTitle,
        Key::NotFoundLead,
        Key::GoHome,
        Key::GoToSignIn,
        Key::EmailMissing,
        Key::EmailInvalid,
        Key::PasswordMissing,
        Key::PasswordInvalid,
        Key::TooLong,
        Key::FieldRejected,
        Key::WrongCredentials,
        Key::RateLimited,
        Key::RateLimitedLater,
        Key::Forbidden,
        Key::ServiceMissing,
        Key::ServerError,
        Key::Unexpected,
        Key::Offline,
    ];
}

pub fn text(lang: Lang, key: Key) -> &'static str {
    match lang {
        Lang::En => en(key),
        Lang::Ja => ja(key),
    }
}

fn en(key: Key) -> &'static str {
    match key {
        Key::Product => "Kizuna",
        Key::SignInTitle => "Sign in to Kizuna",
        Key::SignInLead => "The console for your campaigns and customers.",
        Key::Email => "Email",
        Key::Password => "Password",
        Key::SignIn => "Sign in",
        Key::SigningIn => "Signing in…",
        Key::OtherLanguage => "日本語",
        Key::HomeTitle => "Console",
        Key::SignedInAs => "Signed in as",
        Key::SignOut => "Sign out",
        Key::YourChannels => "Your channels",
        Key::NoChannels => "You are not in any channel yet.",
        Key::RoleOwner => "Owner",
        Key::RoleMember => "Member",
        Key::Loading => "Loading…",
        Key::NotFoundTitle => "Page not found",
        Key::NotFoundLead => "There is no console page at this address.",
        Key::GoHome => "Go to the console",
        Key::GoToSignIn => "Go to sign-in",
        Key::EmailMissing => "Enter your email address.",
        Key::EmailInvalid => "Enter an email address like name@example.com.",
        Key::PasswordMissing => "Enter your password.",
        Key::PasswordInvalid => "This password is not accepted.",
        Key::TooLong => "This is too long.",
        Key::FieldRejected => "This value was not accepted.",
        Key::WrongCredentials => "The email address or password is not correct.",
        Key::RateLimited => "Too many attempts. Try again in {seconds} seconds.",
        Key::RateLimitedLater => "Too many attempts. Try again later.",
        Key::Forbidden => "This account is not allowed to do this.",
        Key::ServiceMissing => "This server does not offer sign-in yet.",
        Key::ServerError => "Something went wrong on the server. Try again.",
        Key::Unexpected => "The server gave an unexpected answer ({code}).",
        Key::Offline => "Could not reach the server. Check your connection and try again.",
    }
}

fn ja(key: Key) -> &'static str {
    match key {
        Key::Product => "Kizuna",
        Key::SignInTitle => "Kizuna にサインイン",
        Key::SignInLead => "キャンペーンと顧客を管理するコンソールです。",
        Key::Email => "メールアドレス",
        Key::Password => "パスワード",
        Key::SignIn => "サインイン",
        Key::SigningIn => "サインインしています…",
        Key::OtherLanguage => "English",
        Key::HomeTitle => "コンソール",
        Key::SignedInAs => "サインイン中のアカウント",
        Key::SignOut => "サインアウト",
        Key::YourChannels => "あなたのチャネル",
        Key::NoChannels => "まだどのチャネルにも参加していません。",
        Key::RoleOwner => "オーナー",
        Key::RoleMember => "メンバー",
        Key::Loading => "読み込んでいます…",
        Key::NotFoundTitle => "ページが見つかりません",
        Key::NotFoundLead => "このアドレスにはコンソールのページがありません。",
        Key::GoHome => "コンソールへ",
        Key::GoToSignIn => "サインイン画面へ",
        Key::EmailMissing => "メールアドレスを入力してください。",
        Key::EmailInvalid => "name@example.com の形式でメールアドレスを入力してください。",
        Key::PasswordMissing => "パスワードを入力してください。",
        Key::PasswordInvalid => "このパスワードは使用できません。",
        Key::TooLong => "長すぎます。",
        Key::FieldRejected => "この値は受け付けられませんでした。",
        Key::WrongCredentials => "メールアドレスまたはパスワードが正しくありません。",
        Key::RateLimited => "試行回数が多すぎます。{seconds} 秒後にもう一度お試しください。",
        Key::RateLimitedLater => "試行回数が多すぎます。しばらくしてからもう一度お試しください。",
        Key::Forbidden => "このアカウントにはこの操作の権限がありません。",
        Key::ServiceMissing => "このサーバーはまだサインインに対応していません。",
        Key::ServerError => "サーバーでエラーが発生しました。もう一度お試しください。",
        Key::Unexpected => "サーバーから予期しない応答がありました（{code}）。",
        Key::Offline => "サーバーに接続できませんでした。接続を確認して、もう一度お試しください。",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn position(key: Key) -> usize {
        Key::ALL.iter().position(|k| *k == key).unwrap_or(usize::MAX)
    }

    #[test]
    fn all_lists_every_key_once() {
        for (i, key) in Key::ALL.iter().enumerate() {
            assert_eq!(position(*key), i, "{key:?} is listed twice");
            // An exhaustive match: a new variant must be handled here, which reminds
            // whoever adds it to list it in ALL (the assertion above checks the order).
            let _: () = match key {
                Key::Product
                | Key::SignInTitle
                | Key::SignInLead
                | Key::Email
                | Key::Password
                | Key::SignIn
                | Key::SigningIn
                | Key::OtherLanguage
                | Key::HomeTitle
                | Key::SignedInAs
                | Key::SignOut
                | Key::YourChannels
                | Key::NoChannels
                | Key::RoleOwner
                | Key::RoleMember
                | Key::Loading
                | Key::NotFoundTitle
                | Key::NotFoundLead
                | Key::GoHome
                | Key::GoToSignIn
                | Key::EmailMissing
                | Key::EmailInvalid
                | Key::PasswordMissing
                | Key::PasswordInvalid
                | Key::TooLong
                | Key::FieldRejected
                | Key::WrongCredentials
                | Key::RateLimited
                | Key::RateLimitedLater
                | Key::Forbidden
                | Key::ServiceMissing
                | Key::ServerError
                | Key::Unexpected
                | Key::Offline => {}
            };
        }
    }

    #[test]
    fn every_key_has_english_and_japanese_text() {
        for key in Key::ALL {
            for lang in [Lang::En, Lang::Ja] {
                assert!(!text(lang, key).trim().is_empty(), "{key:?} has no {lang:?} text");
            }
        }
    }

    #[test]
    fn japanese_text_is_japanese_except_names() {
        // Names stay as they are; everything else must be translated, not copied.
        let names = [Key::Product, Key::OtherLanguage];
        for key in Key::ALL.into_iter().filter(|k| !names.contains(k)) {
            assert!(!text(Lang::Ja, key).is_ascii(), "{key:?}'s Japanese text is untranslated");
        }
    }

    #[test]
    fn placeholders_are_kept_in_both_languages() {
        for key in Key::ALL {
            for hole in ["{seconds}", "{code}"] {
                assert_eq!(text(Lang::En, key).contains(hole), text(Lang::Ja, key).contains(hole), "{key:?} {hole}");
            }
        }
    }

    #[test]
    fn japanese_browsers_get_japanese_and_others_english() {
        assert_eq!(Lang::from_tag("ja"), Lang::Ja);
        assert_eq!(Lang::from_tag("ja-JP"), Lang::Ja);
        assert_eq!(Lang::from_tag("JA_jp"), Lang::Ja);
        assert_eq!(Lang::from_tag("en-US"), Lang::En);
        assert_eq!(Lang::from_tag("jv"), Lang::En);
        assert_eq!(Lang::from_tag(""), Lang::En);
    }
}
