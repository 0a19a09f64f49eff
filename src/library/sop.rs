//! The SOP's built-in chapters and the names under which a country folder overrides
//! them or the printed form layout (`templates/<name>`).

/// The built-in chapters, in document order. The file name without `.md` is the
/// chapter's id.
pub const CHAPTERS: &[(&str, &str)] = &[
    (
        "front",
        include_str!("../../sop-templates/chapters/front.md"),
    ),
    (
        "purpose",
        include_str!("../../sop-templates/chapters/purpose.md"),
    ),
    (
        "principles",
        include_str!("../../sop-templates/chapters/principles.md"),
    ),
    (
        "coordination",
        include_str!("../../sop-templates/chapters/coordination.md"),
    ),
    (
        "procedure",
        include_str!("../../sop-templates/chapters/procedure.md"),
    ),
    (
        "prioritisation",
        include_str!("../../sop-templates/chapters/prioritisation.md"),
    ),
    (
        "case-conferences",
        include_str!("../../sop-templates/chapters/case-conferences.md"),
    ),
    (
        "referrals",
        include_str!("../../sop-templates/chapters/referrals.md"),
    ),
    ("bid", include_str!("../../sop-templates/chapters/bid.md")),
    (
        "data-protection",
        include_str!("../../sop-templates/chapters/data-protection.md"),
    ),
    (
        "cross-border",
        include_str!("../../sop-templates/chapters/cross-border.md"),
    ),
    (
        "human-resources",
        include_str!("../../sop-templates/chapters/human-resources.md"),
    ),
    (
        "monitoring",
        include_str!("../../sop-templates/chapters/monitoring.md"),
    ),
    (
        "glossary",
        include_str!("../../sop-templates/chapters/glossary.md"),
    ),
    (
        "annexes",
        include_str!("../../sop-templates/chapters/annexes.md"),
    ),
];

/// One area's service directory, a document of its own beside the SOP when the
/// directory goes out by area (`[sop] service_directory`); overridable like a chapter.
pub const DIRECTORY: &str = "sop/directory.md";
pub const DIRECTORY_TEMPLATE: &str = include_str!("../../sop-templates/directory.md");

/// The chapter that carries the title page content: not numbered.
pub const FRONT: &str = "front";

/// Template names as users see them in errors and override them: `sop/<id>.md`.
pub fn template_name(chapter: &str) -> String {
    format!("sop/{chapter}.md")
}

/// Templates a country folder may override, each replacing the built-in one of that name:
/// the printed form layout, the SOP layout and each SOP chapter (`sop/<chapter>.md`).
pub fn overridable_templates() -> Vec<String> {
    let mut names = vec!["form.typ".to_owned(), "sop/sop.typ".to_owned()];
    names.extend(CHAPTERS.iter().map(|(id, _)| template_name(id)));
    names.push(DIRECTORY.to_owned());
    names
}

/// Whether `name` (inside `templates/`) is a file bipgen uses: an overridable template or
/// the country's own SOP sentences (`sop/text/<lang>.toml`).
pub fn is_template(name: &str) -> bool {
    let sentences = name
        .strip_prefix("sop/text/")
        .is_some_and(|file| file.ends_with(".toml") && !file.contains('/'));
    sentences || overridable_templates().iter().any(|t| t == name)
}

/// The templates the country folder overrides and its own SOP sentences, by name inside
/// `templates/`, as text. A file that cannot be read is left out: the validate stage
/// reports it (`validate::rules::templates`).
pub fn overrides(
    assets: &crate::config::assets::Assets,
) -> std::collections::BTreeMap<String, String> {
    assets
        .templates
        .keys()
        .filter(|name| is_template(name))
        .filter_map(|name| match assets.template(name)? {
            Ok(text) => Some((name.clone(), text.to_owned())),
            Err(_) => None,
        })
        .collect()
}
