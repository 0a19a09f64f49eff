//! `bipgen init`: a commented starter configuration that passes `bipgen check`.

use std::fmt::Write;

use crate::config::Date;

/// A language bipgen knows enough about to write its `[[languages]]` entry.
struct KnownLanguage {
    tag: &'static str,
    script: &'static str,
    rtl: bool,
    name: &'static str,
}

const fn lang(
    tag: &'static str,
    script: &'static str,
    rtl: bool,
    name: &'static str,
) -> KnownLanguage {
    KnownLanguage {
        tag,
        script,
        rtl,
        name,
    }
}

/// Languages of the operations bipgen serves (domain notes, codes-and-languages).
const KNOWN: &[KnownLanguage] = &[
    lang("en", "Latn", false, "English"),
    lang("fr", "Latn", false, "Français"),
    lang("es", "Latn", false, "Español"),
    lang("ar", "Arab", true, "العربية"),
    lang("pt", "Latn", false, "Português"),
    lang("tr", "Latn", false, "Türkçe"),
    lang("fa", "Arab", true, "فارسی"),
    lang("fa-AF", "Arab", true, "دری"),
    lang("prs", "Arab", true, "دری"),
    lang("ps", "Arab", true, "پښتو"),
    lang("ur", "Arab", true, "اردو"),
    lang("ckb", "Arab", true, "کوردیی ناوەندی"),
    lang("kmr", "Latn", false, "Kurmancî"),
    lang("so", "Latn", false, "Soomaali"),
    lang("om", "Latn", false, "Afaan Oromoo"),
    lang("sw", "Latn", false, "Kiswahili"),
    lang("rw", "Latn", false, "Ikinyarwanda"),
    lang("rn", "Latn", false, "Ikirundi"),
    lang("ln", "Latn", false, "Lingála"),
    lang("sg", "Latn", false, "Sängö"),
    lang("ha", "Latn", false, "Hausa"),
    lang("kr", "Latn", false, "Kanuri"),
    lang("nus", "Latn", false, "Thok Naath"),
    lang("din", "Latn", false, "Thuɔŋjäŋ"),
    lang("ht", "Latn", false, "Kreyòl ayisyen"),
    lang("ti", "Ethi", false, "ትግርኛ"),
    lang("am", "Ethi", false, "አማርኛ"),
    lang("tig", "Ethi", false, "ትግረ"),
    lang("uk", "Cyrl", false, "Українська"),
    lang("ru", "Cyrl", false, "Русский"),
    lang("my", "Mymr", false, "မြန်မာ"),
    lang("bn", "Beng", false, "বাংলা"),
    lang("ne", "Deva", false, "नेपाली"),
];

/// A language's `[[languages]]` entry: from the table above, or, for any other valid
/// tag, with the script CLDR's likely subtags give it and that script's direction.
struct Chosen {
    tag: String,
    script: String,
    rtl: bool,
    /// The name in the language itself, when bipgen knows it.
    name: Option<&'static str>,
}

impl Chosen {
    fn known(known: &KnownLanguage) -> Chosen {
        Chosen {
            tag: known.tag.to_owned(),
            script: known.script.to_owned(),
            rtl: known.rtl,
            name: Some(known.name),
        }
    }
}

fn choose(tag: &str) -> Result<Chosen, InitError> {
    if let Some(known) = KNOWN.iter().find(|k| k.tag.eq_ignore_ascii_case(tag)) {
        return Ok(Chosen::known(known));
    }
    if let Some((_, message, help)) = crate::library::codes::language_tag_problem(tag) {
        return Err(InitError::InvalidLanguage { message, help });
    }
    let unknown = || InitError::UnknownLanguage(tag.to_owned());
    let mut id: icu_locale_core::LanguageIdentifier = tag.parse().map_err(|_| unknown())?;
    let written = id.to_string();
    let stated_script = id.script;
    let expander = icu_locale::LocaleExpander::new_extended();
    expander.maximize(&mut id);
    if id.script.is_none() {
        // A deprecated code is known by what it stands for (`prs` is `fa-AF`).
        let mut locale = icu_locale_core::Locale::from(id.clone());
        icu_locale::LocaleCanonicalizer::new_extended().canonicalize(&mut locale);
        id = locale.id;
        expander.maximize(&mut id);
    }
    let script = stated_script.or(id.script).ok_or_else(unknown)?;
    let direction = icu_locale::LocaleDirectionality::new_extended()
        .get(&icu_locale_core::LanguageIdentifier::from(Some(script)))
        .ok_or_else(unknown)?;
    let script = script.as_str().to_owned();
    if crate::typeset::fonts_for_script(&script).is_none() {
        return Err(InitError::NoFont {
            tag: written,
            script,
        });
    }
    Ok(Chosen {
        tag: written,
        script,
        rtl: direction == icu_locale::Direction::RightToLeft,
        name: None,
    })
}

/// Languages the starter's own sentences are written in.
const STARTER_LANGUAGES: &[&str] = &["en", "fr", "es", "ar"];

fn starter(key: &str, language: &str) -> &'static str {
    match (key, language) {
        ("title", "en") => {
            "Standard operating procedures for child protection case management and the Best Interests Procedure"
        }
        ("title", "fr") => {
            "Procédures opérationnelles standard pour la gestion des cas de protection de l'enfance et la procédure de l'intérêt supérieur"
        }
        ("title", "es") => {
            "Procedimientos operativos estándar para la gestión de casos de protección de la niñez y el procedimiento del interés superior"
        }
        ("title", _) => "إجراءات التشغيل الموحدة لإدارة حالات حماية الطفل وإجراءات المصلحة الفضلى",
        ("operation", "en") => "Refugee response",
        ("operation", "fr") => "Réponse aux réfugiés",
        ("operation", "es") => "Respuesta a personas refugiadas",
        ("operation", _) => "الاستجابة للاجئين",
        ("summary", "en") => "First draft.",
        ("summary", "fr") => "Premier projet.",
        ("summary", "es") => "Primer borrador.",
        ("summary", _) => "المسودة الأولى.",
        ("unhcr", "en") => "United Nations High Commissioner for Refugees",
        ("unhcr", "fr") => "Haut-Commissariat des Nations Unies pour les réfugiés",
        ("unhcr", "es") => "Alto Comisionado de las Naciones Unidas para los Refugiados",
        (_, _) => "مفوضية الأمم المتحدة السامية لشؤون اللاجئين",
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("bipgen does not know the script and direction of `{0}`")]
    UnknownLanguage(String),
    #[error("{message}")]
    InvalidLanguage { message: String, help: String },
    #[error("bipgen ships no font for `{script}`, the script of `{tag}`")]
    NoFont { tag: String, script: String },
    #[error("name at least one language")]
    NoLanguage,
    #[error("`{code}` is not an ISO 3166-1 country code{}", .nearest.map(|n| format!(" (did you mean `{n}`?)")).unwrap_or_default())]
    UnknownCountry {
        code: String,
        nearest: Option<&'static str>,
    },
}

impl InitError {
    /// What to do about it.
    pub fn help(&self) -> &str {
        match self {
            InitError::InvalidLanguage { help, .. } => help,
            InitError::NoFont { .. } => {
                "choose a language whose script bipgen prints (see the README's font list), or add its entry by hand once a font is added"
            }
            InitError::UnknownLanguage(_) => {
                "write the language's [[languages]] entry by hand (tag, script, direction, name); see examples/chad/country.toml"
            }
            InitError::NoLanguage => "e.g. --languages fr,ar,en",
            InitError::UnknownCountry { .. } => {
                "use an ISO 3166-1 alpha-2 code, e.g. TD (Chad), SD (Sudan), ET (Ethiopia)"
            }
        }
    }
}

/// Writes the starter configuration text for `country` and `languages` (the first is the
/// default). Languages without starter text fall back on one that has it; when none of
/// the requested languages has starter text, English is added for that purpose.
pub fn starter_config(
    country: &str,
    languages: &[String],
    today: Date,
) -> Result<String, InitError> {
    if !crate::library::codes::is_country(country) {
        return Err(InitError::UnknownCountry {
            code: country.to_owned(),
            nearest: crate::library::codes::nearest_country(country),
        });
    }
    let languages: Vec<&str> = languages
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    if languages.is_empty() {
        return Err(InitError::NoLanguage);
    }
    let mut chosen: Vec<Chosen> = Vec::new();
    for tag in languages {
        let language = choose(tag)?;
        if !chosen.iter().any(|c| c.tag == language.tag) {
            chosen.push(language);
        }
    }
    let written: Vec<&str> = chosen
        .iter()
        .map(|c| c.tag.as_str())
        .filter(|t| STARTER_LANGUAGES.contains(t))
        .collect();
    let fallback = match written.first() {
        Some(&tag) => tag.to_owned(),
        None => {
            chosen.push(Chosen::known(&KNOWN[0]));
            "en".to_owned()
        }
    };
    let fallback = fallback.as_str();
    let text_languages: Vec<String> = chosen
        .iter()
        .map(|c| c.tag.clone())
        .filter(|t| STARTER_LANGUAGES.contains(&t.as_str()))
        .collect();
    let text = |key: &str| {
        let parts: Vec<String> = text_languages
            .iter()
            .map(|l| format!("{} = {}", toml_key(l), toml_string(starter(key, l))))
            .collect();
        format!("{{ {} }}", parts.join(", "))
    };
    let review = Date {
        year: today.year + 1,
        ..today
    };
    let review = if review.month == 2 && review.day == 29 {
        Date { day: 28, ..review }
    } else {
        review
    };

    let mut out = String::new();
    let _ = writeln!(out, "#:schema ./country-config.schema.json");
    let _ = writeln!(out, "# bipgen country configuration: a starting point.");
    let _ = writeln!(
        out,
        "# Check it with `bipgen check country.toml`; build with `bipgen build country.toml --out out`."
    );
    let _ = writeln!(
        out,
        "# Sections left out (roles, steps, risk levels, concerns, BID situations, consent bands,"
    );
    let _ = writeln!(
        out,
        "# KPIs) use bipgen's built-in defaults. examples/chad/country.toml shows every section.\n"
    );
    let _ = writeln!(
        out,
        "# Language the SOP is drafted in; plain strings are read as this language."
    );
    let _ = writeln!(out, "default_language = {}\n", toml_string(&chosen[0].tag));
    let _ = writeln!(out, "[sop]");
    let _ = writeln!(out, "country = {}", toml_string(country));
    let _ = writeln!(out, "title = {}", text("title"));
    let _ = writeln!(out, "operation = {}", text("operation"));
    let _ = writeln!(out, "version = \"0.1.0\"");
    let _ = writeln!(out, "effective_date = {today}");
    let _ = writeln!(out, "review_date = {review}");
    let _ = writeln!(
        out,
        "status = \"draft\"            # \"final\" once endorsed"
    );
    let _ = writeln!(
        out,
        "lead_agencies = [\"unhcr\"]    # ids of [[organisations]]\n"
    );
    let _ = writeln!(out, "[[sop.changelog]]");
    let _ = writeln!(
        out,
        "version = \"0.1.0\"\ndate = {today}\nsummary = {}\n",
        text("summary")
    );
    let _ = writeln!(
        out,
        "# Every language the SOP and forms are produced in. Script (ISO 15924) and direction"
    );
    let _ = writeln!(out, "# are stated, never guessed.");
    for language in &chosen {
        let _ = writeln!(out, "[[languages]]");
        let _ = writeln!(out, "tag = {}", toml_string(&language.tag));
        let _ = writeln!(out, "script = {}", toml_string(&language.script));
        let _ = writeln!(
            out,
            "direction = \"{}\"",
            if language.rtl { "rtl" } else { "ltr" }
        );
        match language.name {
            Some(name) => {
                let _ = writeln!(out, "name = {}", toml_string(name));
            }
            None => {
                // Script and direction come from CLDR's likely subtags; the name does not.
                let _ = writeln!(
                    out,
                    "# Script and direction are CLDR's likely ones for `{}`: check them. Write the\n# language's name as its speakers write it in place of the tag below.",
                    language.tag
                );
                let _ = writeln!(out, "name = {}", toml_string(&language.tag));
            }
        }
        if !STARTER_LANGUAGES.contains(&language.tag.as_str()) {
            let _ = writeln!(
                out,
                "# Until the {} translation is done, {fallback} text stands in (marked on forms).",
                language.tag
            );
            let _ = writeln!(out, "fallback = {}", toml_string(fallback));
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "# Organisations taking part. Add the government, UNICEF, partners, community structures."
    );
    let _ = writeln!(
        out,
        "[[organisations]]\nid = \"unhcr\"\nname = {}\nacronym = \"UNHCR\"\ntype = \"un\"\n",
        text("unhcr")
    );
    let _ = writeln!(
        out,
        "# Until a BID panel is set up, urgent BIDs follow a simplified procedure."
    );
    let _ = writeln!(out, "[bid]\ninterim = \"simplified\"");
    Ok(out)
}

fn toml_string(s: &str) -> String {
    // A JSON string literal is a valid TOML basic string.
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn toml_key(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        s.to_owned()
    } else {
        toml_string(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        "2026-02-01".parse().unwrap()
    }

    #[test]
    fn starter_configurations_pass_check() {
        for languages in [
            &["en"][..],
            &["fr", "ar", "en"],
            &["am", "ti"],
            &["fa-AF", "ps"],
            // Not in bipgen's table: script and direction from CLDR's likely subtags.
            &["lg", "sw", "prs", "ps", "my", "bn"],
            &["yo", "swc", "uz-Cyrl"],
        ] {
            let languages: Vec<String> = languages.iter().map(|s| s.to_string()).collect();
            let text = starter_config("ET", &languages, today()).unwrap();
            let checked = crate::validate::rules::test_support::checked(&text);
            let errors: Vec<_> = checked
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .collect();
            assert!(errors.is_empty(), "{languages:?}: {errors:#?}\n{text}");
        }
    }

    #[test]
    fn unknown_languages_are_refused() {
        assert!(starter_config("TD", &["zz".into()], today()).is_err());
    }

    #[test]
    fn likely_subtags_give_script_and_direction() {
        let entry = |tag: &str| {
            let chosen = choose(tag).unwrap();
            (chosen.script, chosen.rtl, chosen.name.is_some())
        };
        assert_eq!(entry("lg"), ("Latn".into(), false, false));
        assert_eq!(entry("ug"), ("Arab".into(), true, false));
        assert_eq!(entry("uz-Cyrl"), ("Cyrl".into(), false, false));
        assert_eq!(entry("prs"), ("Arab".into(), true, true));
        for (tag, says) in [
            ("arabic", "not an ISO 639 language code"),
            ("ara", "did you mean `ar`"),
            ("chr", "no font for `Cher`"),
        ] {
            let error = choose(tag).err().unwrap();
            let text = format!("{error} {}", error.help());
            assert!(text.contains(says), "{tag}: {text}");
        }
    }
}
