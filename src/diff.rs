//! What changed between two versions of a configuration, in the SOP's own terms: roles,
//! responsibilities per step, timeframes, pathways, services, the BID panel, forms and
//! staffing. Both versions are resolved first, so built-in defaults count as written.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;

use serde::Serialize;

use crate::config::{Id, Text};
use crate::forms::resolve::all_fields;
use crate::pack::Pack;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// One difference, under the SOP chapter it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub section: &'static str,
    pub kind: ChangeKind,
    pub subject: String,
    /// For a change: what it was and what it is now.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

struct Differ<'a> {
    old: &'a Pack,
    new: &'a Pack,
    changes: Vec<Change>,
}

/// Every difference between `old` and `new`, in SOP order.
pub fn diff(old: &Pack, new: &Pack) -> Vec<Change> {
    let mut d = Differ {
        old,
        new,
        changes: Vec::new(),
    };
    d.document();
    d.roles();
    d.steps();
    d.risk_levels();
    d.concerns();
    d.services();
    d.pathways();
    d.bid();
    d.forms();
    d.staffing();
    d.changes
}

fn joined<T: Display>(items: &[T]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Differ<'_> {
    fn push(&mut self, section: &'static str, kind: ChangeKind, subject: String, detail: String) {
        self.changes.push(Change {
            section,
            kind,
            subject,
            detail,
        });
    }

    /// A text in the new version's default language (or the old one's).
    fn say(&self, pack: &Pack, text: &Text) -> String {
        let language = pack.config.default_language.as_str();
        pack.text(text, language)
            .map(|s| s.text.to_owned())
            .unwrap_or_default()
    }

    fn changed<T: PartialEq + Display>(
        &mut self,
        section: &'static str,
        subject: impl Into<String>,
        old: T,
        new: T,
    ) {
        if old != new {
            self.push(
                section,
                ChangeKind::Changed,
                subject.into(),
                format!("{old} → {new}"),
            );
        }
    }

    fn lists<T: PartialEq + Display>(
        &mut self,
        section: &'static str,
        subject: impl Into<String>,
        old: &[T],
        new: &[T],
    ) {
        if old != new {
            self.push(
                section,
                ChangeKind::Changed,
                subject.into(),
                format!("{} → {}", joined(old), joined(new)),
            );
        }
    }

    /// Entries added and removed between two id-keyed lists; returns the ids in both.
    fn membership<'b, T>(
        &mut self,
        section: &'static str,
        old: &'b [T],
        new: &'b [T],
        id: impl Fn(&T) -> String,
        name: impl Fn(&Self, bool, &T) -> String,
    ) -> Vec<(&'b T, &'b T)> {
        let old_ids: BTreeMap<String, &T> = old.iter().map(|x| (id(x), x)).collect();
        let new_ids: BTreeMap<String, &T> = new.iter().map(|x| (id(x), x)).collect();
        for (key, x) in &old_ids {
            if !new_ids.contains_key(key) {
                let subject = name(self, false, x);
                self.push(section, ChangeKind::Removed, subject, String::new());
            }
        }
        for (key, x) in &new_ids {
            if !old_ids.contains_key(key) {
                let subject = name(self, true, x);
                self.push(section, ChangeKind::Added, subject, String::new());
            }
        }
        new.iter()
            .filter_map(|x| old_ids.get(&id(x)).map(|o| (*o, x)))
            .collect()
    }

    fn document(&mut self) {
        let (o, n) = (&self.old.config.sop, &self.new.config.sop);
        self.changed("document", "country", &o.country, &n.country);
        let (a, b) = (self.say(self.old, &o.title), self.say(self.new, &n.title));
        self.changed("document", "title", a, b);
        let (a, b) = (
            self.say(self.old, &o.operation),
            self.say(self.new, &n.operation),
        );
        self.changed("document", "operation", a, b);
        self.changed("document", "version", &o.version, &n.version);
        self.changed(
            "document",
            "status",
            format!("{:?}", o.status).to_lowercase(),
            format!("{:?}", n.status).to_lowercase(),
        );
        self.changed(
            "document",
            "in force from",
            o.effective_date,
            n.effective_date,
        );
        self.changed("document", "next review", o.review_date, n.review_date);
        let tags = |p: &Pack| {
            p.config
                .languages
                .iter()
                .map(|l| l.tag.to_string())
                .collect::<Vec<_>>()
        };
        let (old, new) = (tags(self.old), tags(self.new));
        self.lists("document", "languages", &old, &new);
        let orgs = |p: &Pack| {
            p.config
                .organisations
                .iter()
                .map(|o| o.id.to_string())
                .collect::<BTreeSet<_>>()
        };
        let (old, new) = (orgs(self.old), orgs(self.new));
        for id in old.difference(&new) {
            self.push(
                "coordination",
                ChangeKind::Removed,
                format!("organisation {id}"),
                String::new(),
            );
        }
        for id in new.difference(&old) {
            self.push(
                "coordination",
                ChangeKind::Added,
                format!("organisation {id}"),
                String::new(),
            );
        }
        let (old, new) = (self.old.config.areas.clone(), self.new.config.areas.clone());
        let both = self.membership(
            "coordination",
            &old,
            &new,
            |a| a.id.to_string(),
            |d, is_new, a| {
                format!(
                    "area {} ({})",
                    a.id,
                    d.say(if is_new { d.new } else { d.old }, &a.name)
                )
            },
        );
        for (o, n) in both {
            let (a, b) = (self.say(self.old, &o.name), self.say(self.new, &n.name));
            self.changed("coordination", format!("area {} name", n.id), a, b);
        }
    }

    fn roles(&mut self) {
        let (old, new) = (
            self.old.config.roles.clone().unwrap_or_default(),
            self.new.config.roles.clone().unwrap_or_default(),
        );
        let both = self.membership(
            "roles",
            &old,
            &new,
            |r| r.id.to_string(),
            |d, is_new, r| {
                format!(
                    "role {} ({})",
                    r.id,
                    d.say(if is_new { d.new } else { d.old }, &r.label)
                )
            },
        );
        for (o, n) in both {
            let (a, b) = (self.say(self.old, &o.label), self.say(self.new, &n.label));
            self.changed("roles", format!("role {} label", n.id), a, b);
            self.lists(
                "roles",
                format!("role {} organisations", n.id),
                &o.organisations,
                &n.organisations,
            );
        }
    }

    fn steps(&mut self) {
        let (old, new) = (
            self.old.config.steps.clone().unwrap_or_default(),
            self.new.config.steps.clone().unwrap_or_default(),
        );
        let order =
            |s: &[crate::config::Step]| s.iter().map(|x| x.id.to_string()).collect::<Vec<_>>();
        let (old_order, new_order) = (order(&old), order(&new));
        let both = self.membership(
            "steps",
            &old,
            &new,
            |s| s.id.to_string(),
            |d, is_new, s| {
                format!(
                    "step {} ({})",
                    s.id,
                    d.say(if is_new { d.new } else { d.old }, &s.label)
                )
            },
        );
        if old_order.len() == new_order.len() && old_order != new_order {
            self.lists("steps", "order of the steps", &old_order, &new_order);
        }
        for (o, n) in both {
            let id = &n.id;
            self.lists(
                "steps",
                format!("{id}: responsible"),
                &o.responsible,
                &n.responsible,
            );
            self.lists(
                "steps",
                format!("{id}: accountable"),
                &o.accountable,
                &n.accountable,
            );
            self.lists(
                "steps",
                format!("{id}: consulted"),
                &o.consulted,
                &n.consulted,
            );
            self.lists("steps", format!("{id}: informed"), &o.informed, &n.informed);
            self.lists("steps", format!("{id}: forms"), &o.forms, &n.forms);
            let time = |s: &crate::config::Step| match (s.timeframe_by_risk, s.timeframe) {
                (Some(which), _) => format!("by risk level ({})", which.key()),
                (None, Some(d)) => d.to_string(),
                (None, None) => "none".to_owned(),
            };
            self.changed("steps", format!("{id}: timeframe"), time(o), time(n));
        }
    }

    fn risk_levels(&mut self) {
        let (old, new) = (
            self.old.config.risk_levels.clone().unwrap_or_default(),
            self.new.config.risk_levels.clone().unwrap_or_default(),
        );
        let both = self.membership(
            "prioritisation",
            &old,
            &new,
            |r| r.id.to_string(),
            |_, _, r| format!("risk level {}", r.id),
        );
        for (o, n) in both {
            for which in crate::config::RiskTimeframe::ALL {
                self.changed(
                    "prioritisation",
                    format!("{}: {}", n.id, which.key().replace('_', " ")),
                    o.timeframe(which),
                    n.timeframe(which),
                );
            }
            let (a, b) = (
                o.criteria
                    .iter()
                    .map(|c| self.say(self.old, c))
                    .collect::<Vec<_>>(),
                n.criteria
                    .iter()
                    .map(|c| self.say(self.new, c))
                    .collect::<Vec<_>>(),
            );
            if a != b {
                self.push(
                    "prioritisation",
                    ChangeKind::Changed,
                    format!("{}: criteria", n.id),
                    format!("{} → {} criteria", a.len(), b.len()),
                );
            }
        }
    }

    fn concerns(&mut self) {
        let (old, new) = (
            self.old.config.concerns.clone().unwrap_or_default(),
            self.new.config.concerns.clone().unwrap_or_default(),
        );
        let both = self.membership(
            "prioritisation",
            &old,
            &new,
            |c| c.id.to_string(),
            |_, _, c| format!("concern {}", c.id),
        );
        for (o, n) in both {
            self.changed(
                "prioritisation",
                format!("concern {}: usual risk level", n.id),
                &o.default_risk,
                &n.default_risk,
            );
        }
    }

    fn services(&mut self) {
        let (old, new) = (&self.old.config.services, &self.new.config.services);
        let both = self.membership(
            "referrals",
            old,
            new,
            |s| s.id.to_string(),
            |d, is_new, s| {
                format!(
                    "service {} ({})",
                    s.id,
                    d.say(if is_new { d.new } else { d.old }, &s.name)
                )
            },
        );
        for (o, n) in both {
            let id = &n.id;
            self.changed(
                "referrals",
                format!("service {id}: provider"),
                &o.provider,
                &n.provider,
            );
            self.lists(
                "referrals",
                format!("service {id}: areas"),
                &o.areas,
                &n.areas,
            );
            let contact = |c: &Option<crate::config::Contact>| {
                c.as_ref()
                    .map(|c| {
                        format!(
                            "{} {}",
                            c.phone.clone().unwrap_or_default(),
                            c.email.clone().unwrap_or_default()
                        )
                        .trim()
                        .to_owned()
                    })
                    .unwrap_or_default()
            };
            self.changed(
                "referrals",
                format!("service {id}: contact"),
                contact(&o.contact),
                contact(&n.contact),
            );
            let hours =
                |p: &Pack, h: &Option<Text>| h.as_ref().map(|h| self.say(p, h)).unwrap_or_default();
            self.changed(
                "referrals",
                format!("service {id}: hours"),
                hours(self.old, &o.hours),
                hours(self.new, &n.hours),
            );
        }
    }

    fn pathways(&mut self) {
        let key = |p: &crate::config::Pathway| {
            let mut areas: Vec<String> = p.areas.iter().map(ToString::to_string).collect();
            areas.sort();
            if areas.is_empty() {
                format!("{} (all areas)", p.concern)
            } else {
                format!("{} ({})", p.concern, areas.join(", "))
            }
        };
        let (old, new) = (&self.old.config.pathways, &self.new.config.pathways);
        let both = self.membership("referrals", old, new, key, |_, _, p| {
            format!("pathway {}", key(p))
        });
        for (o, n) in both {
            let k = key(n);
            self.lists(
                "referrals",
                format!("pathway {k}: services"),
                &o.services,
                &n.services,
            );
            self.lists(
                "referrals",
                format!("pathway {k}: referred by"),
                &o.referred_by,
                &n.referred_by,
            );
            self.changed(
                "referrals",
                format!("pathway {k}: timeframe"),
                o.timeframe,
                n.timeframe,
            );
            let emergency = |p: &crate::config::Pathway| {
                p.emergency
                    .as_ref()
                    .map(|e| e.services.clone())
                    .unwrap_or_default()
            };
            self.lists(
                "referrals",
                format!("pathway {k}: emergency route"),
                &emergency(o),
                &emergency(n),
            );
        }
    }

    fn bid(&mut self) {
        let (o, n) = (&self.old.config.bid, &self.new.config.bid);
        let situations = |b: &crate::config::Bid| {
            b.situations
                .iter()
                .flatten()
                .map(|s| s.id.clone())
                .collect::<Vec<Id>>()
        };
        self.lists(
            "bid",
            "situations requiring a BID",
            &situations(o),
            &situations(n),
        );
        let interim = |b: &crate::config::Bid| {
            b.interim
                .map(|i| format!("{i:?}"))
                .unwrap_or_else(|| "none".into())
        };
        self.changed("bid", "interim procedure", interim(o), interim(n));
        let both = self.membership(
            "bid",
            &o.panels,
            &n.panels,
            |p| p.id.to_string(),
            |_, _, p| format!("panel {}", p.id),
        );
        for (a, b) in both {
            let id = &b.id;
            self.lists(
                "bid",
                format!("panel {id}: members"),
                &a.members,
                &b.members,
            );
            self.changed("bid", format!("panel {id}: chair"), &a.chair, &b.chair);
            self.changed("bid", format!("panel {id}: quorum"), a.quorum, b.quorum);
            self.changed(
                "bid",
                format!("panel {id}: sits every"),
                a.sits_every,
                b.sits_every,
            );
            self.changed(
                "bid",
                format!("panel {id}: cases per sitting"),
                a.max_cases_per_sitting,
                b.max_cases_per_sitting,
            );
            self.changed(
                "bid",
                format!("panel {id}: decision rule"),
                format!("{:?}", a.decision_rule).to_lowercase(),
                format!("{:?}", b.decision_rule).to_lowercase(),
            );
        }
    }

    fn forms(&mut self) {
        let (old, new) = (&self.old.forms.forms, &self.new.forms.forms);
        let both = self.membership(
            "forms",
            old,
            new,
            |f| f.id.to_string(),
            |d, is_new, f| {
                format!(
                    "form {} ({})",
                    f.id,
                    d.say(if is_new { d.new } else { d.old }, &f.title)
                )
            },
        );
        for (o, n) in both {
            let fields = |f: &crate::forms::model::FormDefinition| {
                all_fields(f)
                    .iter()
                    .map(|x| x.id.to_string())
                    .collect::<BTreeSet<_>>()
            };
            let (a, b) = (fields(o), fields(n));
            let removed: Vec<&String> = a.difference(&b).collect();
            let added: Vec<&String> = b.difference(&a).collect();
            if !removed.is_empty() {
                self.push(
                    "forms",
                    ChangeKind::Changed,
                    format!("form {}: questions removed", n.id),
                    joined(&removed),
                );
            }
            if !added.is_empty() {
                self.push(
                    "forms",
                    ChangeKind::Changed,
                    format!("form {}: questions added", n.id),
                    joined(&added),
                );
            }
            self.changed(
                "forms",
                format!("form {}: version", n.id),
                &o.version,
                &n.version,
            );
        }
    }

    fn staffing(&mut self) {
        let (o, n) = (&self.old.staffing, &self.new.staffing);
        self.changed(
            "human resources",
            "expected caseload",
            o.caseload,
            n.caseload,
        );
        self.changed(
            "human resources",
            "caseworkers needed",
            o.caseworkers_needed,
            n.caseworkers_needed,
        );
        self.changed(
            "human resources",
            "case managers needed",
            format!("{}–{}", o.case_managers_min, o.case_managers_max),
            format!("{}–{}", n.case_managers_min, n.case_managers_max),
        );
        self.changed(
            "human resources",
            "caseworker shortfall",
            o.caseworker_shortfall,
            n.caseworker_shortfall,
        );
    }
}

/// The changes as text for people, grouped by SOP section.
pub fn render_text(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "No differences in SOP terms.\n".to_owned();
    }
    let mut out = String::new();
    let mut section = "";
    for change in changes {
        if change.section != section {
            section = change.section;
            out.push_str(&format!("\n{}\n", section.to_uppercase()));
        }
        let mark = match change.kind {
            ChangeKind::Added => '+',
            ChangeKind::Removed => '-',
            ChangeKind::Changed => '~',
        };
        if change.detail.is_empty() {
            out.push_str(&format!("  {mark} {}\n", change.subject));
        } else {
            out.push_str(&format!("  {mark} {}: {}\n", change.subject, change.detail));
        }
    }
    out.push_str(&format!("\n{} change(s)\n", changes.len()));
    out.trim_start().to_owned()
}
