//! The README's tailoring example works on the Chad example as written.

#[test]
fn readme_tailoring_example_passes_check_on_chad() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let block = readme
        .split("### Tailoring forms")
        .nth(1)
        .and_then(|rest| rest.split("```toml").nth(1))
        .and_then(|rest| rest.split("```").next())
        .expect("a TOML block under 'Tailoring forms'");
    // Logos name files of the reader's own folder; the rest applies as it stands.
    let block: String = block
        .lines()
        .filter(|l| !l.starts_with("header ="))
        .map(|l| format!("{l}\n"))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let chad = std::fs::read_to_string("examples/chad/country.toml").unwrap();
    // Replace Chad's own [forms] table by the README's.
    let start = chad.find("\n[forms]").expect("Chad has a [forms] table");
    let end = chad[start + 1..]
        .find("\n[")
        .map_or(chad.len(), |i| start + 1 + i);
    let config = format!("{}{}\n{block}", &chad[..start + 1], &chad[end + 1..]);
    std::fs::write(dir.path().join("country.toml"), config).unwrap();
    std::fs::copy(
        "examples/chad/services.toml",
        dir.path().join("services.toml"),
    )
    .unwrap();
    let checked = bipgen::check(&dir.path().join("country.toml"));
    assert!(checked.diagnostics.is_empty(), "{:#?}", checked.diagnostics);
    let forms = checked.forms.unwrap();
    let intake = forms.form("registration_intake").unwrap();
    let ids: Vec<&str> = bipgen::forms::resolve::all_fields(intake)
        .iter()
        .map(|f| f.id.as_str())
        .collect();
    assert!(ids.contains(&"camp_block") && !ids.contains(&"ethnicity"));
    assert_eq!(forms.forms.len(), 3);
}
