//! A large operation for the scale tests and benchmarks: the Chad example with its service
//! directory replaced by a generated one of any size. Twelve areas (Chad's six camps and
//! six more), thirty concerns (Chad's seventeen and thirteen more), services spread over
//! the areas with names, contacts, hours and eligibility in French, Arabic and English,
//! and one pathway per concern and area (360). The same size gives the same files.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Chad's areas, then six more camps of eastern Chad: (id, French and English name, Arabic).
const AREAS: [(&str, &str, &str); 12] = [
    ("farchana", "Farchana", "فرشنا"),
    ("gaga", "Gaga", "قاقا"),
    ("adre", "Adré", "أدري"),
    ("ourang", "Ourang", "أورانق"),
    ("iriba_touloum", "Iriba – Touloum", "إريبا – تولوم"),
    ("goz_beida_djabal", "Goz Beïda – Djabal", "قوز بيضا – جبل"),
    ("kounoungou", "Kounoungou", "كونونقو"),
    ("mile", "Milé", "ميلي"),
    ("amnabak", "Amnabak", "أم نباك"),
    ("treguine", "Tréguine", "تريقين"),
    ("bredjing", "Bredjing", "بريجينق"),
    ("metche", "Metché", "متشي"),
];
/// The areas Chad's configuration already names; the rest are written here.
const CHAD_AREAS: usize = 6;
/// Where the new camps lie, for their names.
const PROVINCES: [&str; 6] = [
    "Wadi Fira",
    "Wadi Fira",
    "Wadi Fira",
    "Ouaddaï",
    "Ouaddaï",
    "Ouaddaï",
];

/// Chad's concerns.
const CHAD_CONCERNS: [&str; 17] = [
    "unaccompanied",
    "separated",
    "child_headed_household",
    "physical_violence",
    "sexual_violence",
    "neglect",
    "sexual_exploitation",
    "child_labour_worst",
    "child_marriage",
    "child_marriage_risk",
    "fgm",
    "caafag",
    "serious_health",
    "mental_health",
    "disability",
    "tracing_needed",
    "no_documentation",
];

/// Thirteen more concerns: (id, French, Arabic, English, default risk).
const MORE_CONCERNS: [(&str, &str, &str, &str, &str); 13] = [
    (
        "trafficking",
        "Traite d'enfants",
        "الاتجار بالأطفال",
        "Child trafficking",
        "emergency",
    ),
    (
        "abduction",
        "Enlèvement",
        "الاختطاف",
        "Abduction",
        "emergency",
    ),
    (
        "detention",
        "Enfant en détention",
        "طفل محتجز",
        "Child in detention",
        "high",
    ),
    (
        "emotional_abuse",
        "Violence psychologique",
        "الإساءة النفسية",
        "Emotional abuse",
        "medium",
    ),
    (
        "hazardous_work",
        "Travail dangereux",
        "العمل الخطر",
        "Hazardous work",
        "high",
    ),
    (
        "street_connected",
        "Enfant en situation de rue",
        "طفل في وضع الشارع",
        "Street-connected child",
        "high",
    ),
    (
        "recruitment_risk",
        "Risque de recrutement par un groupe armé",
        "خطر التجنيد في جماعة مسلحة",
        "Risk of recruitment by an armed group",
        "high",
    ),
    (
        "out_of_school",
        "Enfant déscolarisé",
        "طفل منقطع عن الدراسة",
        "Child out of school",
        "low",
    ),
    (
        "substance_use",
        "Consommation de substances",
        "تعاطي المواد المخدرة",
        "Substance use",
        "medium",
    ),
    (
        "conflict_with_law",
        "Enfant en conflit avec la loi",
        "طفل في نزاع مع القانون",
        "Child in conflict with the law",
        "high",
    ),
    (
        "adolescent_pregnancy",
        "Grossesse d'une adolescente",
        "حمل مراهقة",
        "Adolescent pregnancy",
        "high",
    ),
    (
        "statelessness_risk",
        "Risque d'apatridie",
        "خطر انعدام الجنسية",
        "Risk of statelessness",
        "medium",
    ),
    (
        "missing_child",
        "Enfant disparu",
        "طفل مفقود",
        "Missing child",
        "emergency",
    ),
];

/// Service types with their names: (type, French, Arabic, English).
const KINDS: [(&str, &str, &str, &str); 12] = [
    (
        "child_protection",
        "Gestion de cas de protection de l'enfance",
        "إدارة حالات حماية الطفل",
        "Child protection case management",
    ),
    (
        "gbv",
        "Prise en charge des survivantes de VBG",
        "رعاية الناجيات من العنف القائم على النوع الاجتماعي",
        "GBV survivor care",
    ),
    (
        "mhpss",
        "Soutien psychosocial",
        "الدعم النفسي الاجتماعي",
        "Psychosocial support",
    ),
    ("health", "Centre de santé", "مركز صحي", "Health centre"),
    (
        "education",
        "Éducation et espaces amis des enfants",
        "التعليم والمساحات الصديقة للطفل",
        "Education and child-friendly spaces",
    ),
    (
        "legal_aid",
        "Aide juridique",
        "المساعدة القانونية",
        "Legal aid",
    ),
    (
        "ftr",
        "Recherche et réunification familiales",
        "البحث عن الأسر ولمّ شملها",
        "Family tracing and reunification",
    ),
    (
        "alternative_care",
        "Prise en charge alternative",
        "الرعاية البديلة",
        "Alternative care",
    ),
    ("nutrition", "Nutrition", "التغذية", "Nutrition"),
    (
        "documentation_civil_registration",
        "Enregistrement des naissances et documents",
        "تسجيل المواليد والوثائق",
        "Birth registration and documents",
    ),
    (
        "livelihoods",
        "Moyens de subsistance pour les familles",
        "سبل العيش للأسر",
        "Livelihoods for families",
    ),
    (
        "safe_shelter",
        "Hébergement sûr",
        "المأوى الآمن",
        "Safe shelter",
    ),
];

/// Organisations of the Chad example that run services, with a domain for their email.
const PROVIDERS: [(&str, &str); 10] = [
    ("ngo_cp_east", "ngo-cp-east.example.org"),
    ("ngo_gbv_mhpss", "ngo-gbv-east.example.org"),
    ("ngo_health", "ngo-health.example.org"),
    ("ngo_legal_aid", "ngo-legal-aid.example.org"),
    ("unicef", "unicef.example.org"),
    ("unhcr", "unhcr.example.org"),
    ("crt", "croix-rouge-tchad.example.org"),
    ("mfppe", "mfppe.example.org"),
    ("menpc", "menpc.example.org"),
    ("iom", "iom.example.org"),
];

const TIMEFRAMES: [&str; 4] = ["immediate", "3h", "1d", "3d"];

/// Writes the operation with `services` services into `dir` (made if needed) and returns
/// the path of its `country.toml`.
/// The services go into files of this many, as a team splits a large directory to stay
/// under the size bipgen accepts for one file.
const SERVICES_PER_FILE: usize = 2_000;

pub fn write(dir: &Path, services: usize) -> io::Result<PathBuf> {
    let chad = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/chad");
    fs::create_dir_all(dir)?;
    let (directory, parts) = directory(services);
    let mut includes = vec!["\"services.toml\"".to_owned()];
    for (i, part) in parts.iter().enumerate() {
        let name = format!("services-{:02}.toml", i + 1);
        fs::write(dir.join(&name), part)?;
        includes.push(format!("\"{name}\""));
    }
    let country = fs::read_to_string(chad.join("country.toml"))?.replace(
        "include = [\"services.toml\"]",
        &format!("include = [{}]", includes.join(", ")),
    );
    fs::write(dir.join("country.toml"), country)?;
    fs::write(dir.join("services.toml"), directory)?;
    Ok(dir.join("country.toml"))
}

/// The text of `services.toml` (the extra areas and concerns and the pathways) and of
/// the files that hold the services.
pub fn directory(services: usize) -> (String, Vec<String>) {
    let mut text = String::with_capacity(200_000);
    let mut parts: Vec<String> = Vec::new();
    text.push_str(&format!(
        "# Generated service directory: {services} services, {} areas, {} concerns.\n",
        AREAS.len(),
        CHAD_CONCERNS.len() + MORE_CONCERNS.len()
    ));
    for (i, (id, name, arabic)) in AREAS.iter().enumerate().skip(CHAD_AREAS) {
        let province = PROVINCES[i - CHAD_AREAS];
        let _ = write!(
            text,
            "\n[[areas]]\nid = \"{id}\"\nname = {{ fr = \"{name} (camp, {province})\", ar = \"{arabic} (مخيم)\", en = \"{name} (camp, {province})\" }}\n"
        );
    }
    for (id, fr, ar, en, risk) in MORE_CONCERNS {
        let _ = write!(
            text,
            "\n[[concerns]]\nid = \"{id}\"\nlabel = {{ fr = \"{fr}\", ar = \"{ar}\", en = \"{en}\" }}\ndefault_risk = \"{risk}\"\n"
        );
    }
    let mut serving: Vec<Vec<usize>> = vec![Vec::new(); AREAS.len()];
    for i in 0..services {
        let area = service_area(i);
        if let Some(area) = area {
            serving[area].push(i);
        }
        if i % SERVICES_PER_FILE == 0 {
            parts.push(String::with_capacity(1_400 * SERVICES_PER_FILE));
        }
        if let Some(part) = parts.last_mut() {
            write_service(part, i, area);
        }
    }
    let everywhere: Vec<usize> = (0..services)
        .filter(|i| service_area(*i).is_none())
        .collect();
    let concerns = CHAD_CONCERNS
        .iter()
        .copied()
        .chain(MORE_CONCERNS.iter().map(|c| c.0));
    for (c, concern) in concerns.enumerate() {
        for (a, area) in AREAS.iter().enumerate() {
            let mut chosen: Vec<usize> = Vec::new();
            let local = &serving[a];
            for k in 0..local.len().min(3) {
                chosen.push(local[(c + k) % local.len()]);
            }
            if let Some(all) = everywhere.get(c % everywhere.len().max(1)) {
                chosen.push(*all);
            }
            if chosen.is_empty() {
                continue;
            }
            chosen.sort_unstable();
            chosen.dedup();
            let list: Vec<String> = chosen.iter().map(|i| format!("\"service_{i}\"")).collect();
            let _ = write!(
                text,
                "\n[[pathways]]\nconcern = \"{concern}\"\nareas = [\"{}\"]\nreferred_by = [\"caseworker\", \"cp_focal_point\"]\nservices = [{}]\ntimeframe = \"{}\"\n",
                area.0,
                list.join(", "),
                TIMEFRAMES[(c + a) % TIMEFRAMES.len()]
            );
        }
    }
    (text, parts)
}

/// The area service `i` serves, or `None` for one in ten that serves them all.
fn service_area(i: usize) -> Option<usize> {
    (i % 10 != 9).then_some(i % AREAS.len())
}

/// The id of the area service `i` serves, or `None` when it serves every area.
#[allow(dead_code)] // the benchmarks do not look inside the directory
pub fn service_area_id(i: usize) -> Option<&'static str> {
    service_area(i).map(|a| AREAS[a].0)
}

/// The number of areas of every generated operation.
#[allow(dead_code)]
pub const AREA_COUNT: usize = AREAS.len();

fn write_service(text: &mut String, i: usize, area: Option<usize>) {
    let (kind, fr, ar, en) = KINDS[(i / AREAS.len()) % KINDS.len()];
    let (provider, domain) = PROVIDERS[(i * 7 + i / 13) % PROVIDERS.len()];
    let (place_fr, place_ar) = match area {
        Some(a) => (AREAS[a].1.to_owned(), AREAS[a].2.to_owned()),
        None => ("tous les camps".to_owned(), "جميع المخيمات".to_owned()),
    };
    let place_en = match area {
        Some(a) => AREAS[a].1,
        None => "all camps",
    };
    let point = i / (AREAS.len() * KINDS.len()) + 1;
    let _ = write!(
        text,
        "\n[[services]]\nid = \"service_{i}\"\nname = {{ fr = \"{fr} – {place_fr}, point {point}\", ar = \"{ar} – {place_ar}، النقطة {point}\", en = \"{en} – {place_en}, point {point}\" }}\ntype = \"{kind}\"\nprovider = \"{provider}\"\n"
    );
    if let Some(a) = area {
        let _ = writeln!(text, "areas = [\"{}\"]", AREAS[a].0);
    }
    let _ = writeln!(
        text,
        "contact = {{ name = \"Point focal {en} {i}\", phone = \"+235 6{} {:02} {:02} {:02}\", email = \"point{i}@{domain}\" }}",
        6 + i % 3,
        (i / 10_000) % 100,
        (i / 100) % 100,
        i % 100,
    );
    text.push_str("hours = { fr = \"Lundi–jeudi 7 h 30–15 h 30, vendredi 7 h 30–12 h\", ar = \"من الاثنين إلى الخميس 7:30–15:30، والجمعة 7:30–12:00\", en = \"Monday–Thursday 7:30–15:30, Friday 7:30–12:00\" }\n");
    let _ = write!(
        text,
        "eligibility.fr = \"Enfants et familles de {place_fr} orientés par un travailleur social ; les cas urgents sont reçus le jour même.\"\neligibility.ar = \"الأطفال والأسر في {place_ar} المحالون من أخصائي اجتماعي؛ وتُستقبل الحالات العاجلة في اليوم نفسه.\"\neligibility.en = \"Children and families in {place_en} referred by a caseworker; urgent cases are seen the same day.\"\n"
    );
    let languages = match i % 3 {
        0 => "[\"fr\", \"ar\"]",
        1 => "[\"fr\", \"ar\", \"mls\"]",
        _ => "[\"ar\", \"fvr\", \"zag\"]",
    };
    let _ = writeln!(text, "languages = {languages}");
    text.push_str("cost = { fr = \"Gratuit\", ar = \"مجاني\", en = \"Free\" }\n");
}

/// Copies the files of the Chad example into `dir`, to edit there; its configuration.
#[allow(dead_code)] // not every user of this module edits Chad
pub fn copy_chad(dir: &Path) -> io::Result<PathBuf> {
    fs::create_dir_all(dir)?;
    for entry in fs::read_dir("examples/chad")? {
        let entry = entry?;
        if entry.path().is_file() {
            fs::copy(entry.path(), dir.join(entry.file_name()))?;
        }
    }
    Ok(dir.join("country.toml"))
}
