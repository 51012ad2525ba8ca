//! Who may do what in a channel: one table of actions × roles. Every admin route names
//! the action it performs, and the few changes that need more than their route (turning
//! off "respect marketing opt-out", clearing unsubscribe flags) name theirs; the roles
//! allowed come from [`Action::roles`] alone, so a rule is changed in one place.
//!
//! Owners alone delete customers, change the channel's settings, identity verification,
//! profile fields, opt-out overrides and invitations (PRODUCT.md "Who uses it"); members run the
//! marketing: campaigns, customers' profiles and tags, segments, bulk tag actions.
//! Owners alone delete the channel, change members' roles, remove others and manage API
//! tokens; anyone may list the members and leave.

use crate::channel::Role;

/// What an account asks to do in a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read the channel's time zone, business hours and frequency cap.
    ReadChannel,
    /// Change them.
    ChangeChannel,
    /// Read whether identity verification is on and whether a secret exists.
    ReadIdentity,
    /// Turn identity verification on or off, rotate or revoke its secret.
    ChangeIdentity,
    /// Read monthly active customers.
    ReadMonthlyActive,
    /// List and read campaigns, their statistics and a broadcast's progress.
    ReadCampaigns,
    /// Create, replace, delete (drafts), start, pause and stop campaigns.
    EditCampaigns,
    /// Save a campaign that sends email or SMS to customers who unsubscribed
    /// (`offline.respectOptOut: false`): for important notices only.
    OverrideOptOut,
    /// List, search and read customers; read a bulk job.
    ReadCustomers,
    /// Create a customer by hand and edit profile values.
    EditCustomers,
    /// Delete a customer everywhere.
    DeleteCustomers,
    /// Start a bulk action: add or remove tags, set the unsubscribe flags.
    BulkEditCustomers,
    /// Clear a customer's unsubscribe flag (a bulk action with `false`): it undoes the
    /// customer's own choice.
    ClearUnsubscribe,
    /// List and read segments.
    ReadSegments,
    /// Create, rename, change and delete segments.
    EditSegments,
    /// Read the channel's profile fields.
    ReadFields,
    /// Add, rename, reorder, hide or archive profile fields.
    ChangeFields,
    /// Delete the channel and all its data.
    DeleteChannel,
    /// List the channel's members and their roles.
    ReadMembers,
    /// Change a member's role, remove a member.
    ChangeMembers,
    /// Leave the channel (remove oneself).
    LeaveChannel,
    /// Create, list and revoke the channel's API tokens.
    ManageTokens,
    /// Invite people to the channel, list and revoke pending invitations.
    InviteMembers,
    /// Download campaign results and customer data, and read the export jobs (seeds
    /// 000, 003, 004: a member's attempt is refused and logged).
    Download,
    /// Read the audit log of downloads.
    ReadAudit,
}

const OWNERS: &[Role] = &[Role::Owner];
const EVERYONE: &[Role] = &[Role::Owner, Role::Member];

impl Action {
    /// Every action, for tests and documents that walk them all.
    pub const ALL: [Action; 25] = [
        Action::ReadChannel,
        Action::ChangeChannel,
        Action::ReadIdentity,
        Action::ChangeIdentity,
        Action::ReadMonthlyActive,
        Action::ReadCampaigns,
        Action::EditCampaigns,
        Action::OverrideOptOut,
        Action::ReadCustomers,
        Action::EditCustomers,
        Action::DeleteCustomers,
        Action::BulkEditCustomers,
        Action::ClearUnsubscribe,
        Action::ReadSegments,
        Action::EditSegments,
        Action::ReadFields,
        Action::ChangeFields,
        Action::DeleteChannel,
        Action::ReadMembers,
        Action::ChangeMembers,
        Action::LeaveChannel,
        Action::ManageTokens,
        Action::InviteMembers,
        Action::Download,
        Action::ReadAudit,
    ];

    /// The permission table: the roles that may perform this action.
    pub fn roles(self) -> &'static [Role] {
        match self {
            Action::ReadChannel
            | Action::ReadMonthlyActive
            | Action::ReadCampaigns
            | Action::EditCampaigns
            | Action::ReadCustomers
            | Action::EditCustomers
            | Action::BulkEditCustomers
            | Action::ReadSegments
            | Action::EditSegments
            | Action::ReadFields
            | Action::ReadMembers
            | Action::LeaveChannel => EVERYONE,
            Action::ChangeChannel
            | Action::ReadIdentity
            | Action::ChangeIdentity
            | Action::OverrideOptOut
            | Action::DeleteCustomers
            | Action::ClearUnsubscribe
            | Action::ChangeFields
            | Action::DeleteChannel
            | Action::ChangeMembers
            | Action::ManageTokens
            | Action::InviteMembers
            | Action::Download
            | Action::ReadAudit => OWNERS,
        }
    }

    /// Whether `role` may perform this action.
    pub fn allowed(self, role: Role) -> bool {
        self.roles().contains(&role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table written out by hand, action by action: a change to [`Action::roles`]
    /// must be made here too, on purpose.
    const EXPECTED: [(Action, bool, bool); 25] = [
        // action, owner, member
        (Action::ReadChannel, true, true),
        (Action::ChangeChannel, true, false),
        (Action::ReadIdentity, true, false),
        (Action::ChangeIdentity, true, false),
        (Action::ReadMonthlyActive, true, true),
        (Action::ReadCampaigns, true, true),
        (Action::EditCampaigns, true, true),
        (Action::OverrideOptOut, true, false),
        (Action::ReadCustomers, true, true),
        (Action::EditCustomers, true, true),
        (Action::DeleteCustomers, true, false),
        (Action::BulkEditCustomers, true, true),
        (Action::ClearUnsubscribe, true, false),
        (Action::ReadSegments, true, true),
        (Action::EditSegments, true, true),
        (Action::ReadFields, true, true),
        (Action::ChangeFields, true, false),
        (Action::DeleteChannel, true, false),
        (Action::ReadMembers, true, true),
        (Action::ChangeMembers, true, false),
        (Action::LeaveChannel, true, true),
        (Action::ManageTokens, true, false),
        (Action::InviteMembers, true, false),
        (Action::Download, true, false),
        (Action::ReadAudit, true, false),
    ];

    #[test]
    fn every_action_and_role_is_allowed_exactly_as_the_table_says() {
        assert_eq!(EXPECTED.map(|(a, _, _)| a), Action::ALL, "every action, once, in order");
        for (action, owner, member) in EXPECTED {
            assert_eq!(action.allowed(Role::Owner), owner, "{action:?} × owner");
            assert_eq!(action.allowed(Role::Member), member, "{action:?} × member");
        }
    }

    #[test]
    fn an_owner_may_do_everything() {
        assert!(Action::ALL.iter().all(|a| a.allowed(Role::Owner)));
    }

    #[test]
    fn members_may_not_delete_customers_override_opt_out_or_change_identity_and_fields() {
        for action in [
            Action::DeleteCustomers,
            Action::OverrideOptOut,
            Action::ClearUnsubscribe,
            Action::ChangeIdentity,
            Action::ChangeFields,
        ] {
            assert!(!action.allowed(Role::Member), "{action:?}");
        }
    }
}
