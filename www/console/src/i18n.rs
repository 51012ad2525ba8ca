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
    MembersLead => "Everyone who works in this channel, and their role.", "このチャネルで作業する人とその役割です。";
    MemberName => "Name", "名前";
    MemberRole => "Role", "役割";
    MemberActions => "Actions", "操作";
    MemberYou => "You", "あなた";
    /// `{name}`: whose role the select changes.
    RoleOf => "Role of {name}", "{name} の役割";
    MemberRemove => "Remove", "削除";
    /// `{name}`: the member about to be removed.
    RemoveQuestion => "Remove {name} from this channel?", "{name} をこのチャネルから削除しますか？";
    RemoveExplain => "They lose access to this channel at once. You can invite them again later.", "このチャネルへのアクセスはすぐに失われます。あとで再び招待できます。";
    MemberRemoving => "Removing…", "削除しています…";
    RoleChanged => "Role changed.", "役割を変更しました。";
    LeaveTitle => "Leave this channel", "このチャネルから退出";
    LeaveLead => "You will no longer see this channel. An owner can invite you again.", "このチャネルは表示されなくなります。オーナーが再び招待できます。";
    LeaveButton => "Leave channel", "チャネルから退出";
    LeaveQuestion => "Leave this channel?", "このチャネルから退出しますか？";
    LastOwner => "A channel keeps at least one owner: make another member owner first.", "チャネルには少なくとも 1 人のオーナーが必要です。先に別のメンバーをオーナーにしてください。";
    MemberGone => "This member is no longer in the channel.", "このメンバーはすでにチャネルにいません。";
    InviteTitle => "Invite someone", "メンバーを招待";
    InviteLead => "They get an email with a link that works once, for 7 days.", "7 日間、1 回だけ使えるリンクをメールで送ります。";
    InviteButton => "Send invitation", "招待を送信";
    Inviting => "Inviting…", "招待しています…";
    AlreadyMember => "Someone with this email is already a member of this channel.", "このメールアドレスの人はすでにこのチャネルのメンバーです。";
    /// `{email}`: who was invited.
    InvitedLink => "Invitation sent to {email}. You can also share this link:", "{email} に招待を送りました。このリンクを共有することもできます：";
    InvitationLink => "Invitation link", "招待リンク";
    CopyFailed => "Could not copy: select the text and copy it yourself.", "コピーできませんでした。テキストを選択してコピーしてください。";
    PendingTitle => "Pending invitations", "保留中の招待";
    NoPending => "No invitations are waiting.", "保留中の招待はありません。";
    InviteExpires => "Expires", "有効期限";
    RevokeButton => "Revoke", "取り消す";
    RevokingNow => "Revoking…", "取り消しています…";
    Working => "Working…", "処理しています…";
    /// `{email}`: the invited address.
    RevokeInvitationQuestion => "Revoke the invitation to {email}?", "{email} への招待を取り消しますか？";
    RevokeInvitationExplain => "Its link stops working at once.", "リンクはすぐに使えなくなります。";
    TokensLead => "Keys for your servers to call the admin API. Treat them like passwords.", "サーバーから管理 API を呼び出すためのキーです。パスワードと同じように扱ってください。";
    NewToken => "New token", "新しいトークン";
    TokenName => "Name", "名前";
    TokenNameHint => "What it is for, such as \"CRM sync\".", "用途がわかる名前（例：「CRM 連携」）。";
    TokenNameMissing => "Give the token a name.", "トークンの名前を入力してください。";
    CreateToken => "Create token", "トークンを作成";
    TokenCreating => "Creating…", "作成しています…";
    TokenCreated => "Your new token", "作成したトークン";
    TokenOnce => "Copy it now: it is shown only this once. Anyone with it can act in this channel with its role.", "今すぐコピーしてください。表示されるのはこの 1 回だけです。このトークンを持つ人は誰でも、その役割でこのチャネルを操作できます。";
    TokenValue => "Token", "トークン";
    TokenDone => "Done", "完了";
    NoTokens => "This channel has no API tokens.", "このチャネルには API トークンがありません。";
    TokenCreatedAt => "Created", "作成日時";
    TokenLastUsed => "Last used", "最終使用";
    /// `{name}`: the token's name.
    RevokeTokenQuestion => "Revoke the token \"{name}\"?", "トークン「{name}」を取り消しますか？";
    RevokeTokenExplain => "Anything still using it is refused from now on.", "このトークンを使っているものは、今後すべて拒否されます。";
    TokenNameTooLong => "Use at most 80 characters.", "80 文字以内で入力してください。";

    // ── Account pages: accept, reset, confirm, account (account.rs) ──
    ForgotLead => "Enter your account's email address and we will send you a link to set a new password.", "アカウントのメールアドレスを入力してください。新しいパスワードを設定するリンクを送ります。";
    SendLink => "Send link", "リンクを送信";
    LinkSending => "Sending…", "送信しています…";
    ForgotSent => "If an account uses this address, a link to reset its password is on its way. It works once, for one hour.", "このアドレスのアカウントがあれば、パスワード再設定のリンクを送りました。リンクは 1 時間、1 回だけ使えます。";
    BackToSignIn => "Back to sign-in", "サインイン画面に戻る";
    ResetLead => "Choose a new password of at least 10 characters.", "10 文字以上の新しいパスワードを決めてください。";
    NewPassword => "New password", "新しいパスワード";
    NewPasswordAgain => "New password again", "新しいパスワード（確認）";
    SetPassword => "Set password", "パスワードを設定";
    PasswordTooShort => "Use at least 10 characters.", "10 文字以上にしてください。";
    PasswordsDiffer => "The two passwords are not the same.", "2 つのパスワードが一致しません。";
    ResetDone => "Your password was changed, and every session was signed out. Sign in with the new password.", "パスワードを変更し、すべてのセッションをサインアウトしました。新しいパスワードでサインインしてください。";
    LinkMissing => "This link is incomplete. Open the whole link from the email.", "リンクが不完全です。メールのリンク全体を開いてください。";
    LinkUnknown => "This link is not valid. Check that you opened the whole link from the email.", "このリンクは無効です。メールのリンク全体を開いたか確認してください。";
    LinkGone => "This link has expired or was already used.", "このリンクは有効期限が切れているか、すでに使用されています。";
    AskAgain => "Ask for a new link", "新しいリンクを請求する";
    /// `{inviter}`, `{channel}`: who invited, to which channel.
    AcceptLead => "{inviter} invited you to join {channel}.", "{inviter} さんが {channel} に招待しています。";
    InvitedAs => "Your role", "あなたの役割";
    InvitedEmail => "Invited address", "招待されたアドレス";
    InviteGone => "This invitation has expired, was revoked or was already used. Ask the channel's owner for a new one.", "この招待は有効期限切れ、取り消し済み、または使用済みです。チャネルのオーナーに新しい招待を依頼してください。";
    InviteUnknown => "This invitation link is not valid. Check that you opened the whole link from the email.", "この招待リンクは無効です。メールのリンク全体を開いたか確認してください。";
    CreateAccountLead => "Create your account to join.", "アカウントを作成して参加してください。";
    YourName => "Your name", "お名前";
    NameMissing => "Enter your name.", "名前を入力してください。";
    ChoosePassword => "Choose a password", "パスワードを決める";
    CreateAndJoin => "Create account and join", "アカウントを作成して参加";
    Joining => "Joining…", "参加しています…";
    /// `{email}`: the signed-in account.
    JoinAs => "You are signed in as {email}.", "{email} としてサインインしています。";
    Join => "Join the channel", "チャネルに参加";
    HaveAccountHint => "Already have an account? Sign in, then open this link again.", "すでにアカウントをお持ちですか？サインインしてから、このリンクをもう一度開いてください。";
    HaveAccount => "An account with this email exists: sign in, then open this link again.", "このメールアドレスのアカウントがあります。サインインしてから、このリンクをもう一度開いてください。";
    ConfirmEmailLead => "Confirm to make this address your account's email.", "確認すると、このアドレスがアカウントのメールアドレスになります。";
    ConfirmEmailButton => "Confirm address", "アドレスを確認";
    EmailConfirming => "Confirming…", "確認しています…";
    /// `{email}`: the confirmed address.
    EmailConfirmed => "Your email address is now {email}.", "メールアドレスを {email} に変更しました。";
    EmailTaken => "Another account uses this email address.", "このメールアドレスは別のアカウントで使われています。";
    AccountLead => "Your sign-in details and where you are signed in.", "サインイン情報とサインイン中のセッションです。";
    ProfileTitle => "Profile", "プロフィール";
    ChangePasswordTitle => "Change password", "パスワードの変更";
    ChangePasswordLead => "Your other sessions are signed out when the password changes.", "パスワードを変更すると、ほかのセッションはサインアウトされます。";
    CurrentPassword => "Current password", "現在のパスワード";
    CurrentPasswordWrong => "This is not your current password.", "現在のパスワードが正しくありません。";
    ChangePassword => "Change password", "パスワードを変更";
    PasswordChanged => "Password changed. Your other sessions were signed out.", "パスワードを変更しました。ほかのセッションはサインアウトされました。";
    ChangeEmailTitle => "Change email address", "メールアドレスの変更";
    ChangeEmailLead => "We send a confirmation link to the new address; it changes when you open it.", "新しいアドレスに確認リンクを送ります。リンクを開くと変更されます。";
    NewEmail => "New email address", "新しいメールアドレス";
    SendConfirmation => "Send confirmation link", "確認リンクを送信";
    /// `{email}`: the new address.
    EmailChangePending => "A confirmation link was sent to {email}. Your address changes when you open it.", "{email} に確認リンクを送りました。リンクを開くとアドレスが変更されます。";
    SessionsTitle => "Sessions", "セッション";
    SessionDevice => "Browser", "ブラウザ";
    SessionSignedIn => "Signed in", "サインイン日時";
    SessionLastUsed => "Last used", "最終使用";
    ThisSession => "This session", "このセッション";
    UnknownDevice => "Unknown browser", "不明なブラウザ";
    SignOutOthers => "Sign out everywhere else", "ほかのすべての場所でサインアウト";
    OthersSignedOut => "Your other sessions were signed out.", "ほかのセッションをサインアウトしました。";
    NoOtherSessions => "You are signed in nowhere else.", "ほかにサインイン中のセッションはありません。";
    SessionRevoked => "Session signed out.", "セッションをサインアウトしました。";

    // ── Customer list and bulk actions (customers.rs) ──

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
