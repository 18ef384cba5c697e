//! The work queues: which cases each queue holds, read from their computed state, so the
//! site's queues and `cme status` always agree.

use crate::deadline::State;
use crate::model::{Status, Whereabouts};
use crate::pack::{DeadlineKind, Pack};
use crate::state::CaseState;

/// A queue of the site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Queue {
    /// Any deadline overdue (`cme status --overdue`).
    Overdue,
    /// Any deadline due within the week (or inside a recurring window).
    DueSoon,
    /// Open and assigned to nobody: triage.
    Triage,
    /// Open with whereabouts unknown: the weekly review pack.
    WhereaboutsUnknown,
    /// An audit (the pack's `[queues] audit_rules`) due soon or overdue.
    AuditDue,
    /// Open past the end of compulsory school age: due to close as beyond-school-age.
    SchoolAgeEnded,
    /// A letter or enquiry awaits its reply (COM-REPLY), overdue first.
    AwaitingReplies,
}

impl Queue {
    pub const ALL: [Queue; 7] = [
        Queue::Overdue,
        Queue::DueSoon,
        Queue::Triage,
        Queue::WhereaboutsUnknown,
        Queue::AwaitingReplies,
        Queue::AuditDue,
        Queue::SchoolAgeEnded,
    ];

    /// The page's file name, without `.html`.
    pub fn slug(self) -> &'static str {
        match self {
            Queue::Overdue => "overdue",
            Queue::DueSoon => "due-soon",
            Queue::Triage => "triage",
            Queue::WhereaboutsUnknown => "whereabouts-unknown",
            Queue::AuditDue => "audit-due",
            Queue::SchoolAgeEnded => "school-age-ended",
            Queue::AwaitingReplies => "awaiting-replies",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Queue::Overdue => "Overdue",
            Queue::DueSoon => "Due soon: a deadline in the next 7 days",
            Queue::Triage => "Triage: unassigned referrals",
            Queue::WhereaboutsUnknown => "Whereabouts unknown: weekly review pack",
            Queue::AuditDue => "Audits and periodic checks due",
            Queue::SchoolAgeEnded => "Reached the end of compulsory school age",
            Queue::AwaitingReplies => "Awaiting replies",
        }
    }

    /// What puts a case in the due-soon queue, in the words the dashboard and `cme status`
    /// both print: one definition, so that both count the same cases.
    pub fn definition(self) -> String {
        match self {
            Queue::DueSoon => format!(
                "a deadline due in the next {} days or inside its window",
                crate::deadline::DUE_SOON_DAYS
            ),
            _ => self.title().to_lowercase(),
        }
    }

    pub fn holds(self, pack: &Pack, c: &CaseState) -> bool {
        let open = c.status == Status::Open;
        match self {
            Queue::Overdue => c.deadlines.iter().any(|d| d.state == State::Overdue),
            Queue::DueSoon => c.deadlines.iter().any(|d| d.state == State::DueSoon),
            Queue::Triage => open && c.assigned_to.is_none(),
            Queue::WhereaboutsUnknown => open && c.whereabouts == Whereabouts::Unknown,
            Queue::AuditDue => c.deadlines.iter().any(|d| {
                pack.queues.audit_rules.contains(&d.rule) && matches!(d.state, State::Overdue | State::DueSoon)
            }),
            Queue::AwaitingReplies => open && !c.awaited().is_empty(),
            Queue::SchoolAgeEnded => c.deadlines.iter().any(|d| {
                d.state == State::Overdue
                    && pack
                        .deadlines
                        .iter()
                        .any(|r| r.rule == d.rule && r.kind == DeadlineKind::SchoolAgeEnds)
            }),
        }
    }
}
