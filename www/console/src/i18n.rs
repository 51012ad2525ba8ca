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
const SAME_IN_BOTH: &[Key] = &[Key::Product, Key::OtherLanguage, Key::Utm, Key::FileXlsx, Key::FileCsv, Key::FileJson];

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
    PartFailed => "This screen could not be loaded. Check your connection; if the console was updated meanwhile, reloading brings the new version.", "この画面を読み込めませんでした。接続を確認してください。コンソールが更新された場合は、再読み込みすると新しい版になります。";
    ReloadConsole => "Reload the console", "コンソールを再読み込み";
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
    NavBroadcasts => "Broadcasts", "一斉配信";
    NavCampaigns => "Campaigns", "キャンペーン";
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
    ChannelsLead => "Each channel is one site: its visitors, customers and campaigns.", "チャネルはひとつのサイトです。訪問者、顧客、キャンペーンをまとめて管理します。";
    OpenCustomers => "Open customers", "顧客を開く";
    EmptyTitle => "Start with your first channel", "最初のチャネルを作りましょう";
    EmptyLead => "A channel connects one website to Kizuna. Create one, paste its tag into your site, and visitors start to appear.", "チャネルはひとつのウェブサイトを Kizuna につなぎます。作成してタグをサイトに貼り付けると、訪問者が表示されはじめます。";
    CreateFirstChannel => "Create your first channel", "最初のチャネルを作成";
    NewChannelLead => "Name the site you are adding; you can change its time zone later.", "追加するサイトの情報を入力してください。タイムゾーンは後から変更できます。";
    ChannelName => "Channel name", "チャネル名";
    ChannelNameHint => "What your team calls this site, e.g. Matcha Corner.", "チームで呼んでいるサイト名（例：抹茶コーナー）。";
    SiteUrl => "Site address", "サイトのアドレス";
    SiteUrlHint => "The address of your site, starting with https://", "https:// から始まるサイトのアドレス";
    TimeZone => "Time zone", "タイムゾーン";
    TimeZoneHint => "Campaign schedules, business hours and daily counts follow this zone.", "キャンペーンのスケジュール、営業時間、日ごとの集計はこのタイムゾーンに従います。";
    CreateChannel => "Create channel", "チャネルを作成";
    Creating => "Creating…", "作成しています…";
    ChannelNameMissing => "Enter a name for the channel.", "チャネル名を入力してください。";
    ChannelNameInvalid => "Use 1 to 80 characters for the name.", "チャネル名は 1〜80 文字で入力してください。";
    SiteUrlMissing => "Enter your site's address.", "サイトのアドレスを入力してください。";
    SiteUrlInvalid => "Enter the site's address starting with https://, such as https://shop.example", "https://shop.example のように、https:// から始まるアドレスを入力してください。";
    TimeZoneMissing => "Choose a time zone.", "タイムゾーンを選んでください。";
    TimeZoneInvalid => "Use a time zone name such as Asia/Tokyo, or UTC+05:30.", "Asia/Tokyo のようなタイムゾーン名、または UTC+05:30 の形式で入力してください。";
    ChannelCreated => "Channel created", "チャネルを作成しました";
    SecretTitle => "Identity secret", "本人確認シークレット";
    SecretOnce => "Copy this secret now and store it on your server. It is shown only this once; Kizuna cannot show it again.", "このシークレットを今すぐコピーして、サーバーに保存してください。表示されるのは今回だけで、後から再表示することはできません。";
    SecretUse => "Your server signs each signed-in member's id with it, so nobody can pretend to be one of your members.", "サーバーはこのシークレットでサインイン中の会員 ID に署名します。これにより、他人が会員になりすますことを防げます。";
    CopySecret => "Copy secret", "シークレットをコピー";
    CopyFailed => "Could not copy. Select the text and copy it yourself.", "コピーできませんでした。テキストを選択して手動でコピーしてください。";
    ContinueToSettings => "Continue to the channel's settings", "チャネル設定へ進む";
    InstallTitle => "Install the tag", "タグを設置する";
    InstallLead => "Paste this tag into every page of your site, best inside <head>.", "このタグをサイトのすべてのページ（できれば <head> の中）に貼り付けてください。";
    ScriptTag => "Script tag", "スクリプトタグ";
    CopyTag => "Copy tag", "タグをコピー";
    TagWaiting => "Waiting for your site", "サイトからの接続を待っています";
    TagWaitingHint => "Open a page of your site that has the tag. This updates by itself within a few seconds.", "タグを貼ったサイトのページを開いてください。数秒以内にここが自動で更新されます。";
    /// `{time}` a date and time, `{url}` the page's address.
    TagSeen => "Last seen {time} on {url}", "最終確認：{time}（{url}）";
    TagSeenHint => "The tag is working: Kizuna receives your site's page views.", "タグは正常に動いています。サイトのページビューを受信しています。";
    MembersTitle => "Signed-in members", "サインイン中の会員";
    SiteMembersLead => "When a visitor is signed in on your site, add this above the tag. Your server fills in the member's id and its hash.", "訪問者がサイトにサインインしているときは、タグの上にこれを追加してください。会員 ID とハッシュはサーバー側で埋め込みます。";
    ServerLead => "Your server computes memberHash as the hex HMAC-SHA256 of the member id under the channel's identity secret:", "memberHash は、会員 ID をチャネルの本人確認シークレットで HMAC-SHA256 した値（16 進数）です。サーバーで次のように計算します。";
    PageSnippet => "Page snippet", "ページ用スニペット";
    ServerSnippet => "Server example", "サーバー側の例";
    CopySnippet => "Copy snippet", "スニペットをコピー";
    CopyExample => "Copy example", "例をコピー";
    SettingsTitle => "Campaign settings", "キャンペーン設定";
    SettingsReadOnly => "Only the channel's owners can change these settings.", "これらの設定を変更できるのはチャネルのオーナーだけです。";
    BusinessHours => "Business hours", "営業時間";
    BusinessHoursLead => "Named sets of weekly hours that campaigns can follow, in the channel's time zone.", "キャンペーンが従うことのできる、名前付きの週ごとの時間帯です（チャネルのタイムゾーン）。";
    NoBusinessHours => "No business-hours sets yet.", "営業時間のセットはまだありません。";
    /// `{n}` the set's number.
    SetLegend => "Set {n}", "セット {n}";
    SetName => "Set name", "セット名";
    Days => "Days", "曜日";
    From => "From", "開始";
    To => "To", "終了";
    TimeHint => "HH:MM, 24-hour; 24:00 is midnight at the end of the day.", "24 時間表記の HH:MM。24:00 はその日の終わりの深夜 0 時です。";
    AddWindow => "Add hours", "時間帯を追加";
    RemoveWindow => "Remove these hours", "この時間帯を削除";
    AddSet => "Add a business-hours set", "営業時間のセットを追加";
    RemoveSet => "Remove this set", "このセットを削除";
    /// `{n}` the window's number.
    WindowLegend => "Hours {n}", "時間帯 {n}";
    DayMon => "Mon", "月";
    DayTue => "Tue", "火";
    DayWed => "Wed", "水";
    DayThu => "Thu", "木";
    DayFri => "Fri", "金";
    DaySat => "Sat", "土";
    DaySun => "Sun", "日";
    FrequencyCap => "Frequency cap", "表示回数の上限";
    FrequencyCapLead => "The most messages automated campaigns show one visitor. Leave empty for no limit.", "自動キャンペーンがひとりの訪問者に表示するメッセージの上限です。空欄なら上限なしです。";
    PerSession => "At most per visit", "1 回の訪問あたりの上限";
    PerDay => "At most per day", "1 日あたりの上限";
    CapInvalid => "Enter a whole number of at least 1, or leave it empty.", "1 以上の整数を入力するか、空欄にしてください。";
    SetNameMissing => "Name this set.", "セット名を入力してください。";
    SetNameTaken => "Another set has this name.", "同じ名前のセットがすでにあります。";
    DaysMissing => "Choose at least one day.", "曜日を 1 つ以上選んでください。";
    TimeInvalid => "Enter a time as HH:MM, such as 09:00.", "09:00 のように HH:MM の形式で入力してください。";
    WindowEmpty => "The end must differ from the start.", "終了時刻は開始時刻と異なる必要があります。";
    HoursInUse => "A campaign still follows a set you removed. Change that campaign first.", "削除したセットを使っているキャンペーンがあります。先にそのキャンペーンを変更してください。";
    SaveSettings => "Save settings", "設定を保存";
    IdentityTitle => "Identity verification", "本人確認";
    IdentityLead => "With verification on, Kizuna accepts a memberId only with a valid memberHash from your server.", "本人確認をオンにすると、サーバーが作成した正しい memberHash がある場合だけ memberId を受け付けます。";
    IdentityOn => "Verification is on.", "本人確認はオンです。";
    IdentityOff => "Verification is off: anyone can claim a member id, with limited effect.", "本人確認はオフです。誰でも会員 ID を名乗れますが、その影響は限定されます。";
    IdentityToggle => "Verify signed-in members", "サインイン中の会員を確認する";
    RotateSecret => "Rotate secret", "シークレットを再発行";
    RotateHint => "Makes a new secret. The previous one keeps working for 24 hours, so you can update your server without an outage.", "新しいシークレットを作成します。以前のシークレットも 24 時間は有効なので、停止せずにサーバーを更新できます。";
    NewSecret => "New identity secret", "新しい本人確認シークレット";
    /// `{time}` a date and time.
    PreviousValid => "The previous secret still works until {time}.", "以前のシークレットは {time} まで有効です。";
    RevokePrevious => "Revoke the previous secret now", "以前のシークレットを今すぐ無効にする";
    PreviousRevoked => "The previous secret no longer works.", "以前のシークレットは無効になりました。";
    DangerTitle => "Delete this channel", "このチャネルを削除";
    DangerLead => "Deleting removes the channel, its customers, campaigns, segments, statistics and members' access, at once and for good.", "削除すると、チャネルとその顧客、キャンペーン、セグメント、統計、メンバーのアクセス権がすぐに完全に削除されます。";
    /// `{name}` the channel's name.
    ConfirmNameLabel => "Type the channel's name, {name}, to confirm", "確認のため、チャネル名「{name}」を入力してください";
    ConfirmNameWrong => "Type the channel's name exactly as shown.", "表示されているとおりにチャネル名を入力してください。";
    DeleteChannel => "Delete channel", "チャネルを削除";
    Deleting => "Deleting…", "削除しています…";

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
    BulkTitle => "Change customers: {count}", "{count} 人の顧客を変更";
    BulkRunning => "{done} of {total} customers done", "{total} 人中 {done} 人が完了";
    BulkDone => "Done. Customers changed: {changed}.", "完了：{changed} 人を変更しました。";
    BulkFailed => "The bulk action stopped: {error}", "一括操作が止まりました：{error}";
    TagsMissing => "Enter at least one tag.", "タグを 1 つ以上入力してください。";
    TagInvalid => "Each tag is 1 to 50 characters, without control characters.", "タグはそれぞれ 1〜50 文字で、制御文字は使えません。";
    DeleteConfirm => "Delete {count} customers? Their data is erased and cannot be restored.", "{count} 人の顧客を削除しますか？データは消去され、元に戻せません。";
    DeleteSelectedOnly => "Deleting works on selected customers; select them in the list.", "削除できるのは一覧で選んだ顧客だけです。";
    DeleteDone => "Deleted {count} customers.", "{count} 人の顧客を削除しました。";
    SortAscending => "ascending", "昇順";
    SortDescending => "descending", "降順";

    // ── Customer page (customer.rs) ──
    CustomerAnonymous => "Anonymous visitor", "匿名の訪問者";
    /// `{id}`: the first characters of an anonymous visitor's id.
    CustomerAnonymousId => "Anonymous visitor {id}", "匿名の訪問者 {id}";
    CustomerBack => "All customers", "顧客一覧";
    CustomerNotFoundTitle => "Customer not found", "顧客が見つかりません";
    CustomerNotFoundLead => "This channel has no customer with this id. They may have been deleted.", "このチャネルにはこの ID の顧客がいません。削除された可能性があります。";
    CustomerIsMember => "Site member", "サイト会員";
    CustomerIdLabel => "Customer ID", "顧客 ID";
    CustomerMemberId => "Member ID", "会員 ID";
    CustomerFirstSeen => "First seen", "初回訪問";
    CustomerLastSeen => "Last seen", "最終訪問";
    CustomerProfile => "Profile", "プロフィール";
    CustomerEdit => "Edit", "編集";
    /// `{field}`: a profile field's display name.
    CustomerEditField => "Edit {field}", "{field}を編集";
    CustomerLocked => "Locked: this field keeps its first value.", "ロック中：この項目は最初の値を保持します。";
    CustomerWriteOnceHint => "Can be set once; it cannot be changed after.", "一度だけ設定でき、その後は変更できません。";
    CustomerFromFirstVisit => "Set from the first visit", "初回訪問時に記録";
    CustomerKeptByKizuna => "Kept by Kizuna", "Kizuna が記録";
    CustomerYes => "Yes", "はい";
    CustomerNo => "No", "いいえ";
    CustomerUnset => "Not set", "未設定";
    CustomerListHint => "Separate items with commas.", "項目はカンマで区切ってください。";
    /// `{zone}`: the channel's IANA time zone.
    CustomerDateHint => "In the channel's time zone ({zone}).", "チャネルのタイムゾーン（{zone}）で入力します。";
    CustomerEditHint => "Enter saves, Escape cancels. Leave empty to clear.", "Enter で保存、Escape でキャンセル。空にすると値を消去します。";
    CustomerNumberExpected => "Enter a number.", "数値を入力してください。";
    CustomerBooleanExpected => "Choose yes or no.", "「はい」か「いいえ」を選んでください。";
    CustomerDateExpected => "Enter a date and time.", "日付と時刻を入力してください。";
    CustomerListRejected => "Enter at most 100 items of at most 256 characters each.", "各 256 文字以内の項目を 100 個まで入力してください。";
    CustomerEmailInvalid => "Enter an email address like name@example.com.", "name@example.com の形式でメールアドレスを入力してください。";
    CustomerPhoneInvalid => "Enter a phone number: 6 to 20 digits, with + - ( ) . allowed.", "電話番号を入力してください（6〜20 桁、+ - ( ) . を使用できます）。";
    CustomerNameInvalid => "Enter a name of 1 to 80 characters.", "1〜80 文字で名前を入力してください。";
    CustomerWriteOnceTaken => "This field can be set once and already has a value.", "この項目は一度だけ設定でき、すでに値があります。";
    CustomerTags => "Tags", "タグ";
    CustomerNoTags => "No tags yet.", "タグはまだありません。";
    CustomerAddTag => "Add tag", "タグを追加";
    CustomerNewTag => "New tag", "新しいタグ";
    /// `{tag}`: the tag's text.
    CustomerRemoveTag => "Remove tag {tag}", "タグ「{tag}」を削除";
    CustomerActivity => "Activity", "アクティビティ";
    CustomerSessions => "Sessions", "セッション数";
    CustomerLastSession => "Last session", "最新のセッション";
    CustomerDevice => "Device", "デバイス";
    CustomerBrowser => "Browser", "ブラウザ";
    CustomerOs => "Operating system", "オペレーティングシステム";
    CustomerDeviceKind => "Device type", "デバイスの種類";
    CustomerLocation => "Location", "所在地";
    CustomerCity => "City", "市区町村";
    CustomerCountry => "Country", "国";
    CustomerLanguage => "Language", "言語";
    CustomerFirstTouch => "First touch", "初回接点";
    CustomerSubscriptions => "Subscriptions", "配信設定";
    CustomerEmailChannel => "Email", "メール";
    CustomerTextChannel => "Text messages (SMS)", "ショートメッセージ（SMS）";
    CustomerSubscribed => "Subscribed", "配信中";
    CustomerUnsubscribed => "Unsubscribed", "配信停止中";
    CustomerUnsubscribe => "Unsubscribe", "配信を停止";
    CustomerResubscribe => "Resubscribe", "配信を再開";
    CustomerEmailStatus => "Email delivery status", "メール配信ステータス";
    CustomerStatusUnconfirmed => "Unconfirmed", "未確認";
    CustomerStatusOk => "Delivered", "配信成功";
    CustomerStatusInvalid => "Invalid address", "無効なアドレス";
    CustomerStatusError => "Error", "エラー";
    CustomerStatusTemporary => "Temporary error", "一時的なエラー";
    CustomerStatusSpam => "Marked as spam", "迷惑メール報告";
    CustomerMessages => "Messages received", "受信したメッセージ";
    CustomerNoMessages => "No messages yet.", "まだメッセージを受信していません。";
    CustomerCampaign => "Campaign", "キャンペーン";
    CustomerDisplay => "Display", "表示形式";
    CustomerBubble => "Bubble", "バブル";
    CustomerFullscreen => "Fullscreen", "全画面";
    CustomerSent => "Sent", "送信";
    CustomerViewed => "Viewed", "閲覧";
    CustomerClicked => "Clicked", "クリック";
    CustomerGoal => "Goal", "ゴール";
    /// `{id}`: the id of a campaign that no longer exists.
    CustomerDeletedCampaign => "Deleted campaign ({id})", "削除されたキャンペーン（{id}）";
    CustomerLoadMore => "Show older messages", "古いメッセージを表示";
    CustomerNotYet => "Not yet", "まだありません";
    CustomerDelete => "Delete customer", "顧客を削除";
    CustomerDeleteHint => "Removes the customer everywhere: profile, visits and messages received.", "プロフィール、訪問、受信したメッセージを含め、顧客をすべての場所から削除します。";
    CustomerDeleteTitle => "Delete this customer?", "この顧客を削除しますか？";
    /// `{name}`: the customer's name or "Anonymous visitor …".
    CustomerDeleteLead => "{name} and everything Kizuna knows about them are removed everywhere. This cannot be undone.", "{name} と、Kizuna が保持するすべての情報が完全に削除されます。元に戻すことはできません。";
    CustomerDeleting => "Deleting…", "削除しています…";
    CustomerUpdating => "Updating…", "更新しています…";

    // ── Filter builder, segments (filter.rs, segments.rs) ──
    FilterBuilderTitle => "Filter", "詳細フィルター";
    FilterMatchAll => "Match all (AND)", "すべてに一致（AND）";
    FilterMatchAny => "Match any (OR)", "いずれかに一致（OR）";
    FilterCombine => "Combine the conditions of this group", "このグループの条件の組み合わせ";
    FilterAddCondition => "Add condition", "条件を追加";
    FilterAddGroup => "Add group", "グループを追加";
    FilterAddTags => "Add tag condition", "タグ条件を追加";
    FilterRemove => "Remove", "削除";
    FilterRemoveGroup => "Remove group", "グループを削除";
    FilterEmpty => "No conditions: every customer matches. Add a condition to narrow the list.", "条件がありません。すべての顧客が対象です。条件を追加して絞り込んでください。";
    FilterGroup => "Group", "グループ";
    FilterField => "Field", "項目";
    FilterOperator => "Operator", "条件";
    FilterValue => "Value", "値";
    FilterValueEnd => "End of range", "範囲の終わり";
    FilterChooseField => "Choose a field…", "項目を選択…";
    FilterListHint => "Separate values with commas", "複数の値はカンマで区切ります";
    FilterDays => "days", "日";
    FilterAnd => "and", "〜";
    FilterYes => "Yes", "はい";
    FilterNo => "No", "いいえ";
    FilterTags => "Tags", "タグ";
    FilterTagsInclude => "Has tags", "含むタグ";
    FilterTagsExclude => "Does not have tags", "除外するタグ";
    FilterTagsAll => "all of them (AND)", "すべて（AND）";
    FilterTagsAny => "any of them (OR)", "いずれか（OR）";
    FilterTagsMode => "How the tags combine", "タグの組み合わせ";
    FilterSearch => "Name, email or mobile contains", "名前・メール・携帯番号に含む";
    FilterPending => "Finish the conditions marked below to apply the filter.", "下の印の付いた条件を完成させるとフィルターが適用されます。";
    FilterSaveAs => "Save as segment", "セグメントとして保存";
    FilterEveryone => "Every customer", "すべての顧客";
    SegmentName => "Segment name", "セグメント名";
    SegmentSaved => "Segment “{name}” saved.", "セグメント「{name}」を保存しました。";
    FilterFieldMissing => "Choose a field.", "項目を選択してください。";
    FilterOpInvalid => "Choose an operator that fits this field.", "この項目に使える条件を選択してください。";
    FilterValueMissing => "Enter a value.", "値を入力してください。";
    FilterValueInvalid => "Check this value.", "この値を確認してください。";
    FilterNumberExpected => "Enter a number.", "数値を入力してください。";
    FilterDateExpected => "Enter a date.", "日付を入力してください。";
    FilterDaysExpected => "Enter a whole number of days from 0 to 36500.", "0〜36500 の整数で日数を入力してください。";
    FilterRangeOrder => "The start of the range is after its end.", "範囲の始まりが終わりより後になっています。";
    FilterListMissing => "Enter at least one value.", "値を 1 つ以上入力してください。";
    FilterTagsMissing => "Enter at least one tag to include or exclude.", "含むタグか除外するタグを 1 つ以上入力してください。";
    FilterGroupEmpty => "Add a condition to this group, or remove it.", "このグループに条件を追加するか、グループを削除してください。";
    FilterTooLarge => "This filter is too large: use fewer conditions.", "フィルターが大きすぎます。条件を減らしてください。";
    FilterInvalid => "This filter was not accepted.", "このフィルターは受け付けられませんでした。";
    SegmentNameMissing => "Enter a name for the segment.", "セグメント名を入力してください。";
    SegmentNameTaken => "Another segment has this name.", "同じ名前のセグメントがすでにあります。";
    OpEquals => "is", "が次と等しい";
    OpIs => "is", "が次である";
    OpContains => "contains", "が次を含む";
    OpStartsWith => "starts with", "が次で始まる";
    OpGreaterThan => "is greater than", "が次より大きい";
    OpLessThan => "is less than", "が次より小さい";
    OpBetween => "is between", "が次の範囲内";
    OpIsTrue => "is true", "がはい";
    OpIsFalse => "is false", "がいいえ";
    OpBefore => "is before", "が次より前";
    OpAfter => "is after", "が次より後";
    OpWithinLastDays => "is within the last … days", "が過去…日以内";
    OpMoreThanDaysAgo => "is more than … days ago", "が…日より前";
    OpContainsAny => "contains any of", "がいずれかを含む";
    OpContainsAll => "contains all of", "がすべてを含む";
    OpContainsNone => "contains none of", "がいずれも含まない";
    OpExists => "has a value", "に値がある";
    OpMissing => "has no value", "に値がない";
    SegmentsLead => "Saved filters. Each use finds the customers who match now.", "保存したフィルター条件です。開くたびに最新の情報で顧客を抽出します。";
    SegmentsNone => "No segments yet.", "セグメントはまだありません。";
    SegmentNew => "New segment", "新しいセグメント";
    SegmentEdit => "Edit segment", "セグメントを編集";
    SegmentUpdated => "Updated", "更新日時";
    SegmentActions => "Actions", "操作";
    SegmentShowCustomers => "Show customers", "顧客を表示";
    SegmentDeleteAsk => "Delete the segment “{name}”? Its customers are not deleted.", "セグメント「{name}」を削除しますか？顧客は削除されません。";
    SegmentDeleted => "Segment deleted.", "セグメントを削除しました。";
    SegmentCreate => "Create segment", "セグメントを作成";
    SegmentMatching => "{count} matching customers", "該当する顧客 {count} 人";
    SegmentMatchingMore => "More than {count} matching customers", "該当する顧客 {count} 人以上";
    SegmentCounting => "Counting…", "集計しています…";

    // ── Profile settings (fields.rs) ──
    FieldsLead => "The fields of your customer database, in the order the customer list shows them.", "顧客データの項目です。この順序で顧客一覧に表示されます。";
    FieldsProfile => "Profile fields", "顧客プロフィール情報";
    FieldsKizuna => "Fields Kizuna keeps", "Kizuna が記録する項目";
    FieldsMemberNote => "Only the channel's owners can change profile settings.", "プロフィール設定を変更できるのはチャネルのオーナーだけです。";
    FieldsOrderHint => "Drag a row by its handle, or focus the handle and press Alt+↑ or Alt+↓ to move it.", "ハンドルをドラッグするか、ハンドルにフォーカスして Alt+↑ / Alt+↓ で並べ替えます。";
    FieldKey => "Data key", "データキー";
    FieldKeyHint => "profile. followed by the name your site sends, e.g. profile.plan", "profile. に続けてサイトが送る名前（例: profile.plan）";
    FieldDisplayName => "Display name", "表示される名前";
    FieldTypeLabel => "Data type", "データタイプ";
    FieldAccess => "Who writes", "入力元";
    FieldState => "State", "状態";
    FieldWriteOnce => "Write once", "1度入力すると更新できません";
    FieldWriteOnceHint => "The first value is kept; later values are ignored.", "最初の値が保持され、以降の値は無視されます。";
    FieldAdd => "Add profile field", "顧客プロフィール情報を追加";
    FieldAdded => "Field added.", "項目を追加しました。";
    FieldRename => "Rename", "名前を変更";
    FieldHide => "Hide", "非表示";
    FieldShow => "Show", "表示";
    FieldArchive => "Archive", "アーカイブ";
    FieldUnarchive => "Unarchive", "アーカイブ解除";
    FieldMoveUp => "Move {name} up", "{name} を上へ移動";
    FieldMoveDown => "Move {name} down", "{name} を下へ移動";
    FieldHandle => "Reorder {name}", "{name} を並べ替え";
    FieldMoved => "Moved {name} to position {position}.", "{name} を {position} 番目に移動しました。";
    FieldBuiltIn => "Built-in", "標準";
    FieldCustom => "Custom", "カスタム";
    FieldVisible => "Shown", "表示中";
    FieldHidden => "Hidden: not collected nor shown", "非表示：収集も表示もされません";
    FieldArchived => "Archived: kept, not shown beside chats", "アーカイブ：保存されますがチャットには表示されません";
    TypeString => "String", "文字列（String）";
    TypeNumber => "Number", "数値（Number）";
    TypeBoolean => "Boolean", "真偽値（Boolean）";
    TypeDate => "Date", "日時（Date）";
    TypeList => "List", "リスト（List）";
    AccessSiteAndManager => "Site and managers", "サイトとマネージャー";
    AccessManagerOnly => "Managers", "マネージャー";
    AccessFirstTouch => "First visit", "初回訪問時";
    AccessReadOnly => "Kizuna", "Kizuna（自動）";
    FieldKeyInvalid => "Use profile. followed by 1 to 64 letters, digits or _ that no field has yet.", "profile. に続けて、まだ使われていない半角英数字と _ を 1〜64 文字で入力してください。";
    FieldDisplayNameInvalid => "Enter 1 to 80 characters.", "1〜80 文字で入力してください。";
    FieldBuiltInHide => "A built-in field is always collected; archive it instead.", "標準の項目は常に収集されます。代わりにアーカイブしてください。";

    // ── Campaign lists and actions (campaigns.rs) ──
    CampListBroadcastsLead => "One-time messages to the customers an audience matches, sent at once or at a set time: on the site as a popup, or by email or SMS to those away.", "オーディエンスに合う顧客へ、すぐに、または予約した日時に一度だけ送るメッセージです。サイトではポップアップで、サイトにいない顧客にはメールやSMSで届きます。";
    CampListCampaignsLead => "Messages sent automatically when a customer does something on your site, such as visiting a page, for as long as the campaign runs.", "ページの訪問など、顧客がサイトで特定の行動をしたときに自動で送るメッセージです。配信中は続けて動きます。";
    CampListNewBroadcast => "New broadcast", "一斉配信を作成";
    CampListNewCampaign => "New campaign", "自動配信を作成";
    CampListBroadcastsEmpty => "No broadcasts yet", "一斉配信はまだありません";
    CampListBroadcastsEmptyLead => "A broadcast sends one message to every customer its audience matches, now or at a time you choose, like a newsletter. Customers on the site see a popup; with offline delivery, others get an email or SMS.", "一斉配信は、メルマガのように、オーディエンスに合うすべての顧客へひとつのメッセージを今すぐ、または指定した日時に届けます。サイトにいる顧客にはポップアップで表示され、オフライン配信を有効にするとそれ以外の顧客にはメールやSMSで届きます。";
    CampListCampaignsEmpty => "No automated campaigns yet", "自動配信はまだありません";
    CampListCampaignsEmptyLead => "An automated campaign waits for a customer to do something, such as view a product page, and then shows them a message, after a wait if you like, within the hours you set.", "自動配信は、商品ページの閲覧など顧客の行動をきっかけに、必要なら待機のあと、設定した時間帯にメッセージを表示します。";
    CampListSearch => "Search by name", "名前で検索";
    CampListStateFilter => "State", "状態";
    CampListAllStates => "All states", "すべての状態";
    CampListDraft => "Draft", "下書き";
    CampListScheduled => "Scheduled", "予約済み";
    CampListRunning => "Running", "配信中";
    CampListPaused => "Paused", "一時停止中";
    CampListEnded => "Ended", "終了";
    CampListName => "Name", "名前";
    CampListState => "State", "状態";
    CampListSendTime => "Send time", "配信日時";
    CampListPeriod => "Period", "期間";
    CampListSent => "Sent", "送信";
    CampListView => "Views", "閲覧";
    CampListClick => "Clicks", "クリック";
    CampListGoal => "Goals", "ゴール";
    CampListViewRate => "rate: views ÷ sent", "率：閲覧 ÷ 送信";
    CampListClickRate => "rate: clicks ÷ views", "率：クリック ÷ 閲覧";
    CampListGoalRate => "rate: goals ÷ views", "率：ゴール ÷ 閲覧";
    CampListActions => "Actions", "操作";
    CampListActionsFor => "Actions for {name}", "「{name}」の操作";
    CampListWhenStarted => "When started", "開始したとき";
    CampListNoStart => "From its start", "開始時から";
    CampListNoEnd => "no end", "終了なし";
    CampListShownOf => "{shown} of {total}", "{total} 件中 {shown} 件";
    CampListNoMatch => "Nothing matches the search and the state filter.", "検索と状態の条件に合うものはありません。";
    CampListClearFilters => "Clear search and filter", "検索と絞り込みをクリア";
    CampListStart => "Start", "開始";
    CampListPause => "Pause", "一時停止";
    CampListStop => "Stop", "停止";
    CampListDuplicate => "Duplicate", "複製";
    CampListEdit => "Edit", "編集";
    CampListCopyName => "Copy of {name}", "{name}のコピー";
    CampListStartAsk => "Start “{name}”?", "「{name}」を開始しますか？";
    CampListCounting => "Counting the customers its audience matches…", "オーディエンスに合う顧客を数えています…";
    CampListStartBroadcastNow => "It will be sent now to the {count} customers its audience matches.", "オーディエンスに合う {count} 人の顧客に今すぐ配信されます。";
    CampListStartBroadcastAt => "It will be sent at {time} to the customers its audience matches then; {count} match now.", "{time} に、その時点でオーディエンスに合う顧客へ配信されます（現在 {count} 人）。";
    CampListStartAutomated => "{count} customers match its audience now; each gets the message when they do what triggers it.", "現在 {count} 人の顧客がオーディエンスに合います。それぞれの顧客がトリガーとなる行動をしたときにメッセージが届きます。";
    CampListStopAsk => "Stop “{name}” for good?", "「{name}」を停止しますか？";
    CampListStopLead => "A stopped campaign cannot start again (duplicate it to run it again). Its statistics stay.", "停止したものは再開できません（もう一度使うには複製してください）。統計は残ります。";
    CampListDeleteAsk => "Delete the draft “{name}”?", "下書き「{name}」を削除しますか？";
    CampListDeleteLead => "The draft and its settings are removed. This cannot be undone.", "下書きとその設定が削除されます。元に戻すことはできません。";
    CampListStarted => "“{name}” started.", "「{name}」を開始しました。";
    CampListNowScheduled => "“{name}” is scheduled.", "「{name}」を予約しました。";
    CampListPausedNotice => "“{name}” is paused.", "「{name}」を一時停止しました。";
    CampListStopped => "“{name}” has stopped.", "「{name}」を停止しました。";
    CampListDuplicated => "Made a draft copy: “{name}”.", "下書きとして複製しました：「{name}」";
    CampListDeleted => "Deleted “{name}”.", "「{name}」を削除しました。";
    CampListRefusedState => "Its state does not allow this now (it may have just changed); the list shows its state now.", "現在の状態ではこの操作はできません（状態が変わった可能性があります）。一覧を最新の状態にしました。";
    CampListRefusedFull => "The channel holds as many live campaigns as it can; stop or delete one first.", "チャネルの配信数が上限に達しています。先にどれかを停止または削除してください。";
    CampListRefusedOptOut => "It sends to customers who unsubscribed: only an owner may copy it.", "配信停止した顧客にも送る設定のため、オーナーのみ複製できます。";
    CampListServerSays => "The server says: {message}", "サーバーからのメッセージ：{message}";
    CampListNoRate => "no rate yet", "率なし";

    // ── Campaign statistics (campaign_stats.rs) ──
    StatsBackBroadcasts => "All broadcasts", "一斉配信の一覧";
    StatsBackCampaigns => "All campaigns", "自動配信の一覧";
    StatsKindBroadcast => "One-time broadcast", "一斉配信";
    StatsKindAutomated => "Automated campaign", "自動配信";
    StatsStateDraft => "Draft", "下書き";
    StatsStateScheduled => "Scheduled", "予約済み";
    StatsStateRunning => "Running", "実行中";
    StatsStatePaused => "Paused", "一時停止中";
    StatsStateEnded => "Ended", "終了";
    StatsEdit => "Edit campaign", "配信を編集";
    StatsNotFound => "This campaign is not in this channel, or it was deleted.", "この配信はこのチャネルにないか、削除されています。";
    StatsPeriod => "Period", "期間";
    StatsLast7 => "Last 7 days", "直近7日";
    StatsLast30 => "Last 30 days", "直近30日";
    StatsLast90 => "Last 90 days", "直近90日";
    StatsThisMonth => "This month", "今月";
    StatsLastMonth => "Last month", "先月";
    StatsCustom => "Custom range", "期間を指定";
    StatsFrom => "From", "開始日";
    StatsTo => "To", "終了日";
    StatsApply => "Show", "表示";
    StatsDateInvalid => "Enter a date.", "日付を入力してください。";
    StatsFromAfterTo => "The start must not be after the end.", "開始日は終了日以前の日付にしてください。";
    StatsRangeTooLong => "Choose a period of at most 400 days.", "期間は400日以内で指定してください。";
    StatsRange => "{from} to {to}, days counted in {zone}", "{from}〜{to}（{zone} の日付で集計）";
    StatsSent => "Sent", "実行";
    StatsView => "Viewed", "閲覧";
    StatsClick => "Clicked", "クリック";
    StatsGoal => "Goal reached", "ゴール達成";
    StatsSeries => "Show on the chart", "グラフに表示";
    StatsChartLabel => "Sent, viewed, clicked and goals reached per day", "日別の実行・閲覧・クリック・ゴール達成";
    StatsChartHint => "Click a day, or focus the chart and use the arrow keys, to see its numbers.", "日付をクリックするか、グラフを選択して矢印キーで移動すると、その日の数値が表示されます。";
    StatsChartFailed => "The chart could not be loaded; the numbers per day are in the table below.", "グラフを読み込めませんでした。日別の数値は下の表で確認できます。";
    StatsClose => "Close", "閉じる";
    StatsTotals => "Totals for the period", "期間の合計";
    StatsRates => "Rates between the steps", "ステップ間の比率";
    StatsViewRate => "View rate (viewed ÷ sent)", "閲覧率（閲覧 ÷ 実行）";
    StatsClickRate => "Click rate (clicked ÷ viewed)", "クリック率（クリック ÷ 閲覧）";
    StatsGoalRate => "Goal rate (goals ÷ viewed)", "ゴール達成率（ゴール達成 ÷ 閲覧）";
    StatsFunnel => "Funnel", "ファネル";
    StatsOfSent => "{rate} of sent", "実行の {rate}";
    StatsDaily => "Numbers per day", "日別の数値";
    StatsDate => "Date", "日付";
    StatsRecipients => "Recipients", "配信対象の顧客";
    StatsRecipientsLead => "The customers this campaign reached, newest first, with the first time of each step.", "この配信が届いた顧客（新しい順）と、各ステップに初めて達した日時です。";
    StatsCustomer => "Customer", "顧客";
    StatsDeliveries => "Deliveries", "配信回数";
    StatsNoRecipients => "No customer has received this campaign yet.", "この配信を受け取った顧客はまだいません。";
    StatsMore => "Show more", "さらに表示";
    StatsNothingCounted => "Nothing was counted in this period.", "この期間に計測された数値はありません。";
    StatsReached => "Customers reached", "到達した顧客";
    StatsReachedHint => "Sent counts deliveries; customers reached counts each customer once, however many of the campaign's messages reached them in the period.", "「実行」は配信の件数、「到達した顧客」は期間中に何通受け取っても1人として数えた顧客の数です。";
    StatsArms => "Variants against the control group", "バリエーションとコントロールグループの比較";
    StatsArmsWindow => "A customer reaches the goal when it happens within {days} days of being assigned to a variant or the control group; no view is needed, so the control group has a rate too. Counted since the campaign started, whatever the period above.", "バリエーションまたはコントロールグループに割り当てられてから{days}日以内にゴールに達した顧客を数えます。閲覧は条件にしないため、コントロールグループにも達成率があります。上の期間にかかわらず、配信開始からの集計です。";
    StatsArmsLoading => "Loading the variants…", "バリエーションを読み込んでいます…";
    StatsArm => "Group", "グループ";
    StatsVariantN => "Variant {letter}", "バリエーション{letter}";
    StatsControl => "Control group", "コントロールグループ";
    StatsShare => "Share", "割合";
    StatsAssigned => "Customers assigned", "割り当てられた顧客";
    StatsReachedGoal => "Reached the goal", "ゴールに達した顧客";
    StatsArmRate => "Goal rate", "ゴール達成率";
    StatsDifference => "Difference vs control", "コントロールとの差";
    StatsZ => "z", "z値";
    StatsP => "p-value (two-sided)", "p値（両側）";
    StatsVerdict => "Result", "判定";
    StatsPoints => "{n} pp", "{n}ポイント";
    StatsBaseline => "Baseline", "比較の基準";
    StatsBelow => "< {n}", "{n}未満";
    StatsSignificant => "Significant (p < {level})", "有意差あり（p < {level}）";
    StatsNotSignificant => "Not significant", "有意差なし";
    StatsUntestable => "Cannot be tested yet: {reason}", "まだ検定できません: {reason}";
    StatsNoVariantCustomers => "no customer was assigned to this variant", "このバリエーションに割り当てられた顧客がいません";
    StatsNoControlCustomers => "no customer was assigned to the control group", "コントロールグループに割り当てられた顧客がいません";
    StatsMoreGoals => "more goals than customers were counted", "顧客数を超えるゴールが集計されています";

    // ── Campaign editor and preview (campaign_edit.rs, preview.rs) ──
    CeNewCampaign => "New automated campaign", "自動配信を作成";
    CeNewBroadcast => "New one-time broadcast", "一斉配信を作成";
    CeEditTitle => "Edit campaign", "キャンペーンを編集";
    CeStateDraft => "Draft", "下書き";
    CeStateScheduled => "Scheduled", "予約済み";
    CeStateRunning => "Running", "実行中";
    CeStatePaused => "Paused", "一時停止中";
    CeStateEnded => "Ended", "終了";
    CeSectionMessage => "Message", "メッセージ";
    CeSectionAudience => "Audience", "配信対象顧客";
    CeSectionTrigger => "Trigger", "配信トリガー";
    CeSectionOperation => "Operation", "運営";
    CeSectionGoal => "Goal", "ゴール";
    CeName => "Campaign name", "キャンペーン名";
    CeNameHint => "Only your team sees it; an email's subject line uses it.", "チーム内でのみ表示されます。メールの件名にも使われます。";
    CeNameMissing => "Give the campaign a name.", "キャンペーン名を入力してください。";
    CeSender => "Sender name", "送信者名（ボット名）";
    CeSenderMissing => "Enter the sender's name.", "送信者名を入力してください。";
    CeAvatar => "Sender avatar URL", "送信者アバターのURL";
    CeUrlHint => "An https: link, a mailto: link or a path on your site such as /sale.", "https: または mailto: のリンク、あるいは /sale のようなサイト内のパスを入力します。";
    CeUrlUnsafe => "Use an https: or mailto: link, or a path on your site starting with /.", "https: または mailto: のリンク、あるいは / で始まるサイト内のパスを入力してください。";
    CeText => "Message text", "メッセージ本文";
    CeTextHint => "**bold** and _italic_ are shown as such; line breaks are kept.", "**太字** と _斜体_ が使えます。改行はそのまま表示されます。";
    CeTextMissing => "Write the message.", "メッセージを入力してください。";
    CeImage => "Image URL", "画像のURL";
    CeButtons => "Link buttons", "リンクボタン";
    CeButtonN => "Button {n}", "ボタン {n}";
    CeButtonLabel => "Button label", "ボタンの文言";
    CeButtonUrl => "Button link", "ボタンのリンク先";
    CeButtonAdd => "Add a button", "ボタンを追加";
    CeButtonRemove => "Remove button {n}", "ボタン {n} を削除";
    CeRemove => "Remove", "削除";
    CeDisplay => "Display", "表示方法";
    CeBubble => "Bubble (a corner of the site)", "吹き出し表示（サイトの端）";
    CeFullscreen => "Fullscreen (covers the page)", "全画面表示（サイト全体を覆う）";
    CeAudienceAll => "Every customer", "すべての顧客";
    CeAudienceFilter => "Customers matching filters", "フィルターに合う顧客";
    CeAudienceSegment => "A saved segment", "保存済みのセグメント";
    CeSegment => "Segment", "セグメント";
    CeEvent => "Event", "イベント";
    CeEventHint => "The event that sends the message, such as PageView.", "メッセージを配信するきっかけのイベント（例: PageView）。";
    CeEventMissing => "Name the event that triggers the message.", "トリガーとなるイベント名を入力してください。";
    CeUrlRules => "Page URL rules", "ページURLの条件";
    CeUrlRulesHint => "Any include rule must match (every page when there is none) and no exclude rule.", "含める条件のいずれかに一致し（条件がなければ全ページ）、除外する条件には一致しないページで配信します。";
    CeUrlRule => "URL rule", "URLの条件";
    CeUrlWhich => "Rule", "条件の種類";
    CeUrlInclude => "Include", "含める";
    CeUrlExclude => "Exclude", "除外する";
    CeUrlValue => "URL or path", "URLまたはパス";
    CeUrlValueHint => "A value starting with / is compared with the path; * stands for anything.", "/ で始まる値はパスと比較します。* は任意の文字列を表します。";
    CeUrlAdd => "Add a URL rule", "URLの条件を追加";
    CeUrlRemove => "Remove this URL rule", "このURLの条件を削除";
    CeConditions => "Property conditions", "プロパティの条件";
    CeConditionN => "Condition {n}", "条件 {n}";
    CeConditionAdd => "Add a condition", "条件を追加";
    CeConditionRemove => "Remove condition {n}", "条件 {n} を削除";
    CeProperty => "Property", "プロパティ";
    CeOp => "Comparison", "比較方法";
    CeValue => "Value", "値";
    CeOpEquals => "equals", "と一致する";
    CeOpNotEquals => "does not equal", "と一致しない";
    CeOpContains => "contains", "を含む";
    CeOpStartsWith => "starts with", "で始まる";
    CeOpMatches => "matches (* wildcard)", "にパターン一致（* は任意）";
    CeOpGreater => "is greater than", "より大きい";
    CeOpLess => "is less than", "より小さい";
    CeOpExists => "exists", "が存在する";
    CeWaitOn => "Wait before sending", "待機してから配信する";
    CeDays => "Days", "日";
    CeHours => "Hours", "時間";
    CeMinutes => "Minutes", "分";
    CeFollowOn => "Add a follow-up trigger", "追加トリガーを設定する";
    CeFollowHint => "Send only when a second event follows the first within the days given.", "最初のトリガーから指定日数以内に2つ目のイベントが起きた場合のみ配信します。";
    CeFollowEvent => "Follow-up event", "追加トリガーのイベント";
    CeWithinDays => "Within (days)", "期間（日以内）";
    CeStarts => "Start", "開始日時";
    CeStartsHint => "Empty: from when you start it. In the channel's time zone.", "空欄の場合は開始した時点から。チャネルのタイムゾーンで指定します。";
    CeEnds => "End", "終了日時";
    CeEndsHint => "Empty: until you stop it.", "空欄の場合は停止するまで配信します。";
    CeSendAt => "Send time", "配信日時";
    CeSendAtHint => "Empty: sent as soon as you start it. In the channel's time zone.", "空欄の場合は開始するとすぐに配信します。チャネルのタイムゾーンで指定します。";
    CeRepeatOn => "Repeat", "繰り返し配信";
    CeRepeatHint => "Off: a customer receives it at most once.", "オフの場合、同じ顧客には一度だけ配信されます。";
    CeRepeatHours => "Hours between two deliveries (24 or more)", "配信の間隔（24時間以上）";
    CeSchedule => "Schedule", "スケジュール";
    CeScheduleAlways => "Any time", "いつでも";
    CeScheduleWindows => "Weekly windows", "曜日と時間帯を指定";
    CeScheduleHours => "A business-hours set", "営業時間の設定を使う";
    CeWeekdays => "Weekdays", "曜日";
    CeMon => "Mon", "月";
    CeTue => "Tue", "火";
    CeWed => "Wed", "水";
    CeThu => "Thu", "木";
    CeFri => "Fri", "金";
    CeSat => "Sat", "土";
    CeSun => "Sun", "日";
    CeFrom => "From", "開始時刻";
    CeTo => "To", "終了時刻";
    CeWindowN => "Window {n}", "時間帯 {n}";
    CeWindowAdd => "Add a window", "時間帯を追加";
    CeGridHint => "Click an hour to add it, or a filled one to remove it; the windows below say the same to the minute.", "時間をクリックすると追加、塗られた時間をクリックすると削除します。下の時間帯は同じ設定を分単位で表します。";
    CeWindowRemove => "Remove window {n}", "時間帯 {n} を削除";
    CeHoursSet => "Business-hours set", "営業時間の設定";
    CeDeleteUnviewed => "Delete unviewed messages when it ends", "終了時に閲覧されなかったメッセージを削除する";
    CeDeleteUnviewedHint => "When the campaign ends or is stopped, messages not yet viewed are withdrawn.", "キャンペーンの終了・停止時に、まだ閲覧されていないメッセージを取り消します。";
    CeOnDemand => "The site may show it on demand", "サイトからの呼び出しで表示できる";
    CeOnDemandHint => "Kizuna('showCampaign', id) on your site shows it.", "サイトで Kizuna('showCampaign', id) を呼ぶと表示されます。";
    CeOffline => "Offline customers", "オフラインの顧客";
    CeOfflineHint => "Customers not on the site get it by email or SMS, and still see it on their next visit.", "サイトにいない顧客にはメールやSMSで配信し、次回の訪問時にもサイト上に表示します。";
    CeOfflineEmail => "Send by email", "メールで配信する";
    CeOfflineSms => "Send by SMS", "SMSで配信する";
    CeRespect => "Respect marketing opt-out", "マーケティング受信拒否（オプトアウト）を適用する";
    CeRespectHint => "Turn off only for important notices to every customer.", "全顧客への重要な告知の場合のみオフにしてください。";
    CeRespectLocked => "Only the channel's owners may turn this off.", "この設定をオフにできるのはチャネルのオーナーだけです。";
    CeGoalClicked => "A link in the message clicked (default)", "メッセージ内のリンクがクリックされた（デフォルト）";
    CeGoalViewed => "The message viewed", "メッセージが閲覧された";
    CeGoalEvent => "An event sent by the site", "サイトから送られるイベント（連携イベント）";
    CeGoalName => "Goal event", "ゴールのイベント名";
    CeGoalNameHint => "Such as CheckoutComplete.", "例: CheckoutComplete";
    CeCreate => "Create campaign", "作成する";
    CeSaved => "Saved.", "保存しました。";
    CeTryOnSite => "Try it on my site", "自分のサイトで試す";
    CeTryOpen => "Open the preview on your site", "サイトでプレビューを開く";
    CeTryHint => "The link works once, within 30 minutes, and shows what the editor holds now; nothing it shows is counted.", "このリンクは 30 分以内に 1 回だけ使え、いまエディターにある内容を表示します。表示しても統計には数えられません。";
    CeTryNoSite => "The channel has no site address to open the preview on.", "プレビューを開くサイトのアドレスがチャンネルに登録されていません。";
    CeTryTooMany => "Too many preview links are waiting to be opened. Open one, or wait up to 30 minutes.", "開かれていないプレビューリンクが多すぎます。どれかを開くか、30 分ほどお待ちください。";
    CeRunningAsk => "Save changes to the running campaign “{name}”?", "実行中のキャンペーン「{name}」の変更を保存しますか？";
    CeRunningExplain => "Customers see the changed message from now on; its statistics are kept.", "保存した時点から顧客には変更後のメッセージが配信されます。統計はそのまま残ります。";
    CeRunningConfirm => "Save while running", "実行中のまま保存";
    CePreview => "Preview", "プレビュー";
    CePreviewMedium => "Preview as", "プレビューの種類";
    CePreviewSite => "On the site", "サイト";
    CePreviewEmail => "Email", "メール";
    CePreviewSms => "SMS", "SMS（ショートメッセージ）";
    CePreviewWidth => "Screen width", "画面幅";
    CePreviewDesktop => "Desktop", "デスクトップ";
    CePreviewPhone => "Phone", "スマートフォン";
    CePreviewOffline => "Offline delivery by this medium is off; this is what it would send.", "この方法でのオフライン配信はオフです。オンにした場合に送られる内容です。";
    CePreviewFrom => "From", "差出人";
    CePreviewSubject => "Subject", "件名";
    CeEndsBeforeStart => "The end must be after the start.", "終了日時は開始日時より後にしてください。";
    CeRepeatInvalid => "Repeat every 24 to 8,760 hours, or turn repeat off.", "繰り返しの間隔は24〜8,760時間で指定するか、繰り返しをオフにしてください。";
    CeWaitInvalid => "Wait 1 minute to 90 days.", "待機時間は1分〜90日で指定してください。";
    CeWithinInvalid => "Enter 1 to 90 days.", "1〜90日で入力してください。";
    CeEventInvalid => "Use 1 to 64 letters, digits, _ - . or : for the event name.", "イベント名は半角英数字と _ - . : の1〜64文字で入力してください。";
    CeUrlRulesInvalid => "URL rules apply only to PageView triggers, at most 20 of them.", "URLの条件は PageView トリガーにのみ、20件まで設定できます。";
    CeHoursSetUnknown => "The channel has no business-hours set by this name.", "この名前の営業時間の設定はチャネルにありません。";
    CeStateConflict => "The campaign's state does not allow this change.", "キャンペーンの現在の状態ではこの変更はできません。";
    CePreviewSmsChars => "{count} characters", "{count} 文字";
    VarSection => "Variants (A/B test)", "バリエーション（A/Bテスト）";
    VarLead => "Split the campaign's customers between up to 3 messages and a control group that receives nothing; the statistics screen then shows which message reaches the goal more often.", "キャンペーンの顧客を最大3つのメッセージと、何も受け取らないコントロールグループに振り分けます。どのメッセージがよりゴールにつながるかは統計画面で確認できます。";
    VarPick => "Message of", "編集するメッセージ";
    VarName => "Variant {letter}", "バリエーション{letter}";
    VarShare => "Share of variant {letter} (%)", "バリエーション{letter}の割合（%）";
    VarLone => "Variant {letter} goes to {n}% of the customers.", "バリエーション{letter}は顧客の{n}%に配信されます。";
    VarControl => "Control group (%)", "コントロールグループ（%）";
    VarControlHint => "0 to 90. Customers in it receive nothing; their goal rate is what the variants are compared with.", "0〜90。この顧客には何も配信されず、そのゴール達成率がバリエーションの比較の基準になります。";
    VarTotalNow => "Shares and control group together: {n}% of 100%.", "割合とコントロールグループの合計: {n}% / 100%";
    VarAdd => "Add a variant", "バリエーションを追加";
    VarRemove => "Remove variant {letter}", "バリエーション{letter}を削除";
    VarShareInvalid => "Enter a share of 1 to 100 (%).", "割合は1〜100（%）の整数で入力してください。";
    VarControlInvalid => "Enter a control group of 0 to 90 (%).", "コントロールグループは0〜90（%）の整数で入力してください。";
    VarTotal => "The variants' shares and the control group must add up to 100%.", "バリエーションの割合とコントロールグループの合計を100%にしてください。";
    VarStarted => "Customers keep the variant they were first given: new shares apply to customers not yet assigned. Once the campaign has started, only the last variant can be removed, and its customers then receive nothing.", "顧客は最初に割り当てられたバリエーションのままです。割合の変更はまだ割り当てられていない顧客にだけ適用されます。配信開始後に削除できるのは最後のバリエーションだけで、その顧客には以後何も配信されません。";
    VarShowing => "Showing variant {letter}", "バリエーション{letter}を表示中";

    // ── Downloads: the dialog, the job list, the audit log (download_dialog.rs, exports.rs) ──
    DlCampaignTitle => "Download results", "結果をダウンロード";
    DlCampaignLead => "An Excel workbook of this campaign's numbers, the customers it reached and their profiles, locked with the password you set here.", "このキャンペーンの数値、配信した顧客とそのプロフィールを Excel ブックで書き出します。ここで設定するパスワードで保護されます。";
    DlCustomersTitle => "Download customers", "顧客データをダウンロード";
    DlCustomersLead => "Kizuna writes the file in the background, at most 30,000 customers a file; the downloads page shows its progress and, for 24 hours, its link.", "ファイルはバックグラウンドで作成されます（1 ファイル最大 30,000 人）。進み具合と 24 時間有効なリンクはダウンロード画面に表示されます。";
    DlCustomerTitle => "Download this customer's data", "この顧客のデータをダウンロード";
    DlCustomerLead => "Everything Kizuna holds about this customer, as JSON in a ZIP locked with the password you set here.", "この顧客について Kizuna が保持するすべてのデータを、ここで設定するパスワード付きの ZIP（JSON）で書き出します。";
    DlReason => "Reason for downloading", "ダウンロードの理由";
    DlReasonHint => "Written in the audit log, which the channel's owners read.", "チャネルのオーナーが閲覧できる監査ログに記録されます。";
    DlPassword => "File password", "ファイルのパスワード";
    DlPasswordHint => "8 to 255 characters, needed to open the file. Kizuna never stores it: if it is lost, download the file again with a new one.", "8〜255 文字。ファイルを開くときに必要です。Kizuna はパスワードを保存しないため、忘れた場合は新しいパスワードでもう一度ダウンロードしてください。";
    DlShowPassword => "Show password", "パスワードを表示";
    DlHidePassword => "Hide password", "パスワードを隠す";
    DlFormat => "File format", "ファイル形式";
    DlFormatXlsx => "Excel workbook (.xlsx, asks for the password when opened)", "Excel ブック（.xlsx、開くときにパスワードを入力）";
    DlFormatCsv => "CSV in a password-protected ZIP", "パスワード付き ZIP に入った CSV";
    DlScope => "Which customers", "対象の顧客";
    DlScopeAll => "All customers", "すべての顧客";
    DlScopeSearch => "The current search's results", "現在の検索結果";
    DlScopeSelection => "The selected customers", "選択した顧客";
    /// `{count}` a number of customers.
    DlScopeCount => "({count})", "（{count} 人）";
    DlColumns => "Columns", "出力する列";
    DlColumnsAll => "Select all columns", "すべての列を選択";
    DlColumnsNone => "Clear all columns", "すべての列を解除";
    DlSubmit => "Download", "ダウンロード";
    DlStart => "Start the export", "書き出しを開始";
    DlWorking => "Preparing the file…", "ファイルを準備しています…";
    /// `{name}` the file's name.
    DlSaved => "{name} was downloaded.", "{name} をダウンロードしました。";
    DlReasonMissing => "Say why you download this.", "ダウンロードの理由を入力してください。";
    DlReasonInvalid => "Write the reason in 1 to 500 characters, without control characters.", "理由は制御文字を含まない 1〜500 文字で入力してください。";
    DlPasswordLength => "Use 8 to 255 characters for the file password.", "ファイルのパスワードは 8〜255 文字で入力してください。";
    DlColumnsPick => "Pick at least one column.", "列を 1 つ以上選んでください。";
    DlColumnUnknown => "A column is no longer a field of this channel. Close this dialog and open it again.", "チャネルにない列が含まれています。このダイアログを閉じて開き直してください。";
    DlFormatInvalid => "Choose Excel or CSV.", "Excel か CSV を選んでください。";
    DlCustomerButton => "Download data", "データをダウンロード";
    FileXlsx => "Excel", "Excel";
    FileCsv => "CSV", "CSV";
    FileJson => "JSON", "JSON";
    NavExports => "Downloads", "ダウンロード";
    ExpLead => "Customer exports of this channel, newest first. A finished file can be downloaded for 24 hours, only by the owner who asked for it.", "このチャネルの顧客データの書き出しです（新しい順）。完成したファイルは 24 時間、依頼したオーナーだけがダウンロードできます。";
    ExpNone => "No exports yet. Start one from the customer list.", "書き出しはまだありません。顧客一覧から開始できます。";
    ExpTable => "Customer exports", "顧客データの書き出し";
    ExpState => "State", "状態";
    ExpProgress => "Progress", "進み具合";
    ExpRows => "Rows", "行数";
    ExpFormat => "Format", "形式";
    ExpScope => "Customers", "対象";
    ExpAskedBy => "Asked by", "依頼者";
    ExpReason => "Reason", "理由";
    ExpCreated => "Asked at", "依頼日時";
    ExpFinished => "Finished", "完了日時";
    ExpExpires => "Link expires", "リンクの期限";
    ExpError => "Error", "エラー";
    ExpFiles => "Files", "ファイル";
    ExpQueued => "Queued", "待機中";
    ExpRunning => "Running", "実行中";
    ExpDone => "Done", "完了";
    ExpFailed => "Failed", "失敗";
    ExpCancelled => "Cancelled", "中止";
    /// `{done}` and `{total}` numbers of customers.
    ExpProcessed => "{done} of {total}", "{total} 人中 {done} 人";
    /// `{n}` the file's number, `{rows}` its rows.
    ExpFile => "File {n} ({rows} rows)", "ファイル {n}（{rows} 行）";
    ExpExpired => "Expired", "期限切れ";
    ExpCancel => "Cancel this export", "この書き出しを中止";
    ExpStarted => "The export has started. It is listed below.", "書き出しを開始しました。下の一覧に表示されています。";
    ExpNotOpen => "This export has already finished.", "この書き出しはすでに終了しています。";
    NavAudit => "Audit log", "監査ログ";
    AudLead => "Every download of this channel's data, allowed or refused, kept for one year.", "このチャネルのデータのダウンロード（許可・拒否とも）の記録です。1 年間保存されます。";
    AudFilters => "Filter the log", "ログの絞り込み";
    AudPerson => "Person", "実行者";
    AudEveryone => "Everyone", "全員";
    AudFrom => "First day", "開始日";
    AudTo => "Last day", "終了日";
    /// `{zone}` the browser's time zone.
    AudZoneNote => "Days and times are in your browser's time zone ({zone}).", "日付と時刻はブラウザのタイムゾーン（{zone}）で表示します。";
    AudApply => "Show entries", "表示";
    AudTable => "Audit log entries", "監査ログの記録";
    AudWhen => "When", "日時";
    AudWho => "Who", "実行者";
    AudWhat => "What", "内容";
    AudResult => "Result", "結果";
    AudRows => "Rows", "行数";
    AudFile => "File", "ファイル";
    AudColumns => "Columns", "列";
    AudReason => "Reason", "理由";
    AudIp => "IP address", "IP アドレス";
    AudAllowed => "Allowed", "許可";
    AudDenied => "Refused", "拒否";
    AudCampaignResults => "Campaign results", "キャンペーン結果";
    AudCustomerExport => "Customer export", "顧客データの書き出し";
    AudExportFile => "Export file downloaded", "書き出しファイルのダウンロード";
    AudCustomerData => "One customer's data", "顧客 1 人のデータ";
    /// `{id}` an id.
    AudCampaignId => "campaign {id}", "キャンペーン {id}";
    AudCustomerId => "customer {id}", "顧客 {id}";
    AudExportId => "export {id}", "書き出し {id}";
    AudMore => "Show more entries", "さらに表示";
    AudNone => "No entries for this person and period.", "この実行者・期間の記録はありません。";
    AudDateInvalid => "Enter a date such as 2026-11-30.", "2026-11-30 のように日付を入力してください。";
    AudRangeInvalid => "The last day must not be before the first day.", "終了日は開始日より前にできません。";
    OwnersOnlyAction => "Only the channel's owners can do this.", "この操作ができるのはチャネルのオーナーだけです。";

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
