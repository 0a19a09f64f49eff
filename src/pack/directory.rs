//! The service directory as documents of its own, one per area, for operations whose
//! directory is too long to print inside the SOP (`[sop] service_directory`).

use serde::Serialize;

use crate::config::{Config, DirectoryPlacement, Id, ServiceType};

/// One area's directory: the services that serve it, those serving every area included,
/// grouped by kind in the order `ServiceType` gives.
#[derive(Debug, Clone, Serialize)]
pub struct DirectoryVolume {
    /// The area; none when the operation has no areas and one volume holds everything.
    pub area: Option<Id>,
    /// The file name without extension, beside the SOP: `directory/<area>`.
    pub file: String,
    pub count: usize,
    pub groups: Vec<ServiceGroup>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceGroup {
    #[serde(rename = "type")]
    pub kind: ServiceType,
    /// Service ids, in the configuration's order.
    pub services: Vec<Id>,
}

/// The volumes the directory goes out in: none when it stays in the SOP.
pub fn volumes(config: &Config) -> Vec<DirectoryVolume> {
    if config.sop.service_directory != DirectoryPlacement::ByArea {
        return Vec::new();
    }
    if config.areas.is_empty() {
        return vec![volume(config, None, "directory/all".to_owned())];
    }
    config
        .areas
        .iter()
        .map(|area| volume(config, Some(&area.id), format!("directory/{}", area.id)))
        .collect()
}

/// The first area's volume whatever the placement: what `check` renders to try a
/// country's own directory template.
pub fn first_volume(config: &Config) -> DirectoryVolume {
    let area = config.areas.first().map(|a| &a.id);
    let file = format!("directory/{}", area.map_or("all", Id::as_str));
    volume(config, area, file)
}

fn volume(config: &Config, area: Option<&Id>, file: String) -> DirectoryVolume {
    let serves = |areas: &[Id]| areas.is_empty() || area.is_none_or(|a| areas.contains(a));
    let mut groups: Vec<ServiceGroup> = Vec::new();
    let mut count = 0;
    let mut kinds: Vec<ServiceType> = config.services.iter().map(|s| s.kind).collect();
    kinds.sort();
    kinds.dedup();
    for kind in kinds {
        let services: Vec<Id> = config
            .services
            .iter()
            .filter(|s| s.kind == kind && serves(&s.areas))
            .map(|s| s.id.clone())
            .collect();
        if !services.is_empty() {
            count += services.len();
            groups.push(ServiceGroup { kind, services });
        }
    }
    DirectoryVolume {
        area: area.cloned(),
        file,
        count,
        groups,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::rules::test_support::{MINIMAL, checked};

    fn config_with(sop_line: &str, rest: &str) -> Config {
        let text = MINIMAL.replacen("[sop]\n", &format!("[sop]\n{sop_line}\n"), 1) + rest;
        let checked = checked(&text);
        assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
        let pack = checked.resolve("country.toml").unwrap().unwrap();
        pack.config
    }

    const SERVICES: &str = r#"
[[areas]]
id = "north"
name = "North"

[[areas]]
id = "south"
name = "South"

[[services]]
id = "health_south"
name = "Health centre"
type = "health"
provider = "unhcr"
areas = ["south"]

[[services]]
id = "cm_all"
name = "Case management"
type = "child_protection"
provider = "unhcr"

[[services]]
id = "cm_north"
name = "Case management north"
type = "child_protection"
provider = "unhcr"
areas = ["north"]
"#;

    #[test]
    fn auto_keeps_the_directory_in_the_sop_up_to_500_services() {
        assert!(!DirectoryPlacement::Auto.by_area(500));
        assert!(DirectoryPlacement::Auto.by_area(501));
        assert!(!DirectoryPlacement::InSop.by_area(20_000));
        assert!(DirectoryPlacement::ByArea.by_area(1));
        // Resolve decides `auto`, so the resolved configuration says where it went.
        let config = config_with("", SERVICES);
        assert_eq!(config.sop.service_directory, DirectoryPlacement::InSop);
        assert!(volumes(&config).is_empty());
    }

    #[test]
    fn each_area_gets_its_services_and_those_of_every_area_grouped_by_kind() {
        let config = config_with("service_directory = \"by_area\"", SERVICES);
        type Groups = Vec<(ServiceType, Vec<String>)>;
        let found: Vec<(String, Groups)> = volumes(&config)
            .into_iter()
            .map(|v| {
                let groups = v
                    .groups
                    .into_iter()
                    .map(|g| (g.kind, g.services.iter().map(ToString::to_string).collect()))
                    .collect();
                (v.file, groups)
            })
            .collect();
        let ids = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            found,
            vec![
                (
                    "directory/north".to_owned(),
                    vec![(ServiceType::ChildProtection, ids(&["cm_all", "cm_north"]))]
                ),
                (
                    "directory/south".to_owned(),
                    vec![
                        (ServiceType::ChildProtection, ids(&["cm_all"])),
                        (ServiceType::Health, ids(&["health_south"])),
                    ]
                ),
            ]
        );
    }

    #[test]
    fn without_areas_one_document_holds_the_whole_directory() {
        let rest = SERVICES
            .split("[[services]]")
            .skip(1)
            .map(|s| {
                format!(
                    "[[services]]{}",
                    s.replace("areas = [\"south\"]\n", "")
                        .replace("areas = [\"north\"]\n", "")
                )
            })
            .collect::<String>();
        let config = config_with("service_directory = \"by_area\"", &format!("\n{rest}"));
        let all = volumes(&config);
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].file, "directory/all");
        assert_eq!(all[0].area, None);
        assert_eq!(all[0].count, 3);
    }
}
