//! Every string the console shows, in English and Japanese. A [`Key`] names a string;
//! [`text`] answers it in a [`Lang`]. Each key is one line of [`strings!`] with both
//! texts, so a key without a translation does not compile, and the tests below fail on an
//! empty one, an untranslated one or a placeholder only one language has.

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

/// Declares [`Key`], [`Key::ALL`] and both tables from lines `Name => "English", "日本語";`.
macro_rules! strings {
    ($($(#[$doc:meta])* $key:ident => $en:literal, $ja:literal;)*) => {
        /// The name of a visible string.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Key {
            $($(#[$doc])* $key,)*
        }

        impl Key {
            /// Every key, in declaration order.
            pub const ALL: &'static [Key] = &[$(Key::$key,)*];
        }

        fn en(key: Key) -> &'static str {
            match key {
                $(Key::$key => $en,)*
            }
        }

        fn ja(key: Key) -> &'static str {
            match key {
                $(Key::$key => $ja,)*
            }
        }
    };
}

pub fn text(lang: Lang, key: Key) -> &'static str {
    match lang {
        Lang::En => en(key),
        Lang::Ja => ja(key),
    }
}

/// Keys whose text is the same in both languages (names, not words).
#[cfg(test)]
const SAME_IN_BOTH: &[Key] = &[Key::Product, Key::OtherLanguage, Key::Utm];

// Placeholders are `{name}` and are filled by the caller (`Problem::message`, `fill`).
// Each screen's keys sit in its own block, so work on two screens never touches one line.
strings! {
    // ── The shell and sign-in (app.rs) ──
    Product => "Kizuna", "Kizuna";
    SignInTitle => "Sign in to Kizuna", "Kizuna にサインイン";
    SignInLead => "The console for your campaigns and customers.", "キャンペーンと顧客を管理するコンソールです。";
    Email => "Email", "メールアドレス";
    Password => "Password", "パスワード";
    SignIn => "Sign in", "サインイン";
    SigningIn => "Signing in…", "サインインしています…";
    /// The language switch's label: the other language, in that language.
    OtherLanguage => "日本語", "English";
    HomeTitle => "Console", "コンソール";
    SignedInAs => "Signed in as", "サインイン中のアカウント";
    SignOut => "Sign out", "サインアウト";
    YourChannels => "Your channels", "あなたのチャネル";
    NoChannels => "You are not in any channel yet.", "まだどのチャネルにも参加していません。";
    RoleOwner => "Owner", "オーナー";
    RoleMember => "Member", "メンバー";
    Loading => "Loading…", "読み込んでいます…";
    NotFoundTitle => "Page not found", "ページが見つかりません";
    NotFoundLead => "There is no console page at this address.", "このアドレスにはコンソールのページがありません。";
    GoHome => "Go to the console", "コンソールへ";
    GoToSignIn => "Go to sign-in", "サインイン画面へ";
    EmailMissing => "Enter your email address.", "メールアドレスを入力してください。";
    EmailInvalid => "Enter an email address like name@example.com.", "name@example.com の形式でメールアドレスを入力してください。";
    PasswordMissing => "Enter your password.", "パスワードを入力してください。";
    PasswordInvalid => "This password is not accepted.", "このパスワードは使用できません。";
    TooLong => "This is too long.", "長すぎます。";
    FieldRejected => "This value was not accepted.", "この値は受け付けられませんでした。";
    WrongCredentials => "The email address or password is not correct.", "メールアドレスまたはパスワードが正しくありません。";
    RateLimited => "Too many attempts. Try again in {seconds} seconds.", "試行回数が多すぎます。{seconds} 秒後にもう一度お試しください。";
    RateLimitedLater => "Too many attempts. Try again later.", "試行回数が多すぎます。しばらくしてからもう一度お試しください。";
    Forbidden => "This account is not allowed to do this.", "このアカウントにはこの操作の権限がありません。";
    ServiceMissing => "This server does not offer sign-in yet.", "このサーバーはまだサインインに対応していません。";
    ServerError => "Something went wrong on the server. Try again.", "サーバーでエラーが発生しました。もう一度お試しください。";
    /// `{code}` is the error code the server answered.
    Unexpected => "The server gave an unexpected answer ({code}).", "サーバーから予期しない応答がありました（{code}）。";
    Offline => "Could not reach the server. Check your connection and try again.", "サーバーに接続できませんでした。接続を確認して、もう一度お試しください。";
    Utm => "UTM", "UTM";
    NavMain => "Console", "コンソール";
    NavCustomers => "Customers", "顧客";
    NavSegments => "Segments", "セグメント";
    NavFields => "Profile settings", "プロフィール設定";
    NavSettings => "Channel settings", "チャネル設定";
    NavMembers => "Members", "メンバー";
    NavTokens => "API tokens", "API トークン";
    NavAccount => "Your account", "アカウント";
    ChannelSwitch => "Channel", "チャネル";
    NewChannel => "New channel", "新しいチャネル";
    SkipToContent => "Skip to content", "本文へスキップ";
    Saved => "Saved.", "保存しました。";
    Save => "Save", "保存";
    Saving => "Saving…", "保存しています…";
    Cancel => "Cancel", "キャンセル";
    Copy => "Copy", "コピー";
    Copied => "Copied.", "コピーしました。";
    Close => "Close", "閉じる";
    Delete => "Delete", "削除";
    OwnersOnly => "Only the channel's owners can open this page.", "このページはチャネルのオーナーだけが開けます。";
    Never => "Never", "なし";
    ForgotLink => "Forgot your password?", "パスワードをお忘れですか？";
    ForgotTitle => "Reset your password", "パスワードの再設定";
    AcceptTitle => "Join a channel", "チャネルに参加";
    ConfirmEmailTitle => "Confirm your new email address", "新しいメールアドレスの確認";

    // ── Channels: create, settings, delete (channel.rs) ──

    // ── Members, invitations, tokens (members.rs) ──

    // ── Account pages: accept, reset, confirm, account (account.rs) ──

    // ── Customer list and bulk actions (customers.rs) ──
    ColCustomer => "Customer", "顧客";
    ColMemberId => "Member ID", "会員 ID";
    ColMember => "Member", "会員";
    ColName => "Name", "名前";
    ColTags => "Tags", "タグ";
    ColCity => "City", "市区町村";
    ColCountry => "Country", "国";
    ColLanguage => "Language", "言語";
    ColCreatedAt => "First seen", "初回訪問日時";
    ColLastSeenAt => "Last seen", "最終訪問日時";
    ColUpdatedAt => "Updated", "更新日時";
    ColSessionsCount => "Sessions", "セッション数";
    ColWebBrowser => "Browser", "ブラウザ";
    ColWebBrowserName => "Browser name", "ブラウザ名";
    ColWebOs => "OS", "OS バージョン";
    ColWebOsName => "OS name", "OS 名";
    ColWebDevice => "Device", "デバイス";
    ColWebLastSeenAt => "Last seen on the web", "Web の最終訪問日時";
    ColWebSessionsCount => "Web sessions", "Web のセッション数";
    ColHasPushToken => "Push enabled", "プッシュ通知";
    ColUnsubscribeEmail => "Email unsubscribed", "メール配信停止";
    ColUnsubscribeTexting => "SMS unsubscribed", "SMS 配信停止";
    ColEmailStatus => "Email status", "メールの状態";
    Yes => "Yes", "はい";
    No => "No", "いいえ";
    AnonymousVisitor => "Anonymous visitor", "匿名の訪問者";
    CustomersTotal => "{count} customers", "{count} 人の顧客";
    CustomersTotalOne => "1 customer", "1 人の顧客";
    CustomersLoaded => "{count} loaded", "{count} 人を読み込み済み";
    QuickSearch => "Search by name, email or phone", "名前・メールアドレス・電話番号で検索";
    Columns => "Columns", "表示する列";
    ColumnsHint => "Choose the columns to show. The choice is remembered for this channel.", "表示する列を選んでください。選択はこのチャネルで記憶されます。";
    FilterTitle => "Filter", "絞り込み";
    SegmentShown => "Segment: {name}", "セグメント：{name}";
    ClearSegment => "Show all customers", "すべての顧客を表示";
    CustomerList => "Customer list", "顧客一覧";
    NoCustomers => "No customers match.", "条件に合う顧客はいません。";
    NewCustomers => "{count} new customers", "新しい顧客が {count} 人います";
    ShowNew => "Show", "表示する";
    SelectCustomer => "Select {name}", "{name} を選択";
    SelectLoaded => "Select all loaded customers", "読み込んだ顧客をすべて選択";
    SelectAllResults => "Select all {count} results", "検索結果の {count} 人すべてを選択";
    AllResultsSelected => "All {count} results are selected.", "検索結果の {count} 人すべてを選択しています。";
    SelectedCount => "{count} selected", "{count} 人を選択中";
    ClearSelection => "Clear selection", "選択を解除";
    BulkAction => "Action", "操作";
    BulkOpen => "Bulk actions…", "一括操作…";
    BulkAddTags => "Add tags", "タグを追加";
    BulkRemoveTags => "Remove tags", "タグを外す";
    BulkUnsubscribeEmail => "Unsubscribe from email", "メール配信を停止";
    BulkResubscribeEmail => "Resubscribe to email", "メール配信停止を解除";
    BulkUnsubscribeTexting => "Unsubscribe from SMS", "SMS 配信を停止";
    BulkResubscribeTexting => "Resubscribe to SMS", "SMS 配信停止を解除";
    BulkDelete => "Delete customers", "顧客を削除";
    BulkTags => "Tags, separated by commas", "タグ（カンマ区切り）";
    BulkApply => "Apply", "実行";
    BulkTitle => "Change {count} customers", "{count} 人の顧客を変更";
    BulkRunning => "{done} of {total} customers done", "{total} 人中 {done} 人が完了";
    BulkDone => "Done: {changed} customers changed.", "完了：{changed} 人を変更しました。";
    BulkFailed => "The bulk action stopped: {error}", "一括操作が止まりました：{error}";
    TagsMissing => "Enter at least one tag.", "タグを 1 つ以上入力してください。";
    TagInvalid => "Each tag is 1 to 50 characters, without control characters.", "タグはそれぞれ 1〜50 文字で、制御文字は使えません。";
    DeleteConfirm => "Delete {count} customers? Their data is erased and cannot be restored.", "{count} 人の顧客を削除しますか？データは消去され、元に戻せません。";
    DeleteSelectedOnly => "Deleting works on selected customers; select them in the list.", "削除できるのは一覧で選んだ顧客だけです。";
    DeleteDone => "Deleted {count} customers.", "{count} 人の顧客を削除しました。";
    SortAscending => "ascending", "昇順";
    SortDescending => "descending", "降順";

    // ── Customer page (customer.rs) ──

    // ── Filter builder, segments (filter.rs, segments.rs) ──

    // ── Profile settings (fields.rs) ──

    // ── API errors (problem.rs) ──
}

/// Fills `{name}` in `template` with `value`.
pub fn fill(template: &str, name: &str, value: &str) -> String {
    template.replace(&format!("{{{name}}}"), value)
}

/// The `{name}` placeholders of a text.
#[cfg(test)]
fn holes(text: &str) -> Vec<&str> {
    let mut found: Vec<&str> = text
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .filter(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_listed_once() {
        for (i, key) in Key::ALL.iter().enumerate() {
            assert_eq!(Key::ALL.iter().position(|k| k == key), Some(i), "{key:?} is listed twice");
        }
        assert!(Key::ALL.len() > 30);
    }

    #[test]
    fn every_key_has_english_and_japanese_text() {
        for &key in Key::ALL {
            for lang in [Lang::En, Lang::Ja] {
                assert!(!text(lang, key).trim().is_empty(), "{key:?} has no {lang:?} text");
            }
        }
    }

    #[test]
    fn japanese_text_is_japanese_except_names() {
        // Names stay as they are; everything else must be translated, not copied.
        for &key in Key::ALL.iter().filter(|k| !SAME_IN_BOTH.contains(k)) {
            assert!(!text(Lang::Ja, key).is_ascii(), "{key:?}'s Japanese text is untranslated");
            assert_ne!(text(Lang::Ja, key), text(Lang::En, key), "{key:?}");
        }
    }

    #[test]
    fn placeholders_are_kept_in_both_languages() {
        for &key in Key::ALL {
            assert_eq!(holes(text(Lang::En, key)), holes(text(Lang::Ja, key)), "{key:?}");
        }
        assert_eq!(holes("Wait {seconds} s ({code}, {seconds})"), ["code", "seconds"]);
        assert_eq!(fill("{n} new", "n", "3"), "3 new");
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
