//! The catalogue of built-in forms: what a configuration may name in `steps.forms`,
//! `forms.selected` and the like.

/// Ids of the forms of the BIP case management pack, in the order of a case.
pub const BUILTIN_FORMS: &[&str] = &[
    "registration_intake",
    "consent_assent",
    "child_assent",
    "bia_short",
    "bia_comprehensive",
    "case_plan",
    "referral",
    "follow_up_review",
    "case_closure",
    "bid_report",
    "bid_panel_decision",
    "bid_review",
    "confidentiality_undertaking",
    "family_tracing_assessment",
    "verification",
    "cross_border_transfer",
    "reintegration_plan_child",
    "reintegration_plan_family",
    "temporary_care_checklist",
    "case_conference",
];

/// Forms that carry a Best Interests Determination.
pub const BID_FORMS: &[&str] = &["bid_report", "bid_panel_decision"];
