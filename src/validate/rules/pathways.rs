//! Referral pathways that cannot work as written: a step of the pathway sends the child
//! to a service that does not serve the pathway's areas, or two pathways claim the same
//! concern in the same area, so nobody knows which one applies. And an area whose
//! printed service directory would list no service at all.

use std::collections::BTreeSet;

use super::Context;
use crate::config::Id;

pub fn check(cx: &mut Context<'_>) {
    services_serve_the_areas(cx);
    no_two_pathways_for_one_place(cx);
    every_area_has_a_directory(cx);
}

/// The areas of a list, or `None` for "all areas" (an empty list).
fn areas(list: &[Id]) -> Option<BTreeSet<&str>> {
    (!list.is_empty()).then(|| list.iter().map(Id::as_str).collect())
}

fn services_serve_the_areas(cx: &mut Context<'_>) {
    let c = cx.config;
    let mut found = Vec::new();
    for (i, pathway) in c.pathways.iter().enumerate() {
        let wanted = areas(&pathway.areas);
        let steps = pathway
            .services
            .iter()
            .enumerate()
            .map(|(j, s)| (format!("/pathways/{i}/services/{j}"), s))
            .chain(pathway.emergency.iter().flat_map(|e| {
                e.services
                    .iter()
                    .enumerate()
                    .map(move |(j, s)| (format!("/pathways/{i}/emergency/services/{j}"), s))
            }));
        for (pointer, id) in steps {
            let Some(service) = c.services.iter().find(|s| &s.id == id) else {
                continue; // an unknown service is reported by the reference rules
            };
            let Some(served) = areas(&service.areas) else {
                continue; // serves every area
            };
            let missing: Vec<&str> = match &wanted {
                Some(wanted) => wanted.difference(&served).copied().collect(),
                None => vec![],
            };
            let everywhere = wanted.is_none();
            if everywhere || !missing.is_empty() {
                found.push((
                    pointer,
                    pathway.concern.to_string(),
                    id.to_string(),
                    served,
                    missing,
                    everywhere,
                ));
            }
        }
    }
    for (pointer, concern, service, served, missing, everywhere) in found {
        let served: Vec<&str> = served.into_iter().collect();
        let message = if everywhere {
            format!(
                "the `{concern}` pathway applies in every area, but service `{service}` serves only {}",
                served.join(", ")
            )
        } else {
            format!(
                "the `{concern}` pathway sends children from {} to service `{service}`, which serves only {}",
                missing.join(", "),
                served.join(", ")
            )
        };
        cx.warning(
            "pathway-service-area",
            &pointer,
            message,
            "give the pathway the areas the service covers (one pathway per group of areas), choose a service that serves them, or add the areas to the service",
        );
    }
}

fn no_two_pathways_for_one_place(cx: &mut Context<'_>) {
    let c = cx.config;
    let mut found = Vec::new();
    for (i, later) in c.pathways.iter().enumerate() {
        for (j, earlier) in c.pathways.iter().enumerate().take(i) {
            if earlier.concern != later.concern {
                continue;
            }
            let shared: Option<Vec<&str>> = match (areas(&earlier.areas), areas(&later.areas)) {
                (Some(a), Some(b)) => {
                    let both: Vec<&str> = a.intersection(&b).copied().collect();
                    (!both.is_empty()).then_some(both)
                }
                (None, Some(b)) => Some(b.into_iter().collect()),
                (Some(a), None) => Some(a.into_iter().collect()),
                (None, None) => Some(vec![]),
            };
            if let Some(shared) = shared {
                found.push((i, j, later.concern.to_string(), shared));
                break;
            }
        }
    }
    for (i, j, concern, shared) in found {
        let place = if shared.is_empty() {
            "every area".to_owned()
        } else {
            shared.join(", ")
        };
        cx.warning(
            "pathway-overlap",
            &format!("/pathways/{i}/areas"),
            format!(
                "pathway {} for `{concern}` covers {place}, which pathway {} already covers: a caseworker cannot tell which one applies",
                i + 1,
                j + 1
            ),
            "give each pathway of a concern its own areas; a pathway with no `areas` covers every area",
        );
    }
}

/// With the directory printed one document per area, an area that no service serves
/// (and with no service for every area) would get a document that lists nothing.
fn every_area_has_a_directory(cx: &mut Context<'_>) {
    let c = cx.config;
    let serves_everywhere = c.services.iter().any(|s| s.areas.is_empty());
    if !c.sop.service_directory.by_area(c.services.len()) || serves_everywhere {
        return;
    }
    if c.services.is_empty() {
        cx.warning(
            "area-without-services",
            "/sop/service_directory",
            "the service directory is printed one document per area, but no service is listed: every document would list none",
            "list the operation's services in `[[services]]`, or leave `service_directory` at its default until they are",
        );
        return;
    }
    let served: BTreeSet<&str> = c
        .services
        .iter()
        .flat_map(|s| s.areas.iter().map(Id::as_str))
        .collect();
    let unserved: Vec<(usize, String)> = c
        .areas
        .iter()
        .enumerate()
        .filter(|(_, area)| !served.contains(area.id.as_str()))
        .map(|(i, area)| (i, area.id.to_string()))
        .collect();
    for (i, area) in unserved {
        cx.warning(
            "area-without-services",
            &format!("/areas/{i}/id"),
            format!(
                "no service serves area `{area}`: its service directory (`directory/{area}`) would list none"
            ),
            format!(
                "add the services that serve it (`areas = [\"{area}\"]` in their `[[services]]`; a service without `areas` serves every area), or remove the area"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::rules::test_support::{MINIMAL, codes_for, diagnostics_for};

    fn with_pathways(pathways: &str) -> String {
        format!(
            "{MINIMAL}
[[areas]]
id = \"north\"
name = \"North\"

[[areas]]
id = \"south\"
name = \"South\"

[[services]]
id = \"north_clinic\"
name = \"North clinic\"
type = \"health\"
provider = \"unhcr\"
areas = [\"north\"]

[[services]]
id = \"case_management\"
name = \"Case management\"
type = \"child_protection\"
provider = \"unhcr\"
{pathways}"
        )
    }

    #[test]
    fn a_service_outside_the_pathways_areas_warns() {
        let codes = codes_for(&with_pathways(
            "
[[pathways]]
concern = \"neglect\"
areas = [\"south\"]
referred_by = [\"caseworker\"]
services = [\"case_management\", \"north_clinic\"]
timeframe = \"1d\"
",
        ));
        assert!(codes.contains(&"pathway-service-area"), "{codes:?}");
        let codes = codes_for(&with_pathways(
            "
[[pathways]]
concern = \"neglect\"
areas = [\"north\"]
referred_by = [\"caseworker\"]
services = [\"case_management\", \"north_clinic\"]
timeframe = \"1d\"
",
        ));
        assert!(!codes.contains(&"pathway-service-area"), "{codes:?}");
    }

    #[test]
    fn an_area_without_services_warns_when_the_directory_goes_out_by_area() {
        let by_area =
            |text: String| text.replacen("[sop]\n", "[sop]\nservice_directory = \"by_area\"\n", 1);
        // The south has no service of its own, and case management serves the north only.
        let north_only = with_pathways("areas = [\"north\"]\n");
        let diagnostics = diagnostics_for(&by_area(north_only.clone()));
        let found: Vec<&str> = diagnostics
            .iter()
            .filter(|d| d.code == "area-without-services")
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("`south`"), "{found:?}");
        // In the SOP's annex, an area without services shows no empty document.
        assert!(!codes_for(&north_only).contains(&"area-without-services"));
        // A service for every area fills every area's document.
        let everywhere = with_pathways("");
        assert!(!codes_for(&by_area(everywhere)).contains(&"area-without-services"));
        // With no service at all, one warning says so, at the placement.
        let none = diagnostics_for(&by_area(MINIMAL.to_owned()));
        let found: Vec<_> = none
            .iter()
            .filter(|d| d.code == "area-without-services")
            .collect();
        assert_eq!(found.len(), 1);
        assert!(found[0].location.is_some());
    }

    #[test]
    fn two_pathways_for_one_concern_and_area_warn() {
        let pathway = |areas: &str| {
            format!(
                "
[[pathways]]
concern = \"neglect\"
{areas}
referred_by = [\"caseworker\"]
services = [\"case_management\"]
timeframe = \"1d\"
"
            )
        };
        let overlapping = with_pathways(
            &(pathway("areas = [\"north\", \"south\"]") + &pathway("areas = [\"south\"]")),
        );
        assert!(codes_for(&overlapping).contains(&"pathway-overlap"));
        let apart =
            with_pathways(&(pathway("areas = [\"north\"]") + &pathway("areas = [\"south\"]")));
        assert!(!codes_for(&apart).contains(&"pathway-overlap"));
        let everywhere = with_pathways(&(pathway("") + &pathway("areas = [\"south\"]")));
        assert!(codes_for(&everywhere).contains(&"pathway-overlap"));
    }
}
