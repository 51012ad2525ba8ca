//! The console's addresses: which [`Screen`] a path under `/console/` shows, and the path
//! of each. The worker answers every path under `/console/` with the same `index.html`,
//! so this is the one place that decides what a URL means. Pure.

use kizuna_shared::campaign::KindDoc;

pub const BASE: &str = "/console/";

/// A page of one channel, at `/console/c/{channel}/{page}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelPage {
    Customers,
    Segments,
    /// One-time broadcasts.
    Broadcasts,
    /// Automated campaigns, sent by a visitor's own events.
    Campaigns,
    Fields,
    Settings,
    Members,
    Tokens,
    /// Customer exports: the job list (owners only).
    Exports,
    /// Who downloaded what (owners only).
    Audit,
}

impl ChannelPage {
    pub const ALL: [ChannelPage; 10] = [
        ChannelPage::Customers,
        ChannelPage::Segments,
        ChannelPage::Broadcasts,
        ChannelPage::Campaigns,
        ChannelPage::Fields,
        ChannelPage::Settings,
        ChannelPage::Members,
        ChannelPage::Tokens,
        ChannelPage::Exports,
        ChannelPage::Audit,
    ];

    fn slug(self) -> &'static str {
        match self {
            ChannelPage::Customers => "customers",
            ChannelPage::Segments => "segments",
            ChannelPage::Broadcasts => "broadcasts",
            ChannelPage::Campaigns => "campaigns",
            ChannelPage::Fields => "fields",
            ChannelPage::Settings => "settings",
            ChannelPage::Members => "members",
            ChannelPage::Tokens => "tokens",
            ChannelPage::Exports => "exports",
            ChannelPage::Audit => "audit",
        }
    }

    /// Pages only a channel's owners open (the API refuses members there too).
    pub fn owners_only(self) -> bool {
        matches!(self, ChannelPage::Tokens | ChannelPage::Exports | ChannelPage::Audit)
    }
}

/// What a campaign's page shows, at `/console/c/{channel}/campaigns/{id}[/edit]` (a
/// broadcast's too: the API keeps both kinds under `/campaigns/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CampaignPage {
    Stats,
    Edit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    /// The signed-in account's home: its channels; sends to [`Screen::SignIn`] when there
    /// is no session.
    Home,
    SignIn,
    /// Asks for a reset link by email.
    ForgotPassword,
    /// The emailed links: `?token=` is read by the page itself.
    ResetPassword,
    AcceptInvitation,
    ConfirmEmail,
    /// The signed-in account: email, password, sessions.
    Account,
    NewChannel,
    Channel {
        channel: String,
        page: ChannelPage,
    },
    Customer {
        channel: String,
        id: String,
    },
    Campaign {
        channel: String,
        id: String,
        page: CampaignPage,
    },
    /// The editor for a new campaign of `kind`, at `/console/c/{channel}/{broadcasts|campaigns}/new`.
    NewCampaign {
        channel: String,
        kind: KindDoc,
    },
    NotFound,
}

impl Screen {
    pub fn from_path(path: &str) -> Screen {
        let Some(rest) = path.strip_prefix("/console").map(|rest| rest.trim_end_matches('/')) else {
            return Screen::NotFound;
        };
        match rest {
            "" => return Screen::Home,
            "/sign-in" => return Screen::SignIn,
            "/forgot-password" => return Screen::ForgotPassword,
            "/reset-password" => return Screen::ResetPassword,
            "/accept" => return Screen::AcceptInvitation,
            "/confirm-email" => return Screen::ConfirmEmail,
            "/account" => return Screen::Account,
            "/channels/new" => return Screen::NewChannel,
            _ => {}
        }
        let parts: Vec<&str> = rest.split('/').skip(1).collect();
        match parts.as_slice() {
            ["c", channel, "customers", id] if usable(channel) && usable(id) => {
                Screen::Customer { channel: (*channel).to_owned(), id: (*id).to_owned() }
            }
            ["c", channel, list @ ("broadcasts" | "campaigns"), "new"] if usable(channel) => Screen::NewCampaign {
                channel: (*channel).to_owned(),
                kind: if *list == "broadcasts" { KindDoc::Broadcast } else { KindDoc::Automated },
            },
            ["c", channel, "campaigns", id, rest @ ..] if usable(channel) && usable(id) => {
                let page = match rest {
                    [] => CampaignPage::Stats,
                    ["edit"] => CampaignPage::Edit,
                    _ => return Screen::NotFound,
                };
                Screen::Campaign { channel: (*channel).to_owned(), id: (*id).to_owned(), page }
            }
            ["c", channel, page] if usable(channel) => ChannelPage::ALL
                .into_iter()
                .find(|p| p.slug() == *page)
                .map_or(Screen::NotFound, |page| Screen::Channel { channel: (*channel).to_owned(), page }),
            ["c", channel] if usable(channel) => {
                Screen::Channel { channel: (*channel).to_owned(), page: ChannelPage::Customers }
            }
            _ => Screen::NotFound,
        }
    }

    pub fn path(&self) -> String {
        match self {
            Screen::Home => BASE.to_owned(),
            Screen::SignIn => "/console/sign-in".to_owned(),
            Screen::ForgotPassword => "/console/forgot-password".to_owned(),
            Screen::ResetPassword => "/console/reset-password".to_owned(),
            Screen::AcceptInvitation => "/console/accept".to_owned(),
            Screen::ConfirmEmail => "/console/confirm-email".to_owned(),
            Screen::Account => "/console/account".to_owned(),
            Screen::NewChannel => "/console/channels/new".to_owned(),
            Screen::Channel { channel, page } => format!("/console/c/{channel}/{}", page.slug()),
            Screen::Customer { channel, id } => format!("/console/c/{channel}/customers/{id}"),
            Screen::Campaign { channel, id, page: CampaignPage::Stats } => {
                format!("/console/c/{channel}/campaigns/{id}")
            }
            Screen::Campaign { channel, id, page: CampaignPage::Edit } => {
                format!("/console/c/{channel}/campaigns/{id}/edit")
            }
            Screen::NewCampaign { channel, kind: KindDoc::Broadcast } => format!("/console/c/{channel}/broadcasts/new"),
            Screen::NewCampaign { channel, kind: KindDoc::Automated } => format!("/console/c/{channel}/campaigns/new"),
            Screen::NotFound => "/console/not-found".to_owned(),
        }
    }

    /// The channel this screen belongs to, if any.
    pub fn channel(&self) -> Option<&str> {
        match self {
            Screen::Channel { channel, .. }
            | Screen::Customer { channel, .. }
            | Screen::Campaign { channel, .. }
            | Screen::NewCampaign { channel, .. } => Some(channel),
            _ => None,
        }
    }

    /// Screens a visitor without a session may open.
    pub fn public(&self) -> bool {
        matches!(
            self,
            Screen::SignIn
                | Screen::ForgotPassword
                | Screen::ResetPassword
                | Screen::AcceptInvitation
                | Screen::ConfirmEmail
                | Screen::NotFound
        )
    }
}

/// Ids in paths are the API's ids: letters, digits, `_` and `-`, never empty.
fn usable(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The value of `name` in a query string (`?token=ab&x=1`), percent-decoding nothing: the
/// console's own links carry hex tokens only.
pub fn query_value<'a>(search: &'a str, name: &str) -> Option<&'a str> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_screen() -> Vec<Screen> {
        let mut all = vec![
            Screen::Home,
            Screen::SignIn,
            Screen::ForgotPassword,
            Screen::ResetPassword,
            Screen::AcceptInvitation,
            Screen::ConfirmEmail,
            Screen::Account,
            Screen::NewChannel,
            Screen::Customer { channel: "demo".into(), id: "c_1".into() },
            Screen::Campaign { channel: "demo".into(), id: "cmp_1".into(), page: CampaignPage::Stats },
            Screen::Campaign { channel: "demo".into(), id: "cmp_1".into(), page: CampaignPage::Edit },
            Screen::NewCampaign { channel: "demo".into(), kind: KindDoc::Broadcast },
            Screen::NewCampaign { channel: "demo".into(), kind: KindDoc::Automated },
        ];
        all.extend(ChannelPage::ALL.map(|page| Screen::Channel { channel: "demo".into(), page }));
        all
    }

    #[test]
    fn each_screen_is_found_at_its_own_path() {
        for screen in every_screen() {
            assert_eq!(Screen::from_path(&screen.path()), screen);
        }
    }

    #[test]
    fn trailing_slashes_do_not_matter() {
        assert_eq!(Screen::from_path("/console"), Screen::Home);
        assert_eq!(Screen::from_path("/console/sign-in/"), Screen::SignIn);
        assert_eq!(
            Screen::from_path("/console/c/demo/"),
            Screen::Channel { channel: "demo".into(), page: ChannelPage::Customers }
        );
    }

    #[test]
    fn other_paths_are_not_found() {
        for path in [
            "/console/nope",
            "/consoles",
            "/",
            "/console/c/demo/nope",
            "/console/c/de mo/customers",
            "/console/c//customers",
            "/console/c/demo/customers/c_1/x",
            "/console/c/demo/customers/<b>",
            "/console/c/demo/campaigns/cmp_1/nope",
            "/console/c/demo/campaigns/cmp_1/edit/x",
            "/console/c/demo/segments/new",
        ] {
            assert_eq!(Screen::from_path(path), Screen::NotFound, "{path}");
        }
    }

    #[test]
    fn the_channel_and_whether_a_session_is_needed() {
        assert_eq!(Screen::from_path("/console/c/demo/members").channel(), Some("demo"));
        assert_eq!(Screen::Account.channel(), None);
        assert!(Screen::AcceptInvitation.public() && !Screen::Account.public() && !Screen::Home.public());
        // Downloads and the audit log are the owners' pages, as the API's routes are.
        assert_eq!(
            Screen::from_path("/console/c/demo/exports"),
            Screen::Channel { channel: "demo".into(), page: ChannelPage::Exports }
        );
        assert!(ChannelPage::Exports.owners_only() && ChannelPage::Audit.owners_only());
        assert!(!ChannelPage::Customers.owners_only());
    }

    #[test]
    fn query_values_are_read_by_name() {
        assert_eq!(query_value("?token=ab12&x=1", "token"), Some("ab12"));
        assert_eq!(query_value("?x=1&token=ab12", "token"), Some("ab12"));
        assert_eq!(query_value("?token=", "token"), None);
        assert_eq!(query_value("", "token"), None);
    }
}
