//! What changed between two versions, in the SOP's own terms: roles, responsibilities per
//! step, timeframes, pathways, services, the BID panel, forms and staffing. Each change
//! names the path of the values it speaks for (see [`super::values`]), so the leaf-by-leaf
//! comparison reports only what these terms leave out.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;

use super::values::pathway_key;
use super::{Change, ChangeKind};
use crate::config::Text;
use crate::pack::Pack;

struct Differ<'a> {
    old: &'a Pack,
    new: &'a Pack,
    changes: Vec<Change>,
    /// Paths the changes speak for: their own, and others they explain.
    claims: Vec<String>,
}

/// The differences between `old` and `new` that the SOP has terms for, in SOP order,
/// with every path those changes speak for.
pub fn diff(old: &Pack, new: &Pack) -> (Vec<Change>, Vec<String>) {
    let mut d = Differ {
        old,
        new,
        changes: Vec::new(),
        claims: Vec::new(),
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
    (d.changes, d.claims)
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
    fn push(
        &mut self,
        section: &'static str,
        kind: ChangeKind,
        subject: String,
        detail: String,
        path: String,
    ) {
        self.claims.push(path.clone());
        self.changes.push(Change {
            section,
            kind,
            subject,
            detail,
            path,
        });
    }

    /// The path of a text in the default language, which is what [`Self::say`] compares.
    fn text_path(&self, base: &str) -> String {
        format!("{base}.{}", self.new.config.default_language)
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
        path: String,
    ) {
        if old != new {
            self.push(
                section,
                ChangeKind::Changed,
                subject.into(),
                format!("{old} → {new}"),
                path,
            );
        }
    }

    fn lists<T: PartialEq + Display>(
        &mut self,
        section: &'static str,
        subject: impl Into<String>,
        old: &[T],
        new: &[T],
        path: String,
    ) {
        if old != new {
            self.push(
                section,
                ChangeKind::Changed,
                subject.into(),
                format!("{} → {}", joined(old), joined(new)),
                path,
            );
        }
    }

    /// Entries added and removed between two id-keyed lists (at `base`); returns the
    /// entries in both.
    fn membership<'b, T>(
        &mut self,
        section: &'static str,
        base: &str,
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
                let path = format!("{base}[{key}]");
                self.push(section, ChangeKind::Removed, subject, String::new(), path);
            }
        }
        for (key, x) in &new_ids {
            if !old_ids.contains_key(key) {
                let subject = name(self, true, x);
                let path = format!("{base}[{key}]");
                self.push(section, ChangeKind::Added, subject, String::new(), path);
            }
        }
        new.iter()
            .filter_map(|x| old_ids.get(&id(x)).map(|o| (*o, x)))
            .collect()
    }

    fn document(&mut self) {
        let (o, n) = (&self.old.config.sop, &self.new.config.sop);
        let path = |key: &str| format!("sop.{key}");
        self.changed(
            "document",
            "country",
            &o.country,
            &n.country,
            path("country"),
        );
        let (a, b) = (self.say(self.old, &o.title), self.say(self.new, &n.title));
        self.changed("document", "title", a, b, self.text_path("sop.title"));
        let (a, b) = (
            self.say(self.old, &o.operation),
            self.say(self.new, &n.operation),
        );
        self.changed(
            "document",
            "operation",
            a,
            b,
            self.text_path("sop.operation"),
        );
        self.changed(
            "document",
            "version",
            &o.version,
            &n.version,
            path("version"),
        );
        self.changed(
            "document",
            "status",
            format!("{:?}", o.status).to_lowercase(),
            format!("{:?}", n.status).to_lowercase(),
            path("status"),
        );
        self.changed(
            "document",
            "in force from",
            o.effective_date,
            n.effective_date,
            path("effective_date"),
        );
        self.changed(
            "document",
            "next review",
            o.review_date,
            n.review_date,
            path("review_date"),
        );
        let tags = |p: &Pack| {
            p.config
                .languages
                .iter()
                .map(|l| l.tag.to_string())
                .collect::<Vec<_>>()
        };
        let (old, new) = (tags(self.old), tags(self.new));
        self.members("document", "languages", "languages", &old, &new);
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
                format!("organisations[{id}]"),
            );
        }
        for id in new.difference(&old) {
            self.push(
                "coordination",
                ChangeKind::Added,
                format!("organisation {id}"),
                String::new(),
                format!("organisations[{id}]"),
            );
        }
        let (old, new) = (self.old.config.areas.clone(), self.new.config.areas.clone());
        let both = self.membership(
            "coordination",
            "areas",
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
            let path = self.text_path(&format!("areas[{}].name", n.id));
            self.changed("coordination", format!("area {} name", n.id), a, b, path);
        }
    }

    fn roles(&mut self) {
        let (old, new) = (self.old.config.roles.clone(), self.new.config.roles.clone());
        let both = self.membership(
            "roles",
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
            let path = self.text_path(&format!("roles[{}].label", n.id));
            self.changed("roles", format!("role {} label", n.id), a, b, path);
            self.lists(
                "roles",
                format!("role {} organisations", n.id),
                &o.organisations,
                &n.organisations,
                format!("roles[{}].organisations", n.id),
            );
        }
    }

    fn steps(&mut self) {
        let (old, new) = (self.old.config.steps.clone(), self.new.config.steps.clone());
        let order =
            |s: &[crate::config::Step]| s.iter().map(|x| x.id.to_string()).collect::<Vec<_>>();
        let (old_order, new_order) = (order(&old), order(&new));
        let both = self.membership(
            "steps",
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
            self.lists(
                "steps",
                "order of the steps",
                &old_order,
                &new_order,
                "steps[]".into(),
            );
        }
        for (o, n) in both {
            let id = &n.id;
            let path = |key: &str| format!("steps[{id}].{key}");
            self.lists(
                "steps",
                format!("{id}: responsible"),
                &o.responsible,
                &n.responsible,
                path("responsible"),
            );
            self.lists(
                "steps",
                format!("{id}: accountable"),
                &o.accountable,
                &n.accountable,
                path("accountable"),
            );
            self.lists(
                "steps",
                format!("{id}: consulted"),
                &o.consulted,
                &n.consulted,
                path("consulted"),
            );
            self.lists(
                "steps",
                format!("{id}: informed"),
                &o.informed,
                &n.informed,
                path("informed"),
            );
            self.lists(
                "steps",
                format!("{id}: forms"),
                &o.forms,
                &n.forms,
                path("forms"),
            );
            let time = |s: &crate::config::Step| match (s.timeframe_by_risk, s.timeframe) {
                (Some(which), _) => format!("by risk level ({})", which.key()),
                (None, Some(d)) => d.to_string(),
                (None, None) => "none".to_owned(),
            };
            // The timeframe is one of two keys, whichever applies: the change names the
            // one that changed and speaks for both.
            if time(o) != time(n) {
                self.claims.push(path("timeframe"));
                let key = if o.timeframe_by_risk != n.timeframe_by_risk {
                    "timeframe_by_risk"
                } else {
                    "timeframe"
                };
                self.changed(
                    "steps",
                    format!("{id}: timeframe"),
                    time(o),
                    time(n),
                    path(key),
                );
            }
        }
    }

    fn risk_levels(&mut self) {
        let (old, new) = (
            self.old.config.risk_levels.clone(),
            self.new.config.risk_levels.clone(),
        );
        let both = self.membership(
            "prioritisation",
            "risk_levels",
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
                    format!("risk_levels[{}].{}", n.id, which.key()),
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
                    format!("risk_levels[{}].criteria", n.id),
                );
            }
        }
    }

    fn concerns(&mut self) {
        let (old, new) = (
            self.old.config.concerns.clone(),
            self.new.config.concerns.clone(),
        );
        let both = self.membership(
            "prioritisation",
            "concerns",
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
                format!("concerns[{}].default_risk", n.id),
            );
        }
    }

    fn services(&mut self) {
        let (old, new) = (&self.old.config.services, &self.new.config.services);
        let both = self.membership(
            "referrals",
            "services",
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
            let path = |key: &str| format!("services[{id}].{key}");
            self.changed(
                "referrals",
                format!("service {id}: provider"),
                &o.provider,
                &n.provider,
                path("provider"),
            );
            self.lists(
                "referrals",
                format!("service {id}: areas"),
                &o.areas,
                &n.areas,
                path("areas"),
            );
            for (what, key) in [("phone", "contact.phone"), ("email", "contact.email")] {
                let value = |c: &Option<crate::config::Contact>| {
                    c.as_ref()
                        .and_then(|c| match what {
                            "phone" => c.phone.clone(),
                            _ => c.email.clone(),
                        })
                        .unwrap_or_default()
                };
                self.changed(
                    "referrals",
                    format!("service {id}: {what}"),
                    value(&o.contact),
                    value(&n.contact),
                    path(key),
                );
            }
            let hours =
                |p: &Pack, h: &Option<Text>| h.as_ref().map(|h| self.say(p, h)).unwrap_or_default();
            let hours_path = self.text_path(&path("hours"));
            self.changed(
                "referrals",
                format!("service {id}: hours"),
                hours(self.old, &o.hours),
                hours(self.new, &n.hours),
                hours_path,
            );
        }
    }

    fn pathways(&mut self) {
        let key = |p: &crate::config::Pathway| {
            let areas: Vec<String> = p.areas.iter().map(ToString::to_string).collect();
            pathway_key(p.concern.as_str(), &areas)
        };
        let name = |p: &crate::config::Pathway| {
            let mut areas: Vec<String> = p.areas.iter().map(ToString::to_string).collect();
            areas.sort();
            if areas.is_empty() {
                format!("{} (all areas)", p.concern)
            } else {
                format!("{} ({})", p.concern, areas.join(", "))
            }
        };
        let (old, new) = (&self.old.config.pathways, &self.new.config.pathways);
        let both = self.membership("referrals", "pathways", old, new, key, |_, _, p| {
            format!("pathway {}", name(p))
        });
        for (o, n) in both {
            let k = name(n);
            let path = |field: &str| format!("pathways[{}].{field}", key(n));
            self.lists(
                "referrals",
                format!("pathway {k}: services"),
                &o.services,
                &n.services,
                path("services"),
            );
            self.lists(
                "referrals",
                format!("pathway {k}: referred by"),
                &o.referred_by,
                &n.referred_by,
                path("referred_by"),
            );
            self.changed(
                "referrals",
                format!("pathway {k}: timeframe"),
                o.timeframe,
                n.timeframe,
                path("timeframe"),
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
                path("emergency.services"),
            );
        }
    }

    /// A list of ids at `base` (e.g. the languages): the change is about the list, and
    /// speaks for the elements added and removed and for the order, not for what the
    /// elements that stay hold.
    fn members(
        &mut self,
        section: &'static str,
        subject: &str,
        base: &str,
        old: &[String],
        new: &[String],
    ) {
        if old == new {
            return;
        }
        let changed = old
            .iter()
            .filter(|id| !new.contains(id))
            .chain(new.iter().filter(|id| !old.contains(id)));
        let claims: Vec<String> = changed.map(|id| format!("{base}[{id}]")).collect();
        self.claims.extend(claims);
        self.claims.push(format!("{base}[]"));
        self.changes.push(Change {
            section,
            kind: ChangeKind::Changed,
            subject: subject.to_owned(),
            detail: format!("{} → {}", joined(old), joined(new)),
            path: base.to_owned(),
        });
    }

    fn bid(&mut self) {
        let (o, n) = (&self.old.config.bid, &self.new.config.bid);
        let situations = |b: &crate::config::Bid| {
            b.situations
                .iter()
                .map(|s| s.id.to_string())
                .collect::<Vec<String>>()
        };
        let (a, b) = (situations(o), situations(n));
        self.members(
            "bid",
            "situations requiring a BID",
            "bid.situations",
            &a,
            &b,
        );
        let interim = |b: &crate::config::Bid| {
            b.interim
                .map(|i| format!("{i:?}"))
                .unwrap_or_else(|| "none".into())
        };
        self.changed(
            "bid",
            "interim procedure",
            interim(o),
            interim(n),
            "bid.interim".into(),
        );
        let both = self.membership(
            "bid",
            "bid.panels",
            &o.panels,
            &n.panels,
            |p| p.id.to_string(),
            |_, _, p| format!("panel {}", p.id),
        );
        for (a, b) in both {
            let id = &b.id;
            let path = |key: &str| format!("bid.panels[{id}].{key}");
            self.lists(
                "bid",
                format!("panel {id}: members"),
                &a.members,
                &b.members,
                path("members"),
            );
            self.changed(
                "bid",
                format!("panel {id}: chair"),
                &a.chair,
                &b.chair,
                path("chair"),
            );
            self.changed(
                "bid",
                format!("panel {id}: quorum"),
                a.quorum,
                b.quorum,
                path("quorum"),
            );
            self.changed(
                "bid",
                format!("panel {id}: sits every"),
                a.sits_every,
                b.sits_every,
                path("sits_every"),
            );
            self.changed(
                "bid",
                format!("panel {id}: cases per sitting"),
                a.max_cases_per_sitting,
                b.max_cases_per_sitting,
                path("max_cases_per_sitting"),
            );
            self.changed(
                "bid",
                format!("panel {id}: decision rule"),
                format!("{:?}", a.decision_rule).to_lowercase(),
                format!("{:?}", b.decision_rule).to_lowercase(),
                path("decision_rule"),
            );
        }
    }

    fn forms(&mut self) {
        let (old, new) = (&self.old.forms.forms, &self.new.forms.forms);
        let both = self.membership(
            "forms",
            "form_definitions",
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
            let (a, b) = (field_paths(o), field_paths(n));
            let removed: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).collect();
            let added: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).collect();
            for (ids, paths, what) in [(&removed, &a, "removed"), (&added, &b, "added")] {
                if ids.is_empty() {
                    continue;
                }
                self.claims.extend(ids.iter().map(|id| paths[*id].clone()));
                // The path of the first question: the form's other changes still show.
                self.push(
                    "forms",
                    ChangeKind::Changed,
                    format!("form {}: questions {what}", n.id),
                    joined(ids),
                    paths[ids[0]].clone(),
                );
            }
            self.changed(
                "forms",
                format!("form {}: version", n.id),
                &o.version,
                &n.version,
                format!("form_definitions[{}].version", n.id),
            );
        }
    }

    /// Figures the SOP derives from the staffing inputs (the inputs are compared as
    /// values); their paths, under `derived`, speak for no input.
    fn staffing(&mut self) {
        let (o, n) = (&self.old.staffing, &self.new.staffing);
        self.changed(
            "human resources",
            "expected caseload",
            o.caseload,
            n.caseload,
            "derived.staffing.caseload".into(),
        );
        self.changed(
            "human resources",
            "caseworkers needed",
            o.caseworkers_needed,
            n.caseworkers_needed,
            "derived.staffing.caseworkers_needed".into(),
        );
        self.changed(
            "human resources",
            "case managers needed",
            format!("{}–{}", o.case_managers_min, o.case_managers_max),
            format!("{}–{}", n.case_managers_min, n.case_managers_max),
            "derived.staffing.case_managers".into(),
        );
        self.changed(
            "human resources",
            "caseworker shortfall",
            o.caseworker_shortfall,
            n.caseworker_shortfall,
            "derived.staffing.caseworker_shortfall".into(),
        );
    }
}

/// The path of every question of `form` in the compared view, by field id.
fn field_paths(form: &crate::forms::model::FormDefinition) -> BTreeMap<String, String> {
    fn walk(fields: &[crate::forms::model::Field], base: &str, out: &mut BTreeMap<String, String>) {
        for field in fields {
            let path = format!("{base}.fields[{}]", field.id);
            walk(&field.fields, &path, out);
            out.insert(field.id.to_string(), path);
        }
    }
    let mut out = BTreeMap::new();
    for section in &form.sections {
        let base = format!("form_definitions[{}].sections[{}]", form.id, section.id);
        walk(&section.fields, &base, &mut out);
    }
    out
}
