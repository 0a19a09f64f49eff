//! Every id a configuration names must exist: roles, organisations, areas, services,
//! concerns, risk levels, BID situations, forms and languages.

use super::{Context, IdSet};
use crate::config::Id;
use crate::forms::library::LIBRARY;
use crate::forms::resolve::all_fields;

/// The sets of ids references may point to.
struct Known {
    organisations: IdSet,
    areas: IdSet,
    roles: IdSet,
    risk_levels: IdSet,
    concerns: IdSet,
    services: IdSet,
    situations: IdSet,
    forms: IdSet,
    languages: IdSet,
}

pub fn check(cx: &mut Context<'_>) {
    let c = cx.config;
    let known = Known {
        organisations: IdSet::of(c.organisations.iter().map(|o| &o.id)),
        areas: IdSet::of(c.areas.iter().map(|a| &a.id)),
        roles: IdSet::of(c.roles.iter().map(|r| &r.id)),
        risk_levels: IdSet::of(c.risk_levels.iter().map(|r| &r.id)),
        concerns: IdSet::of(c.concerns.iter().map(|r| &r.id)),
        services: IdSet::of(c.services.iter().map(|s| &s.id)),
        situations: IdSet::of(c.bid.situations.iter().map(|s| &s.id)),
        forms: IdSet::of_str(LIBRARY.form_ids()),
        languages: IdSet::of_str(c.languages.iter().map(|l| l.tag.as_str())),
    };
    let mut r = Refs { cx, known: &known };
    r.organisations_and_roles();
    r.steps();
    r.concerns_services_pathways();
    r.bid();
    r.policies();
    r.languages();
}

struct Refs<'c, 'a> {
    cx: &'c mut Context<'a>,
    known: &'c Known,
}

impl Refs<'_, '_> {
    fn one(
        &mut self,
        what: &'static str,
        id: &str,
        set: &IdSet,
        pointer: &str,
        define_where: &'static str,
    ) {
        self.cx.reference(what, id, set, pointer, define_where);
    }

    fn each(
        &mut self,
        what: &'static str,
        ids: &[Id],
        set: &IdSet,
        pointer: &str,
        define_where: &'static str,
    ) {
        for (i, id) in ids.iter().enumerate() {
            self.one(
                what,
                id.as_str(),
                set,
                &format!("{pointer}/{i}"),
                define_where,
            );
        }
    }

    fn org(&mut self, ids: &[Id], pointer: &str) {
        self.each(
            "organisation",
            ids,
            &self.known.organisations,
            pointer,
            "[[organisations]]",
        );
    }

    fn role(&mut self, ids: &[Id], pointer: &str) {
        self.each("role", ids, &self.known.roles, pointer, "[[roles]]");
    }

    fn area(&mut self, ids: &[Id], pointer: &str) {
        self.each("area", ids, &self.known.areas, pointer, "[[areas]]");
    }

    fn form(&mut self, ids: &[Id], pointer: &str) {
        self.each(
            "form",
            ids,
            &self.known.forms,
            pointer,
            "the form library (`bipgen forms list`)",
        );
    }

    fn organisations_and_roles(&mut self) {
        let c = self.cx.config;
        self.org(&c.sop.lead_agencies, "/sop/lead_agencies");
        if let Some(agencies) = &c.forms.agencies {
            self.org(agencies, "/forms/agencies");
        }
        for (i, role) in c.roles.iter().enumerate() {
            self.org(&role.organisations, &format!("/roles/{i}/organisations"));
        }
        for (i, entry) in c.entry_points.iter().enumerate() {
            self.area(&entry.areas, &format!("/entry_points/{i}/areas"));
        }
    }

    fn steps(&mut self) {
        let c = self.cx.config;
        for (i, step) in c.steps.iter().enumerate() {
            let p = format!("/steps/{i}");
            self.role(&step.responsible, &format!("{p}/responsible"));
            self.role(&step.accountable, &format!("{p}/accountable"));
            self.role(&step.consulted, &format!("{p}/consulted"));
            self.role(&step.informed, &format!("{p}/informed"));
            self.form(&step.forms, &format!("{p}/forms"));
        }
        if let Some(emergency) = &c.emergency
            && let Some(role) = &emergency.duty_role
        {
            self.role(std::slice::from_ref(role), "/emergency/duty_role");
            // from_ref gives pointer ".../0"; the parent lookup lands on the value itself.
        }
        if let Some(conference) = &c.case_conference {
            self.one(
                "role",
                conference.chair.as_str(),
                &self.known.roles,
                "/case_conference/chair",
                "[[roles]]",
            );
            self.role(&conference.participants, "/case_conference/participants");
            if let Some(form) = &conference.record_form {
                self.one(
                    "form",
                    form.as_str(),
                    &self.known.forms,
                    "/case_conference/record_form",
                    "the form library",
                );
            }
        }
        if let Some(reopening) = &c.reopening {
            self.one(
                "role",
                reopening.approved_by.as_str(),
                &self.known.roles,
                "/reopening/approved_by",
                "[[roles]]",
            );
        }
    }

    fn concerns_services_pathways(&mut self) {
        let c = self.cx.config;
        for (i, concern) in c.concerns.iter().enumerate() {
            let p = format!("/concerns/{i}");
            self.one(
                "risk level",
                concern.default_risk.as_str(),
                &self.known.risk_levels,
                &format!("{p}/default_risk"),
                "[[risk_levels]]",
            );
            self.each(
                "BID situation",
                &concern.bid_situations,
                &self.known.situations,
                &format!("{p}/bid_situations"),
                "[[bid.situations]]",
            );
        }
        for (i, service) in c.services.iter().enumerate() {
            let p = format!("/services/{i}");
            self.one(
                "organisation",
                service.provider.as_str(),
                &self.known.organisations,
                &format!("{p}/provider"),
                "[[organisations]]",
            );
            self.area(&service.areas, &format!("{p}/areas"));
        }
        for (i, pathway) in c.pathways.iter().enumerate() {
            let p = format!("/pathways/{i}");
            self.one(
                "concern",
                pathway.concern.as_str(),
                &self.known.concerns,
                &format!("{p}/concern"),
                "[[concerns]]",
            );
            self.area(&pathway.areas, &format!("{p}/areas"));
            self.role(&pathway.referred_by, &format!("{p}/referred_by"));
            self.each(
                "service",
                &pathway.services,
                &self.known.services,
                &format!("{p}/services"),
                "[[services]]",
            );
            if let Some(route) = &pathway.emergency {
                self.each(
                    "service",
                    &route.services,
                    &self.known.services,
                    &format!("{p}/emergency/services"),
                    "[[services]]",
                );
            }
        }
    }

    fn bid(&mut self) {
        let c = self.cx.config;
        if let Some(role) = &c.bid.supervisor_role {
            self.one(
                "role",
                role.as_str(),
                &self.known.roles,
                "/bid/supervisor_role",
                "[[roles]]",
            );
        }
        if let Some(role) = &c.bid.interim_designated_by {
            self.one(
                "role",
                role.as_str(),
                &self.known.roles,
                "/bid/interim_designated_by",
                "[[roles]]",
            );
        }
        for (i, panel) in c.bid.panels.iter().enumerate() {
            let p = format!("/bid/panels/{i}");
            self.area(&panel.areas, &format!("{p}/areas"));
            self.org(&panel.members, &format!("{p}/members"));
            self.org(&panel.alternates, &format!("{p}/alternates"));
            self.role(&panel.presenters, &format!("{p}/presenters"));
            self.one(
                "organisation",
                panel.chair.as_str(),
                &self.known.organisations,
                &format!("{p}/chair"),
                "[[organisations]]",
            );
        }
    }

    fn policies(&mut self) {
        let c = self.cx.config;
        for (i, area) in c.staffing.areas.iter().enumerate() {
            self.one(
                "area",
                area.area.as_str(),
                &self.known.areas,
                &format!("/staffing/areas/{i}/area"),
                "[[areas]]",
            );
        }
        for (i, rule) in c.data_protection.access.iter().enumerate() {
            self.role(&rule.roles, &format!("/data_protection/access/{i}/roles"));
        }
        if let Some(cross_border) = &c.cross_border {
            for (i, partner) in cross_border.partners.iter().enumerate() {
                let p = format!("/cross_border/partners/{i}");
                self.org(&partner.agencies, &format!("{p}/agencies"));
                for (j, focal) in partner.focal_points.iter().enumerate() {
                    let q = format!("{p}/focal_points/{j}/organisation");
                    self.one(
                        "organisation",
                        focal.organisation.as_str(),
                        &self.known.organisations,
                        &q,
                        "[[organisations]]",
                    );
                }
            }
            for (i, field) in cross_border.minimum_dataset.iter().flatten().enumerate() {
                let q = format!("/cross_border/minimum_dataset/{i}");
                self.one(
                    "form",
                    field.form.as_str(),
                    &self.known.forms,
                    &q,
                    "the form library",
                );
                if let Some(builtin) = LIBRARY.form(field.form.as_str()) {
                    let fields = IdSet::of(all_fields(&builtin.form).into_iter().map(|f| &f.id));
                    self.one(
                        "field",
                        field.field.as_str(),
                        &fields,
                        &q,
                        "the form (see `bipgen forms show`)",
                    );
                }
            }
        }
        if let Some(selected) = &c.forms.selected {
            self.form(selected, "/forms/selected");
        }
        for form in c.forms.tailoring.keys() {
            let q = format!("/forms/tailoring/{form}");
            self.one(
                "form",
                form.as_str(),
                &self.known.forms,
                &q,
                "the form library",
            );
        }
        for (i, kpi) in c.kpis.iter().enumerate() {
            if let Some(owner) = &kpi.owner {
                self.one(
                    "role",
                    owner.as_str(),
                    &self.known.roles,
                    &format!("/kpis/{i}/owner"),
                    "[[roles]]",
                );
            }
        }
    }

    fn languages(&mut self) {
        let c = self.cx.config;
        let define = "[[languages]]";
        self.one(
            "language",
            c.default_language.as_str(),
            &self.known.languages,
            "/default_language",
            define,
        );
        for (i, language) in c.languages.iter().enumerate() {
            let Some(fallback) = &language.fallback else {
                continue;
            };
            let p = format!("/languages/{i}/fallback");
            if !self.known.languages.contains(fallback.as_str()) {
                self.one(
                    "language",
                    fallback.as_str(),
                    &self.known.languages,
                    &p,
                    define,
                );
            } else if let Some(cycle) = fallback_cycle(c, language.tag.as_str()) {
                self.cx.error(
                    "fallback-cycle",
                    &p,
                    format!("the fallbacks of `{}` go round in a circle: {cycle}", language.tag),
                    "a chain of fallbacks must end in a language without `fallback` (usually the default language)",
                );
            }
        }
        for (i, pair) in c.forms.bilingual.iter().enumerate() {
            for (j, tag) in pair.iter().enumerate() {
                self.one(
                    "language",
                    tag.as_str(),
                    &self.known.languages,
                    &format!("/forms/bilingual/{i}/{j}"),
                    define,
                );
            }
            if pair[0] == pair[1] {
                self.cx.error(
                    "invalid-value",
                    &format!("/forms/bilingual/{i}"),
                    "a bilingual pair needs two different languages",
                    "e.g. `[\"fr\", \"ar\"]`",
                );
            }
        }
    }
}

/// The circle of fallbacks starting at `start`, written `a → b → a`, if there is one.
fn fallback_cycle(config: &crate::config::Config, start: &str) -> Option<String> {
    let mut path = vec![start];
    let mut current = start;
    while let Some(next) = config
        .languages
        .iter()
        .find(|l| l.tag.as_str() == current)?
        .fallback
        .as_ref()
    {
        let next = next.as_str();
        if next == start {
            path.push(next);
            return Some(path.join(" → "));
        }
        if path.contains(&next) {
            return None; // a circle further on: reported for the languages in it
        }
        path.push(next);
        current = next;
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::validate::rules::test_support::{MINIMAL, diagnostics_for};

    #[test]
    fn unknown_ids_are_reported_with_a_suggestion() {
        let text = MINIMAL.replace("lead_agencies = [\"unhcr\"]", "lead_agencies = [\"unhrc\"]");
        let found = diagnostics_for(&text);
        let d = found
            .iter()
            .find(|d| d.code == "unknown-reference")
            .expect("reported");
        assert!(d.message.contains("unhrc"));
        assert!(
            d.help
                .as_deref()
                .unwrap_or_default()
                .contains("did you mean `unhcr`")
        );
    }

    #[test]
    fn pathways_must_name_known_services_and_concerns() {
        let text = format!(
            "{MINIMAL}\n[[pathways]]\nconcern = \"unaccompanied\"\nreferred_by = [\"caseworker\"]\nservices = [\"nowhere\"]\ntimeframe = \"24h\"\n"
        );
        let found = diagnostics_for(&text);
        assert!(
            found
                .iter()
                .any(|d| d.code == "unknown-reference" && d.message.contains("service `nowhere`"))
        );
        let ok = text.replace("concern = \"unaccompanied\"", "concern = \"unacompanied\"");
        assert!(
            diagnostics_for(&ok)
                .iter()
                .any(|d| d.message.contains("concern `unacompanied`"))
        );
    }

    #[test]
    fn languages_cannot_fall_back_on_themselves() {
        let text = MINIMAL.replace(
            "name = \"English\"",
            "name = \"English\"\nfallback = \"en\"",
        );
        assert!(
            diagnostics_for(&text)
                .iter()
                .any(|d| d.code == "fallback-cycle")
        );
    }

    #[test]
    fn longer_fallback_circles_are_found() {
        let french = "[[languages]]\ntag = \"fr\"\nscript = \"Latn\"\ndirection = \"ltr\"\nname = \"Français\"\nfallback = \"en\"\n";
        let circle = format!("{MINIMAL}\n{french}").replace(
            "name = \"English\"",
            "name = \"English\"\nfallback = \"fr\"",
        );
        let found = diagnostics_for(&circle);
        assert_eq!(
            found.iter().filter(|d| d.code == "fallback-cycle").count(),
            2,
            "{found:#?}"
        );
    }

    #[test]
    fn built_in_sections_with_broken_references_are_reported_once() {
        let two_levels = "[[risk_levels]]\nid = \"high\"\nlabel = \"High\"\nfirst_response = \"24h\"\nassessment_due = \"3d\"\ncase_plan_due = \"3d\"\nfollow_up_every = \"1w\"\n\
            [[risk_levels]]\nid = \"low\"\nlabel = \"Low\"\nfirst_response = \"1w\"\nassessment_due = \"2w\"\ncase_plan_due = \"2w\"\nfollow_up_every = \"1mo\"\n";
        let found = diagnostics_for(&format!("{MINIMAL}\n{two_levels}"));
        let refs: Vec<_> = found
            .iter()
            .filter(|d| d.code == "unknown-reference")
            .collect();
        assert_eq!(refs.len(), 1, "{refs:#?}");
        assert!(
            refs[0].message.contains("built-in `concerns`"),
            "{}",
            refs[0].message
        );
        let message = &refs[0].message;
        assert!(message.contains("`medium`"), "{message}");
        assert!(
            !message.contains("`high`") && !message.contains("`low`"),
            "{message}"
        );
    }

    #[test]
    fn a_built_in_concern_without_a_bid_step_points_at_the_users_steps() {
        let roles = "[[roles]]\nid = \"caseworker\"\nlabel = \"Caseworker\"\n";
        let step = "[[steps]]\nid = \"identification\"\nlabel = \"Identification\"\nresponsible = [\"caseworker\"]\nforms = [\"registration_intake\"]\n";
        let text = format!("{MINIMAL}\n{roles}{step}");
        let found = diagnostics_for(&text);
        let d = found
            .iter()
            .find(|d| d.code == "bid-unreachable")
            .expect("reported");
        assert!(d.message.starts_with("built-in concern"), "{}", d.message);
        assert_eq!(
            d.location.as_ref().map(|l| l.file),
            Some(0),
            "points into the user's file"
        );
    }
}
